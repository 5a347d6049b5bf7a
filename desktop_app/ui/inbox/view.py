"""The unified inbox: one list for every account, filters, search, the conversation, actions.

Reads go through the database worker (the GUI thread never waits on SQLite); platform calls
(reply, moderate) go through a small pool; both come back as queued signals. Keyboard: j / k
next and previous item, r reply, e done, / search.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QDate,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.config import DEFAULT_TIMEZONE
from desktop_app.domain.accounts import Account
from desktop_app.domain.inbox import (
    InboxAction,
    InboxFilter,
    InboxItem,
    InboxKind,
    InboxState,
    ResponseStats,
    RootPost,
    SavedView,
    format_age,
    saved_view_filter,
)
from desktop_app.domain.moderation import ModerationDecision, ModerationKind, ModerationReason
from desktop_app.domain.networks import Network
from desktop_app.ui.formatting import ui_locale
from desktop_app.ui.inbox.avatars import AvatarLoader
from desktop_app.ui.inbox.conversation import NETWORK_LABELS, ConversationPane
from desktop_app.ui.inbox.delegate import ROW_HEIGHT, InboxRowDelegate
from desktop_app.ui.inbox.jobs import SyncBridge
from desktop_app.ui.inbox.model import InboxListModel, ItemRole
from desktop_app.ui.inbox.notifications import InboxNotifier
from desktop_app.ui.inbox.reason_dialog import action_label, ask_reason
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_app.engine.avatars import AvatarCache
    from desktop_app.engine.inbox_actions import InboxActions
    from desktop_app.store.database import Store


class AskReason(Protocol):
    """Asks for the reason of a moderation; ``subject`` names the item it acts on."""

    def __call__(
        self, parent: QWidget, kind: ModerationKind, subject: str = ""
    ) -> tuple[ModerationReason, str] | None: ...


SUBJECT_EXCERPT_CHARS = 60  # enough of the text to recognise the item in a dialog title

SEARCH_DELAY_MS = 120  # instant, but not a query per keystroke of a fast typist


def _utc_now() -> datetime:
    return datetime.now(UTC)


def moderation_subject(item: InboxItem) -> str:
    """Who wrote the item and how it begins, for the dialog that acts on it."""
    text = " ".join(item.text.split())
    if len(text) > SUBJECT_EXCERPT_CHARS:
        text = text[: SUBJECT_EXCERPT_CHARS - 1].rstrip() + "…"
    author = item.author_name or item.author_handle
    return f"{author}: “{text}”" if text else author


def _as_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class InboxView(QWidget):
    """Signals:
    sync_requested(): the user asked for a sync now (the window's engine does it).
    status_message(str): something worth a line in the status bar.
    """

    sync_requested = Signal()
    status_message = Signal(str)

    def __init__(
        self,
        db: TaskRunner,
        actions: InboxActions,
        me: str,
        *,
        notifier: InboxNotifier | None = None,
        avatars: AvatarCache | None = None,
        ask_reason: AskReason = ask_reason,
        clock: Callable[[], datetime] = _utc_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._actions = actions
        self._me = me
        self._ask_reason = ask_reason
        self._clock = clock
        self._notifier = notifier
        self._accounts: dict[str, Account] = {}
        self._thread_request = 0
        self._row_retries = 0  # bounded waiting for a selected row whose data is not read yet

        self.model = InboxListModel(db, clock, self)
        self.model.new_rows_inserted.connect(self._keep_position_after_insert)
        self.model.load_failed.connect(self._show_error)
        self.model.page_loaded.connect(self._page_loaded)

        # -- filter bar --
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search authors and text  ( / )"))
        self.search.setClearButtonEnabled(True)
        self.saved_view = QComboBox(self)
        for view, label in (
            (SavedView.ALL, self.tr("All")),
            (SavedView.UNANSWERED, self.tr("Unanswered")),
            (SavedView.UNANSWERED_OVER_24H, self.tr("Unanswered > 24 h")),
            (SavedView.ASSIGNED_TO_ME, self.tr("Assigned to me")),
            (SavedView.FLAGGED, self.tr("Personal data")),
            (SavedView.HIDDEN_AND_DELETED, self.tr("Hidden and deleted")),
        ):
            self.saved_view.addItem(label, view.value)
        self.network_filter = QComboBox(self)
        self.network_filter.addItem(self.tr("All networks"), "")
        for network in Network:
            self.network_filter.addItem(NETWORK_LABELS[network.value], network.value)
        self.account_filter = QComboBox(self)
        self.account_filter.addItem(self.tr("All accounts"), "")
        self.kind_filter = QComboBox(self)
        self.kind_filter.addItem(self.tr("All kinds"), "")
        for kind, label in (
            (InboxKind.COMMENT, self.tr("Comments")),
            (InboxKind.MENTION, self.tr("Mentions")),
            (InboxKind.REPLY, self.tr("Replies")),
        ):
            self.kind_filter.addItem(label, kind.value)
        self.state_filter = QComboBox(self)
        self.state_filter.addItem(self.tr("Any state"), "")
        for state, label in (
            (InboxState.NEW, self.tr("New")),
            (InboxState.READ, self.tr("Read")),
            (InboxState.ANSWERED, self.tr("Answered")),
            (InboxState.DONE, self.tr("Done")),
            (InboxState.HIDDEN, self.tr("Hidden")),
            (InboxState.DELETED, self.tr("Deleted")),
        ):
            self.state_filter.addItem(label, state.value)
        self.date_range = QCheckBox(self.tr("From"), self)
        self.date_from = QDateEdit(self)
        self.date_to = QDateEdit(self)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(ui_locale().dateFormat(QLocale.FormatType.ShortFormat))
            edit.setEnabled(False)
        today = QDate.currentDate()
        self.date_from.setDate(today.addDays(-7))
        self.date_to.setDate(today)
        self.sync_button = QPushButton(self.tr("Sync now"), self)
        self.sync_button.clicked.connect(self.sync_requested.emit)

        # Search and Sync on a row of their own, so the search field stays usable however many
        # filters a narrow window has to fit.
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.sync_button)
        filters = QHBoxLayout()
        filters.addWidget(self.saved_view)
        filters.addWidget(self.network_filter)
        filters.addWidget(self.account_filter)
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.state_filter)
        filters.addWidget(self.date_range)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("–", self))
        filters.addWidget(self.date_to)
        filters.addStretch(1)

        # -- response times, one chip per account --
        # A scrolling strip, so many accounts never force the window wider than the screen.
        stats_strip = QWidget(self)
        self.stats_bar = QHBoxLayout(stats_strip)
        self.stats_bar.setContentsMargins(0, 0, 0, 0)
        self.stats_bar.setSpacing(8)
        self.stats_bar.addStretch(1)
        self._stat_labels: dict[str, QLabel] = {}
        stats_scroll = QScrollArea(self)
        stats_scroll.setWidget(stats_strip)
        stats_scroll.setWidgetResizable(True)
        stats_scroll.setFrameShape(QFrame.Shape.NoFrame)
        stats_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        chip_height = self.fontMetrics().height() + 12  # text plus the chips' padding
        scrollbar = stats_scroll.horizontalScrollBar().sizeHint().height()
        stats_scroll.setFixedHeight(chip_height + scrollbar)
        stats_row = QHBoxLayout()
        stats_row.addWidget(stats_scroll, 1)

        # -- list and conversation --
        self.list = QListView(self)
        self.list.setModel(self.model)
        self.avatars: AvatarLoader | None = None
        if avatars is not None:
            self.avatars = AvatarLoader(avatars, self._db, self._account_of, self)
            self.avatars.loaded.connect(lambda _url: self.list.viewport().update())
        self.list.setItemDelegate(
            InboxRowDelegate(clock, self.avatars.pixmap if self.avatars else None, self.list)
        )
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.list.setMinimumWidth(340)
        self.empty_label = QLabel(self)
        self.empty_label.setVisible(False)
        list_box = QWidget(self)
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.list, 1)
        list_layout.addWidget(self.empty_label)

        self.conversation = ConversationPane(parent=self)
        self.conversation.reply_requested.connect(self._send_reply)
        self.action_buttons: dict[str, QPushButton] = {}
        actions_row = QHBoxLayout()
        for key, label, handler in (
            ("read", self.tr("Read/unread"), self._toggle_read),
            ("done", self.tr("Done  (e)"), self._mark_done),
            ("assign", self.tr("Assign to me"), self._assign_to_me),
            ("hide", action_label(ModerationKind.HIDE) + "…", self._hide),
            ("unhide", action_label(ModerationKind.UNHIDE) + "…", self._unhide),
            ("delete", action_label(ModerationKind.DELETE) + "…", self._delete),
            ("approve", action_label(ModerationKind.APPROVE) + "…", self._approve),
            ("spam", action_label(ModerationKind.SPAM) + "…", self._spam),
        ):
            button = QPushButton(label, self)
            button.clicked.connect(handler)
            button.setEnabled(False)
            actions_row.addWidget(button)
            self.action_buttons[key] = button
        actions_row.addStretch(1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(actions_row)
        right_layout.addWidget(self.conversation, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(list_box)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.status = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addLayout(filters)
        layout.addLayout(stats_row)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self._name_controls()

        # -- behaviour --
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        for combo in (
            self.saved_view,
            self.network_filter,
            self.account_filter,
            self.kind_filter,
            self.state_filter,
        ):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.date_range.toggled.connect(self._date_range_toggled)
        self.date_from.dateChanged.connect(lambda _d: self.apply_filters())
        self.date_to.dateChanged.connect(lambda _d: self.apply_filters())
        selection = self.list.selectionModel()
        selection.currentChanged.connect(self._current_changed)
        self._newer_timer = QTimer(self)
        self._newer_timer.setSingleShot(True)
        self._newer_timer.setInterval(300)
        self._newer_timer.timeout.connect(self._on_new_items)
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(60_000)  # ages move on even when nothing arrives
        self._stats_timer.timeout.connect(self.refresh_stats)
        self._stats_timer.start()
        self._install_shortcuts()

    # -- set-up ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Read accounts, figures and the first page (call once the store is open)."""
        self._load_accounts()
        self.apply_filters()
        self.refresh_stats()

    @property
    def notifier(self) -> InboxNotifier | None:
        """The tray notifier, which other window messages (refusals) also go through."""
        return self._notifier

    def connect_sync(self, bridge: SyncBridge) -> None:
        bridge.page_stored.connect(self._page_stored)
        bridge.run_done.connect(lambda _results: self.refresh_stats())

    def shutdown(self) -> None:
        """Stop timers and join background work (the window calls this on close)."""
        for timer in (self._search_timer, self._newer_timer, self._stats_timer):
            timer.stop()
        if self._notifier is not None:
            self._notifier.stop()
        self.conversation.shutdown()

    def _name_controls(self) -> None:
        """Names a screen reader announces (filters by what they filter, not their value), and
        the tab order of the screen: filters, list, the action buttons above the conversation,
        then the conversation and the reply box below them."""
        self.search.setAccessibleName(self.tr("Search the inbox"))
        self.saved_view.setAccessibleName(self.tr("Saved view"))
        self.network_filter.setAccessibleName(self.tr("Filter by network"))
        self.account_filter.setAccessibleName(self.tr("Filter by account"))
        self.kind_filter.setAccessibleName(self.tr("Filter by kind"))
        self.state_filter.setAccessibleName(self.tr("Filter by state"))
        self.date_range.setAccessibleName(self.tr("Only items from a date range"))
        self.date_from.setAccessibleName(self.tr("First date of the range"))
        self.date_to.setAccessibleName(self.tr("Last date of the range"))
        self.list.setAccessibleName(self.tr("Inbox items, newest first"))
        for scroll in self.findChildren(QScrollArea):
            scroll.setAccessibleName(self.tr("Response times per account"))
            scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # figures only; nothing to do there
        chain: list[QWidget] = [
            self.search,
            self.sync_button,
            self.saved_view,
            self.network_filter,
            self.account_filter,
            self.kind_filter,
            self.state_filter,
            self.date_range,
            self.date_from,
            self.date_to,
            self.list,
            *self.action_buttons.values(),
            *self.conversation.focus_chain(),
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _install_shortcuts(self) -> None:
        for keys, handler in (
            ("J", lambda: self.move_selection(1)),
            ("K", lambda: self.move_selection(-1)),
            ("R", self.conversation.focus_reply),
            ("E", self._mark_done),
            ("/", self._focus_search),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(handler)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- filters --------------------------------------------------------------------------------

    def current_filter(self) -> InboxFilter:
        base = saved_view_filter(SavedView(self.saved_view.currentData()), self._me)
        network = self.network_filter.currentData()
        account = self.account_filter.currentData()
        kind = self.kind_filter.currentData()
        state = self.state_filter.currentData()
        created_from = created_to = None
        if self.date_range.isChecked():
            zone = ZoneInfo(DEFAULT_TIMEZONE)
            start = _as_date(self.date_from.date())
            end = _as_date(self.date_to.date())
            created_from = datetime.combine(start, time(0), zone).astimezone(UTC)
            created_to = datetime.combine(end + timedelta(days=1), time(0), zone).astimezone(UTC)
        return replace(
            base,
            networks=frozenset({Network(network)}) if network else frozenset(),
            account_ids=frozenset({account}) if account else frozenset(),
            kinds=frozenset({InboxKind(kind)}) if kind else frozenset(),
            states=frozenset({InboxState(state)}) if state else base.states,
            created_from=created_from,
            created_to=created_to,
            search=self.search.text(),
        )

    def apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())
        self.conversation.show_thread(None, [])
        self._update_buttons(None)

    def _date_range_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.apply_filters()

    def _page_loaded(self, count: int) -> None:
        empty = self.model.rowCount() == 0
        self.empty_label.setVisible(empty)
        if empty:
            self.empty_label.setText(self.tr("Nothing here."))
        if count and not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.model.index(0))

    # -- accounts and response times ------------------------------------------------------------

    def _load_accounts(self) -> None:
        def job(store: Store) -> list[Account]:
            with store.unit_of_work(read_only=True) as uow:
                return uow.accounts.list()

        self._db.submit(self, job, self.set_accounts, self._show_error)

    def set_accounts(self, accounts: list[Account]) -> None:
        """Show these accounts in the account filter (at start and whenever they change);
        the chosen account stays chosen while it exists."""
        self._accounts = {a.id: a for a in accounts}
        current = self.account_filter.currentData()
        self.account_filter.blockSignals(True)
        self.account_filter.clear()
        self.account_filter.addItem(self.tr("All accounts"), "")
        for account in accounts:
            self.account_filter.addItem(self._account_label(account), account.id)
        index = self.account_filter.findData(current)
        self.account_filter.setCurrentIndex(max(0, index))
        self.account_filter.blockSignals(False)
        if index < 0 and current:
            # The filtered account is gone: show all accounts rather than an empty list.
            self.apply_filters()

    def _account_of(self, account_id: str) -> Account | None:
        return self._accounts.get(account_id)

    def _account_label(self, account: Account) -> str:
        name = account.handle or account.display_name
        return f"{NETWORK_LABELS[account.network.value]} {name}"

    def refresh_stats(self) -> None:
        def job(store: Store) -> tuple[list[ResponseStats], int]:
            with store.unit_of_work(read_only=True) as uow:
                repo = uow.inbox
                return repo.response_stats(), repo.count_new()

        self._db.submit(self, job, self._show_stats, self._show_error)

    def _show_stats(self, result: tuple[list[ResponseStats], int]) -> None:
        stats, unread = result
        if self._notifier is not None:
            self._notifier.set_unread(unread)
        now = self._clock()
        by_account = {s.account_id: s for s in stats}
        for account_id in list(self._stat_labels):
            if account_id not in by_account and account_id not in self._accounts:
                self._stat_labels.pop(account_id).deleteLater()

        def urgency(account_id: str) -> tuple[bool, int, str]:
            stat = by_account.get(account_id, ResponseStats(account_id, 0, None))
            return (not stat.overdue(now), -stat.unanswered, account_id)

        # The most urgent account first: overdue, then the most waiting.
        for position, account_id in enumerate(
            sorted(set(self._accounts) | set(by_account), key=urgency)
        ):
            stat = by_account.get(account_id, ResponseStats(account_id, 0, None))
            label = self._stat_labels.get(account_id)
            if label is None:
                label = QLabel(self)
                self._stat_labels[account_id] = label
            self.stats_bar.removeWidget(label)
            self.stats_bar.insertWidget(position, label)
            account = self._accounts.get(account_id)
            name = self._account_label(account) if account else account_id[:8]
            age = stat.oldest_age(now)
            text = (
                self.tr("%1: %2 unanswered").replace("%1", name).replace("%2", str(stat.unanswered))
            )
            if age is not None:
                text += " · " + self.tr("oldest %1").replace("%1", format_age(age))
            label.setText(text)
            overdue = stat.overdue(now)
            label.setProperty("overdue", overdue)
            label.setToolTip(self.tr("Unanswered for more than 24 hours") if overdue else "")
            label.setStyleSheet(
                "QLabel { background: #c62828; color: white; border-radius: 8px;"
                " padding: 2px 8px; font-weight: bold; }"
                if overdue
                else "QLabel { background: #e8eef2; border-radius: 8px; padding: 2px 8px; }"
            )

    # -- new items ------------------------------------------------------------------------------

    def _page_stored(self, _account_id: str, new: int, updated: int) -> None:
        if self._notifier is not None:
            self._notifier.items_arrived(new)
        if new or updated:
            self._newer_timer.start()

    def _on_new_items(self) -> None:
        self.model.load_newer()
        self.refresh_stats()

    def _keep_position_after_insert(self, count: int) -> None:
        # Rows went in above what the user looks at: scroll by as many, so nothing moves.
        bar = self.list.verticalScrollBar()
        if bar.value() > 0 or self.list.currentIndex().row() >= count:
            bar.setValue(bar.value() + count)

    # -- selection and the conversation ---------------------------------------------------------

    def current_item(self) -> InboxItem | None:
        item = self.list.currentIndex().data(ItemRole)
        return item if isinstance(item, InboxItem) else None

    def move_selection(self, step: int) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            return
        row = self.list.currentIndex().row()
        target = 0 if row < 0 else max(0, min(rows - 1, row + step))
        if target == rows - 1 and self.model.canFetchMore():
            self.model.fetchMore()
        index = self.model.index(target)
        self.list.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.list.scrollTo(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = current.data(ItemRole) if current.isValid() else None
        if not isinstance(item, InboxItem):
            self.conversation.show_thread(None, [])
            self._update_buttons(None)
            if current.isValid() and self._row_retries < 40:
                # The row is still being read; show it as soon as it is there.
                self._row_retries += 1
                QTimer.singleShot(50, lambda: self._retry_current(current.row()))
            return
        self._row_retries = 0
        self._show_item(item)

    def _retry_current(self, row: int) -> None:
        if self.list.currentIndex().row() == row:
            self._current_changed(self.list.currentIndex(), QModelIndex())

    def _show_item(self, item: InboxItem) -> None:
        self._update_buttons(item)
        self.conversation.show_thread(item, [item])
        self._thread_request += 1
        request = self._thread_request
        mark_read = item.state is InboxState.NEW

        actions, me = self._actions, self._me

        def job(store: Store) -> tuple[list[InboxItem], InboxItem | None, RootPost | None]:
            # Opening a new item marks it read, through the engine (with its audit event).
            # Only if it is still new when the job runs: a moderation may have come first.
            updated = actions.opened(item.id, me) if mark_read else None
            with store.unit_of_work(read_only=True) as uow:
                repo = uow.inbox
                return repo.thread(updated or item), updated, repo.root_post(item)

        def done(result: tuple[list[InboxItem], InboxItem | None, RootPost | None]) -> None:
            thread, updated, root = result
            if updated is not None:
                self.model.update_items([updated])
                self.refresh_stats()
            if request == self._thread_request:
                shown = updated or item
                self.conversation.show_thread(shown, thread, root)
                self._update_buttons(shown)

        self._db.submit(self, job, done, self._show_error)

    def _update_buttons(self, item: InboxItem | None) -> None:
        has = item is not None
        state = item.state if item else None
        visible = state not in (InboxState.HIDDEN, InboxState.DELETED)
        self.action_buttons["read"].setEnabled(has and state in (InboxState.NEW, InboxState.READ))
        self.action_buttons["done"].setEnabled(
            has and state in (InboxState.NEW, InboxState.READ, InboxState.ANSWERED)
        )
        self.action_buttons["assign"].setEnabled(has)
        can_moderate = has
        self.action_buttons["hide"].setEnabled(can_moderate and visible)
        self.action_buttons["unhide"].setEnabled(can_moderate and state is InboxState.HIDDEN)
        self.action_buttons["delete"].setEnabled(can_moderate and state is not InboxState.DELETED)
        held = item is not None and item.remote_state.value == "held"
        self.action_buttons["approve"].setEnabled(can_moderate and held)
        self.action_buttons["spam"].setEnabled(can_moderate and visible)

    # -- actions --------------------------------------------------------------------------------

    def _local_action(self, action: InboxAction) -> None:
        item = self.current_item()
        if item is None:
            return

        actions, me = self._actions, self._me
        self._db.submit(
            self,
            lambda _store: actions.change_state(item.id, action, me),
            self._item_changed,
            self._show_error,
        )

    def _toggle_read(self) -> None:
        item = self.current_item()
        if item is not None:
            action = (
                InboxAction.MARK_UNREAD if item.state is InboxState.READ else InboxAction.MARK_READ
            )
            self._local_action(action)

    def _mark_done(self) -> None:
        item = self.current_item()
        if item is not None and item.state in (
            InboxState.NEW,
            InboxState.READ,
            InboxState.ANSWERED,
        ):
            self._local_action(InboxAction.DONE)

    def _assign_to_me(self) -> None:
        item = self.current_item()
        if item is None:
            return
        actions, me = self._actions, self._me
        self._db.submit(
            self,
            lambda _store: actions.assign(item.id, me, me),
            self._item_changed,
            self._show_error,
        )

    def _item_changed(self, item: InboxItem) -> None:
        self.model.update_items([item])
        if self.current_item() is not None and self.current_item() == item:
            self._update_buttons(item)
        current = self.conversation.item
        if current is not None and current.id == item.id:
            self._show_item(item)
        self.refresh_stats()

    def _hide(self) -> None:
        self._moderate(ModerationKind.HIDE)

    def _unhide(self) -> None:
        self._moderate(ModerationKind.UNHIDE)

    def _delete(self) -> None:
        self._moderate(ModerationKind.DELETE)

    def _approve(self) -> None:
        self._moderate(ModerationKind.APPROVE)

    def _spam(self) -> None:
        self._moderate(ModerationKind.SPAM)

    def _moderate(self, kind: ModerationKind) -> None:
        item = self.current_item()
        actions = self._actions
        if item is None:
            return
        answer = self._ask_reason(self, kind, subject=moderation_subject(item))
        if answer is None:
            return
        reason, note = answer
        decision = ModerationDecision(kind, reason, note, self._me, self._clock())
        self.status.setText(self.tr("Working…"))
        self._db.run(
            self,
            lambda: actions.moderate(item.id, decision),
            lambda outcome: self._after_moderation(outcome.item, outcome.on_platform),
            self._show_error,
        )

    def _after_moderation(self, item: InboxItem, on_platform: bool) -> None:
        self.status.setText(
            self.tr("Done on the platform and recorded.")
            if on_platform
            else self.tr("The platform cannot do this; done in Kanal only and recorded.")
        )
        self._item_changed(item)

    def _send_reply(self, text: str) -> None:
        item = self.conversation.item
        actions = self._actions
        if item is None:
            return
        me = self._me
        self.conversation.send_button.setEnabled(False)
        self.status.setText(self.tr("Sending reply…"))

        def done(updated: InboxItem) -> None:
            self.conversation.clear_reply()
            self.status.setText(self.tr("Reply sent."))
            self._item_changed(updated)

        self._db.run(self, lambda: actions.reply(item.id, text, me), done, self._show_error)

    def _show_error(self, error: Exception) -> None:
        message = getattr(error, "reason", None) or str(error) or type(error).__name__
        self.status.setText(self.tr("Could not do that: %1").replace("%1", str(message)))
        self.status_message.emit(str(message))
        self.conversation.send_button.setEnabled(True)

    # Row height is fixed by the delegate; exposed for the scroll arithmetic in tests.
    row_height = ROW_HEIGHT
