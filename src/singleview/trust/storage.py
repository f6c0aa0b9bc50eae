"""Trust's tables: seen request ids (replay cache), refusals, and the last good register copy.

Everything here is shared by every worker of a node through its one database; nothing that
guards the door lives in process memory. Times are stored in UTC (SQLite keeps them naive,
so they are made aware again on the way out).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import DateTime, Integer, String, Table, Text, delete, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from singleview.db import Base, as_utc

#: Copies of the register kept besides the newest, so an operator can see what changed.
REGISTER_COPIES_KEPT = 5


class SeenRequest(Base):
    """A signed request id (``jti``) already accepted, kept until its token would expire anyway."""

    __tablename__ = "trust_seen_request"

    issuer: Mapped[str] = mapped_column(String(64), primary_key=True)
    jti: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class RefusalRow(Base):
    """One refused request: when, why, who it claimed to be. Never the body or a person's data."""

    __tablename__ = "trust_refusal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    reason: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    claimed_organisation: Mapped[str | None] = mapped_column(String(64))
    kid: Mapped[str | None] = mapped_column(String(128))
    method: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(String(512))


class RegisterCopyRow(Base):
    """A verified copy of the signed register, as the authority's JWS."""

    __tablename__ = "trust_register_copy"

    serial: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    authority: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    token: Mapped[str] = mapped_column(Text)


@functools.cache
def _insert_or_ignore(dialect: str, table: type[Base]) -> Any:
    # One statement that either inserts or does nothing: atomic on both backends, so two
    # workers racing on the same request id cannot both see "first use". RETURNING tells which
    # happened (rowcount is not reliable for every driver). Built once per table and backend:
    # it runs on every accepted request.
    primary_key = inspect(table).primary_key[0]
    target = cast(Table, table.__table__)
    if dialect == "postgresql":
        return postgresql_insert(target).on_conflict_do_nothing().returning(primary_key)
    if dialect == "sqlite":
        return sqlite_insert(target).on_conflict_do_nothing().returning(primary_key)
    raise NotImplementedError(f"no insert-or-ignore for database dialect {dialect!r}")


def _insert_ignoring_duplicates(session: Session, table: type[Base], **values: object) -> bool:
    connection = session.connection()
    statement = _insert_or_ignore(connection.dialect.name, table)
    return connection.execute(statement, values).first() is not None


def remember_request(session: Session, issuer: str, jti: str, expires_at: dt.datetime) -> bool:
    """Record ``jti`` from ``issuer`` as used; False when it was already used (a replay)."""
    return _insert_ignoring_duplicates(
        session, SeenRequest, issuer=issuer, jti=jti, expires_at=as_utc(expires_at)
    )


def forget_expired_requests(session: Session, now: dt.datetime) -> int:
    """Drop request ids whose tokens have expired (they would be refused as expired anyway)."""
    result = session.execute(delete(SeenRequest).where(SeenRequest.expires_at < as_utc(now)))
    assert isinstance(result, CursorResult)
    return result.rowcount


@dataclass(frozen=True)
class Refusal:
    """A refused request as the IG alerts page shows it."""

    occurred_at: dt.datetime
    reason: str
    status: int
    claimed_organisation: str | None
    kid: str | None
    method: str
    path: str


def record_refusal(session: Session, refusal: Refusal) -> None:
    """Append one refusal to the log."""
    session.add(
        RefusalRow(
            occurred_at=as_utc(refusal.occurred_at),
            reason=refusal.reason,
            status=refusal.status,
            # Whoever sends a refused request chooses these, so they are made fit to keep: an
            # overlong one or one with a NUL is still logged (PostgreSQL refused both, and the
            # request got a 500 that left no trace).
            claimed_organisation=_loggable(refusal.claimed_organisation, 64),
            kid=_loggable(refusal.kid, 128),
            method=_loggable(refusal.method, 16),
            path=_loggable(refusal.path, 512),
        )
    )


_CONTROL_CHARACTERS = dict.fromkeys((*range(32), 0x7F), "\ufffd")


def _loggable(text: str | None, size: int) -> str | None:
    """``text`` with each control character (NUL included) shown as U+FFFD, cut to ``size``
    characters with an ellipsis when longer."""
    if text is None:
        return None
    text = text.translate(_CONTROL_CHARACTERS)
    return text if len(text) <= size else text[: size - 1] + "…"


def list_refusals(
    engine: Engine, since: dt.datetime | None = None, limit: int = 100
) -> list[Refusal]:
    """The most recent refusals, newest first (optionally only those at or after ``since``)."""
    query = select(RefusalRow).order_by(RefusalRow.occurred_at.desc(), RefusalRow.id.desc())
    if since is not None:
        query = query.where(RefusalRow.occurred_at >= as_utc(since))
    with Session(engine) as session:
        rows = session.scalars(query.limit(limit)).all()
        return [
            Refusal(
                occurred_at=as_utc(row.occurred_at),
                reason=row.reason,
                status=row.status,
                claimed_organisation=row.claimed_organisation,
                kid=row.kid,
                method=row.method,
                path=row.path,
            )
            for row in rows
        ]


def store_register_copy(
    session: Session,
    *,
    serial: int,
    authority: str,
    issued_at: dt.datetime,
    valid_until: dt.datetime,
    token: str,
    now: dt.datetime,
) -> None:
    """Keep a verified register copy (once per serial), pruning all but the newest few."""
    _insert_ignoring_duplicates(
        session,
        RegisterCopyRow,
        serial=serial,
        authority=authority,
        issued_at=as_utc(issued_at),
        valid_until=as_utc(valid_until),
        stored_at=as_utc(now),
        token=token,
    )
    newest = session.scalar(select(func.max(RegisterCopyRow.serial)))
    if newest is not None:
        session.execute(
            delete(RegisterCopyRow).where(RegisterCopyRow.serial <= newest - REGISTER_COPIES_KEPT)
        )


def newest_register_copy(session: Session) -> str | None:
    """The JWS of the highest-serial register copy kept, if any (to be verified again)."""
    return session.scalar(select(RegisterCopyRow.token).order_by(RegisterCopyRow.serial.desc()))
