"""Join the inbox's time order and search column with the records' seals, archive and tables.

Revision ID: 0007
Revises: 0006_inbox_search_text, records_0003
"""

from __future__ import annotations

revision = "0007"
down_revision = ("0006_inbox_search_text", "records_0003")
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Both branches change tables of their own; joining them needs no schema change.
    pass


def downgrade() -> None:
    pass
