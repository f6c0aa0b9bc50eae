"""Keep each entry's purpose and decision outcome in columns, for the IG officer's insights.

The insights page read and parsed every entry of its fourteen days to chart them by purpose
and outcome: 25-52 s and 3.3 GB on the one-node benchmark's 479,440 entries. With these two
columns the page's counting is one query. Rows already logged are filled from their own
records, in SQL, so ``audit verify`` finds them in agreement. Neither needs an index: the
query finds its rows by ``logged_at`` and only reads these.

Revision ID: audit_0005
Revises: audit_0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "audit_0005"
down_revision = "audit_0004"
branch_labels = None
depends_on = None

#: Each new column and where its value sits in the record (canonical JSON, camelCase keys).
_COLUMNS = {
    "purpose": ("entry", "purpose"),
    "outcome": ("entry", "decision", "outcome"),
}


def _from_record(dialect: str, path: tuple[str, ...]) -> str:
    # As in audit_0003: a migration keeps the code it was written with.
    if dialect == "postgresql":
        return "CAST(record AS jsonb) #>> '{" + ",".join(path) + "}'"
    return "json_extract(record, '$." + ".".join(path) + "')"


def upgrade() -> None:
    """Add the columns and fill them from every record."""
    for column in _COLUMNS:
        op.add_column("audit_entry", sa.Column(column, sa.Text(), nullable=True))
    dialect = op.get_bind().dialect.name
    values = ", ".join(
        f"{column} = {_from_record(dialect, path)}" for column, path in _COLUMNS.items()
    )
    # Built from the constants above only; nothing in it comes from outside.
    op.execute(f"UPDATE audit_entry SET {values}")  # noqa: S608


def downgrade() -> None:
    """Drop the columns."""
    for column in _COLUMNS:
        op.drop_column("audit_entry", column)
