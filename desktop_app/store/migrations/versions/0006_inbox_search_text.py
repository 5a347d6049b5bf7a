"""Search reads a normalised copy of author and text, so zero-width characters don't hide words.

Adds ``inbox_items.search_text`` (domain/search_text.py: NFKC, format characters removed),
fills it for stored items, and points the search index at it: on SQLite the FTS5 table and its
triggers are made again over the new column; on PostgreSQL the GIN expression index is.

Revision ID: 0006_inbox_search_text
Revises: 0005_inbox_time_order
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0006_inbox_search_text"
down_revision = "0005_inbox_time_order"
branch_labels = None
depends_on = None

_OLD_COLUMNS = "author_name, author_handle, text"


def searchable(author_name: str, author_handle: str, text: str) -> str:
    # A migration keeps its own copy of the rule (domain/search_text.py may change later).
    normalised = unicodedata.normalize("NFKC", f"{author_name} {author_handle} {text}")
    return "".join(ch for ch in normalised if unicodedata.category(ch) != "Cf")


def upgrade() -> None:
    op.add_column(
        "inbox_items", sa.Column("search_text", sa.Text(), nullable=False, server_default="")
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT seq, author_name, author_handle, text FROM inbox_items")
    ).all()
    if rows:
        connection.execute(
            sa.text("UPDATE inbox_items SET search_text = :search WHERE seq = :seq"),
            [
                {"seq": r.seq, "search": searchable(r.author_name, r.author_handle, r.text)}
                for r in rows
            ],
        )
    dialect = connection.dialect.name
    if dialect == "sqlite":
        _drop_sqlite_fts()
        _create_sqlite_fts("search_text", "new.search_text", "old.search_text")
        op.execute("INSERT INTO inbox_fts(inbox_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_inbox_items_search")
        op.execute(
            "CREATE INDEX ix_inbox_items_search ON inbox_items USING gin "
            "(to_tsvector('simple'::regconfig, search_text))"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _drop_sqlite_fts()
        _create_sqlite_fts(
            _OLD_COLUMNS,
            "new.author_name, new.author_handle, new.text",
            "old.author_name, old.author_handle, old.text",
        )
        op.execute("INSERT INTO inbox_fts(inbox_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_inbox_items_search")
        op.execute(
            "CREATE INDEX ix_inbox_items_search ON inbox_items USING gin "
            "(to_tsvector('simple'::regconfig, "
            "author_name || ' ' || author_handle || ' ' || text))"
        )
    with op.batch_alter_table("inbox_items") as batch:
        batch.drop_column("search_text")


def _drop_sqlite_fts() -> None:
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS inbox_items_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS inbox_fts")


def _create_sqlite_fts(columns: str, new_values: str, old_values: str) -> None:
    # As in 0003_inbox: å, ä and ö stay letters of their own; prefix indexes for instant search.
    op.execute(
        f"CREATE VIRTUAL TABLE inbox_fts USING fts5({columns}, "
        "content='inbox_items', content_rowid='seq', "
        "tokenize='unicode61 remove_diacritics 0', prefix='2 3 4 5 6')"
    )
    watched = "search_text" if columns == "search_text" else "author_name, author_handle, text"
    op.execute(
        "CREATE TRIGGER inbox_items_fts_insert AFTER INSERT ON inbox_items BEGIN "
        f"INSERT INTO inbox_fts(rowid, {columns}) VALUES (new.seq, {new_values}); END"
    )
    op.execute(
        "CREATE TRIGGER inbox_items_fts_delete AFTER DELETE ON inbox_items BEGIN "
        f"INSERT INTO inbox_fts(inbox_fts, rowid, {columns}) "
        f"VALUES ('delete', old.seq, {old_values}); END"
    )
    op.execute(
        f"CREATE TRIGGER inbox_items_fts_update AFTER UPDATE OF {watched} ON inbox_items BEGIN "
        f"INSERT INTO inbox_fts(inbox_fts, rowid, {columns}) "
        f"VALUES ('delete', old.seq, {old_values}); "
        f"INSERT INTO inbox_fts(rowid, {columns}) VALUES (new.seq, {new_values}); END"
    )
