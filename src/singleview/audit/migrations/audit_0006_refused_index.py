"""Index the refused entries by time, for the IG officer's list of refusals on the alerts page.

Without it, listing the last seven days' refusals read every entry of those days through the
``logged_at`` index to find the few refused: 0.9-1.0 s on the one-node benchmark's log of
580,240 entries, none refused. A partial index holds only entries whose decision refused (this
node's refusals, and partners' refusals it received), so an append that permits costs nothing
more, and the list reads little beyond what it shows.

Revision ID: audit_0006
Revises: audit_0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "audit_0006"
down_revision = "audit_0005"
branch_labels = None
depends_on = None

#: As ``storage.REFUSED`` when this was written (a migration keeps the code it ran with).
_REFUSED = "outcome = 'DENY'"


def upgrade() -> None:
    """Add the index."""
    op.create_index(
        "ix_audit_entry_refused",
        "audit_entry",
        ["logged_at"],
        sqlite_where=sa.text(_REFUSED),
        postgresql_where=sa.text(_REFUSED),
    )


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_audit_entry_refused", table_name="audit_entry")
