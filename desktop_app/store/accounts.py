"""Connected accounts: their rows and repository (the public identity only; secrets live in
the keyring under the account's id)."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    String,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.networks import Network, parse_network
from desktop_app.store.base import Base, new_id, require_aware
from desktop_app.store.errors import DuplicateAccount, UnknownAccount
from desktop_app.store.types import UTCDateTime

if TYPE_CHECKING:
    from desktop_app.store.unit_of_work import UnitOfWork


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


def _account_from_row(row: AccountRow) -> Account:
    return Account(
        id=row.id,
        network=Network(row.network),
        display_name=row.display_name,
        handle=row.handle,
        base_url=row.base_url,
        remote_id=row.remote_id,
        status=AccountStatus(row.status),
        rate_limited_until=row.rate_limited_until,
        avatar_url=row.avatar_url,
        created_at=row.created_at,
    )


class AccountRepository:
    """Connected accounts. Secrets are not here: they live in the keyring under the account id."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._session = uow.session

    def add(
        self,
        *,
        network: Network | str,
        display_name: str,
        handle: str,
        base_url: str,
        remote_id: str,
        status: AccountStatus = AccountStatus.UNVERIFIED,
        avatar_url: str = "",
        rate_limited_until: datetime | None = None,
        account_id: str | None = None,
    ) -> Account:
        """Store a new account; ``account_id`` may be chosen up front (e.g. to key secrets)."""
        net = network if isinstance(network, Network) else parse_network(network)
        existing = self.find(net, base_url, remote_id)
        if existing is not None:
            raise DuplicateAccount(
                f"{net.value} account {existing.handle or existing.display_name} at {base_url} "
                f"is already connected (id {existing.id})"
            )
        row = AccountRow(
            id=account_id or new_id(),
            network=net.value,
            display_name=display_name,
            handle=handle,
            base_url=base_url,
            remote_id=remote_id,
            status=AccountStatus(status).value,
            rate_limited_until=require_aware(rate_limited_until, "rate_limited_until"),
            avatar_url=avatar_url,
            created_at=self._uow.clock(),
        )
        self._session.add(row)
        self._session.flush()
        return _account_from_row(row)

    def get(self, account_id: str) -> Account | None:
        row = self._session.get(AccountRow, account_id)
        return None if row is None else _account_from_row(row)

    def find(self, network: Network | str, base_url: str, remote_id: str) -> Account | None:
        """The account with this identity on the platform, if it is already connected."""
        net = network if isinstance(network, Network) else parse_network(network)
        row = self._session.scalars(
            select(AccountRow).where(
                AccountRow.network == net.value,
                AccountRow.base_url == base_url,
                AccountRow.remote_id == remote_id,
            )
        ).first()
        return None if row is None else _account_from_row(row)

    def list(self, network: Network | str | None = None) -> builtins.list[Account]:
        """All accounts (or one network's), by network then name."""
        query = select(AccountRow).order_by(
            AccountRow.network, AccountRow.display_name, AccountRow.id
        )
        if network is not None:
            net = network if isinstance(network, Network) else parse_network(network)
            query = query.where(AccountRow.network == net.value)
        return [_account_from_row(row) for row in self._session.scalars(query)]

    def remove(self, account_id: str) -> None:
        """Delete the account; drafts simply lose it as a target (the rows cascade)."""
        row = self._row(account_id)
        self._session.delete(row)
        self._session.flush()

    def update_status(
        self,
        account_id: str,
        status: AccountStatus,
        rate_limited_until: datetime | None = None,
    ) -> Account:
        row = self._row(account_id)
        row.status = AccountStatus(status).value
        row.rate_limited_until = require_aware(rate_limited_until, "rate_limited_until")
        self._session.flush()
        return _account_from_row(row)

    def update_profile(
        self,
        account_id: str,
        *,
        display_name: str | None = None,
        handle: str | None = None,
        avatar_url: str | None = None,
    ) -> Account:
        """Refresh what the platform says about the account (after a verify)."""
        row = self._row(account_id)
        if display_name is not None:
            row.display_name = display_name
        if handle is not None:
            row.handle = handle
        if avatar_url is not None:
            row.avatar_url = avatar_url
        self._session.flush()
        return _account_from_row(row)

    def update_base_url(self, account_id: str, base_url: str) -> Account:
        """The account moved (practice mode's emulator listens on a new port each start)."""
        row = self._row(account_id)
        row.base_url = base_url
        self._session.flush()
        return _account_from_row(row)

    def _row(self, account_id: str) -> AccountRow:
        row = self._session.get(AccountRow, account_id)
        if row is None:
            raise UnknownAccount(f"no account with id {account_id}")
        return row
