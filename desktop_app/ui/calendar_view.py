"""The Calendar section: scheduled and published posts across accounts, by week or month.

In the week a scheduled post can be dragged to another day: it keeps its local time of day and
is moved through the outbox's ``reschedule`` (which writes the audit event). Published posts are
shown but cannot be moved. Times and dates are shown through the locale."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTimeZone, Signal
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.calendar import (
    CalendarEntry,
    by_day,
    month_grid,
    moved_to,
    range_of,
    week_days,
)
from desktop_app.domain.publications import Publication, PublicationState
from desktop_app.domain.scheduling import ScheduleRefused, check_future
from desktop_app.ui.schedule_guard import refusal_text
from desktop_app.ui.targets import network_label
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_app.store.database import Store

Reschedule = Callable[[str, datetime, str], Publication]
ID_ROLE = Qt.ItemDataRole.UserRole
SCHEDULED_ROLE = Qt.ItemDataRole.UserRole + 1


def calendar_entries(
    store: Store, start: datetime, end: datetime, now: datetime
) -> list[CalendarEntry]:
    """Scheduled posts due and posts sent between ``start`` and ``end`` (database lane)."""
    from desktop_app.store.publications import HistoryFilter

    with store.unit_of_work(read_only=True) as uow:
        scheduled = uow.publications.scheduled(now)
        sent = uow.publications.history(
            HistoryFilter(since=start, until=end, states=(PublicationState.SENT,))
        )
    unique = {p.id: p for p in [*sent, *scheduled]}  # platform-held ones are in both
    entries = [CalendarEntry.of(p, now) for p in unique.values()]
    return [e for e in entries if e is not None and start <= e.when < end]


class DayList(QListWidget):
    """One day of the week; a scheduled post dropped here from another day moves to it."""

    dropped = Signal(str, object)  # publication id, the day (date)

    def __init__(self, day: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day = day
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setWordWrap(True)

    def dropEvent(self, event: QDropEvent) -> None:
        source = event.source()
        event.ignore()  # the list is read again after the move; Qt must not move the item
        if not isinstance(source, DayList) or source is self:
            return
        item = source.currentItem()
        if item is None or not item.data(SCHEDULED_ROLE):
            return
        self.dropped.emit(str(item.data(ID_ROLE)), self.day)


class CalendarView(QWidget):
    def __init__(
        self,
        worker: TaskRunner,
        zone: tzinfo,
        reschedule: Reschedule,
        actor: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._zone = zone
        self._reschedule = reschedule
        self._actor = actor
        self._clock = clock
        self._anchor = clock().astimezone(zone).date()
        self._entries: list[CalendarEntry] = []
        self._active = False

        self.previous_button = QPushButton(self.tr("◀ &Previous"), self)
        self.today_button = QPushButton(self.tr("&Today"), self)
        self.next_button = QPushButton(self.tr("&Next ▶"), self)
        self.week_button = QPushButton(self.tr("&Week"), self)
        self.month_button = QPushButton(self.tr("&Month"), self)
        for button in (self.week_button, self.month_button):
            button.setCheckable(True)
        modes = QButtonGroup(self)
        modes.addButton(self.week_button)
        modes.addButton(self.month_button)
        self.week_button.setChecked(True)
        self.heading = QLabel(self)
        self.heading.setObjectName("sectionHeading")
        bar = QHBoxLayout()
        for widget in (self.previous_button, self.today_button, self.next_button):
            bar.addWidget(widget)
        bar.addWidget(self.heading, 1)
        bar.addWidget(self.week_button)
        bar.addWidget(self.month_button)

        self.week = QWidget(self)
        week_layout = QGridLayout(self.week)
        self.day_labels: list[QLabel] = []
        self.day_lists: list[DayList] = []
        for column in range(7):
            label = QLabel(self.week)
            day_list = DayList(self._anchor, self.week)
            day_list.dropped.connect(self.move_to_day)
            self.day_labels.append(label)
            self.day_lists.append(day_list)
            week_layout.addWidget(label, 0, column)
            week_layout.addWidget(day_list, 1, column)
        self.month = QWidget(self)
        month_layout = QGridLayout(self.month)
        self.month_cells: list[QLabel] = []
        for index in range(42):
            cell = QLabel(self.month)
            cell.setWordWrap(True)
            cell.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            cell.setStyleSheet("border: 1px solid #c8c8c8; padding: 3px;")
            self.month_cells.append(cell)
            month_layout.addWidget(cell, index // 7, index % 7)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.week)
        self.pages.addWidget(self.month)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.status)

        self.previous_button.clicked.connect(lambda: self._step(-1))
        self.next_button.clicked.connect(lambda: self._step(1))
        self.today_button.clicked.connect(self._today)
        self.week_button.toggled.connect(lambda _on: self._mode_changed())
        self._label_days()

    # ----- public ---------------------------------------------------------------------------

    def main_control(self) -> QWidget:
        return self.day_lists[0] if self.showing_week() else self.week_button

    def showing_week(self) -> bool:
        return self.week_button.isChecked()

    def shown_days(self) -> list[date]:
        if self.showing_week():
            return week_days(self._anchor)
        return month_grid(self._anchor.year, self._anchor.month)

    def activate(self) -> None:
        """Read the shown range (the window calls this when the section is shown)."""
        self._active = True
        self.reload()

    def reload(self) -> None:
        start, end = range_of(self.shown_days(), self._zone)
        now = self._clock()
        self._worker.submit(
            self,
            lambda store: calendar_entries(store, start, end, now),
            self._on_entries,
            self._error,
        )

    def show_day(self, day: date) -> None:
        self._anchor = day
        self._label_days()
        if self._active:
            self.reload()

    def move_to_day(self, publication_id: str, day: date) -> None:
        """Move a scheduled post to ``day`` at the same local time (drag in the week)."""
        entry = next((e for e in self._entries if e.publication_id == publication_id), None)
        if entry is None or not entry.scheduled:
            return
        try:
            when = moved_to(entry.when, day, self._zone)
            check_future(when, now=self._clock(), zone=self._zone)
        except ScheduleRefused as refused:
            self.status.setText(refusal_text(refused))
            return
        move, actor = self._reschedule, self._actor
        self.status.setText(self.tr("Moving…"))
        self._worker.run(
            self,
            lambda: move(publication_id, when, actor),
            lambda _p: self._moved(),
            self._error,
        )

    # ----- internals ------------------------------------------------------------------------

    def _moved(self) -> None:
        self.status.setText(self.tr("The post is moved."))
        self.reload()

    def _error(self, error: Exception) -> None:
        self.status.setText(
            self.tr("Something went wrong: {reason}").format(reason=str(error) or type(error))
        )

    def _step(self, direction: int) -> None:
        qdate = QDate(self._anchor.year, self._anchor.month, self._anchor.day)
        moved = qdate.addDays(7 * direction) if self.showing_week() else qdate.addMonths(direction)
        self.show_day(date(moved.year(), moved.month(), moved.day()))

    def _today(self) -> None:
        self.show_day(self._clock().astimezone(self._zone).date())

    def _mode_changed(self) -> None:
        self.pages.setCurrentWidget(self.week if self.showing_week() else self.month)
        self.show_day(self._anchor)

    def _label_days(self) -> None:
        locale = QLocale()
        if self.showing_week():
            days = week_days(self._anchor)
            for label, day_list, day in zip(self.day_labels, self.day_lists, days, strict=True):
                qdate = QDate(day.year, day.month, day.day)
                label.setText(
                    f"<b>{locale.dayName(qdate.dayOfWeek(), QLocale.FormatType.ShortFormat)}</b> "
                    + locale.toString(qdate, QLocale.FormatType.ShortFormat)
                )
                day_list.day = day
                day_list.setAccessibleName(
                    self.tr("Posts on {day}").format(
                        day=locale.toString(qdate, QLocale.FormatType.LongFormat)
                    )
                )
            first, last = days[0], days[-1]
            self.heading.setText(
                self.tr("Week {number}: {first} – {last}").format(
                    number=first.isocalendar().week,
                    first=locale.toString(QDate(first.year, first.month, first.day)),
                    last=locale.toString(QDate(last.year, last.month, last.day)),
                )
            )
        else:
            self.heading.setText(
                locale.standaloneMonthName(self._anchor.month) + f" {self._anchor.year}"
            )

    def _time(self, moment: datetime) -> str:
        zone = QTimeZone(str(self._zone).encode("ascii"))
        local = QDateTime.fromSecsSinceEpoch(int(moment.timestamp()), zone)
        return QLocale().toString(local.time(), QLocale.FormatType.ShortFormat)

    def _line(self, entry: CalendarEntry) -> str:
        state = self.tr("scheduled") if entry.scheduled else self.tr("published")
        return (
            f"{self._time(entry.when)} {network_label(entry.network)} · {entry.account_label}"
            f" ({state})\n{entry.excerpt}"
        )

    def _on_entries(self, entries: list[CalendarEntry]) -> None:
        self._entries = entries
        grouped = by_day(entries, self._zone)
        if self.showing_week():
            for day_list in self.day_lists:
                day_list.clear()
                for entry in grouped.get(day_list.day, []):
                    item = QListWidgetItem(self._line(entry))
                    item.setData(ID_ROLE, entry.publication_id)
                    item.setData(SCHEDULED_ROLE, entry.scheduled)
                    if not entry.scheduled:
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
                        item.setForeground(Qt.GlobalColor.darkGray)
                    day_list.addItem(item)
        else:
            for cell, day in zip(self.month_cells, self.shown_days(), strict=True):
                lines = [f"<b>{day.day}</b>"] + [
                    f"{self._time(e.when)} {network_label(e.network)}"
                    + ("" if e.scheduled else " ✓")
                    for e in grouped.get(day, [])
                ]
                outside = day.month != self._anchor.month
                cell.setText("<br>".join(lines))
                cell.setEnabled(not outside)
        self.status.setText(self.tr("%n post(s) in this period", "", len(entries)))
