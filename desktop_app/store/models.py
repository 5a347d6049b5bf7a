"""The relational schema (SQLAlchemy 2.0 typed declarative models).

Design choices:

* Ids are UUID4 strings in ``String(36)`` columns, the same on SQLite and PostgreSQL, so records
  made on a workstation can later be replicated to a shared PostgreSQL without id clashes.
* Times are ``UTCDateTime`` (aware UTC in and out, see ``types.py``).
* Per-network variants are one JSON column on ``drafts`` (``{"x": "...", "mastodon": "..."}``):
  they are always read and written together with the draft, are few (one per network), and are
  never queried on their own, so a child table would only add a join to every load and a
  diff-and-sync to every autosave. Revisions snapshot them the same way.
* Target accounts are a child table (``draft_targets``) instead: they reference ``accounts``, so
  the database keeps them consistent (removing an account removes it from every draft) and later
  features can ask "which drafts go to this account" with an index.
* ``search_text`` holds the case-folded title and body, kept by the repository, so a search for
  "ÅTGÄRD" finds "åtgärd" on SQLite (whose LIKE folds ASCII only) and on PostgreSQL alike.
* Listing 100,000 drafts newest-first uses the ``updated_at`` index; a state filter uses
  ``(state, updated_at)``. Attachments and revisions live in their own tables and are loaded only
  for the rows of the requested page.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from desktop_app.store.types import UTCDateTime

# Deterministic constraint names: PostgreSQL and Alembic's batch mode on SQLite need names to
# alter or drop a constraint later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def complete_metadata() -> MetaData:
    """``Base.metadata`` with the tables of every store module registered.

    Other parts (inbox, publications, audit) declare their tables in their own modules of
    ``desktop_app.store``; importing them all lets Alembic compare the whole schema.
    """
    import desktop_app.store as store_package

    for module in pkgutil.iter_modules(store_package.__path__):
        if module.name != "migrations":
            importlib.import_module(f"{store_package.__name__}.{module.name}")
    return Base.metadata


class AccountRow(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("network", "base_url", "remote_id", name="uq_accounts_identity"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    network: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(300))
    handle: Mapped[str] = mapped_column(String(300))
    base_url: Mapped[str] = mapped_column(String(1000))
    remote_id: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(30))
    rate_limited_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    avatar_url: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set by `accounts remove`: the account leaves every list, its records stay (records_0002).
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DraftRow(Base):
    __tablename__ = "drafts"
    __table_args__ = (
        Index("ix_drafts_updated_at", "updated_at"),
        Index("ix_drafts_state_updated_at", "state", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    variants: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(200), server_default="")
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    search_text: Mapped[str] = mapped_column(Text, server_default="", deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    targets: Mapped[list[DraftTargetRow]] = relationship(
        back_populates="draft",
        order_by="DraftTargetRow.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
    )
    attachments: Mapped[list[AttachmentRow]] = relationship(
        back_populates="draft",
        order_by="AttachmentRow.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
    )


class DraftTargetRow(Base):
    __tablename__ = "draft_targets"

    draft_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    draft: Mapped[DraftRow] = relationship(back_populates="targets", lazy="raise")


class AttachmentRow(Base):
    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    draft_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("drafts.id", ondelete="CASCADE"), index=True
    )
    stored_path: Mapped[str] = mapped_column(String(1000))
    original_name: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    mime_type: Mapped[str] = mapped_column(String(100))
    alt_text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    draft: Mapped[DraftRow] = relationship(back_populates="attachments", lazy="raise")


class RevisionRow(Base):
    __tablename__ = "draft_revisions"
    __table_args__ = (Index("ix_draft_revisions_draft_id_created_at", "draft_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    draft_id: Mapped[str] = mapped_column(String(36), ForeignKey("drafts.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    variants: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
