"""A schedule is a moment that exists, once, in the future (domain.scheduling, pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from desktop_app.domain.scheduling import (
    ScheduleProblem,
    ScheduleRefused,
    parse_schedule,
    resolve_local,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def refused(text: str, **kwargs: object) -> ScheduleRefused:
    with pytest.raises(ScheduleRefused) as caught:
        parse_schedule(text, now=NOW, **kwargs)  # type: ignore[arg-type]
    return caught.value


def test_wall_clock_time_is_read_in_stockholm() -> None:
    assert parse_schedule("2026-03-02T07:30", now=NOW) == datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
    summer = parse_schedule("2026-06-01 07:30", now=NOW)
    assert summer == datetime(2026, 6, 1, 5, 30, tzinfo=UTC)


def test_an_explicit_offset_is_taken_as_given() -> None:
    moment = parse_schedule("2026-03-02T07:30+00:00", now=NOW)
    assert moment == datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    assert parse_schedule("2026-03-02T07:30Z", now=NOW) == moment


def test_another_zone_can_be_chosen() -> None:
    helsinki = parse_schedule("2026-03-02T07:30", now=NOW, zone=ZoneInfo("Europe/Helsinki"))
    assert helsinki == datetime(2026, 3, 2, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["2020-01-01T10:00", "0001-01-01T00:00", "2026-03-01T13:00", "2026-03-01T12:59"]
)
def test_the_past_and_now_are_refused(text: str) -> None:
    problem = refused(text)
    assert problem.problem is ScheduleProblem.IN_THE_PAST
    assert problem.details["now"] == "2026-03-01 13:00"


def test_one_minute_ahead_is_fine() -> None:
    assert parse_schedule("2026-03-01T13:01", now=NOW) == NOW + timedelta(minutes=1)


def test_the_hour_the_clocks_jump_forward_does_not_exist() -> None:
    problem = refused("2026-03-29T02:30")
    assert problem.problem is ScheduleProblem.NONEXISTENT
    assert problem.details == {
        "when": "2026-03-29 02:30",
        "zone": "Europe/Stockholm",
        "gap": "02:00-03:00",
    }
    # Either side of the gap is fine.
    assert parse_schedule("2026-03-29T01:59", now=NOW) == datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    assert parse_schedule("2026-03-29T03:00", now=NOW) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_the_hour_the_clocks_go_back_needs_a_choice() -> None:
    problem = refused("2026-10-25T02:30")
    assert problem.problem is ScheduleProblem.AMBIGUOUS
    assert (problem.details["first"], problem.details["second"]) == ("+02:00", "+01:00")
    summer = parse_schedule("2026-10-25T02:30+02:00", now=NOW)
    winter = parse_schedule("2026-10-25T02:30+01:00", now=NOW)
    assert winter - summer == timedelta(hours=1)
    assert parse_schedule("2026-10-25T02:30", now=NOW, fold=0) == summer
    assert parse_schedule("2026-10-25T02:30", now=NOW, fold=1) == winter


def test_resolve_local_outside_transitions_ignores_fold() -> None:
    naive = datetime(2026, 5, 5, 9, 0)
    assert resolve_local(naive, STOCKHOLM, fold=1) == resolve_local(naive, STOCKHOLM)


@pytest.mark.parametrize("text", ["tomorrow", "", "2026-13-01T10:00", "2026-02-30"])
def test_text_that_is_no_time(text: str) -> None:
    assert refused(text).problem is ScheduleProblem.NOT_A_TIME


@pytest.mark.parametrize("text", ["9999-12-31T23:59", "2040-01-01T10:00"])
def test_absurdly_far_ahead(text: str) -> None:
    assert refused(text).problem is ScheduleProblem.OUT_OF_RANGE
