"""Trust tables on SQLite and PostgreSQL: replay cache, refusal log, schema matches the models."""

from __future__ import annotations

import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from singleview.db import Base, create_engine
from singleview.trust.storage import (
    Refusal,
    SeenRequest,
    forget_expired_requests,
    list_refusals,
    record_refusal,
    remember_request,
)

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


def test_a_request_id_is_accepted_once_across_workers(database_url: str) -> None:
    # Two engines stand for two worker processes sharing the node's database.
    workers = [create_engine(database_url), create_engine(database_url)]
    jti = str(uuid.uuid4())
    outcomes = []
    for engine in workers:
        with Session(engine) as session, session.begin():
            outcomes.append(remember_request(session, "lbx-csc", jti, NOW))
    assert outcomes == [True, False]
    # The same id from another issuer is a different request.
    with Session(workers[0]) as session, session.begin():
        assert remember_request(session, "met-police", jti, NOW)


def test_racing_workers_cannot_both_see_first_use(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=8) if "postgresql" in database_url else None
    engine = engine or create_engine(database_url)
    jti = str(uuid.uuid4())

    def attempt(_: int) -> bool:
        with Session(engine) as session, session.begin():
            return remember_request(session, "lbx-csc", jti, NOW)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(16)))
    assert results.count(True) == 1


def test_expired_request_ids_are_forgotten(database_url: str) -> None:
    engine = create_engine(database_url)
    with Session(engine) as session, session.begin():
        remember_request(session, "a", "old", NOW - dt.timedelta(minutes=10))
        remember_request(session, "a", "fresh", NOW + dt.timedelta(minutes=2))
    with Session(engine) as session, session.begin():
        assert forget_expired_requests(session, NOW) == 1
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SeenRequest)) == 1


def test_refusals_are_listed_newest_first(database_url: str) -> None:
    engine = create_engine(database_url)
    with Session(engine) as session, session.begin():
        for minutes, reason in ((1, "signature-missing"), (3, "replayed"), (2, "key-unknown")):
            record_refusal(
                session,
                Refusal(
                    occurred_at=NOW + dt.timedelta(minutes=minutes),
                    reason=reason,
                    status=401,
                    claimed_organisation="lbx-csc",
                    kid=None,
                    method="POST",
                    path="/fhir/Patient/$person-info-query",
                ),
            )
    refusals = list_refusals(engine)
    assert [r.reason for r in refusals] == ["replayed", "key-unknown", "signature-missing"]
    assert refusals[0].occurred_at == NOW + dt.timedelta(minutes=3)
    since = list_refusals(engine, since=NOW + dt.timedelta(minutes=2))
    assert [r.reason for r in since] == ["replayed", "key-unknown"]


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    ours = [d for d in diff if "trust_" in repr(d)]
    assert ours == []
