"""Measure the matcher on a synthetic world (``singleview records synth`` output, FORMATS.md).

Each organisation's records are indexed into a database, the enquiries sent to it are matched,
and every answer is paired with the truth, giving labelled outcomes for choosing thresholds
and for the acceptance figures.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from singleview.matching.bands import Band
from singleview.matching.batch import index_file
from singleview.matching.calibrate import Outcome
from singleview.matching.files import UnreadableRow, read_people
from singleview.matching.model import MatchModel
from singleview.matching.service import match_standardised
from singleview.matching.storage import BlockingKey, IndexedPerson


@dataclass(frozen=True, slots=True)
class TimedOutcome:
    """A labelled outcome and how long the match took (seconds)."""

    outcome: Outcome
    seconds: float


def enquiry_truth(world: Path) -> dict[str, str | None]:
    """Enquiry id → the true record id at the organisation asked (None: not held)."""
    with (world / "enquiries-truth.csv").open(newline="", encoding="utf-8") as stream:
        return {row["enquiry_id"]: (row["record_id"] or None) for row in csv.DictReader(stream)}


def organisations(world: Path) -> list[str]:
    """The organisations in ``world`` that have both records and enquiries."""
    return sorted(
        path.stem.removeprefix("enquiries-")
        for path in world.glob("enquiries-*.jsonl")
        if (world / f"{path.stem.removeprefix('enquiries-')}.jsonl").exists()
    )


def clear_index(session: Session) -> None:
    """Empty the matcher's index (before loading another organisation's records)."""
    session.execute(delete(BlockingKey))
    session.execute(delete(IndexedPerson))


def labelled_outcomes(
    session: Session, model: MatchModel, world: Path, organisation: str, *, limit: int | None = None
) -> Iterator[TimedOutcome]:
    """Index ``organisation``'s records, match the enquiries sent to it, label each answer."""
    truth = enquiry_truth(world)
    clear_index(session)
    index_file(session, world / f"{organisation}.jsonl")
    session.commit()
    for number, item in enumerate(read_people(world / f"enquiries-{organisation}.jsonl")):
        if limit is not None and number >= limit:
            return
        if isinstance(item, UnreadableRow):
            continue
        started = time.perf_counter()
        result = match_standardised(session, item, model)
        seconds = time.perf_counter() - started
        scores = tuple(
            (c.record_id, c.probability, c.ruled_out_of_certain) for c in result.candidates
        )
        yield TimedOutcome(
            Outcome(
                enquiry_id=item.record_id,
                true_record_id=truth.get(item.record_id),
                scores=scores,
                insufficient=result.band is Band.INSUFFICIENT,
                candidates_considered=result.candidates_considered,
            ),
            seconds,
        )
