"""Index audit entries by kind, then position, for the IG officer's "kind of entry" filter.

With no index on kind, the newest 100 entries of a kind the node seldom logs (a review
decided, say) meant a walk back through the whole log: 1.1 s on a log of 468,240 entries.
Ordered by kind and then index, the newest of any kind are the last few of its range, whether
the kind is rare or every entry.

Revision ID: audit_0004
Revises: audit_0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "audit_0004"
down_revision = "audit_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the index."""
    op.create_index("ix_audit_entry_kind_index", "audit_entry", ["kind", "index"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_audit_entry_kind_index", table_name="audit_entry")
