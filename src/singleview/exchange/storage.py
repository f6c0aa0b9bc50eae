"""Exchange tables: enquiries held for review (responder side) and enquiries sent (requester side).

Everything the several workers of a node must share lives here, never in process memory: which
held enquiry has been answered (and the answer, so every poll gets the same one), and each
partner's part of a practitioner's enquiry as it arrives, so any worker can show it.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from singleview.db import Base, as_utc
from singleview.exchange.single_view import PartnerState


class HeldEnquiryRow(Base):
    """An enquiry a partner sent us that waits for our IG officer (responder side)."""

    __tablename__ = "exchange_held_enquiry"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    review_id: Mapped[str] = mapped_column(String(36), index=True)
    requester_org_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(200))
    #: The validated enquiry (our canonical JSON), kept only until it is answered.
    enquiry: Mapped[str | None] = mapped_column(Text)
    #: ``waiting`` → ``answering`` (one worker claimed it) → ``answered``.
    status: Mapped[str] = mapped_column(String(20))
    answer_status: Mapped[int | None] = mapped_column(Integer)
    answer_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SentEnquiryRow(Base):
    """An enquiry a practitioner here sent to the partners (requester side)."""

    __tablename__ = "exchange_sent_enquiry"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    practitioner_id: Mapped[str] = mapped_column(String(200), index=True)
    practitioner_name: Mapped[str] = mapped_column(String(200))
    practitioner_role: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(64))
    case_reference: Mapped[str | None] = mapped_column(String(200))
    #: The enquiry as sent (our canonical JSON): the practitioner's own question.
    enquiry: Mapped[str] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    deadline_seconds: Mapped[float] = mapped_column(Float)


class PartnerAnswerRow(Base):
    """One partner's part of one sent enquiry, updated as the answer arrives."""

    __tablename__ = "exchange_partner_answer"

    enquiry_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("exchange_sent_enquiry.id"), primary_key=True
    )
    partner_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    partner_name: Mapped[str] = mapped_column(String(300))
    endpoint: Mapped[str] = mapped_column(String(500))
    #: A ``PartnerState`` value, or ``asking`` while the first answer is awaited.
    state: Mapped[str] = mapped_column(String(30))
    elapsed_ms: Mapped[float | None] = mapped_column(Float)
    answer: Mapped[str | None] = mapped_column(Text)
    refusal_codes: Mapped[str | None] = mapped_column(Text)
    refusal_text: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str | None] = mapped_column(Text)
    poll_url: Mapped[str | None] = mapped_column(String(1000))
    next_poll_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    #: When the polls of a held review started failing (None while they succeed).
    poll_failing_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


def claim_held(session: Session, held_id: str) -> bool:
    """Mark a waiting held enquiry as being answered; False if another worker got there first."""
    result = session.execute(
        update(HeldEnquiryRow)
        .where(HeldEnquiryRow.id == held_id, HeldEnquiryRow.status == "waiting")
        .values(status="answering")
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def claim_poll(
    session: Session, enquiry_id: str, partner_id: str, due: dt.datetime, next_at: dt.datetime
) -> bool:
    """Take the next poll of a waiting partner (conditional, so one worker polls at a time)."""
    result = session.execute(
        update(PartnerAnswerRow)
        .where(
            PartnerAnswerRow.enquiry_id == enquiry_id,
            PartnerAnswerRow.partner_id == partner_id,
            PartnerAnswerRow.next_poll_at == due,
        )
        .values(next_poll_at=next_at)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def note_poll_failure(
    session: Session, enquiry_id: str, partner_id: str, problem: str, now: dt.datetime
) -> dt.datetime | None:
    """Remember a failed poll of a partner still waiting for review; when its streak began.

    The streak's start is kept if one is running (so it is never reset by a later failure),
    otherwise it is ``now``. None if the partner is no longer waiting (another worker stored
    its answer meanwhile).
    """
    row = session.get(PartnerAnswerRow, (enquiry_id, partner_id), with_for_update=True)
    if row is None or row.state != PartnerState.WAITING_FOR_REVIEW.value:
        return None
    if row.poll_failing_since is None:
        row.poll_failing_since = now
    row.problem = problem
    row.updated_at = now
    return as_utc(row.poll_failing_since)


def clear_poll_failures(session: Session, enquiry_id: str, partner_id: str) -> None:
    """A poll got a verified answer: forget the failure streak and its last reason."""
    session.execute(
        update(PartnerAnswerRow)
        .where(
            PartnerAnswerRow.enquiry_id == enquiry_id,
            PartnerAnswerRow.partner_id == partner_id,
            PartnerAnswerRow.poll_failing_since.is_not(None),
        )
        .values(poll_failing_since=None, problem=None)
    )


def due_polls(session: Session, now: dt.datetime, limit: int = 50) -> list[PartnerAnswerRow]:
    """Waiting partners whose next poll is due."""
    return list(
        session.scalars(
            select(PartnerAnswerRow)
            .where(PartnerAnswerRow.next_poll_at.is_not(None), PartnerAnswerRow.next_poll_at <= now)
            .order_by(PartnerAnswerRow.next_poll_at)
            .limit(limit)
        )
    )


def held_for_review(session: Session, review_id: str) -> HeldEnquiryRow | None:
    """The held enquiry behind a review item, if this node holds one."""
    return session.scalars(
        select(HeldEnquiryRow).where(HeldEnquiryRow.review_id == review_id)
    ).first()


_ANSWERS_TABLE = cast(Table, PartnerAnswerRow.__table__)
_ANSWERS = _ANSWERS_TABLE.c
_RECORD_FIRST_ANSWER = (
    update(_ANSWERS_TABLE)
    .where(_ANSWERS.enquiry_id == bindparam("row_enquiry_id"))
    .where(_ANSWERS.partner_id == bindparam("row_partner_id"))
)


def add_partners_asked(session: Session, rows: list[dict[str, object]]) -> None:
    """Add a new enquiry's partner rows in one INSERT run for them all. On the path every
    enquiry takes before its first request goes out: with fifty partners the ORM's unit of
    work took 5.3-6.0 ms of CPU, this takes 1.9-2.1 (the sent enquiry's row included)."""
    if rows:
        session.execute(insert(PartnerAnswerRow), rows)


def record_first_answers(session: Session, answers: list[dict[str, object]]) -> None:
    """Set several partners' first answers in one statement run for each (no reads first).

    Each dict names its row as ``row_enquiry_id`` and ``row_partner_id`` and gives the
    columns to set (state, elapsed_ms, answer, ..., updated_at).
    """
    if answers:
        session.connection().execute(_RECORD_FIRST_ANSWER, answers)
