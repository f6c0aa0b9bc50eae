"""The matcher's public functions: match one enquiry, keep the index in step with the records.

``match`` is what the Exchange calls on the responder path once the decision permits it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete
from sqlalchemy.orm import Session

from singleview.matching.bands import Band, decide_band, insufficiency
from singleview.matching.model import MatchModel
from singleview.matching.result import Candidate, MatchResult
from singleview.matching.scorer import score_pair
from singleview.matching.standardise import StandardisedPerson, standardise
from singleview.matching.storage import (
    BlockingKey,
    IndexedPerson,
    find_candidates,
    index_people,
    remove_people,
)
from singleview.records.models import StoredPerson
from singleview.records.service import PeopleChanged, iter_people
from singleview.standards.person import Person

#: How many runners-up a result keeps for the audit.
KEPT_CANDIDATES = 5


def match_standardised(
    session: Session, enquiry: StandardisedPerson, model: MatchModel
) -> MatchResult:
    """Match an already standardised enquiry against the node's index."""
    thresholds = (model.thresholds.certain, model.thresholds.possible)
    trained_at = model.trained_on.get("trainedAt")
    reason = insufficiency(enquiry)
    if reason:
        return MatchResult(
            band=Band.INSUFFICIENT,
            best_record_id=None,
            probability=None,
            candidates_considered=0,
            notes=(*enquiry.notes, reason),
            thresholds=thresholds,
            model_trained_at=trained_at,
        )
    candidates = find_candidates(session, enquiry)
    scores = sorted(
        (score_pair(model, enquiry, record) for record in candidates),
        key=lambda s: (-s.probability, s.record_id),
    )
    band = decide_band([(s.probability, bool(s.blocks_certain)) for s in scores], model.thresholds)
    by_id = {record.record_id: record for record in candidates}
    best = (
        score_pair(model, enquiry, by_id[scores[0].record_id], show_values=True) if scores else None
    )
    return MatchResult(
        band=band,
        best_record_id=best.record_id if best and band is not Band.NO_MATCH else None,
        probability=best.probability if best else None,
        candidates_considered=len(scores),
        candidates=tuple(
            Candidate(s.record_id, s.probability, bool(s.blocks_certain))
            for s in scores[:KEPT_CANDIDATES]
        ),
        waterfall=best,
        notes=enquiry.notes,
        thresholds=thresholds,
        model_trained_at=trained_at,
    )


def match(
    session: Session, person: Person, model: MatchModel, notes: tuple[str, ...] = ()
) -> MatchResult:
    """Find ``person`` in the node's records: band, best record, probability, explanation.

    ``notes`` carries what was dropped before parsing (see ``standardise.lenient_person``).
    """
    return match_standardised(session, standardise("enquiry", person, notes), model)


def on_people_changed(
    session: Session, changed: Iterable[tuple[str, Person]], removed: Iterable[str] = ()
) -> None:
    """Keep the index in step with the records: re-index changed people, drop removed ones."""
    remove_people(session, list(removed))
    index_people(session, (standardise(record_id, person) for record_id, person in changed))


def standardise_stored(stored: StoredPerson) -> StandardisedPerson:
    """The matcher's view of a person the records capability holds."""
    return standardise(stored.record_id, stored.person)


def index_callback(session: Session) -> PeopleChanged:
    """A callback for ``records.service.import_records``: indexes each batch as it is written."""

    def changed(batch: Sequence[tuple[str, Person]]) -> None:
        on_people_changed(session, batch)

    return changed


def rebuild_index(session: Session) -> int:
    """Empty the index and rebuild it from every person the node holds; returns the count."""
    session.execute(delete(BlockingKey))
    session.execute(delete(IndexedPerson))
    return index_people(
        session, (standardise_stored(p) for p in iter_people(session)), replace=False
    )
