"""The channel register: each account's purpose, responsible person, start date, the moderation
notice shown to the public (BBS law §3: the rules for what is removed) and its status.

SKR recommends that an authority keeps one. It is exported with the records (PDF, JSON and the
E-ARK package). Changes are audited with the old and new values.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop_app.domain.audit import AuditKind
from desktop_app.store.records import ChannelRow, RecordsRepository
from desktop_app.store.unit_of_work import UnitOfWork

STATUSES = ("active", "paused", "closed")


class RegisterError(ValueError):
    """An entry that cannot be saved (unknown account, bad status)."""


def _record(row: ChannelRow) -> dict[str, Any]:
    return {
        "account_id": row.account_id,
        "purpose": row.purpose,
        "responsible": row.responsible,
        "start_date": None if row.start_date is None else row.start_date.isoformat(),
        "moderation_notice": row.moderation_notice,
        "status": row.status,
    }


def update_channel(
    uow: UnitOfWork,
    account_id: str,
    *,
    actor: str,
    purpose: str | None = None,
    responsible: str | None = None,
    start_date: date | None = None,
    moderation_notice: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """Create or change one account's entry; only the given fields change."""
    account = uow.accounts.get(account_id)
    if account is None:
        raise RegisterError(f"no account with id {account_id}")
    if status is not None and status not in STATUSES:
        raise RegisterError(f"status must be one of {', '.join(STATUSES)}")
    repo = RecordsRepository(uow)
    row = repo.channel(account_id)
    before = None if row is None else _record(row)
    if row is None:
        row = ChannelRow(
            account_id=account_id,
            purpose="",
            responsible="",
            start_date=account.created_at.date(),
            moderation_notice="",
            status="active",
            updated_at=uow.clock(),
            updated_by=actor,
        )
    if purpose is not None:
        row.purpose = purpose
    if responsible is not None:
        row.responsible = responsible
    if start_date is not None:
        row.start_date = start_date
    if moderation_notice is not None:
        row.moderation_notice = moderation_notice
    if status is not None:
        row.status = status
    row.updated_at = uow.clock()
    row.updated_by = actor
    repo.save_channel(row)
    after = _record(row)
    uow.audit.append(
        AuditKind.REGISTER_CHANGED,
        actor=actor,
        subject_type="register",
        subject_id=account_id,
        details={"before": before, "after": after},
    )
    return after


def channel_entry(uow: UnitOfWork, account_id: str) -> dict[str, Any]:
    """One account's entry as it stands (a new account's empty one, started when it was added)."""
    account = uow.accounts.get(account_id)
    if account is None:
        raise RegisterError(f"no account with id {account_id}")
    row = RecordsRepository(uow).channel(account_id)
    if row is not None:
        return _record(row)
    return {
        "account_id": account_id,
        "purpose": "",
        "responsible": "",
        "start_date": account.created_at.date().isoformat(),
        "moderation_notice": "",
        "status": "active",
    }
