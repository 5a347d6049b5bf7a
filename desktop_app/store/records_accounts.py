"""Archiving an account: it leaves every list, its publications, inbox and audit trail stay.

Records leave the store only by disposal (``engine.records.disposal``), never because the
account that made or received them was removed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from desktop_app.store.accounts import AccountRow

if TYPE_CHECKING:
    from desktop_app.store.unit_of_work import UnitOfWork


def archive_account(uow: UnitOfWork, account_id: str, when: datetime) -> bool:
    """Mark the account archived; False if it does not exist or already is."""
    row = uow.session.get(AccountRow, account_id)
    if row is None or row.archived_at is not None:
        return False
    row.archived_at = when
    uow.session.flush()
    return True


def archived_at(uow: UnitOfWork, account_id: str) -> datetime | None:
    row = uow.session.get(AccountRow, account_id)
    return None if row is None else row.archived_at
