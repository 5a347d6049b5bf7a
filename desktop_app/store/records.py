"""The records tables: settings, retention rules, legal holds, disposal lists, channel register.

Kept in the database (not a per-desk settings file) because they are the authority's decisions:
a team shares them. Every change goes through ``engine.records`` which writes its audit event in
the same unit of work; this module only reads and writes rows.
"""

from __future__ import annotations

import builtins
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.store.base import Base
from desktop_app.store.types import UTCDateTime

if TYPE_CHECKING:
    from desktop_app.store.unit_of_work import UnitOfWork


class RecordsSettingRow(Base):
    __tablename__ = "records_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class RetentionRuleRow(Base):
    __tablename__ = "retention_rules"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_class: Mapped[str] = mapped_column(String(30))
    account_id: Mapped[str | None] = mapped_column(String(36))  # None: every account
    keep_days: Mapped[int] = mapped_column(Integer)
    decision_ref: Mapped[str] = mapped_column(String(300))  # the gallringsbeslut it rests on
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(200))


class LegalHoldRow(Base):
    __tablename__ = "legal_holds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str | None] = mapped_column(String(36))
    item_id: Mapped[str | None] = mapped_column(String(100))
    since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    placed_by: Mapped[str] = mapped_column(String(200))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_by: Mapped[str | None] = mapped_column(String(200))


class DisposalRow(Base):
    """One disposal run's list: what was removed, by which rule, when and by whom."""

    __tablename__ = "disposals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    entries: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    held_back: Mapped[int] = mapped_column(Integer)


class ChannelRow(Base):
    """The channel register (SKR's recommendation): one row per account."""

    __tablename__ = "channel_register"

    account_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    purpose: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(300))
    start_date: Mapped[date | None] = mapped_column(Date)
    moderation_notice: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(200))


def new_id() -> str:
    return str(uuid.uuid4())


class RecordsRepository:
    """Rows of the records tables inside the caller's unit of work."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self.session = uow.session

    # settings
    def setting(self, key: str, default: Any = None) -> Any:
        row = self.session.get(RecordsSettingRow, key)
        return default if row is None else row.value

    def set_setting(self, key: str, value: Any) -> None:
        row = self.session.get(RecordsSettingRow, key)
        if row is None:
            self.session.add(RecordsSettingRow(key=key, value=value))
        else:
            row.value = value
        self.session.flush()

    # rules
    def rules(self) -> builtins.list[RetentionRuleRow]:
        query = select(RetentionRuleRow).order_by(
            RetentionRuleRow.record_class, RetentionRuleRow.created_at
        )
        return list(self.session.scalars(query))

    def add_rule(self, row: RetentionRuleRow) -> RetentionRuleRow:
        self.session.add(row)
        self.session.flush()
        return row

    def remove_rule(self, rule_id: str) -> RetentionRuleRow | None:
        row = self.session.get(RetentionRuleRow, rule_id)
        if row is not None:
            self.session.delete(row)
            self.session.flush()
        return row

    # holds
    def holds(self, *, active_only: bool = True) -> builtins.list[LegalHoldRow]:
        query = select(LegalHoldRow).order_by(LegalHoldRow.placed_at)
        if active_only:
            query = query.where(LegalHoldRow.released_at.is_(None))
        return list(self.session.scalars(query))

    def add_hold(self, row: LegalHoldRow) -> LegalHoldRow:
        self.session.add(row)
        self.session.flush()
        return row

    def hold(self, hold_id: str) -> LegalHoldRow | None:
        return self.session.get(LegalHoldRow, hold_id)

    # disposals
    def disposals(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> builtins.list[DisposalRow]:
        query = select(DisposalRow).order_by(DisposalRow.run_at)
        if since is not None:
            query = query.where(DisposalRow.run_at >= since)
        if until is not None:
            query = query.where(DisposalRow.run_at < until)
        return list(self.session.scalars(query))

    def add_disposal(self, row: DisposalRow) -> DisposalRow:
        self.session.add(row)
        self.session.flush()
        return row

    # register
    def channels(self) -> builtins.list[ChannelRow]:
        return list(self.session.scalars(select(ChannelRow)))

    def channel(self, account_id: str) -> ChannelRow | None:
        return self.session.get(ChannelRow, account_id)

    def save_channel(self, row: ChannelRow) -> ChannelRow:
        self.session.merge(row)
        self.session.flush()
        return row
