"""The inbox view over a real store: paging, search, keyboard, stable list on new items."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.domain.inbox import InboxItem, InboxState
from desktop_app.domain.networks import Network
from desktop_app.store.audit import AuditRepository
from desktop_app.store.database import Store
from desktop_app.ui.inbox.model import PAGE_SIZE, ItemRole
from desktop_app.ui.inbox.view import InboxView
from desktop_app.ui.tasks import TaskRunner
from tests.support.inbox import T0, add_account, incoming, store_items
from tests.support.ui import offline_actions


@pytest.fixture
def db(store: Store, qtbot: QtBot) -> Iterator[TaskRunner]:
    worker = TaskRunner()
    with qtbot.waitSignal(worker.store_opened, timeout=5000):
        worker.open_store(lambda: store)
    yield worker
    worker.close()


@pytest.fixture
def view(store: Store, db: TaskRunner, qtbot: QtBot) -> Iterator[InboxView]:
    widget = InboxView(db, offline_actions(store), "karin", clock=lambda: T0 + timedelta(days=2))
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


def _events(store: Store, item_id: str) -> list[tuple[str, str]]:
    with store.unit_of_work(read_only=True) as uow:
        return [(e.kind, e.actor) for e in AuditRepository(uow).list(subject_id=item_id)]


def _state(store: Store, item_id: str) -> InboxState:
    with store.unit_of_work(read_only=True) as uow:
        return uow.inbox.require(item_id).state


def test_read_assign_and_done_are_recorded_in_the_audit_trail(
    store: Store, view: InboxView, qtbot: QtBot
) -> None:
    account = add_account(store, Network.MASTODON)
    [item_id] = store_items(store, account, [incoming("c1", "När töms soptunnorna?")])
    view.start()
    # Opening a new item marks it read, as the person who opened it.
    qtbot.waitUntil(lambda: view.current_item() is not None, timeout=5000)
    qtbot.waitUntil(lambda: _state(store, item_id) is InboxState.READ, timeout=5000)
    assert _events(store, item_id) == [("marked_read", "karin")]

    qtbot.mouseClick(view.action_buttons["assign"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(_events(store, item_id)) == 2, timeout=5000)
    with store.unit_of_work(read_only=True) as uow:
        assert uow.inbox.require(item_id).assigned_to == "karin"
        assigned = AuditRepository(uow).list(subject_id=item_id)[-1]
    assert (assigned.kind, assigned.actor) == ("assigned", "karin")
    assert assigned.details["assigned_to"] == "karin"

    qtbot.waitUntil(lambda: view.action_buttons["done"].isEnabled(), timeout=5000)
    qtbot.mouseClick(view.action_buttons["done"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _state(store, item_id) is InboxState.DONE, timeout=5000)
    assert _events(store, item_id)[-1] == ("marked_done", "karin")
    with store.unit_of_work(read_only=True) as uow:
        assert AuditRepository(uow).verify()[1] == []  # one unbroken chain


def test_a_failed_change_reaches_the_person(store: Store, view: InboxView, qtbot: QtBot) -> None:
    account = add_account(store, Network.MASTODON)
    [item_id] = store_items(store, account, [incoming("c1", "Hej")])
    view.start()
    qtbot.waitUntil(lambda: view.current_item() is not None, timeout=5000)
    qtbot.waitUntil(lambda: _state(store, item_id) is InboxState.READ, timeout=5000)
    with store.unit_of_work() as uow:  # someone else closed it meanwhile
        uow.inbox.set_state(item_id, InboxState.DELETED)
    with qtbot.waitSignal(view.status_message, timeout=5000) as said:
        view.action_buttons["done"].setEnabled(True)
        qtbot.mouseClick(view.action_buttons["done"], Qt.MouseButton.LeftButton)
    assert "done" in said.args[0] and "deleted" in said.args[0]
    assert [kind for kind, _ in _events(store, item_id)] == ["marked_read"]


def test_opening_marks_only_a_new_item_read(store: Store) -> None:
    """A moderation that lands before the "opened" job must not be undone or refused."""
    account = add_account(store, Network.MASTODON)
    [new_id, hidden_id] = store_items(store, account, [incoming("c1", "Hej"), incoming("c2", "Hå")])
    with store.unit_of_work() as uow:
        uow.inbox.set_state(hidden_id, InboxState.HIDDEN)
    actions = offline_actions(store)
    opened = actions.opened(new_id, "karin")
    assert opened is not None and opened.state is InboxState.READ
    assert actions.opened(new_id, "karin") is None  # already read: nothing more recorded
    assert actions.opened(hidden_id, "karin") is None
    assert _state(store, hidden_id) is InboxState.HIDDEN
    assert _events(store, new_id) == [("marked_read", "karin")]
    assert _events(store, hidden_id) == []
