"""``--schedule`` on the command line: domain.scheduling's checks, its refusals as usage errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from desktop_app.cli.errors import UsageError
from desktop_app.config import DEFAULT_TIMEZONE
from desktop_app.domain.scheduling import (
    ScheduleProblem,
    ScheduleRefused,
    parse_schedule,
    zone_named,
)

_KEYS = {
    ScheduleProblem.NOT_A_TIME: "schedule_format",
    ScheduleProblem.OUT_OF_RANGE: "schedule_range",
    ScheduleProblem.IN_THE_PAST: "schedule_past",
    ScheduleProblem.NONEXISTENT: "schedule_gap",
    ScheduleProblem.AMBIGUOUS: "schedule_ambiguous",
}


def schedule_option(
    value: str | None,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    zone: str = DEFAULT_TIMEZONE,
) -> datetime | None:
    """The moment (UTC) a ``--schedule`` value names, or a ``UsageError`` saying why not."""
    if value is None:
        return None
    try:
        return parse_schedule(value, now=now(), zone=zone_named(zone))
    except ScheduleRefused as refused:
        raise UsageError(_KEYS[refused.problem], value=value, **refused.details) from None
