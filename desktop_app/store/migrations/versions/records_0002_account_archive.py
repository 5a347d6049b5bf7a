"""Removing an account archives it: ``accounts.archived_at`` (its records stay in the store).

Revision ID: records_0002
Revises: records_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "records_0002"
down_revision = "records_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("archived_at")
