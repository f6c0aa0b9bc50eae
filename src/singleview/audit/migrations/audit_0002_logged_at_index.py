"""Index audit entries by the time they were logged, for the IG pages' recent-activity views.

Revision ID: audit_0002
Revises: audit_0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "audit_0002"
down_revision = "audit_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Alerts and insights read the last days of the log, not the whole of it."""
    op.create_index("ix_audit_entry_logged_at", "audit_entry", ["logged_at"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_audit_entry_logged_at", table_name="audit_entry")
