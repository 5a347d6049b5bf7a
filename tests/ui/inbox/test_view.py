"""The inbox view over a real store: paging, search, keyboard, stable list on new items."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.domain.inbox import InboxItem
from desktop_app.domain.networks import Network
from desktop_app.store.database import Store
from desktop_app.ui.db_worker import DatabaseWorker
from desktop_app.ui.inbox.model import PAGE_SIZE, ItemRole
from desktop_app.ui.inbox.view import InboxView
from tests.support.inbox import T0, add_account, incoming, store_items


@pytest.fixture
def db(store: Store, qtbot: QtBot) -> Iterator[DatabaseWorker]:
    worker = DatabaseWorker()
    with qtbot.waitSignal(worker.store_opened, timeout=5000):
        worker.open_store(lambda: store)
    yield worker
    worker.close()


@pytest.fixture
def view(db: DatabaseWorker, qtbot: QtBot) -> Iterator[InboxView]:
    widget = InboxView(db, None, "karin", clock=lambda: T0 + timedelta(days=2))
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    yield widget
    widget.shutdown()


def _fill(store: Store, count: int) -> None:
    for n, network in enumerate(Network):
        account = add_account(store, network)
        items = [
            incoming(
                f"{n}-{i}",
                f"{'plogbil' if i % 10 == 0 else 'buss'} nummer {i} på {network.value}",
                created_at=T0 - timedelta(minutes=i),
            )
            for i in range(count // len(Network))
        ]
        store_items(store, account, items)


def test_pages_are_fetched_as_the_list_scrolls(store: Store, view: InboxView, qtbot: QtBot) -> None:
    _fill(store, 500)
    view.start()
    qtbot.waitUntil(lambda: view.model.rowCount() == PAGE_SIZE, timeout=5000)
    assert view.model.canFetchMore()
    view.list.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2 * PAGE_SIZE, timeout=5000)
    # Rows are read lazily: the last row gets its data once the view asks for it.
    last = view.model.index(view.model.rowCount() - 1)
    view.model.data(last, ItemRole)
    qtbot.waitUntil(lambda: isinstance(view.model.data(last, ItemRole), InboxItem), timeout=5000)


def test_instant_search_and_keyboard(store: Store, view: InboxView, qtbot: QtBot) -> None:
    _fill(store, 100)
    view.start()
    qtbot.waitUntil(lambda: view.model.rowCount() == 100, timeout=5000)
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_Slash)
    assert view.search.hasFocus()
    qtbot.keyClicks(view.search, "plogb")
    qtbot.waitUntil(lambda: view.model.rowCount() == 10, timeout=5000)
    qtbot.waitUntil(lambda: view.current_item() is not None, timeout=5000)
    first = view.current_item()
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: view.current_item() not in (None, first), timeout=5000)
    assert view.list.currentIndex().row() == 1
    qtbot.keyClick(view.list, Qt.Key.Key_K)
    assert view.list.currentIndex().row() == 0
    qtbot.keyClick(view.list, Qt.Key.Key_R)
    assert view.conversation.reply_box.hasFocus()
    qtbot.keyClicks(view.conversation.reply_box, "x" * 10)
    assert view.conversation.counter.text().startswith("10")


def test_new_items_go_on_top_without_moving_what_the_user_sees(
    store: Store, view: InboxView, qtbot: QtBot
) -> None:
    _fill(store, 250)
    view.start()
    qtbot.waitUntil(lambda: view.model.rowCount() == 200, timeout=5000)
    view.move_selection(30)
    qtbot.waitUntil(lambda: view.current_item() is not None, timeout=5000)
    selected = view.current_item()
    assert selected is not None

    def top_id() -> str | None:
        item = view.list.indexAt(view.list.viewport().rect().topLeft()).data(ItemRole)
        return item.id if isinstance(item, InboxItem) else None

    top_before = top_id()
    assert top_before is not None
    account = add_account(store, Network.X, "other")
    store_items(store, account, [incoming(f"n{i}", "ny kommentar") for i in range(7)])
    with qtbot.waitSignal(view.model.new_rows_inserted, timeout=5000):
        view.model.load_newer()
    assert view.model.rowCount() == 207
    current = view.current_item()
    assert current is not None and current.id == selected.id
    qtbot.waitUntil(lambda: top_id() == top_before, timeout=5000)


def test_account_filter_follows_account_changes(
    store: Store, view: InboxView, qtbot: QtBot
) -> None:
    first = add_account(store, Network.MASTODON)
    view.start()
    qtbot.waitUntil(lambda: view.account_filter.count() == 2, timeout=5000)
    view.account_filter.setCurrentIndex(view.account_filter.findData(first.id))
    # An account added later (the Accounts view says so) appears without a restart.
    second = add_account(store, Network.BLUESKY)
    view.set_accounts([first, second])
    assert [view.account_filter.itemData(i) for i in range(3)] == ["", first.id, second.id]
    assert view.account_filter.currentData() == first.id
    # The filtered account is removed: the list falls back to all accounts.
    view.set_accounts([second])
    assert [view.account_filter.itemData(i) for i in range(2)] == ["", second.id]
    assert view.account_filter.currentData() == ""
    assert view.current_filter().account_ids == frozenset()
    assert view.model.inbox_filter.account_ids == frozenset()
