"""Governance tables: every version of every policy, and the review queue.

Policy versions are append-only: a change of meaning must come with a new version number, and
old versions stay so any past decision can be replayed against the exact text it used.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from singleview.db import Base
from singleview.governance.documents import PolicyVersion, policy_version
from singleview.standards.sharing_policy import SharingPolicy


class PolicyVersionConflictError(ValueError):
    """A policy document changed without a new version number, or went back a version."""


class StoredPolicyCorruptError(ValueError):
    """A stored policy version no longer hashes to the digest recorded with it."""


class PolicyVersionRow(Base):
    """One version of one policy, in canonical form, as it was first recorded."""

    __tablename__ = "governance_policy_versions"
    __table_args__ = (
        UniqueConstraint("policy_id", "version", name="uq_governance_policy_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    policy_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    route: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    canonical: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReviewItemRow(Base):
    """An enquiry the PDP sent to REVIEW, and, once settled, who settled it, when and why."""

    __tablename__ = "governance_review_items"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    enquiry_id: Mapped[str] = mapped_column(String(200), index=True)
    requester_org_id: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(100))
    policy_id: Mapped[str | None] = mapped_column(String(200))
    policy_version: Mapped[int | None] = mapped_column(Integer)
    policy_digest: Mapped[str | None] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
    final_decision: Mapped[str | None] = mapped_column(Text)


def _version_from_row(row: PolicyVersionRow) -> PolicyVersion:
    version = policy_version(SharingPolicy.model_validate(json.loads(row.canonical)))
    if version.digest != row.digest:
        raise StoredPolicyCorruptError(
            f"stored policy {row.policy_id} version {row.version} hashes to "
            f"{version.digest}, not the recorded {row.digest}"
        )
    return version


def record_policy_version(
    session: Session, version: PolicyVersion, *, recorded_at: dt.datetime, source: str | None
) -> bool:
    """Keep ``version`` unless it is already held; True when it was new.

    The same id and version with a different digest is refused, as is a version number no
    higher than one already held: either would let the meaning of a past decision change.
    """
    existing = session.scalar(
        select(PolicyVersionRow).where(
            PolicyVersionRow.policy_id == version.policy_id,
            PolicyVersionRow.version == version.version,
        )
    )
    if existing is not None:
        if existing.digest != version.digest:
            raise PolicyVersionConflictError(
                f"{source or version.policy_id}: policy {version.policy_id} version "
                f"{version.version} is already held with a different text (digest "
                f"{existing.digest[:12]}…); a change needs a new version number"
            )
        return False
    latest = session.scalar(
        select(func.max(PolicyVersionRow.version)).where(
            PolicyVersionRow.policy_id == version.policy_id
        )
    )
    if latest is not None and version.version < latest:
        raise PolicyVersionConflictError(
            f"{source or version.policy_id}: policy {version.policy_id} version "
            f"{version.version} is older than version {latest} already held"
        )
    session.add(
        PolicyVersionRow(
            policy_id=version.policy_id,
            version=version.version,
            digest=version.digest,
            route=version.policy.route,
            status=version.policy.status,
            canonical=version.canonical,
            source=source,
            recorded_at=recorded_at,
        )
    )
    session.flush()
    return True


def policy_history(session: Session, policy_id: str) -> list[PolicyVersion]:
    """Every version of one policy held, oldest first."""
    rows = session.scalars(
        select(PolicyVersionRow)
        .where(PolicyVersionRow.policy_id == policy_id)
        .order_by(PolicyVersionRow.version)
    )
    return [_version_from_row(row) for row in rows]


def get_policy_version(session: Session, policy_id: str, version: int) -> PolicyVersion | None:
    """One exact version of a policy, or None when it was never held."""
    row = session.scalar(
        select(PolicyVersionRow).where(
            PolicyVersionRow.policy_id == policy_id, PolicyVersionRow.version == version
        )
    )
    return None if row is None else _version_from_row(row)


def policy_versions_stamp(connection: Connection | Session) -> tuple[int, int]:
    """How many policy versions are held, and the newest one's id (0, 0 when none).

    Versions are only ever added, so any new version (a suspension is one) changes this: a
    worker compares it to decide whether to recompile, with one cheap aggregate query.
    """
    count, newest = connection.execute(
        select(func.count(PolicyVersionRow.id), func.max(PolicyVersionRow.id))
    ).one()
    return int(count), int(newest or 0)


def current_policy_versions(
    session: Session, as_of: dt.datetime | None = None
) -> list[PolicyVersion]:
    """The newest version of each policy (as recorded by ``as_of``, to replay the past)."""
    query = select(PolicyVersionRow).order_by(PolicyVersionRow.policy_id, PolicyVersionRow.version)
    if as_of is not None:
        query = query.where(PolicyVersionRow.recorded_at <= as_of)
    newest: dict[str, PolicyVersionRow] = {}
    for row in session.scalars(query):
        newest[row.policy_id] = row
    return [_version_from_row(row) for row in newest.values()]


def add_review_item(session: Session, row: ReviewItemRow) -> None:
    """Queue a review item."""
    session.add(row)
    session.flush()


def get_review_row(session: Session, item_id: str) -> ReviewItemRow | None:
    """One review item by id."""
    return session.get(ReviewItemRow, item_id)


def pending_review_rows(session: Session) -> list[ReviewItemRow]:
    """Every review item still waiting for an IG officer, oldest first."""
    return list(
        session.scalars(
            select(ReviewItemRow)
            .where(ReviewItemRow.status == "pending")
            .order_by(ReviewItemRow.created_at, ReviewItemRow.id)
        )
    )


def settle_review_row(
    session: Session,
    item_id: str,
    *,
    status: str,
    officer: str,
    note: str,
    decided_at: dt.datetime,
    final_decision: str,
) -> bool:
    """Settle a pending item; False when it was not pending (so two officers cannot both win)."""
    result = session.execute(
        update(ReviewItemRow)
        .where(ReviewItemRow.id == item_id, ReviewItemRow.status == "pending")
        .values(
            status=status,
            decided_by=officer,
            decided_at=decided_at,
            decision_note=note,
            final_decision=final_decision,
        )
    )
    return bool(getattr(result, "rowcount", 0))
