"""The main window: a sidebar of sections, the section itself, and a status bar."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, QTimeZone, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.accounts import Account
from desktop_app.domain.inbox import InboxItem
from desktop_app.domain.publications import Publication
from desktop_app.policy import load_policy
from desktop_app.ui import draft_jobs
from desktop_app.ui.accounts_view import AccountsView
from desktop_app.ui.calendar_view import CalendarView
from desktop_app.ui.composer import ComposerWidget
from desktop_app.ui.connectivity import ConnectivityMonitor
from desktop_app.ui.drafts_view import DraftsView
from desktop_app.ui.event_log import EventLog
from desktop_app.ui.keyboard import focus_main_control, let_tab_leave_text_editors
from desktop_app.ui.preferences import Preferences, PreferencesStore
from desktop_app.ui.publish_gate import PublishGate
from desktop_app.ui.quit_reminder import AskBeforeQuitting, ask_before_quitting, kept_locally
from desktop_app.ui.refusal_banner import RefusalBanner
from desktop_app.ui.review_view import ReviewView
from desktop_app.ui.saved_replies import SavedRepliesButton, SavedRepliesStore
from desktop_app.ui.settings_view import SettingsView
from desktop_app.ui.shortcuts_dialog import ShortcutsDialog
from desktop_app.ui.spelling_attach import Spelling
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    # Only for the types: the composition root builds these (they bring the store's and the
    # engines' libraries, which the first paint does not need).
    from desktop_app.ui.engines import WindowEngines
    from desktop_app.ui.history_view import HistoryView
    from desktop_app.ui.inbox.view import InboxView
    from desktop_app.ui.scheduled_view import ScheduledView

# Fits a 1366x768 laptop screen with the taskbar; the inbox needs the width.
DEFAULT_WINDOW_SIZE = (1280, 720)
WINDOW_STATE_FILE = "window.json"
RESCUE_FOLDER = "unsaved"  # drafts that could not be saved when the window closed
SECTION_INBOX = 0
SECTION_COMPOSE = 1
SECTION_DRAFTS = 2
SECTION_SCHEDULED = 3
SECTION_SENT = 4
SECTION_ACCOUNTS = 5
SECTION_CALENDAR = 6
SECTION_SETTINGS = 7
NEW_SENT_ROWS_DELAY_MS = 400  # new publications while Sent is shown: one reload for a burst
STATUS_MESSAGE_MS = 15_000


class MainWindow(QMainWindow):
    """Sidebar (Inbox, Compose, Drafts, Scheduled, Sent, Accounts, Calendar, Settings),
    sections, status bar.

    Signals:
        closed(): the window has saved, stopped its timers and joined its threads.
    """

    closed = Signal()

    def __init__(
        self,
        worker: TaskRunner,
        data_dir: Path,
        display_zone: QTimeZone,
        author: str,
        practice_mode: bool,
        event_log: EventLog,
        connectivity: ConnectivityMonitor,
        accounts_view: AccountsView,
        engines: WindowEngines,
        inbox_view: InboxView,
        history_view: HistoryView,
        scheduled_view: ScheduledView,
        review_view: ReviewView,
        parent: QWidget | None = None,
    ) -> None:
        """``engines`` (the outbox and the inbox sync) start once the store is open."""
        super().__init__(parent)
        self.practice_mode = practice_mode
        self.accounts_view = accounts_view
        self.engines = engines
        self.inbox_view = inbox_view
        self.history_view = history_view
        self.scheduled_view = scheduled_view
        self.review_view = review_view
        self._store_ready = False
        self._worker = worker
        self._data_dir = data_dir
        self._event_log = event_log
        self._closed = False
        self._accounts: list[Account] = []
        self._open_draft_id: str | None = None  # the composer's draft, reopened after a crash
        title = self.tr("Kanal")
        if practice_mode:
            title = self.tr("Kanal — Practice mode (nothing is published)")
        self.setWindowTitle(title)
        self.setMinimumSize(QSize(640, 480))

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.practice_banner = QLabel(
            self.tr(
                "Practice mode: you are working against Kanal's own practice platforms. "
                "Nothing you do here reaches the public."
            )
        )
        self.practice_banner.setObjectName("practiceBanner")
        self.practice_banner.setWordWrap(True)
        self.practice_banner.setStyleSheet(
            "background: #fff3cd; color: #5c4400; padding: 8px; font-weight: 600;"
        )
        self.practice_banner.setVisible(practice_mode)
        outer.addWidget(self.practice_banner)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        self.refusal_banner = RefusalBanner(self._tray_message)
        outer.addWidget(self.refusal_banner)
        outer.addLayout(body, 1)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName(self.tr("Sections"))
        self.sidebar.setFixedWidth(170)
        self.stack = QStackedWidget()
        body.addWidget(self.sidebar)
        body.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.composer = ComposerWidget(worker, data_dir, display_zone, author)
        self.drafts = DraftsView(worker, display_zone, author)
        self.preferences_store = PreferencesStore(data_dir, load_policy())
        self.preferences = self.preferences_store.load()
        self.settings_view = SettingsView(self.preferences_store)
        self.calendar_view = CalendarView(
            worker, ZoneInfo(bytes(display_zone.id().data()).decode()), engines.reschedule, author
        )
        self.settings_view.changed.connect(self._on_preferences_changed)
        self.composer.set_default_targets(self.preferences.default_accounts)
        self.publish_gate = PublishGate(
            self.composer,
            display_zone,
            lambda: self._accounts,
            lambda: self.preferences.confirm_before_publishing,
        )
        sections: list[tuple[str, QWidget]] = [
            (self.tr("Inbox"), inbox_view),
            (self.tr("Compose"), self.composer),
            (self.tr("Drafts"), self.drafts),
            (self.tr("Scheduled"), scheduled_view),
            (self.tr("Sent"), history_view),
            (self.tr("Accounts"), accounts_view),
            (self.tr("Calendar"), self.calendar_view),
            (self.tr("Settings"), self.settings_view),
            (self.tr("Review"), review_view),
        ]
        for index, (name, widget) in enumerate(sections):
            item = QListWidgetItem(name)
            item.setToolTip(self.tr("Ctrl+{number}").format(number=index + 1))
            self.sidebar.addItem(item)
            self.stack.addWidget(widget)
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.activated.connect(self._section_selector(index))
        self.sidebar.currentRowChanged.connect(self._on_section_changed)
        self._section_names = [name for name, _widget in sections]
        self._install_keyboard()
        self.ask_before_quitting: AskBeforeQuitting = ask_before_quitting  # tests answer it
        self.spelling = Spelling(worker, self)
        self.spelling.attach(self.composer.body_editor)
        self.spelling.attach(inbox_view.conversation.reply_box)  # loads on the first text
        self.saved_replies = SavedRepliesButton(
            SavedRepliesStore(data_dir),
            inbox_view.conversation.reply_box,
            lambda: inbox_view.conversation.item,
            self._account_name_of,
        )
        inbox_view.conversation.add_reply_tool(self.saved_replies)

        self.online_label = QLabel(self.tr("Checking connection…"))
        self.online_label.setObjectName("onlineStatus")
        self.queue_label = QLabel()
        self.queue_label.setObjectName("queueStatus")
        self.database_label = QLabel(self.tr("Opening the database…"))
        self.statusBar().addWidget(self.database_label, 1)
        self.statusBar().addPermanentWidget(self.queue_label)
        self.statusBar().addPermanentWidget(self.online_label)
        self.set_queue_length(0)

        self._connectivity = connectivity
        connectivity.setParent(self)
        connectivity.online_changed.connect(self.set_online)
        connectivity.online_changed.connect(engines.connectivity_changed)
        if self._connectivity.online is not None:
            self.set_online(self._connectivity.online)

        worker.store_opened.connect(self._on_store_opened)
        worker.error_reported.connect(self._on_unhandled_error)
        worker.store_failed.connect(self._on_store_failed)
        self.drafts.open_requested.connect(self._open_draft_in_composer)
        history_view.edit_requested.connect(self._open_draft_in_composer)
        self.composer.draft_saved.connect(self.drafts.model.refresh_draft)
        self.composer.draft_saved.connect(self._remember_open_draft)
        self.composer.loaded.connect(self._on_draft_loaded)
        accounts_view.accounts_changed.connect(self._on_accounts)
        accounts_view.accounts_changed.connect(inbox_view.set_accounts)
        accounts_view.status_message.connect(self.show_status_message)
        self._new_sent_rows_timer = QTimer(self)
        self._new_sent_rows_timer.setSingleShot(True)
        self._new_sent_rows_timer.setInterval(NEW_SENT_ROWS_DELAY_MS)
        self._new_sent_rows_timer.timeout.connect(self._reload_sent)
        inbox_view.status_message.connect(self.show_status_message)
        review_view.waiting_changed.connect(self._on_review_waiting)
        self._connect_engines(engines)

        self._restore_window_state()
        if self.sidebar.currentRow() < 0:
            self.sidebar.setCurrentRow(SECTION_COMPOSE)

    # ----- sections -------------------------------------------------------------------------

    def _section_selector(self, index: int) -> Callable[[], None]:
        def select() -> None:
            self.show_section(index)
            self.focus_section()

        return select

    def _install_keyboard(self) -> None:
        """Tab leaves text editors; F1 lists the shortcuts; choosing a section (Enter in the
        sidebar, a click, Ctrl+number) puts focus on its main control, so j/k/r work at once.
        Arrow keys in the sidebar only browse: focus stays there."""
        let_tab_leave_text_editors(self)
        overview = QShortcut(QKeySequence(Qt.Key.Key_F1), self)
        overview.activated.connect(self.show_shortcuts)
        self.sidebar.itemActivated.connect(lambda _item: self.focus_section())
        self.sidebar.itemClicked.connect(lambda _item: self.focus_section())

    def focus_section(self) -> None:
        """Focus on the shown section's main control."""
        preferred: dict[int, QWidget] = {
            SECTION_INBOX: self.inbox_view.list,
            SECTION_COMPOSE: self.composer.body_editor,
        }
        section = self.stack.currentWidget()
        if section is not None:
            focus_main_control(section, preferred.get(self.current_section()))

    @Slot()
    def show_shortcuts(self) -> ShortcutsDialog:
        """The shortcut overview (F1); returned so tests can close it."""
        dialog = ShortcutsDialog(self._section_names, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_section(self, index: int) -> None:
        self.sidebar.setCurrentRow(index)

    def current_section(self) -> int:
        return self.stack.currentIndex()

    @Slot(int)
    def _on_section_changed(self, index: int) -> None:
        if index < 0:
            return
        self.stack.setCurrentIndex(index)
        if index == SECTION_DRAFTS:
            self.composer.save_now()  # so the list shows what was just typed
            self.drafts.activate()
        self._activate_section(index)

    def _activate_section(self, index: int) -> None:
        """Sections that read the store do it when shown (once it is open)."""
        if not self._store_ready:
            return
        if index == SECTION_SENT:
            self.history_view.activate()
        elif index == SECTION_SCHEDULED:
            self.scheduled_view.activate()
        elif index == SECTION_CALENDAR:
            self.calendar_view.activate()

    # ----- engines --------------------------------------------------------------------------

    def _connect_engines(self, engines: WindowEngines) -> None:
        self.composer.set_publisher(engines.submit)
        engines.reports.queue_size_changed.connect(self.set_queue_length)
        engines.reports.publication_changed.connect(self._on_publication_changed)
        engines.reports.publication_changed.connect(self.refusal_banner.publication_changed)
        self.refusal_banner.count_changed.connect(self._show_sent_badge)
        self.refusal_banner.edit_requested.connect(self._open_draft_in_composer)
        self.refusal_banner.retry_requested.connect(self._retry_refused)
        self.refusal_banner.sent_requested.connect(lambda: self.show_section(SECTION_SENT))
        engines.reports.account_paused.connect(self._on_account_paused)
        engines.start_failed.connect(self._on_engines_failed)
        self.inbox_view.connect_sync(engines.sync_bridge)
        self.inbox_view.sync_requested.connect(engines.request_sync)

    def _account_name_of(self, item: InboxItem) -> str:
        account = next((a for a in self._accounts if a.id == item.account_id), None)
        return (account.display_name or account.handle) if account else ""

    def _on_preferences_changed(self, preferences: Preferences) -> None:
        self.preferences = preferences
        self.composer.set_default_targets(preferences.default_accounts)

    def _tray_message(self, title: str, body: str) -> None:
        if not self.preferences.notifications:
            return
        notifier = self.inbox_view.notifier
        tray = notifier.tray if notifier is not None else None
        if tray is not None and QSystemTrayIcon.supportsMessages():
            tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Warning, 10_000)

    @Slot(int)
    def _show_sent_badge(self, count: int) -> None:
        """Sent carries the number of refused posts until they are dealt with."""
        item = self.sidebar.item(SECTION_SENT)
        name = self._section_names[SECTION_SENT]
        item.setText(f"{name}  ⚠ {count}" if count else name)
        item.setData(
            Qt.ItemDataRole.AccessibleTextRole,
            self.tr("%1, %n not published", "", count).replace("%1", name) if count else name,
        )

    @Slot(str)
    def _retry_refused(self, draft_id: str) -> None:
        engines = self.engines
        self._worker.run(
            self,
            lambda: engines.retry_failed(draft_id),
            lambda _result: self.show_status_message(self.tr("Sent again.")),
            lambda error: self._on_unhandled_error(str(error) or type(error).__name__),
        )

    @Slot(str)
    def _on_engines_failed(self, message: str) -> None:
        self.show_status_message(
            self.tr("Sending and inbox sync could not start: {reason}").format(reason=message)
        )

    @Slot(object)
    def _on_publication_changed(self, publication: Publication) -> None:
        history = self.history_view
        history.publication_changed(publication)
        if self.current_section() == SECTION_SENT and history.model.row_of(publication.id) is None:
            self._new_sent_rows_timer.start()  # a new one: read the list again

    @Slot()
    def _reload_sent(self) -> None:
        if self.current_section() == SECTION_SENT:
            self.history_view.model.reload()

    @Slot(str, str)
    def _on_account_paused(self, account_id: str, message: str) -> None:
        account = next((a for a in self._accounts if a.id == account_id), None)
        name = (account.handle or account.display_name) if account else account_id
        self.show_status_message(
            self.tr("{account} needs signing in again; its posts wait: {reason}").format(
                account=name, reason=message
            )
        )
        self.accounts_view.refresh()

    @Slot(str)
    def _on_unhandled_error(self, reason: str) -> None:
        """A background job failed and no view handled it: the person hears of it."""
        self.show_status_message(
            self.tr("Something could not be done: {reason}").format(reason=reason)
        )

    @Slot(str)
    def show_status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MESSAGE_MS)

    @Slot(str)
    def _open_draft_in_composer(self, draft_id: str) -> None:
        self.composer.open_draft(draft_id)
        self.show_section(SECTION_COMPOSE)

    # ----- status bar -----------------------------------------------------------------------

    @Slot(bool)
    def set_online(self, online: bool) -> None:
        if online:
            self.online_label.setText(self.tr("● Online"))
            self.online_label.setStyleSheet("color: #1b5e20;")
        else:
            self.online_label.setText(self.tr("○ Offline: drafts are kept and sent later"))
            self.online_label.setStyleSheet("color: #8a4b00;")

    @Slot(int)
    def set_queue_length(self, count: int) -> None:
        """The engine reports how many posts wait to be sent."""
        self.queue_label.setText(self.tr("Sending queue: %n", "", count))

    @Slot()
    def _on_store_opened(self) -> None:
        self.database_label.setText(self.tr("Database ready"))
        self._event_log.write("store_ready")
        self._store_ready = True
        self._worker.submit(self, draft_jobs.list_accounts, self._on_accounts)
        if self.current_section() == SECTION_DRAFTS:
            self.drafts.activate()
        self.inbox_view.start()
        self.review_view.start()
        self.engines.start()
        self._activate_section(self.current_section())
        if self._open_draft_id is not None and self.composer.is_blank():
            # The draft that was open when Kanal last stopped, even if it was killed.
            self.composer.open_draft(self._open_draft_id, quiet_if_missing=True)

    @Slot(int)
    def _on_review_waiting(self, count: int) -> None:
        """The sidebar names how many drafts wait, and a publisher is told when more arrive."""
        item = self.sidebar.item(self.stack.indexOf(self.review_view))
        if item is not None:
            name = self.tr("Review")
            item.setText(f"{name} ({count})" if count else name)
        if count:
            self.show_status_message(self.tr("%n draft(s) wait for review.", "", count))

    @Slot(str)
    def _remember_open_draft(self, draft_id: str) -> None:
        if draft_id == self.composer.draft_id and draft_id != self._open_draft_id:
            self._open_draft_id = draft_id
            self.save_window_state()

    @Slot(str)
    def _on_draft_loaded(self, draft_id: str) -> None:
        self._remember_open_draft(draft_id)
        self._event_log.write(
            "draft_opened",
            draft_id=draft_id,
            body_chars=len(self.composer.body_editor.toPlainText()),
        )

    @Slot(str)
    def _on_store_failed(self, message: str) -> None:
        self.database_label.setText(
            self.tr("The database could not be opened: {reason}").format(reason=message)
        )
        self.database_label.setStyleSheet("color: #b00020;")
        self._event_log.write("store_failed", message=message)

    def _on_accounts(self, accounts: list[Account]) -> None:
        self._accounts = accounts
        self.composer.set_accounts(accounts)
        self.settings_view.set_accounts(accounts)
        self.drafts.set_accounts(accounts)
        self.history_view.set_accounts(accounts)
        self.engines.accounts_changed(accounts)

    # ----- window state ---------------------------------------------------------------------

    def _state_path(self) -> Path:
        return self._data_dir / WINDOW_STATE_FILE

    def _restore_window_state(self) -> None:
        try:
            state = json.loads(self._state_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.resize(*DEFAULT_WINDOW_SIZE)
            return
        geometry = state.get("geometry") if isinstance(state, dict) else None
        restored = False
        if isinstance(geometry, str):
            try:
                raw = base64.b64decode(geometry.encode("ascii"), validate=True)
                restored = self.restoreGeometry(QByteArray(raw))
            except ValueError:
                restored = False
        if not restored:
            self.resize(*DEFAULT_WINDOW_SIZE)
        section = state.get("section") if isinstance(state, dict) else None
        if isinstance(section, int) and 0 <= section < self.stack.count():
            self.sidebar.setCurrentRow(section)
        open_draft = state.get("open_draft") if isinstance(state, dict) else None
        if isinstance(open_draft, str) and open_draft:
            self._open_draft_id = open_draft

    def save_window_state(self) -> None:
        geometry = base64.b64encode(bytes(self.saveGeometry().data())).decode("ascii")
        state = {
            "geometry": geometry,
            "section": self.current_section(),
            "open_draft": self._open_draft_id,
        }
        path = self._state_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(state), encoding="utf-8")
            temporary.replace(path)
        except OSError:
            pass  # losing the window size must never stop the program from closing

    # ----- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed and not self._may_quit():
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)

    def _may_quit(self) -> bool:
        """Reminds of scheduled posts only this computer can send; True: go ahead."""
        if not self._store_ready:
            return True
        now = datetime.now(UTC)
        try:
            pending = self._worker.run_blocking(lambda store: kept_locally(store, now), 5.0)
        except Exception:
            return True
        return not pending or self.ask_before_quitting(self, pending)

    def shutdown(self) -> None:
        """Save the draft, stop timers and join every thread this window started. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self.save_window_state()
        if not self.composer.save_blocking():
            # The store refused (or is gone): keep the text in a file rather than lose it.
            rescued = self.composer.rescue_to(self._data_dir / RESCUE_FOLDER)
            if rescued is not None:
                self._event_log.write("unsaved_draft_rescued", path=str(rescued))
        self.composer.shutdown()
        self.drafts.shutdown()
        self._new_sent_rows_timer.stop()
        # Views with platform calls of their own first, then the engines; all before the
        # database thread closes the store they use.
        self.scheduled_view.shutdown()
        self.review_view.shutdown()
        self.inbox_view.shutdown()
        self.history_view.shutdown()
        self.engines.stop()
        self.accounts_view.shutdown()  # before the database thread: its jobs may use it
        self._connectivity.close()
        self._worker.close()
        self._event_log.write("window_closed")
        self.closed.emit()
