"""On SQLite, make an entry's position in the log (``index``) the table's own row id.

``index`` was declared ``BIGINT``, and SQLite makes a primary key its row id only when it is
declared ``INTEGER``. So the table kept a hidden row id beside it, with a separate index
from ``index`` to that row id. Each append wrote one more B-tree page, and every secondary
index pointed at the hidden row id, not at ``index``. A search that orders its matches by
``index`` (every search of the IG audit page) then had to read each matching row to learn
its position: about 0.6-1 s a million entries when every entry matches.

The table is rebuilt with ``index INTEGER``, the same rows in log order, and the same indexes.
A node that stops or fails part way loses nothing and keeps nothing half done: the new table,
the copy, the swap, the new indexes and the new revision are one transaction (the migration
environment runs SQLite's DDL in transactions too). PostgreSQL is left as it is: its
``BIGINT`` key is already what its indexes point at.

Revision ID: audit_0007
Revises: audit_0006
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "audit_0007"
down_revision = "audit_0006"
branch_labels = None
depends_on = None

#: Every row, in log order, with its columns as the table had them when this was written.
_COPY = """
    INSERT INTO audit_entry_rebuilt (
        "index", leaf_hash, record, logged_at, kind, request_id, requester_org_id,
        responder_org_id, subject_record_id, subject_enquiry_key, case_reference,
        practitioner_id, purpose, outcome
    )
    SELECT
        "index", leaf_hash, record, logged_at, kind, request_id, requester_org_id,
        responder_org_id, subject_record_id, subject_enquiry_key, case_reference,
        practitioner_id, purpose, outcome
    FROM audit_entry ORDER BY "index"
"""

_INDEXES = (
    "CREATE INDEX ix_audit_entry_request_id ON audit_entry (request_id)",
    "CREATE INDEX ix_audit_entry_requester_org_id ON audit_entry (requester_org_id)",
    "CREATE INDEX ix_audit_entry_responder_org_id ON audit_entry (responder_org_id)",
    "CREATE INDEX ix_audit_entry_subject_record_id ON audit_entry (subject_record_id)",
    "CREATE INDEX ix_audit_entry_subject_enquiry_key ON audit_entry (subject_enquiry_key)",
    "CREATE INDEX ix_audit_entry_logged_at ON audit_entry (logged_at)",
    "CREATE INDEX ix_audit_entry_case_reference ON audit_entry (case_reference)",
    "CREATE INDEX ix_audit_entry_practitioner_id ON audit_entry (practitioner_id)",
    'CREATE INDEX ix_audit_entry_kind_index ON audit_entry (kind, "index")',
    "CREATE INDEX ix_audit_entry_refused ON audit_entry (logged_at) WHERE outcome = 'DENY'",
)


def _rebuild(index_type: str) -> None:
    """The table again, with ``index`` declared ``index_type``, its rows and its indexes."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        f"""CREATE TABLE audit_entry_rebuilt (
            "index" {index_type} NOT NULL,
            leaf_hash VARCHAR(64) NOT NULL,
            record TEXT NOT NULL,
            logged_at DATETIME NOT NULL,
            kind VARCHAR(32) NOT NULL,
            request_id VARCHAR(200) NOT NULL,
            requester_org_id VARCHAR(200) NOT NULL,
            responder_org_id VARCHAR(200) NOT NULL,
            subject_record_id VARCHAR(200),
            subject_enquiry_key VARCHAR(64),
            case_reference TEXT,
            practitioner_id TEXT,
            purpose TEXT,
            outcome TEXT,
            CONSTRAINT pk_audit_entry PRIMARY KEY ("index")
        )"""
    )
    op.execute(_COPY)
    op.execute("DROP TABLE audit_entry")
    op.execute("ALTER TABLE audit_entry_rebuilt RENAME TO audit_entry")
    for statement in _INDEXES:
        op.execute(statement)


def upgrade() -> None:
    """Rebuild the table with ``index`` as its row id (SQLite only)."""
    _rebuild("INTEGER")


def downgrade() -> None:
    """Rebuild it with ``index`` beside a hidden row id, as before (SQLite only)."""
    _rebuild("BIGINT")
