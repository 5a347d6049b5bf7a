"""The drafts list: a table model over draft ids, filled one page at a time.

The model never holds more rows than the view has scrolled to: it asks the store for the
total once, then Qt's ``canFetchMore``/``fetchMore`` pull the next page on the database thread as
the user scrolls. Rows keep only the few fields the table shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QTimeZone,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.accounts import Account
from desktop_app.domain.drafts import Draft
from desktop_app.ui import draft_jobs
from desktop_app.ui.db_worker import DatabaseWorker
from desktop_app.ui.draft_jobs import DraftPage
from desktop_app.ui.targets import network_label, networks_of_targets

PAGE_SIZE = 200
SEARCH_DELAY_MS = 250
DRAFT_ID_ROLE = Qt.ItemDataRole.UserRole

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class DraftRow:
    """What one table row shows."""

    id: str
    summary: str
    targets: str
    updated_at: datetime
    scheduled_at: datetime | None
    image_count: int


def summarise(draft: Draft, accounts: dict[str, Account]) -> DraftRow:
    text = draft.title.strip() or draft.body.strip()
    first_line = text.splitlines()[0] if text else ""
    networks = networks_of_targets(draft.target_account_ids, accounts)
    return DraftRow(
        id=draft.id,
        summary=first_line[:200],
        targets=", ".join(network_label(n) for n in networks),
        updated_at=draft.updated_at,
        scheduled_at=draft.scheduled_at,
        image_count=len(draft.attachments),
    )


class DraftsModel(QAbstractTableModel):
    """Drafts matching a search, newest change first, fetched in pages.

    Signals:
        loading_failed(str): a page could not be read; the message says why.
        total_changed(int): how many drafts match in all.
    """

    loading_failed = Signal(str)
    total_changed = Signal(int)

    COLUMN_TEXT, COLUMN_TARGETS, COLUMN_UPDATED, COLUMN_SCHEDULED = range(4)

    def __init__(
        self,
        worker: DatabaseWorker,
        display_zone: QTimeZone,
        page_size: int = PAGE_SIZE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._zone = display_zone
        self._page_size = page_size
        self._rows: list[DraftRow] = []
        self._total = 0
        self._search = ""
        self._trashed = False
        self._fetching = False
        self._generation = 0
        self._accounts: dict[str, Account] = {}
        self._headers = (
            self.tr("Text"),
            self.tr("Networks"),
            self.tr("Changed"),
            self.tr("Scheduled"),
        )

    # ----- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == DRAFT_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == self.COLUMN_TEXT:
                return row.summary or self.tr("(empty)")
            if column == self.COLUMN_TARGETS:
                return row.targets
            if column == self.COLUMN_UPDATED:
                return self._format_time(row.updated_at)
            if column == self.COLUMN_SCHEDULED:
                return self._format_time(row.scheduled_at) if row.scheduled_at else ""
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.COLUMN_TEXT:
            return row.summary
        return None

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetching:
            return
        self._request_page(len(self._rows))

    # ----- our interface --------------------------------------------------------------------

    @property
    def search(self) -> str:
        return self._search

    @property
    def showing_trash(self) -> bool:
        return self._trashed

    @property
    def total(self) -> int:
        return self._total

    @property
    def is_fetching(self) -> bool:
        return self._fetching

    def draft_id(self, row: int) -> str:
        return self._rows[row].id

    def set_accounts(self, accounts: list[Account]) -> None:
        self._accounts = {a.id: a for a in accounts}

    def set_filter(self, search: str, trashed: bool) -> None:
        if search == self._search and trashed == self._trashed:
            return
        self._search = search
        self._trashed = trashed
        self.reload()

    def reload(self) -> None:
        """Forget the rows and read the first page again (after a change elsewhere)."""
        self._generation += 1
        self._fetching = False
        self.beginResetModel()
        self._rows = []
        self._total = 0
        self.endResetModel()
        self._request_page(0)

    def refresh_draft(self, draft_id: str) -> None:
        """A draft changed: re-read it if it is shown, else show it once reloaded."""
        for position, row in enumerate(self._rows):
            if row.id == draft_id:
                self._reload_row(position, draft_id)
                return

    def _reload_row(self, position: int, draft_id: str) -> None:
        generation = self._generation

        def done(draft: Draft | None) -> None:
            self._replace_row(generation, position, draft)

        self._worker.submit(self, lambda store: draft_jobs.load_draft(store, draft_id), done)

    # ----- paging ---------------------------------------------------------------------------

    def _request_page(self, offset: int) -> None:
        self._fetching = True
        generation = self._generation
        search, trashed, limit = self._search, self._trashed, self._page_size
        self._worker.submit(
            self,
            lambda store: draft_jobs.page_of_drafts(store, search, trashed, offset, limit),
            lambda page: self._on_page(generation, offset, page),
            lambda error: self._on_page_failed(generation, error),
        )

    def _on_page(self, generation: int, offset: int, page: DraftPage) -> None:
        if generation != self._generation:
            return  # an answer for a search that has since changed
        self._fetching = False
        if page.total != self._total:
            self._total = page.total
            self.total_changed.emit(page.total)
        if offset != len(self._rows) or not page.drafts:
            return
        new_rows = [summarise(d, self._accounts) for d in page.drafts]
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(new_rows) - 1)
        self._rows.extend(new_rows)
        self.endInsertRows()

    def _on_page_failed(self, generation: int, error: Exception) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self.loading_failed.emit(str(error) or type(error).__name__)

    def _replace_row(self, generation: int, position: int, draft: Draft | None) -> None:
        if generation != self._generation or position >= len(self._rows):
            return
        if draft is None:
            return
        self._rows[position] = summarise(draft, self._accounts)
        self.dataChanged.emit(self.index(position, 0), self.index(position, self.columnCount() - 1))

    def _format_time(self, moment: datetime | None) -> str:
        if moment is None:
            return ""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        local = QDateTime.fromSecsSinceEpoch(int(moment.timestamp()), self._zone)
        return QLocale().toString(local, QLocale.FormatType.ShortFormat)


class DraftsView(QWidget):
    """Search, open, duplicate, trash and restore drafts.

    Signals:
        open_requested(str): the user wants this draft in the composer.
    """

    open_requested = Signal(str)

    def __init__(
        self, worker: DatabaseWorker, display_zone: QTimeZone, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self.model = DraftsModel(worker, display_zone, parent=self)
        self._loaded_once = False

        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Drafts"))
        heading.setObjectName("sectionHeading")
        layout.addWidget(heading)

        bar = QHBoxLayout()
        search_label = QLabel(self.tr("&Search:"))
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Words in the title or text"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(self.tr("Search drafts"))
        search_label.setBuddy(self.search_edit)
        bar.addWidget(search_label)
        bar.addWidget(self.search_edit, 1)
        self.trash_check = QCheckBox(self.tr("Show &trash"))
        bar.addWidget(self.trash_check)
        layout.addLayout(bar)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setAccessibleName(self.tr("Drafts"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DraftsModel.COLUMN_TEXT, QHeaderView.ResizeMode.Stretch)
        for column in (
            DraftsModel.COLUMN_TARGETS,
            DraftsModel.COLUMN_UPDATED,
            DraftsModel.COLUMN_SCHEDULED,
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, 160)
        self.table.activated.connect(self._open_index)
        layout.addWidget(self.table, 1)

        self.status_label = QLabel()
        self.status_label.setObjectName("hint")
        layout.addWidget(self.status_label)

        actions = QHBoxLayout()
        self.open_button = QPushButton(self.tr("&Open"))
        self.duplicate_button = QPushButton(self.tr("D&uplicate"))
        self.trash_button = QPushButton(self.tr("Move to t&rash"))
        self.restore_button = QPushButton(self.tr("R&estore"))
        for button in (
            self.open_button,
            self.duplicate_button,
            self.trash_button,
            self.restore_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.open_button.clicked.connect(self.open_selected)
        self.duplicate_button.clicked.connect(self.duplicate_selected)
        self.trash_button.clicked.connect(self.trash_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self._apply_filter)
        self.search_edit.textChanged.connect(lambda _text: self.search_timer.start())
        self.trash_check.toggled.connect(lambda _on: self._apply_filter())
        self.model.total_changed.connect(self._show_total)
        self.model.loading_failed.connect(self._show_error)
        self.model.modelReset.connect(self._update_buttons)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def activate(self) -> None:
        """The section became visible: read the drafts (again)."""
        self.model.reload()
        self._loaded_once = True

    def set_accounts(self, accounts: list[Account]) -> None:
        self.model.set_accounts(accounts)
        if self._loaded_once:
            self.model.reload()

    def selected_draft_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.draft_id(rows[0].row())

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def shutdown(self) -> None:
        self.search_timer.stop()

    @Slot()
    def open_selected(self) -> None:
        draft_id = self.selected_draft_id()
        if draft_id is not None and not self.model.showing_trash:
            self.open_requested.emit(draft_id)

    @Slot(QModelIndex)
    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid() and not self.model.showing_trash:
            self.open_requested.emit(self.model.draft_id(index.row()))

    @Slot()
    def duplicate_selected(self) -> None:
        draft_id = self.selected_draft_id()
        if draft_id is None:
            return
        self._worker.submit(
            self,
            lambda store: draft_jobs.duplicate_draft(store, draft_id),
            lambda _draft: self._after_change(self.tr("Draft duplicated.")),
            self._on_action_failed,
        )

    @Slot()
    def trash_selected(self) -> None:
        draft_id = self.selected_draft_id()
        if draft_id is None or self.model.showing_trash:
            return
        self._worker.submit(
            self,
            lambda store: draft_jobs.trash_draft(store, draft_id),
            lambda _id: self._after_change(self.tr("Moved to the trash.")),
            self._on_action_failed,
        )

    @Slot()
    def restore_selected(self) -> None:
        draft_id = self.selected_draft_id()
        if draft_id is None or not self.model.showing_trash:
            return
        self._worker.submit(
            self,
            lambda store: draft_jobs.restore_draft(store, draft_id),
            lambda _id: self._after_change(self.tr("Restored to the drafts.")),
            self._on_action_failed,
        )

    def _after_change(self, message: str) -> None:
        self.model.reload()
        self.status_label.setText(message)

    def _on_action_failed(self, error: Exception) -> None:
        self._show_error(str(error) or type(error).__name__)

    @Slot(str)
    def _show_error(self, message: str) -> None:
        self.status_label.setText(self.tr("Something went wrong: {reason}").format(reason=message))

    @Slot(int)
    def _show_total(self, total: int) -> None:
        if self.model.showing_trash:
            text = self.tr("%n draft(s) in the trash", "", total)
        else:
            text = self.tr("%n draft(s)", "", total)
        self.status_label.setText(text)

    def _apply_filter(self) -> None:
        self.model.set_filter(self.search_edit.text().strip(), self.trash_check.isChecked())
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.selected_draft_id() is not None
        trash = self.model.showing_trash
        self.open_button.setEnabled(selected and not trash)
        self.duplicate_button.setEnabled(selected and not trash)
        self.trash_button.setEnabled(selected and not trash)
        self.restore_button.setEnabled(selected and trash)
        self.trash_button.setVisible(not trash)
        self.restore_button.setVisible(trash)
