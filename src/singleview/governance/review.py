"""The review queue: enquiries the PDP sent to REVIEW wait here for an IG officer.

The officer approves or refuses with a reason; the final decision is kept with who made it
and when. Settling is a conditional update, so with several workers or hosts sharing one
database, an item is settled exactly once.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, replace
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from singleview.db import as_utc
from singleview.governance import storage
from singleview.governance.models import Decision, Reason, decision_from_dict, decision_to_dict

ReviewStatus = Literal["pending", "approved", "refused"]


class ReviewNotFoundError(LookupError):
    """No review item has that id."""


class ReviewAlreadySettledError(ValueError):
    """The review item was already approved or refused."""


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """An enquiry awaiting, or settled by, an IG officer."""

    id: str
    enquiry_id: str
    requester_org_id: str
    purpose: str
    decision: Decision
    status: ReviewStatus
    created_at: dt.datetime
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    note: str | None = None
    final_decision: Decision | None = None


def _item(row: storage.ReviewItemRow) -> ReviewItem:
    status: ReviewStatus = "pending"
    if row.status in ("approved", "refused"):
        status = "approved" if row.status == "approved" else "refused"
    return ReviewItem(
        id=row.id,
        enquiry_id=row.enquiry_id,
        requester_org_id=row.requester_org_id,
        purpose=row.purpose,
        decision=decision_from_dict(json.loads(row.decision)),
        status=status,
        created_at=as_utc(row.created_at),
        decided_by=row.decided_by,
        decided_at=None if row.decided_at is None else as_utc(row.decided_at),
        note=row.decision_note,
        final_decision=None
        if row.final_decision is None
        else decision_from_dict(json.loads(row.final_decision)),
    )


def submit_for_review(
    sessions: sessionmaker[Session],
    *,
    enquiry_id: str,
    requester_org_id: str,
    purpose: str,
    decision: Decision,
    created_at: dt.datetime,
) -> ReviewItem:
    """Queue a REVIEW decision for an IG officer; returns the new item (its id is a UUID)."""
    if decision.outcome != "REVIEW":
        raise ValueError(f"only REVIEW decisions are queued, not {decision.outcome}")
    row = storage.ReviewItemRow(
        id=str(uuid.uuid4()),
        enquiry_id=enquiry_id,
        requester_org_id=requester_org_id,
        purpose=purpose,
        policy_id=decision.policy.policy_id if decision.policy else None,
        policy_version=decision.policy.version if decision.policy else None,
        policy_digest=decision.policy.digest if decision.policy else None,
        decision=json.dumps(decision_to_dict(decision)),
        status="pending",
        created_at=created_at,
    )
    with sessions.begin() as session:
        storage.add_review_item(session, row)
        return _item(row)


def get_review(sessions: sessionmaker[Session], item_id: str) -> ReviewItem:
    """One review item by id; ``ReviewNotFoundError`` when there is none."""
    with sessions() as session:
        row = storage.get_review_row(session, item_id)
        if row is None:
            raise ReviewNotFoundError(f"no review item {item_id}")
        return _item(row)


def pending_reviews(sessions: sessionmaker[Session]) -> list[ReviewItem]:
    """Every item still waiting for an IG officer, oldest first."""
    with sessions() as session:
        return [_item(row) for row in storage.pending_review_rows(session)]


def _awaits_officer(reason: Reason) -> bool:
    return reason.code == "professional-judgement" and reason.status == "unknown"


def _settle(
    sessions: sessionmaker[Session],
    item_id: str,
    *,
    approve: bool,
    officer: str,
    reason: str,
    decided_at: dt.datetime,
) -> ReviewItem:
    if not officer.strip():
        raise ValueError("officer: say who is settling the review")
    if not reason.strip():
        raise ValueError("reason: an approval or refusal must give a reason")
    current = get_review(sessions, item_id)
    when = decided_at.astimezone(dt.UTC).strftime("%-d %B %Y at %H:%M UTC")
    verdict = Reason(
        "professional-judgement",
        "satisfied" if approve else "failed",
        f"An information governance officer, {officer.strip()}, "
        f"{'approved' if approve else 'refused'} on {when}. Reason given: {reason.strip()}",
        current.decision.policy.policy_id if current.decision.policy else None,
    )
    # The verdict answers the route's open question ("an IG officer must decide"), so it takes
    # that reason's place: a refusal tells the partner who asked the officer's reason, not that
    # a decision was needed. The held answer's audit entry keeps the question.
    kept = [r for r in current.decision.reasons if not _awaits_officer(r)]
    if approve:
        # The officer has looked at the reserved services too, so nothing is left for review.
        final = replace(
            current.decision,
            outcome="PERMIT",
            reasons=(*kept, verdict),
            services_for_review=(),
        )
    else:
        # A refusal releases nothing, so what a release would have withheld is no reason for it
        # (and would tell the partner who asked about this node's local rules for nothing).
        refused = (r for r in kept if r.code != "service-suppressed")
        final = Decision(outcome="DENY", reasons=(*refused, verdict))
    with sessions.begin() as session:
        settled = storage.settle_review_row(
            session,
            item_id,
            status="approved" if approve else "refused",
            officer=officer.strip(),
            note=reason.strip(),
            decided_at=decided_at,
            final_decision=json.dumps(decision_to_dict(final)),
        )
    if not settled:
        again = get_review(sessions, item_id)
        raise ReviewAlreadySettledError(
            f"review item {item_id} was already {again.status} by {again.decided_by}"
        )
    return get_review(sessions, item_id)


def approve_review(
    sessions: sessionmaker[Session],
    item_id: str,
    *,
    officer: str,
    reason: str,
    decided_at: dt.datetime,
) -> ReviewItem:
    """An IG officer permits the enquiry, on the terms the PDP set out; returns the item."""
    return _settle(
        sessions, item_id, approve=True, officer=officer, reason=reason, decided_at=decided_at
    )


def refuse_review(
    sessions: sessionmaker[Session],
    item_id: str,
    *,
    officer: str,
    reason: str,
    decided_at: dt.datetime,
) -> ReviewItem:
    """An IG officer refuses the enquiry; returns the item with its final DENY."""
    return _settle(
        sessions, item_id, approve=False, officer=officer, reason=reason, decided_at=decided_at
    )
