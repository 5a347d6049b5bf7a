"""Inbox test helpers: accounts and citizens' items written straight into a real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from desktop_app.domain.accounts import Account
from desktop_app.domain.inbox import InboxKind, IncomingItem, RemoteState
from desktop_app.domain.networks import Network
from desktop_app.store.database import Store

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def add_account(store: Store, network: Network, handle: str | None = None) -> Account:
    with store.unit_of_work() as uow:
        return uow.accounts.add(
            network=network,
            display_name=f"Kommunen på {network.value}",
            handle=handle or f"kommunen_{network.value}",
            base_url=f"https://{network.value}.example",
            remote_id=f"me-{network.value}-{handle or ''}",
        )


def incoming(
    remote_id: str,
    text: str = "Hej! När plogas Storgatan?",
    *,
    author: str = "Anna Andersson",
    created_at: datetime | None = None,
    root: str | None = "post-1",
    parent: str | None = None,
    html: str = "",
    state: RemoteState = RemoteState.VISIBLE,
    kind: InboxKind = InboxKind.COMMENT,
) -> IncomingItem:
    return IncomingItem(
        remote_id=remote_id,
        kind=kind,
        author_name=author,
        author_handle=author.lower().replace(" ", "."),
        author_avatar_url="",
        text=text,
        html=html,
        created_at=created_at
        or T0 + timedelta(minutes=int(remote_id.strip("abcdefghijklmnopqrstuvwxyz-") or 0)),
        remote_updated_at=None,
        parent_remote_id=parent,
        root_post_remote_id=root,
        url=f"https://example.org/{remote_id}",
        remote_state=state,
    )


def store_items(store: Store, account: Account, items: list[IncomingItem]) -> list[str]:
    with store.unit_of_work() as uow:
        result = uow.inbox.store_page(
            account.id, account.network, items, cursor=None, advance_cursor=False
        )
    return list(result.new_ids)
