"""Exchange: when the polls of a partner's held review started failing.

Revision ID: exchange_0002
Revises: exchange_0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "exchange_0002"
down_revision = "exchange_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the partner answer's ``poll_failing_since`` (null while polls succeed)."""
    op.add_column(
        "exchange_partner_answer",
        sa.Column("poll_failing_since", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    """Drop ``poll_failing_since``."""
    with op.batch_alter_table("exchange_partner_answer") as batch:
        batch.drop_column("poll_failing_since")
