"""The desk's side of the team: pending team changes, the team's facts about drafts, conflicts,
notes and the members as last seen.

Revision ID: team_0001
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "team_0001"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_pending",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("change_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_team_pending"),
        sa.UniqueConstraint("change_id", name="uq_team_pending_change_id"),
    )
    op.create_table(
        "team_local_state",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_team_local_state"),
    )
    op.create_table(
        "team_draft_meta",
        sa.Column("draft_id", sa.String(36), nullable=False),
        sa.Column("base_seq", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=False),
        sa.Column("rejected_by", sa.String(200), nullable=False),
        sa.Column("reject_reason", sa.Text(), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("draft_id", name="pk_team_draft_meta"),
    )
    op.create_table(
        "team_conflicts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("draft_id", sa.String(36), nullable=False),
        sa.Column("local_title", sa.Text(), nullable=False),
        sa.Column("local_body", sa.Text(), nullable=False),
        sa.Column("remote_title", sa.Text(), nullable=False),
        sa.Column("remote_body", sa.Text(), nullable=False),
        sa.Column("remote_actor", sa.String(200), nullable=False),
        sa.Column("remote_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_team_conflicts"),
    )
    op.create_index("ix_team_conflicts_draft_id", "team_conflicts", ["draft_id"])
    op.create_table(
        "team_members_cache",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_team_members_cache"),
    )
    op.create_table(
        "team_notes",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("draft_id", sa.String(36), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_team_notes"),
    )
    op.create_index("ix_team_notes_draft_id", "team_notes", ["draft_id"])


def downgrade() -> None:
    op.drop_index("ix_team_notes_draft_id", table_name="team_notes")
    op.drop_table("team_notes")
    op.drop_table("team_members_cache")
    op.drop_index("ix_team_conflicts_draft_id", table_name="team_conflicts")
    op.drop_table("team_conflicts")
    op.drop_table("team_draft_meta")
    op.drop_table("team_local_state")
    op.drop_table("team_pending")
