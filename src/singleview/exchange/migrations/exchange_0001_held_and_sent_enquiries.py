"""Exchange: enquiries held for review, enquiries sent and each partner's answer.

Revision ID: exchange_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "exchange_0001"
down_revision = None
branch_labels = ("exchange",)
depends_on = None


def upgrade() -> None:
    """Create the held-enquiry, sent-enquiry and partner-answer tables."""
    op.create_table(
        "exchange_held_enquiry",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("review_id", sa.String(length=36), nullable=False),
        sa.Column("requester_org_id", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=200), nullable=False),
        sa.Column("enquiry", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answer_status", sa.Integer(), nullable=True),
        sa.Column("answer_body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_held_enquiry")),
    )
    op.create_index(
        op.f("ix_exchange_held_enquiry_review_id"), "exchange_held_enquiry", ["review_id"]
    )
    op.create_table(
        "exchange_sent_enquiry",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("practitioner_id", sa.String(length=200), nullable=False),
        sa.Column("practitioner_name", sa.String(length=200), nullable=False),
        sa.Column("practitioner_role", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("case_reference", sa.String(length=200), nullable=True),
        sa.Column("enquiry", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_sent_enquiry")),
    )
    op.create_index(
        op.f("ix_exchange_sent_enquiry_practitioner_id"),
        "exchange_sent_enquiry",
        ["practitioner_id"],
    )
    op.create_table(
        "exchange_partner_answer",
        sa.Column("enquiry_id", sa.String(length=36), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("partner_name", sa.String(length=300), nullable=False),
        sa.Column("endpoint", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("elapsed_ms", sa.Float(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("refusal_codes", sa.Text(), nullable=True),
        sa.Column("refusal_text", sa.Text(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("poll_url", sa.String(length=1000), nullable=True),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enquiry_id"],
            ["exchange_sent_enquiry.id"],
            name=op.f("fk_exchange_partner_answer_enquiry_id_exchange_sent_enquiry"),
        ),
        sa.PrimaryKeyConstraint(
            "enquiry_id", "partner_id", name=op.f("pk_exchange_partner_answer")
        ),
    )
    op.create_index(
        op.f("ix_exchange_partner_answer_next_poll_at"),
        "exchange_partner_answer",
        ["next_poll_at"],
    )


def downgrade() -> None:
    """Drop the exchange tables."""
    op.drop_table("exchange_partner_answer")
    op.drop_table("exchange_sent_enquiry")
    op.drop_table("exchange_held_enquiry")
