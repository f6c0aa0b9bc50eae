"""The single view as the web pages, the JSON API and the CLI show it (JSON: camelCase keys).

Partner states are the ``PartnerState`` values, plus ``asking`` while a partner's first answer
is still awaited. "Not known" only ever comes from a verified, well-formed no-match answer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from singleview.db import as_utc
from singleview.exchange import storage
from singleview.exchange.single_view import PartnerState, summary_words
from singleview.standards.answer import Answer, DecisionSummary
from singleview.standards.enquiry import Enquiry
from singleview.standards.involvement import Involvement, OrganisationContact
from singleview.standards.person import Person

ASKING = "asking"
#: States after which nothing more will arrive for a partner.
FINAL_STATES = frozenset(
    {PartnerState.KNOWN, PartnerState.MAY_KNOW, PartnerState.NOT_KNOWN, PartnerState.REFUSED}
    | {PartnerState.NO_ANSWER}
)


class _View(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class PartnerView(_View):
    """One partner's part of the single view."""

    organisation_id: str
    name: str
    endpoint: str
    state: str = Field(
        description="known | may-know | not-known | refused | "
        "waiting-for-review | no-answer | asking"
    )
    summary: str
    elapsed_ms: float | None = None
    match_grade: str | None = None
    score: float | None = None
    multiple_matches: bool = False
    contact: OrganisationContact | None = None
    involvements: tuple[Involvement, ...] = ()
    decision: DecisionSummary | None = None
    refusal_codes: tuple[str, ...] = ()
    refusal_text: str | None = None
    problem: str | None = None
    receipt_leaf_index: int | None = None


class Practitioner(_View):
    """Who asked."""

    id: str
    name: str
    role: str


class EnquiryView(_View):
    """The single view of one enquiry so far."""

    id: str
    started_at: dt.datetime
    elapsed_seconds: float
    complete: bool = Field(description="no partner is still being asked or holding a review")
    practitioner: Practitioner
    purpose: str
    case_reference: str | None = None
    person: Person
    summary: dict[str, int]
    call_first: tuple[str, ...] = Field(description="organisation ids worth a call, best first")
    partners: tuple[PartnerView, ...]


class EnquirySummary(_View):
    """One line of a practitioner's list of enquiries."""

    id: str
    started_at: dt.datetime
    purpose: str
    case_reference: str | None = None
    person_name: str
    complete: bool
    summary: dict[str, int]

    @classmethod
    def of(cls, view: EnquiryView) -> EnquirySummary:
        """The summary line of a full view."""
        name = view.person.names[0]
        shown = " ".join([*name.given_names, name.family_name])
        return cls(
            id=view.id,
            started_at=view.started_at,
            purpose=view.purpose,
            case_reference=view.case_reference,
            person_name=shown.strip() or "(no name given)",
            complete=view.complete,
            summary=view.summary,
        )


def _summary_words(row: storage.PartnerAnswerRow) -> str:
    if row.state == ASKING:
        return "Still waiting for an answer"
    return summary_words(PartnerState(row.state), row.refusal_text, row.problem)


def partner_view(row: storage.PartnerAnswerRow) -> PartnerView:
    """A stored partner answer as the view shows it."""
    answer = None if row.answer is None else Answer.model_validate_json(row.answer)
    return PartnerView(
        organisation_id=row.partner_id,
        name=row.partner_name,
        endpoint=row.endpoint,
        state=row.state,
        summary=_summary_words(row),
        elapsed_ms=row.elapsed_ms,
        match_grade=answer.match_grade if answer else None,
        score=answer.score if answer else None,
        multiple_matches=answer.multiple_matches if answer else False,
        contact=answer.contact if answer else None,
        involvements=answer.involvements if answer else (),
        decision=answer.decision if answer else None,
        refusal_codes=tuple(json.loads(row.refusal_codes)) if row.refusal_codes else (),
        refusal_text=row.refusal_text,
        problem=row.problem,
        receipt_leaf_index=answer.receipt.leaf_index if answer and answer.receipt else None,
    )


def _call_rank(view: PartnerView) -> tuple[int, int, float]:
    active = any(i.status == "active" for i in view.involvements)
    grade = {"certain": 0, "probable": 1, "possible": 2}.get(view.match_grade or "", 3)
    return (0 if active else 1, grade, -(view.score or 0.0))


def enquiry_view(
    sent: storage.SentEnquiryRow, rows: list[storage.PartnerAnswerRow], now: dt.datetime
) -> EnquiryView:
    """The single view from the stored enquiry and its partners' answers."""
    partners = tuple(partner_view(row) for row in rows)
    enquiry = Enquiry.model_validate_json(sent.enquiry)
    started = as_utc(sent.started_at)
    finished = all(p.state in FINAL_STATES for p in partners)
    end = max(as_utc(r.updated_at) for r in rows) if finished and rows else now
    worth = [p for p in partners if p.state in (PartnerState.KNOWN, PartnerState.MAY_KNOW)]
    return EnquiryView(
        id=sent.id,
        started_at=started,
        elapsed_seconds=round((end - started).total_seconds(), 3),
        complete=finished,
        practitioner=Practitioner(
            id=sent.practitioner_id, name=sent.practitioner_name, role=sent.practitioner_role
        ),
        purpose=sent.purpose,
        case_reference=sent.case_reference,
        person=enquiry.subject,
        summary=dict(Counter(p.state for p in partners)),
        call_first=tuple(p.organisation_id for p in sorted(worth, key=_call_rank)),
        partners=partners,
    )
