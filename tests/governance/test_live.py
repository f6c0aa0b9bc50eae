"""Every worker's policies kept current: two workers' holders on one real database.

The clock is each holder's own (a plain counter here), so the tests say exactly when a check is
due without sleeping; the database, the policy versions and the compiling are real.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from singleview.db import create_engine, session_factory
from singleview.governance import live_policies, load_live_policies
from singleview.governance.documents import policy_version, starter_policies
from singleview.governance.live import LivePolicies
from singleview.governance.policies import record_policies

from .conftest import NOW, context

S47 = "sv-statutory-s47"


def s47():
    """A council social worker's s47 enquiry: the statutory route permits it while in force."""
    return context(case_reference="S47-2026-1")


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sessions(database_url):
    engine = create_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


def _suspend_s47(sessions) -> None:
    """What the IG page's "suspend" records: a new version of the s47 route, withdrawn."""
    current = next(v for v in starter_policies() if v.policy_id == S47)
    suspended = policy_version(
        current.policy.model_copy(update={"status": "withdrawn", "version": current.version + 1})
    )
    record_policies(sessions, [(suspended, "web:ig-1")], recorded_at=NOW)


def test_a_suspension_reaches_the_other_worker_after_its_interval(sessions) -> None:
    clock = Clock()
    first = load_live_policies(sessions, folder=None, recorded_at=NOW)
    other = live_policies(sessions, interval=1.0, clock=clock)
    assert other.current().decide(s47()).outcome == "PERMIT"

    _suspend_s47(sessions)  # by the first worker, through the governance service
    first.replace(live_policies(sessions).current())
    assert first.current().decide(s47()).outcome == "REVIEW"

    clock.now += 0.5  # within the interval: the other worker has not asked yet
    assert other.current().decide(s47()).outcome == "PERMIT"
    assert other.recompiled == 0
    clock.now += 0.5  # the interval has passed: it asks, sees the change and recompiles
    # (with the s47 route suspended, only the professional-judgement route is left)
    decision = other.current().decide(s47())
    assert decision.outcome == "REVIEW"
    assert other.current().inactive[S47] == "withdrawn"
    assert other.recompiled == 1
    clock.now += 5.0  # nothing changed since: it asks again but does not recompile
    assert other.current().decide(s47()).outcome == "REVIEW"
    assert other.recompiled == 1


def test_a_new_version_in_force_is_picked_up(sessions) -> None:
    clock = Clock()
    load_live_policies(sessions, folder=None, recorded_at=NOW)
    other = live_policies(sessions, interval=1.0, clock=clock)
    current = next(v for v in starter_policies() if v.policy_id == S47)
    newer = policy_version(current.policy.model_copy(update={"version": current.version + 1}))
    record_policies(sessions, [(newer, "web:ig-1")], recorded_at=NOW)
    clock.now += 1.0
    decision = other.current().decide(s47())
    assert decision.outcome == "PERMIT"
    assert (decision.policy.policy_id, decision.policy.version) == (S47, current.version + 1)


def test_an_unreachable_store_keeps_the_last_set_and_warns(
    sessions, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    load_live_policies(sessions, folder=None, recorded_at=NOW)
    other = live_policies(sessions, interval=1.0, clock=clock)
    with sessions.begin() as session:
        # The store goes away from under the worker (the table cannot be read).
        session.execute(
            text("ALTER TABLE governance_policy_versions RENAME TO governance_policy_hidden")
        )
    clock.now += 1.0
    with caplog.at_level(logging.WARNING, logger="singleview.governance"):
        assert other.current().decide(s47()).outcome == "PERMIT"
    assert "could not check the policy store" in caplog.text
    assert "still deciding with the policies compiled before" in caplog.text
    with sessions.begin() as session:
        session.execute(
            text("ALTER TABLE governance_policy_hidden RENAME TO governance_policy_versions")
        )
    _suspend_s47(sessions)
    clock.now += 1.0  # back again: the next check sees the change made meanwhile
    assert other.current().decide(s47()).outcome == "REVIEW"


def test_a_store_that_cannot_be_reached_at_all_does_not_fail_a_decision(
    sessions, caplog: pytest.LogCaptureFixture
) -> None:
    compiled = load_live_policies(sessions, folder=None, recorded_at=NOW).current()
    # Nothing listens on this loopback port: every connection attempt is refused.
    gone = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/nowhere")
    clock = Clock()
    holder = LivePolicies(session_factory(gone), compiled, (0, 0), interval=1.0, clock=clock)
    clock.now += 1.0
    with caplog.at_level(logging.WARNING, logger="singleview.governance"):
        assert holder.current().decide(s47()).outcome == "PERMIT"
    assert "OperationalError" in caplog.text
    gone.dispose()
