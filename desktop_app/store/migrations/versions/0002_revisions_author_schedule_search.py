"""Draft author, scheduled time and search text; the revisions table.

Existing drafts get their case-folded search text and one revision holding their current content,
so history starts at the upgrade instead of being empty.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("author", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    op.create_index("ix_drafts_state_updated_at", "drafts", ["state", "updated_at"])

    op.create_table(
        "draft_revisions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("draft_id", sa.String(36), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["drafts.id"],
            name="fk_draft_revisions_draft_id_drafts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_draft_revisions"),
    )
    op.create_index(
        "ix_draft_revisions_draft_id_created_at", "draft_revisions", ["draft_id", "created_at"]
    )

    connection = op.get_bind()
    # The first revision of an existing draft reuses the draft's id: unique, and plain SQL.
    connection.execute(
        sa.text(
            "INSERT INTO draft_revisions (id, draft_id, title, body, variants, created_at, "
            "saved_at) SELECT id, id, title, body, variants, updated_at, updated_at FROM drafts"
        )
    )
    # Case folding is Unicode-aware in Python only (SQLite's lower() folds ASCII), so the
    # search text is filled here, a batch at a time.
    last_id = ""
    while True:
        rows = connection.execute(
            sa.text("SELECT id, title, body FROM drafts WHERE id > :last ORDER BY id LIMIT :size"),
            {"last": last_id, "size": _BATCH},
        ).fetchall()
        if not rows:
            break
        connection.execute(
            sa.text("UPDATE drafts SET search_text = :folded WHERE id = :id"),
            [{"id": r.id, "folded": f"{r.title}\n{r.body}".casefold()} for r in rows],
        )
        last_id = rows[-1].id


def downgrade() -> None:
    op.drop_index("ix_draft_revisions_draft_id_created_at", table_name="draft_revisions")
    op.drop_table("draft_revisions")
    op.drop_index("ix_drafts_state_updated_at", table_name="drafts")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("search_text")
        batch.drop_column("scheduled_at")
        batch.drop_column("author")
