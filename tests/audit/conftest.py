"""Fixtures for the audit tests: a real Ed25519 key, realistic entries, a log on each backend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from sqlalchemy import Select
from sqlalchemy.engine import Engine

from singleview.audit import (
    AuditEntry,
    AuditLog,
    DecisionRecord,
    MatchRecord,
    PolicyReference,
    Practitioner,
    ReleaseRecord,
    SubjectReference,
    TreeHeadSigner,
)
from singleview.audit.http import audit_router
from singleview.db import create_engine, migrate
from tests.serving import served

LOG_ID = "org-la-children"
PARTNER = "org-police-north"


def make_entry(n: int, *, record_id: str | None = None, requester: str = PARTNER) -> AuditEntry:
    """A responder-side 'answer-sent' entry as the Exchange would log it."""
    return AuditEntry(
        kind="answer-sent",
        request_id=f"req-{n:05d}",
        requester_org_id=requester,
        responder_org_id=LOG_ID,
        practitioner=Practitioner(id=f"pc-{n % 7}", role="police-officer"),
        purpose="https://w3id.org/singleview/purpose/s47-enquiry",
        case_reference=f"S47/{n}",
        policies=(PolicyReference(id="s47-statutory", version="1.0", digest="ab" * 32),),
        decision=DecisionRecord(
            outcome="PERMIT",
            reasons=("requester-is-party", "purpose-permitted"),
            policy_id="s47-statutory",
            policy_version="1.0",
            obligations=("retain-30-days",),
        ),
        match=MatchRecord(matched=True, grade="certain", score=14.2, explanation=("nhs-number",)),
        release=ReleaseRecord(
            digest=f"{n:064x}", data_categories=("involvements", "contacts"), http_status=200
        ),
        subject=SubjectReference(record_id=record_id or f"rec-{n % 5}"),
        occurred_at=dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=n),
    )


@pytest.fixture
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def signer(signing_key: Ed25519PrivateKey) -> TreeHeadSigner:
    return TreeHeadSigner(kid="node-key-1", private_key=signing_key)


@pytest.fixture
def audit_log(database_url: str, signer: TreeHeadSigner) -> AuditLog:
    return AuditLog(create_engine(database_url), LOG_ID, signer)


@pytest.fixture
def served_log(audit_log: AuditLog) -> Iterator[str]:
    """The log served over real HTTP on a loopback port, as the Exchange will mount it."""
    app = FastAPI()
    app.include_router(audit_router(audit_log))
    with served(app, "audit test server") as base:
        yield base


def query_plan(engine: Engine, query: Select[Any]) -> str:
    """SQLite's plan for ``query``, its steps joined by " / "."""
    with engine.connect() as conn:
        compiled = query.compile(engine, compile_kwargs={"render_postcompile": True})
        parameters = tuple(compiled.params[name] for name in compiled.positiontup or ())
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", parameters)
        return " / ".join(str(row[3]) for row in rows)


@pytest.fixture
def small_sqlite_log(sqlite_url: str, signer: TreeHeadSigner) -> Engine:
    """A SQLite log of three entries, whose query plans the tests read."""
    migrate(sqlite_url)
    engine = create_engine(sqlite_url)
    AuditLog(engine, LOG_ID, signer).extend([make_entry(n) for n in range(3)])
    return engine
