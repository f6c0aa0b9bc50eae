"""The matcher's candidate index: standardised people and their blocking keys.

Revision ID: matching_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "matching_0001"
down_revision = None
branch_labels = ("matching",)
depends_on = None


def upgrade() -> None:
    """Create the index tables."""
    op.create_table(
        "matching_person",
        sa.Column("record_id", sa.String(length=100), nullable=False),
        sa.Column("features", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_matching_person")),
    )
    op.create_table(
        "matching_blocking_key",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("record_id", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("key", "record_id", name=op.f("pk_matching_blocking_key")),
    )
    op.create_index("ix_matching_blocking_key_record_id", "matching_blocking_key", ["record_id"])


def downgrade() -> None:
    """Drop the index tables."""
    op.drop_index("ix_matching_blocking_key_record_id", table_name="matching_blocking_key")
    op.drop_table("matching_blocking_key")
    op.drop_table("matching_person")
