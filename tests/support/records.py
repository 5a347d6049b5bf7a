"""Helpers for the records tests: a store whose audit chain is sealed with a keyring key."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_app.domain.accounts import Account
from desktop_app.domain.inbox import InboxKind, IncomingItem, RemoteState
from desktop_app.domain.networks import Network
from desktop_app.engine.records.chain_keys import use_keyring_chain_key
from desktop_app.store.database import Store
from desktop_app.store.inbox import inbox_repository

# A file keyring under the test's own XDG_DATA_HOME: the CLI (a new process state each call)
# and the test's own store read the same chain key, as the app and the CLI do on a desk.
FILE_KEYRING = "keyrings.alt.file.PlaintextKeyring"


def use_file_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FILE_KEYRING)


def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "kanal-data"


def database(tmp_path: Path) -> Path:
    return data_dir(tmp_path) / "kanal.sqlite3"


def sealed_store(tmp_path: Path) -> Store:
    data = data_dir(tmp_path)
    store = Store(f"sqlite:///{(data / 'kanal.sqlite3').as_posix()}", data_dir=data)
    store.migrate()
    use_keyring_chain_key(store)
    return store


def add_account(store: Store, network: Network = Network.MASTODON) -> Account:
    with store.unit_of_work() as uow:
        return uow.accounts.add(
            network=network,
            display_name="Kommunen",
            handle="kommunen",
            base_url=f"https://{network.value}.example",
            remote_id="me",
        )


def incoming(remote_id: str, text: str, state: RemoteState = RemoteState.VISIBLE) -> IncomingItem:
    from datetime import UTC, datetime

    return IncomingItem(
        remote_id=remote_id,
        kind=InboxKind.COMMENT,
        author_name="Anna Andersson",
        author_handle="anna",
        author_avatar_url="",
        text=text,
        html="",
        created_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        remote_updated_at=None,
        parent_remote_id=None,
        root_post_remote_id="post-1",
        url=f"https://example.org/{remote_id}",
        remote_state=state,
    )


def receive(store: Store, account: Account, items: list[IncomingItem]) -> list[str]:
    with store.unit_of_work() as uow:
        result = inbox_repository(uow).store_page(
            account.id, account.network, items, cursor=None, advance_cursor=False
        )
    return list(result.new_ids) + list(result.updated_ids)


def sql(tmp_path: Path, *statements: str) -> None:
    """Tamper with the database file directly, as a person holding it would."""
    with sqlite3.connect(database(tmp_path)) as db:
        for statement in statements:
            db.execute(statement)
