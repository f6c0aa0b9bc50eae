"""The node's people, their identifiers, names, addresses and involvements, and its contact.

Revision ID: records_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "records_0001"
down_revision = None
branch_labels = ("records",)
depends_on = None


def _person_key() -> list[sa.Column[str] | sa.Column[int]]:
    return [
        sa.Column("record_id", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
    ]


def _child_constraints(table: str) -> list[sa.Constraint]:
    return [
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records_people.record_id"],
            name=f"fk_{table}_record_id_records_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "position", name=f"pk_{table}"),
    ]


def upgrade() -> None:
    op.create_table(
        "records_people",
        sa.Column("record_id", sa.String(100), nullable=False),
        sa.Column("date_of_birth", sa.String(10), nullable=True),
        sa.Column("date_of_birth_accuracy", sa.String(3), nullable=True),
        sa.Column("gender", sa.String(1), nullable=True),
        sa.Column("sex", sa.String(1), nullable=True),
        sa.PrimaryKeyConstraint("record_id", name="pk_records_people"),
    )
    op.create_table(
        "records_identifiers",
        *_person_key(),
        sa.Column("system", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        *_child_constraints("records_identifiers"),
    )
    op.create_table(
        "records_names",
        *_person_key(),
        sa.Column("use", sa.String(10), nullable=False),
        sa.Column("family_name", sa.Text(), nullable=False),
        sa.Column("given_names", sa.Text(), nullable=True),
        sa.Column("preferred_names", sa.Text(), nullable=True),
        *_child_constraints("records_names"),
    )
    op.create_table(
        "records_addresses",
        *_person_key(),
        sa.Column("use", sa.String(10), nullable=False),
        sa.Column("line1", sa.Text(), nullable=True),
        sa.Column("line2", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("postcode", sa.String(8), nullable=True),
        sa.Column("uprn", sa.BigInteger(), nullable=True),
        sa.Column("usrn", sa.BigInteger(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        *_child_constraints("records_addresses"),
    )
    op.create_table(
        "records_involvements",
        *_person_key(),
        sa.Column("episode_type", sa.String(64), nullable=False),
        sa.Column("service_type", sa.String(64), nullable=False),
        sa.Column("status", sa.String(6), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("professional", sa.Text(), nullable=True),
        *_child_constraints("records_involvements"),
    )
    op.create_table(
        "records_organisation_contact",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_records_organisation_contact_single_row"),
        sa.PrimaryKeyConstraint("id", name="pk_records_organisation_contact"),
    )


def downgrade() -> None:
    for table in (
        "records_organisation_contact",
        "records_involvements",
        "records_addresses",
        "records_names",
        "records_identifiers",
        "records_people",
    ):
        op.drop_table(table)
