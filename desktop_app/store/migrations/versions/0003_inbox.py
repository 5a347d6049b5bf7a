"""Inbox items, sync cursors and full-text search over them.

On SQLite: an external-content FTS5 table whose rowid is the item's ``seq`` (the table's rowid),
kept current by triggers, so the newest matches come straight out of the FTS index in rowid
order. On PostgreSQL (no FTS5): a GIN index over a ``to_tsvector('simple', ...)`` expression
that the repository's search uses verbatim.

Revision ID: 0003_inbox
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_inbox"
down_revision = "0002"
branch_labels = None
depends_on = None

_FTS_COLUMNS = "author_name, author_handle, text"


def upgrade() -> None:
    op.create_table(
        "inbox_items",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("network", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("remote_id", sa.String(300), nullable=False),
        sa.Column("parent_remote_id", sa.String(300), nullable=True),
        sa.Column("root_post_remote_id", sa.String(300), nullable=True),
        sa.Column("author_name", sa.String(300), nullable=False),
        sa.Column("author_handle", sa.String(300), nullable=False),
        sa.Column("author_avatar_url", sa.String(2000), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remote_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remote_state", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("assigned_to", sa.String(200), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(200), nullable=True),
        sa.Column("reply_remote_id", sa.String(300), nullable=True),
        sa.Column("flags", sa.String(100), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_inbox_items_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name="pk_inbox_items"),
        sa.UniqueConstraint("account_id", "remote_id", name="uq_inbox_items_account_remote"),
    )
    op.create_index("ix_inbox_items_id", "inbox_items", ["id"], unique=True)
    op.create_index("ix_inbox_items_state_seq", "inbox_items", ["state", "seq"])
    op.create_index(
        "ix_inbox_items_state_account_created",
        "inbox_items",
        ["state", "account_id", "created_at"],
    )
    op.create_index(
        "ix_inbox_items_thread", "inbox_items", ["account_id", "root_post_remote_id", "created_at"]
    )
    op.create_index("ix_inbox_items_assigned_seq", "inbox_items", ["assigned_to", "seq"])

    op.create_table(
        "inbox_sync_cursors",
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("stream", sa.String(50), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_inbox_sync_cursors_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "stream", name="pk_inbox_sync_cursors"),
    )

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _create_sqlite_fts()
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_inbox_items_search ON inbox_items USING gin "
            "(to_tsvector('simple'::regconfig, "
            "author_name || ' ' || author_handle || ' ' || text))"
        )
    # Other databases: search is unavailable there beyond the filters (not a supported setup).


def _create_sqlite_fts() -> None:
    # unicode61 without removing diacritics: å, ä, ö are letters of their own in Swedish.
    # prefix='2 3 4 5 6': instant search asks for word prefixes while the user types; without a
    # prefix index FTS5 merges the doclists of every word that starts so ("buss" -> bussen,
    # bussar, ...), ~100 ms at 1M items; with one it reads a single doclist (< 1 ms).
    op.execute(
        f"CREATE VIRTUAL TABLE inbox_fts USING fts5({_FTS_COLUMNS}, "
        "content='inbox_items', content_rowid='seq', "
        "tokenize='unicode61 remove_diacritics 0', prefix='2 3 4 5 6')"
    )
    op.execute(
        "CREATE TRIGGER inbox_items_fts_insert AFTER INSERT ON inbox_items BEGIN "
        f"INSERT INTO inbox_fts(rowid, {_FTS_COLUMNS}) "
        "VALUES (new.seq, new.author_name, new.author_handle, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER inbox_items_fts_delete AFTER DELETE ON inbox_items BEGIN "
        f"INSERT INTO inbox_fts(inbox_fts, rowid, {_FTS_COLUMNS}) "
        "VALUES ('delete', old.seq, old.author_name, old.author_handle, old.text); END"
    )
    op.execute(
        "CREATE TRIGGER inbox_items_fts_update "
        "AFTER UPDATE OF author_name, author_handle, text ON inbox_items BEGIN "
        f"INSERT INTO inbox_fts(inbox_fts, rowid, {_FTS_COLUMNS}) "
        "VALUES ('delete', old.seq, old.author_name, old.author_handle, old.text); "
        f"INSERT INTO inbox_fts(rowid, {_FTS_COLUMNS}) "
        "VALUES (new.seq, new.author_name, new.author_handle, new.text); END"
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS inbox_items_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS inbox_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_inbox_items_search")
    op.drop_table("inbox_sync_cursors")
    op.drop_table("inbox_items")
