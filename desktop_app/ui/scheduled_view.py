"""Scheduled: posts that will appear later, who keeps them until then, and edit or cancel.

A post held by the platform (Facebook, WordPress, Mastodon) goes out even if this computer is
off; one kept by Kanal (X, Bluesky, or a time too close for the platform) goes out only while
the computer is on and Kanal runs, and the view says so next to it. Cancelling or moving a post
the platform holds means talking to the platform, so it runs on a background thread of its own,
never on the GUI or the database thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QDateTime,
    QLocale,
    Qt,
    QTimeZone,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.publications import Publication
from desktop_app.ui.formatting import format_date_time, ui_locale
from desktop_app.ui.paged_model import PagedTableModel
from desktop_app.ui.targets import network_label
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_app.store.database import Store

Cancel = Callable[[str, str], Publication]  # publication id, actor
Reschedule = Callable[[str, datetime, str], Publication]  # publication id, when (UTC), actor


def scheduled_publications(store: Store, now: datetime) -> list[Publication]:
    """A job for the database thread."""
    with store.unit_of_work(read_only=True) as uow:
        return uow.publications.scheduled(now)


class ScheduledModel(PagedTableModel[Publication]):
    """The scheduled publications, soonest first (a short list: read whole with ``set_rows``)."""

    COLUMN_WHEN, COLUMN_ACCOUNT, COLUMN_TEXT, COLUMN_KEPT_BY = range(4)

    def __init__(self, display_zone: QTimeZone, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self._zone = display_zone
        self._headers = (
            self.tr("When"),
            self.tr("Account"),
            self.tr("Text"),
            self.tr("Kept by"),
        )

    def cell(self, row: Publication, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COLUMN_WHEN:
                return self.format_time(row.scheduled_at)
            if column == self.COLUMN_ACCOUNT:
                return f"{network_label(row.network)} · {row.account_label}"
            if column == self.COLUMN_TEXT:
                lines = row.text.splitlines()
                return lines[0] if lines else ""
            if column == self.COLUMN_KEPT_BY:
                return self.kept_by(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COLUMN_KEPT_BY:
                return self.note(row)
            if column == self.COLUMN_TEXT:
                return row.text
        return None

    def publication(self, row: int) -> Publication:
        return self.row_at(row)

    def kept_by(self, publication: Publication) -> str:
        if publication.platform_scheduled:
            return self.tr("The platform")
        return self.tr("This computer")

    def note(self, publication: Publication) -> str:
        if publication.platform_scheduled:
            return self.tr("Goes out at the time even if this computer is off.")
        return self.tr("Goes out at the time only if this computer is on and Kanal is running.")

    def format_time(self, moment: datetime | None) -> str:
        return format_date_time(moment, self._zone)


class ScheduledView(QWidget):
    """List, move and cancel scheduled posts.

    ``cancel`` and ``reschedule`` are the outbox's (they may call the platform); ``actor`` is the
    signed-in user, written to the audit trail.
    """

    def __init__(
        self,
        worker: TaskRunner,
        display_zone: QTimeZone,
        cancel: Cancel,
        reschedule: Reschedule,
        actor: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._zone = display_zone
        self._cancel = cancel
        self._reschedule = reschedule
        self._actor = actor
        self._clock = clock
        self._closed = False
        self.model = ScheduledModel(display_zone, parent=self)

        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Scheduled"))
        heading.setObjectName("sectionHeading")
        layout.addWidget(heading)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName(self.tr("Scheduled posts"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ScheduledModel.COLUMN_TEXT, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        layout.addWidget(self.note_label)

        actions = QHBoxLayout()
        self.when_edit = QDateTimeEdit()
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat(ui_locale().dateTimeFormat(QLocale.FormatType.ShortFormat))
        self.when_edit.setTimeZone(display_zone)
        self.when_edit.setAccessibleName(self.tr("New time"))
        self.move_button = QPushButton(self.tr("&Move to this time"))
        self.cancel_button = QPushButton(self.tr("&Cancel the post"))
        actions.addWidget(QLabel(self.tr("New time:")))
        actions.addWidget(self.when_edit)
        actions.addWidget(self.move_button)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.status_label = QLabel()
        self.status_label.setObjectName("hint")
        layout.addWidget(self.status_label)

        self.move_button.clicked.connect(self.move_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.model.modelReset.connect(self._selection_changed)
        self._selection_changed()

    def activate(self) -> None:
        """The section became visible: read the scheduled posts."""
        now = self._clock()
        self._worker.submit(
            self,
            lambda store: scheduled_publications(store, now),
            self._on_rows,
            lambda error: self._show_error(str(error) or type(error).__name__),
        )

    def selected_publication(self) -> Publication | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.publication(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    @Slot()
    def cancel_selected(self) -> None:
        publication = self.selected_publication()
        if publication is None:
            return
        cancel, actor, chosen = self._cancel, self._actor, publication.id
        self._busy(self.tr("Cancelling…"))
        self._in_background(
            lambda: cancel(chosen, actor), lambda _p: self._done(self.tr("The post is cancelled."))
        )

    @Slot()
    def move_selected(self) -> None:
        publication = self.selected_publication()
        if publication is None:
            return
        when = datetime.fromtimestamp(self.when_edit.dateTime().toSecsSinceEpoch(), UTC)
        if when <= self._clock():
            self.status_label.setText(self.tr("Choose a time in the future."))
            return
        move, actor, chosen = self._reschedule, self._actor, publication.id
        self._busy(self.tr("Moving…"))
        self._in_background(
            lambda: move(chosen, when, actor), lambda _p: self._done(self.tr("The post is moved."))
        )

    def shutdown(self) -> None:
        """Stop taking cancels and moves (the task runner finishes the one under way)."""
        self._closed = True

    # ----- internals ------------------------------------------------------------------------

    def _on_rows(self, rows: list[Publication]) -> None:
        self.model.set_rows(rows)
        if not rows:
            self.status_label.setText(self.tr("Nothing is scheduled."))
        else:
            self.status_label.setText(self.tr("%n scheduled post(s)", "", len(rows)))

    def _selection_changed(self) -> None:
        publication = self.selected_publication()
        self.move_button.setEnabled(publication is not None)
        self.cancel_button.setEnabled(publication is not None)
        if publication is None:
            self.note_label.setText(
                self.tr("Posts kept by this computer go out only while it is on and Kanal runs.")
            )
            return
        self.note_label.setText(self.model.note(publication))
        moment = publication.scheduled_at or (self._clock() + timedelta(hours=1))
        self.when_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(moment.timestamp())))

    def _busy(self, message: str) -> None:
        self.move_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.status_label.setText(message)

    def _done(self, message: str) -> None:
        self.activate()
        self.status_label.setText(message)

    def _in_background(self, job: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """A cancel or move may call the platform: the worker lane, never the GUI thread."""
        if self._closed:
            return

        def failed(error: Exception) -> None:  # the platform's refusal must reach the user
            self._show_error(str(error) or type(error).__name__)

        self._worker.run(self, job, on_done, failed)

    def _show_error(self, message: str) -> None:
        self._selection_changed()
        self.status_label.setText(self.tr("Something went wrong: {reason}").format(reason=message))
