"""An attached image changed after it was attached is never published: the outbox checks the
SHA-256 stored at attach time before preparing it, and refuses a file that is no longer one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.domain.accounts import Account
from desktop_app.domain.publications import PublishBlocked
from desktop_app.engine.outbox import Outbox
from desktop_app.networks.base import Connector
from desktop_app.store.database import Store
from tests.support.store import add_account, make_store, write_png


def no_network(account: Account) -> Connector:
    raise AssertionError(f"nothing may be sent for {account.id}")


@pytest.fixture
def attached(tmp_path: Path) -> Iterator[tuple[Store, str, Path]]:
    """A draft for one Mastodon account with one attached image; the stored file's path."""
    store = make_store(tmp_path / "data")
    account = add_account(store, "mastodon")
    with store.unit_of_work() as uow:
        draft = uow.drafts.create(body="Halkvarning i kväll", targets=[account.id], actor="anna")
        attachment = uow.attachments.add(draft.id, write_png(tmp_path / "plogbil.png"), "Plogbil")
    try:
        yield store, draft.id, store.data_dir / attachment.stored_path
    finally:
        store.dispose()


def test_an_image_swapped_after_it_was_attached_is_refused(
    attached: tuple[Store, str, Path],
) -> None:
    store, draft_id, stored = attached
    write_png(stored, colour=(0, 120, 0))  # another valid image in its place
    outbox = Outbox(store, no_network)
    with pytest.raises(PublishBlocked) as blocked:
        outbox.submit(draft_id, "anna")
    (messages,) = blocked.value.problems.values()
    assert any("changed after it was attached" in m for m in messages), messages
    with store.unit_of_work(read_only=True) as uow:
        assert uow.publications.list_for_draft(draft_id) == []


def test_the_unchanged_image_is_queued(attached: tuple[Store, str, Path]) -> None:
    store, draft_id, _stored = attached
    result = Outbox(store, no_network).submit(draft_id, "anna")
    assert len(result.publications) == 1 and len(result.publications[0].media) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.timeout(20)  # reading a FIFO would block until then
def test_a_stored_image_replaced_by_a_fifo_is_refused_without_blocking(
    attached: tuple[Store, str, Path],
) -> None:
    store, draft_id, stored = attached
    stored.unlink()
    os.mkfifo(stored)
    with pytest.raises(PublishBlocked) as blocked:
        Outbox(store, no_network).submit(draft_id, "anna")
    (messages,) = blocked.value.problems.values()
    assert any("no longer a regular file" in m for m in messages), messages
