"""The calendar: scheduled and published posts by week and month; a scheduled post moved to
another day keeps its local time and is moved through the reschedule it was given (the
outbox's, which writes the audit event)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from desktop_app.domain.networks import Network
from desktop_app.domain.publications import Publication
from desktop_app.store.database import Store
from desktop_app.store.publications import NewPublication
from desktop_app.ui.calendar_view import CalendarView
from desktop_app.ui.keyboard import unnamed_focusable_controls
from desktop_app.ui.main_window import SECTION_CALENDAR
from desktop_app.ui.tasks import TaskRunner
from tests.support.records import add_account, publish_post
from tests.ui.conftest import MainWindowFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # a Wednesday


def schedule(store: Store, text: str, when: datetime) -> str:
    account = add_account(store, Network.X)
    with store.unit_of_work() as uow:
        draft = uow.drafts.create(body=text, author="anna", targets=[account.id])
        (row,) = uow.publications.add_batch(
            [
                NewPublication(
                    draft_id=draft.id,
                    account_id=account.id,
                    account_label="@kommunen",
                    network=Network.X,
                    author="anna",
                    submitted_by="anna",
                    title="",
                    parts=(text,),
                    media=(),
                    scheduled_at=when,
                )
            ]
        )
    return row.id


def test_the_week_shows_scheduled_and_published_posts_and_a_drag_moves_one(
    qtbot: QtBot, worker: TaskRunner, reader: Store
) -> None:
    publish_post(reader, [add_account(reader)], "Biblioteket har öppet")  # sent now
    due = NOW + timedelta(days=1, hours=5)  # Thursday 15:00 Stockholm
    scheduled_id = schedule(reader, "Fullmäktige sänds i kväll", due)
    moves: list[tuple[str, datetime, str]] = []

    def reschedule(publication_id: str, when: datetime, actor: str) -> Publication:
        moves.append((publication_id, when, actor))
        with reader.unit_of_work(read_only=True) as uow:
            return uow.publications.require(publication_id)

    view = CalendarView(worker, STOCKHOLM, reschedule, "karin", clock=lambda: NOW)
    qtbot.addWidget(view)
    view.show()
    assert unnamed_focusable_controls(view) == []
    view.activate()
    thursday = view.day_lists[3]
    qtbot.waitUntil(lambda: thursday.count() == 1, timeout=10_000)
    assert "Fullmäktige" in thursday.item(0).text() and "(scheduled)" in thursday.item(0).text()
    assert "15:00" in thursday.item(0).text()

    view.move_to_day(scheduled_id, view.day_lists[4].day)  # dropped on Friday
    qtbot.waitUntil(lambda: len(moves) == 1, timeout=10_000)
    moved_id, when, actor = moves[0]
    assert (moved_id, actor) == (scheduled_id, "karin")
    assert when == due + timedelta(days=1)  # same local time, next day


def test_a_move_into_the_past_is_refused_with_a_reason(
    qtbot: QtBot, worker: TaskRunner, reader: Store
) -> None:
    scheduled_id = schedule(reader, "Snart", NOW + timedelta(hours=2))
    moves: list[str] = []
    view = CalendarView(
        worker, STOCKHOLM, lambda i, _w, _a: moves.append(i), "karin", clock=lambda: NOW
    )  # type: ignore[arg-type, func-returns-value]
    qtbot.addWidget(view)
    view.activate()
    qtbot.waitUntil(lambda: view.day_lists[2].count() == 1, timeout=10_000)
    view.move_to_day(scheduled_id, view.day_lists[0].day)  # Monday: already past
    assert moves == []
    assert "already passed" in view.status.text()


def test_the_month_lists_each_day(qtbot: QtBot, worker: TaskRunner, reader: Store) -> None:
    schedule(reader, "Julmarknad", NOW + timedelta(days=10))
    view = CalendarView(worker, STOCKHOLM, lambda *_a: None, "karin", clock=lambda: NOW)  # type: ignore[arg-type, return-value]
    qtbot.addWidget(view)
    view.activate()
    view.month_button.setChecked(True)
    cell = view.month_cells[view.shown_days().index((NOW + timedelta(days=10)).date())]
    qtbot.waitUntil(lambda: "X" in cell.text(), timeout=10_000)
    assert "December" in view.heading.text()


def test_the_calendar_is_a_section_of_the_window(
    qtbot: QtBot, make_window: MainWindowFactory
) -> None:
    window = make_window()
    window.show_section(SECTION_CALENDAR)
    assert window.stack.currentWidget() is window.calendar_view
