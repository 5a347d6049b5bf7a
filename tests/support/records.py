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
        result = uow.inbox.store_page(
            account.id, account.network, items, cursor=None, advance_cursor=False
        )
    return list(result.new_ids) + list(result.updated_ids)


def sql(tmp_path: Path, *statements: str) -> None:
    """Tamper with the database file directly, as a person holding it would."""
    with sqlite3.connect(database(tmp_path)) as db:
        for statement in statements:
            db.execute(statement)


def publish_post(
    store: Store,
    accounts: list[Account],
    text: str,
    *,
    scheduled_for: dict[str, object] | None = None,
) -> list[str]:
    """One post (a batch) to ``accounts``: sent, or platform-scheduled for an account id in
    ``scheduled_for`` (account id -> UTC datetime). Returns the publication ids."""
    from desktop_app.domain.publications import PublicationState
    from desktop_app.store.publications import NewPublication

    scheduled_for = scheduled_for or {}
    with store.unit_of_work() as uow:
        draft = uow.drafts.create(body=text, author="anna", targets=[a.id for a in accounts])
        rows = uow.publications.add_batch(
            [
                NewPublication(
                    draft_id=draft.id,
                    account_id=a.id,
                    account_label=f"@{a.handle}",
                    network=a.network,
                    author="anna",
                    submitted_by="anna",
                    title="",
                    parts=(text,),
                    media=(),
                    scheduled_at=scheduled_for.get(a.id),  # type: ignore[arg-type]
                    platform_scheduled=a.id in scheduled_for,
                )
                for a in accounts
            ]
        )
        for row in rows:
            uow.publications.transition(row.id, PublicationState.SENDING)
            uow.publications.transition(
                row.id,
                PublicationState.SENT,
                sent_at=uow.clock(),
                remote_url=f"https://{row.network.value}.example/p/{row.id[:8]}",
                remote_ids=[row.id[:8]],
            )
            uow.audit.append(
                "published", actor="anna", subject_type="publication", subject_id=row.id
            )
        return [row.id for row in rows]


def moderate(store: Store, item_id: str, text: str, *, note: str = "") -> None:
    """Hide an item and record it as InboxActions.moderate does (reason, note, content)."""
    from desktop_app.domain.inbox import InboxState, RemoteState

    with store.unit_of_work() as uow:
        repo = uow.inbox
        item = repo.require(item_id)
        repo.record_moderation(item_id, InboxState.HIDDEN, RemoteState.HIDDEN)
        uow.audit.append(
            "hidden",
            actor="bertil",
            subject_type="inbox_item",
            subject_id=item_id,
            details={
                "action": "hide",
                "reason": "sensitive_personal_data",
                "reason_text": "",
                "note": note,
                "on_platform": True,
                "item": {
                    "network": item.network.value,
                    "account_id": item.account_id,
                    "author_name": item.author_name,
                    "created_at": item.created_at,
                    "text": text,
                    "url": item.url,
                },
            },
        )


def reply(store: Store, item_id: str, text: str) -> None:
    """Record a staff reply as InboxActions.reply does."""
    from desktop_app.domain.inbox import InboxItem

    with store.unit_of_work() as uow:
        repo = uow.inbox
        item: InboxItem = repo.require(item_id)
        repo.record_answer(item_id, "cecilia", uow.clock(), "r-1")
        uow.audit.append(
            "replied",
            actor="cecilia",
            subject_type="inbox_item",
            subject_id=item_id,
            details={
                "reply_text": text,
                "reply_remote_id": "r-1",
                "reply_url": "https://example.org/r-1",
                "item": {
                    "network": item.network.value,
                    "account_id": item.account_id,
                    "author_name": item.author_name,
                    "created_at": item.created_at,
                    "text": item.text,
                    "url": item.url,
                },
            },
        )


XSD_DIR = Path(__file__).resolve().parent.parent / "data" / "xsd"


def offline_schema(name: str) -> object:
    """An lxml XMLSchema from tests/data/xsd, its imports resolved to the local copies only:
    the XLink schema METS imports from the web is the copy beside it; any other network
    lookup fails the test."""
    from lxml import etree

    class LocalOnly(etree.Resolver):
        def resolve(self, url: str | None, _pubid: str | None, context: object) -> object:
            if url and url.startswith("http") and url.endswith("xlink.xsd"):
                return self.resolve_filename(str(XSD_DIR / "xlink.xsd"), context)
            if url and url.startswith(("http:", "https:")):
                raise AssertionError(f"schema lookup over the network: {url}")
            return None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalOnly())
    return etree.XMLSchema(etree.parse(str(XSD_DIR / name), parser))
