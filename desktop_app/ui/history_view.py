"""Sent history: every publication with its author, time, account, exact text, link and result.

The table is a model over publication ids, read a page at a time on the database thread as the
user scrolls. Selecting a row shows the exact text sent and, for the press of Publish it belongs
to, each account's result with one button that retries only the accounts that failed. The live
post opens in the browser; the history (with the audit trail) exports to CSV, JSON or PDF/A.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QLocale,
    QObject,
    Qt,
    QTime,
    QTimer,
    QTimeZone,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.accounts import Account
from desktop_app.domain.publications import Publication, PublicationState
from desktop_app.domain.refusals import retry_can_succeed
from desktop_app.ui.formatting import format_date_time, ui_locale
from desktop_app.ui.paged_model import ID_ROLE, PAGE_SIZE, PagedTableModel, PageJob
from desktop_app.ui.targets import network_label
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_app.engine.outbox import OutboxCallbacks
    from desktop_app.store.database import Store
    from desktop_app.store.publications import HistoryFilter

SEARCH_DELAY_MS = 250
PUBLICATION_ID_ROLE = ID_ROLE

RetryFailed = Callable[[str], object]  # draft id -> queues its failed publications again


@dataclass(frozen=True)
class HistoryPage:
    total: int
    publications: list[Publication]


def history_page(store: Store, filters: HistoryFilter, offset: int, limit: int) -> HistoryPage:
    """A job for the database thread: one page of the history and the total."""
    with store.unit_of_work(read_only=True) as uow:
        return HistoryPage(
            uow.publications.count_history(filters),
            uow.publications.history(filters, limit=limit, offset=offset),
        )


def batch_of(store: Store, publication_id: str) -> list[Publication]:
    """The publications made by the same press of Publish as ``publication_id``."""
    with store.unit_of_work(read_only=True) as uow:
        publication = uow.publications.require(publication_id)
        return uow.publications.list_for_batch(publication.batch_id)


def export_history(store: Store, filters: HistoryFilter, fmt: str, output: Path) -> int:
    """The same export as `kanal history export`: posts, replies, moderation, disposals, the
    channel register and the audit trail with its head, in the records language (a setting of
    its own, Swedish by default, whatever the window's language)."""
    # Loaded on first use: the PDF library costs a third of a second the first frame never needs.
    from desktop_app.engine.export import export
    from desktop_app.engine.records.gather import gather

    with store.unit_of_work(read_only=True) as uow:
        request = gather(uow, filters)
    export(request, fmt, output)
    return len(request.publications)


class OutboxReports(QObject):
    """The outbox's plain callbacks as Qt signals, delivered on the GUI thread.

    Build the outbox with ``callbacks()``; connect ``publication_changed`` to
    ``HistoryView.publication_changed`` and ``queue_size_changed`` to the status bar.

    Signals:
        publication_changed(object): a Publication changed state.
        queue_size_changed(int): how many publications wait to be sent.
        account_paused(str, str): account id and message: the user must sign in again.
    """

    publication_changed = Signal(object)
    queue_size_changed = Signal(int)
    account_paused = Signal(str, str)

    def callbacks(self) -> OutboxCallbacks:
        from desktop_app.engine.outbox import OutboxCallbacks

        # Emitting from the outbox's threads is safe: receivers in the GUI thread get queued
        # connections.
        return OutboxCallbacks(
            on_publication=self.publication_changed.emit,
            on_queue_size=self.queue_size_changed.emit,
            on_account_paused=self.account_paused.emit,
        )


class HistoryModel(PagedTableModel[Publication]):
    """Publications matching the filters, newest first, fetched in pages.

    Signals (from PagedTableModel):
        loading_failed(str): a page could not be read; the message says why.
        total_changed(int): how many publications match in all.
    """

    COLUMN_TIME, COLUMN_ACCOUNT, COLUMN_AUTHOR, COLUMN_TEXT, COLUMN_RESULT = range(5)

    def __init__(
        self,
        worker: TaskRunner,
        display_zone: QTimeZone,
        page_size: int = PAGE_SIZE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(worker=worker, page_size=page_size, parent=parent)
        self._zone = display_zone
        self._filters: HistoryFilter | None = None  # all (the store's types load later)
        self._headers = (
            self.tr("Time"),
            self.tr("Account"),
            self.tr("Author"),
            self.tr("Text"),
            self.tr("Result"),
        )

    # ----- what the table shows -------------------------------------------------------------

    def cell(self, row: Publication, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COLUMN_TIME:
                return self.format_time(shown_time(row))
            if column == self.COLUMN_ACCOUNT:
                return f"{network_label(row.network)} · {row.account_label}"
            if column == self.COLUMN_AUTHOR:
                return row.author
            if column == self.COLUMN_TEXT:
                lines = row.text.splitlines()
                return lines[0] if lines else ""
            if column == self.COLUMN_RESULT:
                return self.result_text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COLUMN_TEXT:
                return row.text
            if column == self.COLUMN_RESULT and row.failure_reason:
                return row.failure_reason
        return None

    def page_job(self, offset: int, limit: int) -> PageJob[Publication]:
        filters = self.filters

        def job(store: Store) -> tuple[int, list[Publication]]:
            page = history_page(store, filters, offset, limit)
            return page.total, page.publications

        return job

    # ----- our interface --------------------------------------------------------------------

    @property
    def filters(self) -> HistoryFilter:
        if self._filters is None:
            from desktop_app.store.publications import HistoryFilter

            self._filters = HistoryFilter()
        return self._filters

    def publication(self, row: int) -> Publication:
        return self.row_at(row)

    def row_of(self, publication_id: str) -> int | None:
        for position in range(self.rowCount()):
            if self.row_at(position).id == publication_id:
                return position
        return None

    def set_filters(self, filters: HistoryFilter) -> None:
        if filters != self.filters:
            self._filters = filters
            self.reload()

    def update_publication(self, publication: Publication) -> None:
        """A publication changed (the outbox reported it): refresh its row if shown."""
        position = self.row_of(publication.id)
        if position is not None:
            self.replace_row(position, publication)

    def failure_text(self, publication: Publication) -> str:
        """What kind of refusal it was, in the user's language, then the platform's own words."""
        from desktop_app.domain.refusals import RefusalKind, refusal_of

        refusal = refusal_of(publication)
        kind = refusal.kind if refusal is not None else RefusalKind.OTHER
        headline = {
            RefusalKind.DUPLICATE: self.tr("Refused as a duplicate"),
            RefusalKind.CONTENT: self.tr("Refused by the platform"),
            RefusalKind.RULES: self.tr("Stopped by Kanal's checks"),
            RefusalKind.SIGN_IN: self.tr("The account must be signed in again"),
            RefusalKind.OTHER: self.tr("Failed"),
        }[kind]
        words = publication.failure_reason.strip()
        return f"{headline}: «{words}»" if words else headline

    def result_text(self, publication: Publication) -> str:
        state = publication.state
        if state == PublicationState.SENT:
            if publication.platform_scheduled and publication.scheduled_at is not None:
                when = self.format_time(publication.scheduled_at)
                return self.tr("Scheduled for {time}").format(time=when)
            return self.tr("Published")
        if state == PublicationState.FAILED:
            return self.failure_text(publication)
        if state == PublicationState.CANCELLED:
            return self.tr("Cancelled")
        if state == PublicationState.UNKNOWN:
            return self.tr("Checking with the platform")
        if state == PublicationState.SENDING:
            return self.tr("Sending")
        if publication.failure_kind is not None and publication.failure_kind.value == "auth":
            return self.tr("Waiting: sign in to the account again")
        if publication.failure_reason:
            return self.tr("Waiting to retry: {reason}").format(reason=publication.failure_reason)
        if publication.scheduled_at is not None:
            return self.tr("Scheduled for {time}; this computer sends it").format(
                time=self.format_time(publication.scheduled_at)
            )
        return self.tr("Queued")

    def format_time(self, moment: datetime | None) -> str:
        return format_date_time(moment, self._zone)


def shown_time(publication: Publication) -> datetime:
    """The due time of a scheduled post (held here or by the platform), else when it went."""
    scheduled = publication.scheduled_at is not None and (
        publication.platform_scheduled or publication.state == PublicationState.QUEUED
    )
    if scheduled and publication.scheduled_at is not None:
        return publication.scheduled_at
    return publication.sent_at or publication.created_at


class HistoryView(QWidget):
    """The Sent section: filters, the table, the selected post's details and its retry.

    ``retry_failed`` queues a draft's failed publications again (the outbox's ``retry_failed``);
    it runs on the database thread. ``open_url`` opens the live post (the system browser).
    ``edit_requested(draft_id)``: a refusal an unchanged retry cannot overcome; edit instead.
    """

    edit_requested = Signal(str)

    def __init__(
        self,
        worker: TaskRunner,
        display_zone: QTimeZone,
        retry_failed: RetryFailed | None = None,
        open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._zone = display_zone
        self._retry_failed = retry_failed
        self._open_url = open_url
        self._batch: list[Publication] = []
        self.model = HistoryModel(worker, display_zone, parent=self)

        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Sent"))
        heading.setObjectName("sectionHeading")
        layout.addWidget(heading)

        bar = QHBoxLayout()
        search_label = QLabel(self.tr("&Search:"))
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Text, author or account"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(self.tr("Search the sent history"))
        search_label.setBuddy(self.search_edit)
        bar.addWidget(search_label)
        bar.addWidget(self.search_edit, 1)
        self.account_combo = QComboBox()
        self.account_combo.setAccessibleName(self.tr("Account"))
        self.account_combo.addItem(self.tr("All accounts"), "")
        bar.addWidget(self.account_combo)
        self.dates_check = QCheckBox(self.tr("&From"))
        self.from_edit = QDateEdit()
        self.to_edit = QDateEdit()
        today = QDate.currentDate()
        for edit, value in ((self.from_edit, today.addMonths(-1)), (self.to_edit, today)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(ui_locale().dateFormat(QLocale.FormatType.ShortFormat))
            edit.setDate(value)
            edit.setEnabled(False)
        self.from_edit.setAccessibleName(self.tr("From date"))
        self.to_edit.setAccessibleName(self.tr("To date"))
        bar.addWidget(self.dates_check)
        bar.addWidget(self.from_edit)
        bar.addWidget(QLabel(self.tr("to")))
        bar.addWidget(self.to_edit)
        self.export_button = QPushButton(self.tr("&Export…"))
        bar.addWidget(self.export_button)
        layout.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName(self.tr("Sent history"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(HistoryModel.COLUMN_TEXT, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (HistoryModel.COLUMN_TIME, 130),
            (HistoryModel.COLUMN_ACCOUNT, 200),
            (HistoryModel.COLUMN_AUTHOR, 130),
            (HistoryModel.COLUMN_RESULT, 220),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        splitter.addWidget(self.table)

        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        self.detail_heading = QLabel()
        self.detail_heading.setObjectName("subHeading")
        details_layout.addWidget(self.detail_heading)
        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setAccessibleName(self.tr("Exact text sent"))
        self.text_view.setMaximumHeight(110)
        details_layout.addWidget(self.text_view)
        self.batch_label = QLabel()
        self.batch_label.setWordWrap(True)
        self.batch_label.setTextFormat(Qt.TextFormat.PlainText)
        details_layout.addWidget(self.batch_label)
        detail_actions = QHBoxLayout()
        self.open_button = QPushButton(self.tr("&Open the live post"))
        self.retry_button = QPushButton()
        self.retry_button.setAccessibleName(self.tr("Retry the failed"))
        detail_actions.addWidget(self.open_button)
        detail_actions.addWidget(self.retry_button)
        self.edit_button = QPushButton(self.tr("&Edit and publish again"))
        self.edit_button.setVisible(False)
        self.edit_button.clicked.connect(self._edit_selected)
        detail_actions.addWidget(self.edit_button)
        detail_actions.addStretch(1)
        details_layout.addLayout(detail_actions)
        splitter.addWidget(details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        self.status_label = QLabel()
        self.status_label.setObjectName("hint")
        layout.addWidget(self.status_label)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filters)
        self.search_edit.textChanged.connect(lambda _text: self.search_timer.start())
        self.account_combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.dates_check.toggled.connect(self._toggle_dates)
        self.from_edit.dateChanged.connect(lambda _d: self.apply_filters())
        self.to_edit.dateChanged.connect(lambda _d: self.apply_filters())
        self.export_button.clicked.connect(self._choose_export_file)
        self.open_button.clicked.connect(self.open_selected)
        self.retry_button.clicked.connect(self.retry_selected)
        self.model.total_changed.connect(self._show_total)
        self.model.loading_failed.connect(self._show_error)
        self.model.rowsInserted.connect(lambda *_: self._show_details())
        self.model.modelReset.connect(self._show_details)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_details())
        self._show_details()

    # ----- public ---------------------------------------------------------------------------

    def activate(self) -> None:
        """The section became visible: read the history (again)."""
        self.model.reload()

    def set_accounts(self, accounts: list[Account]) -> None:
        current = self.account_combo.currentData()
        self.account_combo.blockSignals(True)
        self.account_combo.clear()
        self.account_combo.addItem(self.tr("All accounts"), "")
        for account in accounts:
            label = f"{network_label(account.network)} · {account.handle or account.display_name}"
            self.account_combo.addItem(label, account.id)
        found = self.account_combo.findData(current)
        self.account_combo.setCurrentIndex(max(0, found))
        self.account_combo.blockSignals(False)

    @Slot(object)
    def publication_changed(self, publication: Publication) -> None:
        """Connect to the outbox's reports: rows and the details follow live."""
        self.model.update_publication(publication)
        if any(p.id == publication.id for p in self._batch):
            self._batch = [publication if p.id == publication.id else p for p in self._batch]
            self._render_batch()

    def selected_publication(self) -> Publication | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.publication(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def current_filters(self) -> HistoryFilter:
        from desktop_app.store.publications import HistoryFilter

        since = until = None
        if self.dates_check.isChecked():
            since = self._day_start(self.from_edit.date())
            until = self._day_start(self.to_edit.date().addDays(1))
        return HistoryFilter(
            since=since,
            until=until,
            account_id=self.account_combo.currentData() or None,
            search=self.search_edit.text().strip() or None,
        )

    def export_to(self, path: Path, fmt: str) -> None:
        filters = self.current_filters()
        self.status_label.setText(self.tr("Exporting…"))
        self._worker.submit(
            self,
            lambda store: export_history(store, filters, fmt, path),
            lambda count: self.status_label.setText(
                self.tr("Exported %n publication(s) to {file}.", "", count).format(file=str(path))
            ),
            lambda error: self._show_error(str(error) or type(error).__name__),
        )

    def shutdown(self) -> None:
        self.search_timer.stop()

    # ----- slots ----------------------------------------------------------------------------

    @Slot()
    def apply_filters(self) -> None:
        self.model.set_filters(self.current_filters())

    @Slot()
    def open_selected(self) -> None:
        publication = self.selected_publication()
        if publication is not None and publication.remote_url:
            self._open_url(QUrl(publication.remote_url))

    @Slot()
    def _edit_selected(self) -> None:
        draft_id = next((p.draft_id for p in self._batch if p.draft_id), None)
        if draft_id is not None:
            self.edit_requested.emit(draft_id)

    def retry_selected(self) -> None:
        failed = [p for p in self._batch if p.state == PublicationState.FAILED]
        if not failed or self._retry_failed is None or failed[0].draft_id is None:
            return
        draft_id = failed[0].draft_id
        retry = self._retry_failed
        self.retry_button.setEnabled(False)
        # The outbox re-checks the rules and prepares the images: the worker lane.
        self._worker.run(
            self,
            lambda: retry(draft_id),
            lambda _result: self._after_retry(len(failed)),
            lambda error: self._show_error(str(error) or type(error).__name__),
        )

    # ----- internals ------------------------------------------------------------------------

    def _after_retry(self, count: int) -> None:
        self.status_label.setText(self.tr("Sending again to %n account(s).", "", count))
        self.model.reload()

    def _toggle_dates(self, on: bool) -> None:
        self.from_edit.setEnabled(on)
        self.to_edit.setEnabled(on)
        self.apply_filters()

    def _day_start(self, day: QDate) -> datetime:
        local = QDateTime(day, QTime(0, 0), self._zone)
        return datetime.fromtimestamp(local.toSecsSinceEpoch(), UTC)

    def _show_details(self) -> None:
        publication = self.selected_publication()
        if publication is None:
            self._batch = []
            self.detail_heading.setText(self.tr("Select a post to see exactly what was sent."))
            self.text_view.clear()
            self.batch_label.clear()
            self.open_button.setEnabled(False)
            self.retry_button.setVisible(False)
            self.edit_button.setVisible(False)
            return
        self.detail_heading.setText(
            f"{network_label(publication.network)} · {publication.account_label} · "
            f"{self.model.format_time(shown_time(publication))}"
        )
        self.text_view.setPlainText(publication.text)
        self.open_button.setEnabled(bool(publication.remote_url))
        self._batch = [publication]
        self._render_batch()
        chosen = publication.id
        self._worker.submit(
            self,
            lambda store: batch_of(store, chosen),
            lambda batch: self._on_batch(chosen, batch),
        )

    def _on_batch(self, publication_id: str, batch: list[Publication]) -> None:
        selected = self.selected_publication()
        if selected is None or selected.id != publication_id:
            return
        self._batch = batch
        self._render_batch()

    def _render_batch(self) -> None:
        lines = []
        for p in self._batch:
            lines.append(
                f"{network_label(p.network)} · {p.account_label}: {self.model.result_text(p)}"
            )
        self.batch_label.setText("\n".join(lines))
        failed = [p for p in self._batch if p.state == PublicationState.FAILED]
        # A duplicate or a rule refusal would be refused again: offer editing instead.
        hopeless = [p for p in failed if not retry_can_succeed(p)]
        self.retry_button.setText(self.tr("&Retry the failed (%n)", "", len(failed)))
        self.retry_button.setVisible(bool(failed) and not hopeless)
        self.retry_button.setEnabled(bool(failed) and self._retry_failed is not None)
        self.edit_button.setVisible(bool(hopeless) and hopeless[0].draft_id is not None)

    def _choose_export_file(self) -> None:
        path, _chosen_filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Export the sent history"),
            "",
            self.tr("PDF/A for the archive (*.pdf);;CSV (*.csv);;JSON (*.json)"),
        )
        if not path:
            return
        suffix = Path(path).suffix.lower().lstrip(".")
        fmt = suffix if suffix in ("pdf", "csv", "json") else "pdf"
        target = Path(path) if suffix == fmt else Path(path).with_suffix(f".{fmt}")
        self.export_to(target, fmt)

    @Slot(int)
    def _show_total(self, total: int) -> None:
        self.status_label.setText(self.tr("%n publication(s)", "", total))

    @Slot(str)
    def _show_error(self, message: str) -> None:
        self.status_label.setText(self.tr("Something went wrong: {reason}").format(reason=message))
