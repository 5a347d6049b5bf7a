from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from desktop_app.domain.calendar import (
    CalendarEntry,
    by_day,
    month_grid,
    moved_to,
    range_of,
    week_days,
)
from desktop_app.domain.publications import FailureKind, PublicationState
from desktop_app.domain.scheduling import ScheduleRefused
from tests.support.publications import failed

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_weeks_start_on_monday_and_a_month_shows_six_whole_weeks() -> None:
    days = week_days(date(2026, 12, 4))  # a Friday
    assert days[0] == date(2026, 11, 30) and days[-1] == date(2026, 12, 6)
    grid = month_grid(2026, 12)
    assert len(grid) == 42 and grid[0] == date(2026, 11, 30) and grid[0].weekday() == 0


def test_a_moved_post_keeps_its_local_time_across_a_clock_change() -> None:
    when = datetime(2026, 3, 27, 9, 30, tzinfo=UTC)  # 10:30 in Stockholm (winter time)
    moved = moved_to(when, date(2026, 3, 30), STOCKHOLM)  # summer time by then
    assert moved.astimezone(STOCKHOLM).strftime("%H:%M") == "10:30"
    assert moved == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)


def test_a_time_that_does_not_exist_on_the_new_day_is_refused() -> None:
    when = datetime(2026, 3, 27, 1, 30, tzinfo=UTC)  # 02:30 in Stockholm
    with pytest.raises(ScheduleRefused):
        moved_to(when, date(2026, 3, 29), STOCKHOLM)


def test_entries_are_grouped_by_their_local_day() -> None:
    base = failed(FailureKind.REJECTED, "")
    scheduled = replace(
        base,
        id="s",
        state=PublicationState.QUEUED,
        scheduled_at=datetime(2026, 12, 4, 23, 30, tzinfo=UTC),  # 00:30 on the 5th locally
    )
    sent = replace(
        base, id="p", state=PublicationState.SENT, sent_at=datetime(2026, 12, 4, 9, tzinfo=UTC)
    )
    entries = [CalendarEntry.of(p, datetime(2026, 12, 1, tzinfo=UTC)) for p in (scheduled, sent)]
    assert None not in entries
    grouped = by_day([e for e in entries if e], STOCKHOLM)
    assert [e.publication_id for e in grouped[date(2026, 12, 5)]] == ["s"]
    assert grouped[date(2026, 12, 4)][0].scheduled is False
    start, end = range_of(week_days(date(2026, 12, 4)), STOCKHOLM)
    assert start == datetime(2026, 11, 29, 23, tzinfo=UTC) and (end - start).days == 7


def test_a_post_the_platform_holds_is_shown_as_scheduled_until_its_time() -> None:
    due = datetime(2026, 12, 10, 9, tzinfo=UTC)
    held = replace(
        failed(FailureKind.REJECTED, ""),
        state=PublicationState.SENT,
        platform_scheduled=True,
        scheduled_at=due,
        sent_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    before = CalendarEntry.of(held, datetime(2026, 12, 2, tzinfo=UTC))
    assert before is not None and before.scheduled and before.when == due
    after = CalendarEntry.of(held, datetime(2026, 12, 11, tzinfo=UTC))
    assert after is not None and not after.scheduled and after.when == due
