"""Governance: policy versions and the review queue.

Revision ID: governance_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "governance_0001"
down_revision = None
branch_labels = ("governance",)
depends_on = None


def upgrade() -> None:
    """Create the policy version store and the review queue."""
    op.create_table(
        "governance_policy_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("policy_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("route", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("canonical", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_policy_versions")),
        sa.UniqueConstraint("policy_id", "version", name="uq_governance_policy_version"),
    )
    op.create_index(
        op.f("ix_governance_policy_versions_policy_id"),
        "governance_policy_versions",
        ["policy_id"],
    )
    op.create_table(
        "governance_review_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("enquiry_id", sa.String(length=200), nullable=False),
        sa.Column("requester_org_id", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=100), nullable=False),
        sa.Column("policy_id", sa.String(length=200), nullable=True),
        sa.Column("policy_version", sa.Integer(), nullable=True),
        sa.Column("policy_digest", sa.String(length=64), nullable=True),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("final_decision", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_review_items")),
    )
    op.create_index(
        op.f("ix_governance_review_items_enquiry_id"), "governance_review_items", ["enquiry_id"]
    )
    op.create_index(
        op.f("ix_governance_review_items_status"), "governance_review_items", ["status"]
    )


def downgrade() -> None:
    """Drop the governance tables."""
    op.drop_table("governance_review_items")
    op.drop_table("governance_policy_versions")
