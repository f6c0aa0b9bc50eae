"""Counting exchanges in the log's report columns, for pages that must not parse every entry.

A node answering a few hundred enquiries a second logs millions of entries a fortnight; reading
and parsing each one to count them took the alerts page 25-52 s and 3.3 GB on the benchmark
node's 479,440 entries. These counts are ``GROUP BY`` queries over the report columns instead.

An exchange is one request id between one requester and one responder, however many entries
it has. Times are when each entry was logged, not the time its record states: the log indexes
that column, and the two differ only by the moment between an event and its append.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased

from singleview.audit.storage import AuditEntryRow, _conditions
from singleview.db import as_utc

#: The entries that carry an answer: sent by a responder, received by a requester.
ANSWER_KINDS = ("answer-received", "answer-sent")


#: What one exchange's entries share. ``request_id || ''`` is the same text, but no index holds
#: it: grouped by the column itself, SQLite walked the whole log in the order of the request id
#: index rather than sort what the logged_at index finds for the window (plan tests).
EXCHANGE = (
    AuditEntryRow.request_id + "",
    AuditEntryRow.requester_org_id,
    AuditEntryRow.responder_org_id,
)


@dataclass(frozen=True, slots=True)
class PractitionerCount:
    """How many exchanges one practitioner of one requesting organisation began in two periods:
    ``earlier`` (before the split) and ``recent`` (at or after it)."""

    requester_org_id: str
    practitioner_id: str
    recent: int
    earlier: int


def exchanges_per_practitioner(
    engine: Engine,
    *,
    since: dt.datetime,
    split_at: dt.datetime,
    until: dt.datetime,
    kinds: Collection[str],
) -> list[PractitionerCount]:
    """Exchanges whose first entry of ``kinds`` was logged from ``since`` to ``until``, counted
    by requester and practitioner, split at ``split_at``."""
    query = exchanges_query(since=since, split_at=split_at, until=until, kinds=kinds)
    with engine.connect() as conn:
        return [
            PractitionerCount(organisation, practitioner, int(new), int(total) - int(new))
            for organisation, practitioner, new, total in conn.execute(query)
        ]


def exchanges_query(
    *, since: dt.datetime, split_at: dt.datetime, until: dt.datetime, kinds: Collection[str]
) -> Select[str, str, int, int]:
    """The query ``exchanges_per_practitioner`` runs: organisation, practitioner, how many
    exchanges began at or after ``split_at``, and how many in all."""
    first = (
        select(
            AuditEntryRow.requester_org_id.label("organisation"),
            func.coalesce(AuditEntryRow.practitioner_id, "").label("practitioner"),
            func.min(AuditEntryRow.logged_at).label("logged_at"),
        )
        # Through the logged_at index (the search's own conditions keep the kind off its
        # index), so a log kept for years is read only for the weeks asked about.
        .where(*_conditions(since=since, kinds=kinds), AuditEntryRow.logged_at <= until)
        .group_by(*EXCHANGE, AuditEntryRow.practitioner_id)
        .subquery()
    )
    recent = func.sum(case((first.c.logged_at >= split_at, 1), else_=0))
    return (
        select(first.c.organisation, first.c.practitioner, recent, func.count())
        .group_by(first.c.organisation, first.c.practitioner)
        .order_by(first.c.organisation, first.c.practitioner)
    )


@dataclass(frozen=True, slots=True)
class ExchangeSummary:
    """One exchange as the log shows it from ``since`` on."""

    requester_org_id: str
    responder_org_id: str
    purpose: str
    #: when its first entry was logged
    began: dt.datetime
    #: the last answer's decision ("no decision" for an answer without one), None if unanswered
    outcome: str | None
    #: when its final answer (the last that was not "held for review") was logged, if that was
    #: not its first entry
    answered: dt.datetime | None


def exchanges_since(engine: Engine, since: dt.datetime) -> list[ExchangeSummary]:
    """Every exchange with an entry logged at or after ``since``, from the entries since."""
    query = exchanges_since_query(since)
    with engine.connect() as conn:
        return [
            ExchangeSummary(
                requester,
                responder,
                purpose or "",
                as_utc(began),
                None if answer is None else (outcome or "no decision"),
                as_utc(answered) if answered is not None and final != first else None,
            )
            for requester, responder, purpose, began, first, answer, outcome, final, answered in (
                conn.execute(query)
            )
        ]


def exchanges_since_query(
    since: dt.datetime,
) -> Select[
    str, str, str | None, dt.datetime, int, int | None, str | None, int | None, dt.datetime | None
]:
    """The query ``exchanges_since`` runs: per exchange, its requester, responder, purpose, when
    it began, its first entry, its last answer and that answer's outcome, its final answer and
    when that was logged."""
    row = AuditEntryRow
    is_answer = row.kind.in_(ANSWER_KINDS)
    is_final = is_answer & (func.coalesce(row.outcome, "") != "REVIEW")
    each = (
        select(
            row.requester_org_id.label("requester"),
            row.responder_org_id.label("responder"),
            func.min(row.purpose).label("purpose"),
            func.min(row.logged_at).label("began"),
            func.min(row.index).label("first"),
            func.max(case((is_answer, row.index))).label("answer"),
            func.max(case((is_final, row.index))).label("final"),
        )
        .where(*_conditions(since=since))
        .group_by(*EXCHANGE)
        .subquery()
    )
    answer, final = aliased(AuditEntryRow), aliased(AuditEntryRow)
    return (
        select(
            each.c.requester,
            each.c.responder,
            each.c.purpose,
            each.c.began,
            each.c.first,
            each.c.answer,
            answer.outcome,
            each.c.final,
            final.logged_at,
        )
        .outerjoin(answer, answer.index == each.c.answer)
        .outerjoin(final, final.index == each.c.final)
        .order_by(each.c.first)
    )
