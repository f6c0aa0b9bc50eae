"""Audit log: entries, perfect-subtree hashes, the head row, signed heads, witnessed heads.

Revision ID: audit_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "audit_0001"
down_revision = None
branch_labels = ("audit",)
depends_on = None

# MTH of the empty log (SHA-256 of nothing), so the head row is valid before the first append.
EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def upgrade() -> None:
    """Create the audit tables and the single head row appends lock."""
    op.create_table(
        "audit_entry",
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.String(length=200), nullable=False),
        sa.Column("requester_org_id", sa.String(length=200), nullable=False),
        sa.Column("responder_org_id", sa.String(length=200), nullable=False),
        sa.Column("subject_record_id", sa.String(length=200), nullable=True),
        sa.Column("subject_enquiry_key", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("index", name=op.f("pk_audit_entry")),
    )
    for column in (
        "request_id",
        "requester_org_id",
        "responder_org_id",
        "subject_record_id",
        "subject_enquiry_key",
    ):
        op.create_index(op.f(f"ix_audit_entry_{column}"), "audit_entry", [column])
    op.create_table(
        "audit_subtree",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("level", "index", name=op.f("pk_audit_subtree")),
    )
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("frontier", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.bulk_insert(
        head, [{"id": 1, "tree_size": 0, "root_hash": EMPTY_ROOT, "timestamp": 0, "frontier": ""}]
    )
    op.create_table(
        "audit_signed_head",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("log_id", sa.String(length=200), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("jws", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_audit_signed_head")),
    )
    op.create_table(
        "audit_witnessed_head",
        sa.Column("partner_id", sa.String(length=200), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("jws", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_audit_witnessed_head")),
    )


def downgrade() -> None:
    """Drop the audit tables (this destroys the log: only for a node being decommissioned)."""
    for table in (
        "audit_witnessed_head",
        "audit_signed_head",
        "audit_head",
        "audit_subtree",
        "audit_entry",
    ):
        op.drop_table(table)
