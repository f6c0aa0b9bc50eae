"""Giving up on a held review whose polls keep failing: the rule, its storage, and the poller.

The rule is pure (``polling.after_failed_poll``); the storage keeps the streak's start on both
backends; the poller, run in-process against a partner that is not running, keeps waiting after
one failure and gives up once the streak is older than the node's give-up time.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

import singleview.exchange.storage as storage
from singleview.db import as_utc, create_engine, session_factory
from singleview.exchange.network import Network
from singleview.exchange.node import Node, open_node_from_file
from singleview.exchange.polling import after_failed_poll, gave_up_reason
from singleview.exchange.requester import (
    get_enquiry,
    poll_due,
    start_enquiry,
    stop_background,
    wait_for_enquiry,
)
from singleview.standards.enquiry import Practitioner
from tests.exchange import world
from tests.exchange.rows import add_waiting_partner

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
WHO = Practitioner(identifier="sw-7", name="Sam Seven", role="social-worker")


def test_the_first_failure_starts_a_streak_and_does_not_give_up() -> None:
    failed = after_failed_poll(None, NOW, 3600)
    assert failed.failing_since == NOW
    assert not failed.give_up


def test_a_streak_shorter_than_the_give_up_time_keeps_waiting() -> None:
    failed = after_failed_poll(NOW, NOW + dt.timedelta(seconds=3599), 3600)
    assert failed.failing_since == NOW
    assert not failed.give_up


def test_a_streak_as_long_as_the_give_up_time_gives_up() -> None:
    assert after_failed_poll(NOW, NOW + dt.timedelta(hours=1), 3600).give_up
    assert after_failed_poll(NOW, NOW + dt.timedelta(days=3), 3600).give_up


@given(
    started=st.one_of(st.none(), st.integers(min_value=-(10**6), max_value=10**6)),
    give_up=st.floats(min_value=0.001, max_value=10**6),
)
def test_the_streak_never_starts_after_now_and_gives_up_exactly_when_old_enough(
    started: int | None, give_up: float
) -> None:
    since = None if started is None else NOW + dt.timedelta(seconds=started)
    failed = after_failed_poll(since, NOW, give_up)
    assert failed.failing_since <= NOW
    if since is not None and since <= NOW:
        assert failed.failing_since == since
    age = (NOW - failed.failing_since).total_seconds()
    assert failed.give_up == (age >= give_up)


def test_the_reason_names_the_last_failure() -> None:
    reason = gave_up_reason("it answered HTTP 404: no enquiry h1 is held here")
    assert reason == (
        "their node stopped answering our checks on the held enquiry: "
        "it answered HTTP 404: no enquiry h1 is held here"
    )


def _waiting_partner(database_url: str) -> None:
    engine = create_engine(database_url)
    with session_factory(engine).begin() as session:
        add_waiting_partner(session, NOW, poll_url="http://127.0.0.1:1/fhir/enquiry/h1")
    engine.dispose()


def test_failures_keep_the_streak_start_and_a_success_clears_it(database_url: str) -> None:
    _waiting_partner(database_url)
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    later = NOW + dt.timedelta(minutes=5)
    with sessions.begin() as session:
        assert storage.note_poll_failure(session, "e1", "police", "HTTP 404", NOW) == NOW
    with sessions.begin() as session:
        assert storage.note_poll_failure(session, "e1", "police", "HTTP 502", later) == NOW
    with sessions() as session:
        row = session.get(storage.PartnerAnswerRow, ("e1", "police"))
        assert row is not None
        assert row.problem == "HTTP 502"
        assert row.state == "waiting-for-review"
    with sessions.begin() as session:
        storage.clear_poll_failures(session, "e1", "police")
    with sessions.begin() as session:
        row = session.get(storage.PartnerAnswerRow, ("e1", "police"))
        assert row is not None
        assert row.poll_failing_since is None
        assert row.problem is None
        # A new streak starts afresh; and a partner that has answered is no longer noted.
        assert storage.note_poll_failure(session, "e1", "police", "HTTP 404", later) == later
        row.state = "known"
    with sessions.begin() as session:
        assert storage.note_poll_failure(session, "e1", "police", "HTTP 404", later) is None
    engine.dispose()


def _hold_at_unreachable_partner(node: Node, failing_since: dt.datetime | None) -> str:
    """An enquiry whose partners are not running, rewritten as if police held it for review."""
    enquiry_id = start_enquiry(
        node,
        practitioner=WHO,
        person=world.person(world.JANE),
        purpose="s47-enquiry",
        case_reference="S47-7",
    )
    wait_for_enquiry(node, enquiry_id, timeout=60)
    due = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with node.sessions.begin() as session:
        row = session.get(storage.PartnerAnswerRow, (enquiry_id, "police"))
        assert row is not None
        row.state = "waiting-for-review"
        row.problem = None
        row.poll_url = row.endpoint + "/fhir/enquiry/held-1"
        row.next_poll_at = due
        row.poll_failing_since = failing_since
    return enquiry_id


def _police(node: Node, enquiry_id: str) -> tuple[str, str | None, dt.datetime | None]:
    view = get_enquiry(node, enquiry_id)
    assert view is not None
    police = next(p for p in view.partners if p.organisation_id == "police")
    with node.sessions() as session:
        row = session.get(storage.PartnerAnswerRow, (enquiry_id, "police"))
        assert row is not None
        since = None if row.poll_failing_since is None else as_utc(row.poll_failing_since)
    return police.state, police.problem, since


def test_the_poller_keeps_waiting_after_a_failure_then_gives_up(network: Network) -> None:
    node = open_node_from_file(network.configs["council-csc"])
    try:
        # A first failed poll: still waiting, the failure remembered.
        enquiry_id = _hold_at_unreachable_partner(node, None)
        assert asyncio.run_coroutine_threadsafe(poll_due(node), loop(node)).result(60) >= 1
        state, problem, since = _police(node, enquiry_id)
        assert state == "waiting-for-review"
        assert since is not None
        assert "could not connect" in (problem or "")

        # Failing for longer than the give-up time (an hour by default): did not answer.
        long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
        enquiry_id = _hold_at_unreachable_partner(node, long_ago)
        logged_before = node.audit.size()
        assert asyncio.run_coroutine_threadsafe(poll_due(node), loop(node)).result(60) >= 1
        state, problem, since = _police(node, enquiry_id)
        assert state == "no-answer"
        assert since is None
        assert (problem or "").startswith(
            "their node stopped answering our checks on the held enquiry: could not connect"
        )
        view = get_enquiry(node, enquiry_id)
        assert view is not None
        assert view.complete
        # Logged on the requester's side like any partner that did not answer.
        entries = node.audit.entries_where(request_id=enquiry_id)
        given_up = [e for e in entries if e.index >= logged_before]
        assert [(e.entry.kind, e.entry.responder_org_id) for e in given_up] == [
            ("answer-received", "police")
        ]
        assert given_up[0].entry.decision is None
    finally:
        stop_background(node)
        node.close()


def loop(node: Node) -> asyncio.AbstractEventLoop:
    """The node's background loop (where the poller runs)."""
    from singleview.exchange.requester import background

    return background(node).loop
