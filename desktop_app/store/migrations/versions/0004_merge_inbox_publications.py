"""Join the inbox and the publications branches into one history again.

Revision ID: 0004
Revises: 0003_inbox, 0003_publications_audit
"""

from __future__ import annotations

revision = "0004"
down_revision = ("0003_inbox", "0003_publications_audit")
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Both branches only add tables of their own; joining them needs no schema change.
    pass


def downgrade() -> None:
    pass
