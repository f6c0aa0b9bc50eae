"""Trust tables: seen request ids, refusals, verified register copies.

Revision ID: trust_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "trust_0001"
down_revision = None
branch_labels = ("trust",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trust_seen_request",
        sa.Column("issuer", sa.String(64), nullable=False),
        sa.Column("jti", sa.String(128), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("issuer", "jti", name="pk_trust_seen_request"),
    )
    op.create_index(
        "ix_trust_seen_request_expires_at", "trust_seen_request", ["expires_at"], unique=False
    )
    op.create_table(
        "trust_refusal",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("claimed_organisation", sa.String(64), nullable=True),
        sa.Column("kid", sa.String(128), nullable=True),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("path", sa.String(512), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_trust_refusal"),
    )
    op.create_index("ix_trust_refusal_occurred_at", "trust_refusal", ["occurred_at"], unique=False)
    op.create_table(
        "trust_register_copy",
        sa.Column("serial", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("authority", sa.String(64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("serial", name="pk_trust_register_copy"),
    )


def downgrade() -> None:
    op.drop_table("trust_register_copy")
    op.drop_index("ix_trust_refusal_occurred_at", table_name="trust_refusal")
    op.drop_table("trust_refusal")
    op.drop_index("ix_trust_seen_request_expires_at", table_name="trust_seen_request")
    op.drop_table("trust_seen_request")
