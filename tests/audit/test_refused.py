"""The answers a node refused, and partners' refusals of its enquiries, read from the log on each
backend, newest first."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from singleview.audit import AuditLog, DecisionRecord
from singleview.audit.refused import PARTNERS_REFUSED, refused_query, refused_since
from tests.audit.conftest import query_plan
from tests.audit.test_counts import entry, moment

DENY = DecisionRecord(outcome="DENY", reasons=("purpose-not-permitted",))


def test_only_refused_answers_since_the_time_newest_first(audit_log: AuditLog) -> None:
    audit_log.extend([entry(0, decision=DENY)])  # refused, but before the time asked about
    since = moment()
    audit_log.extend(
        [
            entry(1, decision=DENY),
            entry(2),  # permitted
            entry(3, "enquiry-received"),
            # What a requester logs of a partner's refusal is not this node's refusal.
            entry(4, "answer-received", decision=DENY),
            entry(5, decision=DENY),
            entry(6, decision=DecisionRecord(outcome="REVIEW")),
        ]
    )
    found = refused_since(audit_log.engine, since)
    assert [logged.entry.request_id for logged in found] == ["req-00005", "req-00001"]
    assert found[0].entry.decision == DENY
    assert [e.entry.request_id for e in refused_since(audit_log.engine, since, limit=1)] == [
        "req-00005"
    ]
    assert refused_since(audit_log.engine, dt.datetime.now(dt.UTC)) == []
    # Asked for partners' refusals instead, it finds that one alone.
    theirs = refused_since(audit_log.engine, since, kinds=PARTNERS_REFUSED)
    assert [logged.entry.request_id for logged in theirs] == ["req-00004"]


def test_refusals_are_read_back_through_their_own_index(small_sqlite_log: Engine) -> None:
    plan = query_plan(small_sqlite_log, refused_query(dt.datetime.now(dt.UTC), 100))
    # Backwards through the index of refusals (not the kind's, nor every entry's time). Its
    # entries are in time, then position, order (the position is the row id, audit_0007), so
    # nothing is sorted, not even the entries that share a moment (one group commit's).
    assert plan == "SEARCH audit_entry USING INDEX ix_audit_entry_refused (logged_at>?)", plan
    theirs = refused_query(dt.datetime.now(dt.UTC), 100, PARTNERS_REFUSED)
    assert query_plan(small_sqlite_log, theirs) == plan
