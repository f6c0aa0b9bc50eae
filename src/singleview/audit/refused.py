"""Refused enquiries, newest first, for the IG officer's alerts: those this node refused, and
those of its own that partners refused.

A refusal this node made is an ``answer-sent`` entry whose decision was DENY: an authenticated
partner asked for something no agreement allows (or an IG officer refused it after review).
A partner's refusal of one of our enquiries is an ``answer-received`` entry with DENY: the
practitioner was told to ask their IG team to take it up with the partner's. Requests refused
before any decision (no signature, an unknown key) are Trust's refusals, not logged here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Select, select, text
from sqlalchemy.engine import Engine

from singleview.audit.models import LoggedEntry
from singleview.audit.storage import REFUSED, AuditEntryRow, _conditions

#: Refusals this node made.
WE_REFUSED = ("answer-sent",)
#: Partners' refusals of this node's enquiries.
PARTNERS_REFUSED = ("answer-received",)


def refused_query(since: dt.datetime, limit: int, kinds: Sequence[str] = WE_REFUSED) -> Select[str]:
    """The newest ``limit`` refused answers of ``kinds`` logged at or after ``since``.

    Read backwards through ``ix_audit_entry_refused``, which holds by time only the entries
    whose decision refused (this node's, and partners' refusals it received), so the query
    reads little beyond what it returns (plan test). Entries logged at one moment (one group
    commit) are put in index order among themselves. The search's own conditions keep the kind
    off its index, which holds every answer the node ever sent or received.
    """
    return (
        select(AuditEntryRow.record)
        .where(*_conditions(since=since, kinds=tuple(kinds)), text(REFUSED))
        .order_by(AuditEntryRow.logged_at.desc(), AuditEntryRow.index.desc())
        .limit(limit)
    )


def refused_since(
    engine: Engine, since: dt.datetime, limit: int = 100, kinds: Sequence[str] = WE_REFUSED
) -> list[LoggedEntry]:
    """The refused answers of ``kinds`` (by default, this node's refusals) since ``since``,
    newest first, at most ``limit``."""
    with engine.connect() as conn:
        records = conn.execute(refused_query(since, limit, kinds)).scalars().all()
    return [LoggedEntry.from_bytes(record.encode()) for record in records]
