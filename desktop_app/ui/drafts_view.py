"""The drafts list: a table model over draft ids, filled one page at a time.

The model never holds more rows than the view has scrolled to: it asks the store for the
total once, then Qt's ``canFetchMore``/``fetchMore`` pull the next page on the database thread as
the user scrolls. Rows keep only the few fields the table shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
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
from desktop_app.ui.formatting import format_date_time
from desktop_app.ui.paged_model import ID_ROLE, PAGE_SIZE, PagedTableModel, PageJob
from desktop_app.ui.targets import network_label, networks_of_targets
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_app.store.database import Store

SEARCH_DELAY_MS = 250
DRAFT_ID_ROLE = ID_ROLE


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


class DraftsModel(PagedTableModel[DraftRow]):
    """Drafts matching a search, newest change first, fetched in pages.

    Signals (from PagedTableModel):
        loading_failed(str): a page could not be read; the message says why.
        total_changed(int): how many drafts match in all.
    """

    COLUMN_TEXT, COLUMN_TARGETS, COLUMN_UPDATED, COLUMN_SCHEDULED = range(4)

    def __init__(
        self,
        worker: TaskRunner,
        display_zone: QTimeZone,
        page_size: int = PAGE_SIZE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(worker=worker, page_size=page_size, parent=parent)
        self._headers = (
            self.tr("Text"),
            self.tr("Networks"),
            self.tr("Changed"),
            self.tr("Scheduled"),
        )
        self._database = worker
        self._zone = display_zone
        self._search = ""
        self._trashed = False
        self._accounts: dict[str, Account] = {}

    # ----- what the table shows -------------------------------------------------------------

    def cell(self, row: DraftRow, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COLUMN_TEXT:
                return row.summary or self.tr("(empty)")
            if column == self.COLUMN_TARGETS:
                return row.targets
            if column == self.COLUMN_UPDATED:
                return format_date_time(row.updated_at, self._zone)
            if column == self.COLUMN_SCHEDULED:
                return format_date_time(row.scheduled_at, self._zone)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COLUMN_TEXT:
            return row.summary
        return None

    def page_job(self, offset: int, limit: int) -> PageJob[DraftRow]:
        search, trashed, accounts = self._search, self._trashed, self._accounts

        def job(store: Store) -> tuple[int, list[DraftRow]]:
            page = draft_jobs.page_of_drafts(store, search, trashed, offset, limit)
            return page.total, [summarise(d, accounts) for d in page.drafts]

        return job

    # ----- our interface --------------------------------------------------------------------

    @property
    def search(self) -> str:
        return self._search

    @property
    def showing_trash(self) -> bool:
        return self._trashed

    def draft_id(self, row: int) -> str:
        return self.row_at(row).id

    def set_accounts(self, accounts: list[Account]) -> None:
        self._accounts = {a.id: a for a in accounts}

    def set_filter(self, search: str, trashed: bool) -> None:
        if search == self._search and trashed == self._trashed:
            return
        self._search = search
        self._trashed = trashed
        self.reload()

    def refresh_draft(self, draft_id: str) -> None:
        """A draft changed: re-read it if it is shown, else show it once reloaded."""
        for position in range(self.rowCount()):
            if self.row_at(position).id == draft_id:
                self._reload_row(position, draft_id)
                return

    def _reload_row(self, position: int, draft_id: str) -> None:
        generation = self.generation

        def done(draft: Draft | None) -> None:
            if generation != self.generation or position >= self.rowCount() or draft is None:
                return
            self.replace_row(position, summarise(draft, self._accounts))

        self._database.submit(self, lambda store: draft_jobs.load_draft(store, draft_id), done)


class DraftsView(QWidget):
    """Search, open, duplicate, trash and restore drafts.

    Signals:
        open_requested(str): the user wants this draft in the composer.
    """

    open_requested = Signal(str)

    def __init__(
        self,
        worker: TaskRunner,
        display_zone: QTimeZone,
        actor: str,
        parent: QWidget | None = None,
    ) -> None:
        """``actor``: the acting person, written to the audit trail of what is done here."""
        super().__init__(parent)
        self._worker = worker
        self._actor = actor
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
        actor = self._actor
        self._worker.submit(
            self,
            lambda store: draft_jobs.duplicate_draft(store, draft_id, actor),
            lambda _draft: self._after_change(self.tr("Draft duplicated.")),
            self._on_action_failed,
        )

    @Slot()
    def trash_selected(self) -> None:
        draft_id = self.selected_draft_id()
        if draft_id is None or self.model.showing_trash:
            return
        actor = self._actor
        self._worker.submit(
            self,
            lambda store: draft_jobs.trash_draft(store, draft_id, actor),
            lambda _id: self._after_change(self.tr("Moved to the trash.")),
            self._on_action_failed,
        )

    @Slot()
    def restore_selected(self) -> None:
        draft_id = self.selected_draft_id()
        if draft_id is None or not self.model.showing_trash:
            return
        actor = self._actor
        self._worker.submit(
            self,
            lambda store: draft_jobs.restore_draft(store, draft_id, actor),
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
