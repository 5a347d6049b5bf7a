"""Inbox order follows the time the citizen wrote: renumber seq as a time key.

Before this revision ``inbox_items.seq`` was handed out in first-seen order, so one sync of several
accounts grouped items by account. Now seq encodes ``created_at`` (store/inbox.py ``time_key``);
existing rows get their key here, ties broken in their old order, and the FTS5 index (whose
rowid is seq) is rebuilt from its content table.

Revision ID: 0005_inbox_time_order
Revises: 0004
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005_inbox_time_order"
down_revision = "0004"
branch_labels = None
depends_on = None

# The same numbers as store/inbox.py; a migration keeps its own copy so it never changes later.
TIME_KEY_BITS = 12
# Renumbered rows first move above every old seq and every time key, then down to their key,
# so no intermediate value collides with a row not yet moved.
PARKING = 1 << 62


def as_utc(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT seq, created_at FROM inbox_items ORDER BY seq")).all()
    taken: set[int] = set()
    renumbered: list[dict[str, int]] = []
    for seq, created_at in rows:
        key = int(as_utc(created_at).timestamp() * 1000) << TIME_KEY_BITS
        while key in taken:
            key += 1
        taken.add(key)
        renumbered.append({"old": seq, "parked": PARKING + seq, "new": key})
    if not renumbered:
        return
    connection.execute(sa.text("UPDATE inbox_items SET seq = :parked WHERE seq = :old"), renumbered)
    connection.execute(sa.text("UPDATE inbox_items SET seq = :new WHERE seq = :parked"), renumbered)
    if connection.dialect.name == "sqlite":
        connection.execute(sa.text("INSERT INTO inbox_fts(inbox_fts) VALUES ('rebuild')"))


def downgrade() -> None:
    # First-seen order cannot be recovered; the time keys are valid seqs for the old code too.
    pass
