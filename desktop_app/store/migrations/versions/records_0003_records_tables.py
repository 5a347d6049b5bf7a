"""Records settings, retention rules, legal holds, disposal lists and the channel register.

Revision ID: records_0003
Revises: records_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "records_0003"
down_revision = "records_0002"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "records_settings",
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_records_settings"),
    )
    op.create_table(
        "retention_rules",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("record_class", sa.String(30), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=True),
        sa.Column("keep_days", sa.Integer(), nullable=False),
        sa.Column("decision_ref", sa.String(300), nullable=False),
        _when("created_at"),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_retention_rules"),
    )
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=True),
        sa.Column("item_id", sa.String(100), nullable=True),
        _when("since", True),
        _when("until", True),
        sa.Column("reason", sa.Text(), nullable=False),
        _when("placed_at"),
        sa.Column("placed_by", sa.String(200), nullable=False),
        _when("released_at", True),
        sa.Column("released_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_legal_holds"),
    )
    op.create_table(
        "disposals",
        sa.Column("id", sa.String(36), nullable=False),
        _when("run_at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("held_back", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_disposals"),
    )
    op.create_table(
        "channel_register",
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(300), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("moderation_notice", sa.Text(), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        _when("updated_at"),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name="pk_channel_register"),
    )


def downgrade() -> None:
    for name in (
        "channel_register",
        "disposals",
        "legal_holds",
        "retention_rules",
        "records_settings",
    ):
        op.drop_table(name)
