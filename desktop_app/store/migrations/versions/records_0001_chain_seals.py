"""Seals on the audit chain (HMAC under a key outside the database) and the head's legacy mark.

Events already in the chain were written without a seal; the head's ``legacy_seq`` records how
far they go, so ``verify`` accepts them unsealed (their digests still chain into the first
sealed event) and demands a seal on everything after. ``format`` says how an event's digest
covers its details (1: inline, as before; 2: through their SHA-256, so disposal can redact).

Revision ID: records_0001
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "records_0001"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("seal", sa.String(100), nullable=True))
    # Events so far hash their details inline (format 1); new ones through their SHA-256.
    op.add_column(
        "audit_events",
        sa.Column("format", sa.Integer(), nullable=False, server_default="1"),
    )
    op.add_column("audit_head", sa.Column("seal", sa.String(100), nullable=True))
    op.add_column(
        "audit_head",
        sa.Column("legacy_seq", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.execute("UPDATE audit_head SET legacy_seq = seq")


def downgrade() -> None:
    with op.batch_alter_table("audit_head") as batch:
        batch.drop_column("legacy_seq")
        batch.drop_column("seal")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("format")
        batch.drop_column("seal")
