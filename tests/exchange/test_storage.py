"""Exchange tables on a real SQLite file and a real PostgreSQL: schema, and claims taken once."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import singleview.exchange.storage as storage
from singleview.db import Base, as_utc, create_engine, session_factory
from tests.exchange.rows import add_waiting_partner

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert [d for d in diff if "exchange_" in repr(d)] == []


def test_a_held_enquiry_and_a_poll_are_each_claimed_once(database_url: str) -> None:
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        session.add(
            storage.HeldEnquiryRow(
                id="h1",
                review_id="r1",
                requester_org_id="council-csc",
                request_id="q1",
                enquiry="{}",
                status="waiting",
                created_at=NOW,
            )
        )
        add_waiting_partner(session, NOW)
    with sessions.begin() as session:
        assert storage.claim_held(session, "h1")
    with sessions.begin() as session:
        assert not storage.claim_held(session, "h1")
    with sessions.begin() as session:
        due = storage.due_polls(session, NOW + dt.timedelta(seconds=1))
        assert [(r.enquiry_id, r.partner_id) for r in due] == [("e1", "police")]
        assert due[0].next_poll_at is not None
        first_due = as_utc(due[0].next_poll_at)
    later = NOW + dt.timedelta(seconds=10)
    with sessions.begin() as session:
        assert storage.claim_poll(session, "e1", "police", first_due, later)
    with sessions.begin() as session:
        assert not storage.claim_poll(session, "e1", "police", first_due, later)
        assert storage.due_polls(session, NOW + dt.timedelta(seconds=1)) == []
    engine.dispose()


def test_first_answers_are_set_in_one_statement_on_both_backends(database_url: str) -> None:
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        add_waiting_partner(session, NOW)
    with sessions.begin() as session:
        storage.record_first_answers(
            session,
            [
                {
                    "row_enquiry_id": "e1",
                    "row_partner_id": "police",
                    "state": "known",
                    "elapsed_ms": 12.5,
                    "answer": '{"match": true}',
                    "next_poll_at": None,
                    "updated_at": NOW + dt.timedelta(seconds=1),
                }
            ],
        )
    with sessions() as session:
        row = session.get(storage.PartnerAnswerRow, ("e1", "police"))
        assert row is not None
        assert (row.state, row.elapsed_ms, row.answer, row.next_poll_at) == (
            "known",
            12.5,
            '{"match": true}',
            None,
        )
        assert row.partner_name == "Police"  # columns not named are left alone
    engine.dispose()
