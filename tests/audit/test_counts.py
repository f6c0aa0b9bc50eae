"""Exchanges counted in the database, on each backend, from entries appended for real."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy.engine import Engine

from singleview.audit import AuditEntry, AuditLog, DecisionRecord, Practitioner
from singleview.audit.counts import (
    ExchangeSummary,
    PractitionerCount,
    exchanges_per_practitioner,
    exchanges_query,
    exchanges_since,
    exchanges_since_query,
)
from tests.audit.conftest import LOG_ID, PARTNER, make_entry, query_plan

ANSWERED = ("enquiry-received", "answer-sent", "review-decided")
S47 = make_entry(0).purpose


def entry(n: int, kind: str = "answer-sent", **changes: object) -> AuditEntry:
    return make_entry(n).model_copy(update={"kind": kind, **changes})


def moment() -> dt.datetime:
    """A time strictly between the appends before and after it."""
    time.sleep(0.01)
    at = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    return at


def counted(log: AuditLog, since: dt.datetime, split_at: dt.datetime) -> list[PractitionerCount]:
    return exchanges_per_practitioner(
        log.engine, since=since, split_at=split_at, until=dt.datetime.now(dt.UTC), kinds=ANSWERED
    )


def test_each_exchange_counts_once_in_the_period_it_began(audit_log: AuditLog) -> None:
    start = moment()
    # Held for review, then settled after the split: one exchange, begun before it.
    audit_log.extend([entry(0, "enquiry-received"), entry(0, "answer-sent")])
    audit_log.extend([entry(7), entry(14)])  # two more from practitioner pc-0
    split = moment()
    audit_log.extend([entry(0, "review-decided"), entry(0, "answer-sent"), entry(21), entry(1)])
    # What this node sent as a requester is not what it was asked.
    audit_log.extend([entry(8, "enquiry-sent"), entry(8, "answer-received")])
    assert counted(audit_log, start, split) == [
        PractitionerCount(PARTNER, "pc-0", recent=1, earlier=3),
        PractitionerCount(PARTNER, "pc-1", recent=1, earlier=0),
    ]


def test_only_entries_logged_since_are_counted(audit_log: AuditLog) -> None:
    audit_log.extend([entry(0), entry(1)])
    since = moment()
    audit_log.extend([entry(2)])
    assert counted(audit_log, since, since) == [
        PractitionerCount(PARTNER, "pc-2", recent=1, earlier=0)
    ]


def test_the_same_practitioner_id_at_two_organisations_is_two_people(
    audit_log: AuditLog,
) -> None:
    start = moment()
    same = Practitioner(id="sw-1", role="social-worker")
    audit_log.extend(
        [
            entry(1, practitioner=same, requester_org_id="council-a"),
            entry(2, practitioner=same, requester_org_id="council-b"),
            # The same request id from two requesters is two exchanges.
            entry(3, practitioner=same, requester_org_id="council-a", request_id="shared"),
            entry(4, practitioner=same, requester_org_id="council-b", request_id="shared"),
        ]
    )
    assert counted(audit_log, start, start) == [
        PractitionerCount("council-a", "sw-1", recent=2, earlier=0),
        PractitionerCount("council-b", "sw-1", recent=2, earlier=0),
    ]


def test_the_count_reads_the_time_index_not_the_whole_log(small_sqlite_log: Engine) -> None:
    now = dt.datetime.now(dt.UTC)
    query = exchanges_query(
        since=now - dt.timedelta(days=15), split_at=now, until=now, kinds=ANSWERED
    )
    plan = query_plan(small_sqlite_log, query)
    # Not the kind's index, which holds every entry of that kind the node ever logged.
    assert "SEARCH audit_entry USING INDEX ix_audit_entry_logged_at" in plan, plan
    # The insights' summaries: the entries since through the same index, then each exchange's
    # last answer and final answer by their position, which is the table's row id (audit_0007).
    summaries = query_plan(small_sqlite_log, exchanges_since_query(now))
    assert "SEARCH audit_entry USING INDEX ix_audit_entry_logged_at" in summaries, summaries
    assert summaries.count("USING INTEGER PRIMARY KEY (rowid=?)") == 2, summaries


def test_an_exchange_is_summed_up_from_its_entries(audit_log: AuditLog) -> None:
    audit_log.extend([entry(9)])  # logged before the time asked about
    since = moment()
    held = entry(0, purpose="early-help", decision=DecisionRecord(outcome="REVIEW"))
    audit_log.extend(
        [
            entry(1, "enquiry-received"),
            held,
            entry(2, "enquiry-received"),  # never answered
            entry(3, decision=None),  # answered at once, without a decision
        ]
    )
    moment()
    # The first enquiry answered; the held one decided by an officer, then answered.
    audit_log.extend([entry(1), entry(0, "review-decided"), entry(0, purpose="early-help")])
    began, answered = (audit_log.entry(index).logged_at for index in (1, 5))
    assert exchanges_since(audit_log.engine, since) == [
        ExchangeSummary(PARTNER, LOG_ID, S47, began, "PERMIT", answered),
        ExchangeSummary(PARTNER, LOG_ID, "early-help", began, "PERMIT", answered),
        ExchangeSummary(PARTNER, LOG_ID, S47, began, None, None),
        ExchangeSummary(PARTNER, LOG_ID, S47, began, "no decision", None),
    ]
