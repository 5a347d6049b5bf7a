"""When a post is to go out: a local date and time in the authority's zone, checked for sense.

Pure: the caller passes "now". A wall-clock time is read in the user's zone (Europe/Stockholm by
default); a time with an explicit offset is taken as it is. Refused, each with its own reason:
text that is no date and time, a moment in the past, a local time that does not exist (the hour
the clocks jump forward, e.g. 2026-03-29 02:30 in Stockholm) and a local time that happens twice
(the hour the clocks go back) unless the caller says which one (an offset, or ``fold``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Europe/Stockholm"
# Later than this is almost surely a typo (a year 2206); platforms refuse far less already.
FURTHEST_AHEAD = timedelta(days=5 * 366)


class ScheduleProblem(StrEnum):
    NOT_A_TIME = "not_a_time"
    OUT_OF_RANGE = "out_of_range"
    IN_THE_PAST = "in_the_past"
    NONEXISTENT = "nonexistent"
    AMBIGUOUS = "ambiguous"


@dataclass
class ScheduleRefused(ValueError):
    """Why a schedule was refused; ``details`` carries what a message needs (the local time,
    the gap, the two offsets to choose from)."""

    problem: ScheduleProblem
    text: str
    details: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.problem.value}: {self.text}"


def zone_named(name: str | None) -> tzinfo:
    return ZoneInfo(name or DEFAULT_ZONE)


def parse_schedule(
    text: str,
    *,
    now: datetime,
    zone: tzinfo | None = None,
    fold: int | None = None,
) -> datetime:
    """The moment ``text`` names, in UTC, or ``ScheduleRefused``.

    ``fold`` chooses between the two moments of an ambiguous local time (0 the first, 1 the
    second); without it an ambiguous time is refused.
    """
    local_zone = zone or zone_named(None)
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ScheduleRefused(ScheduleProblem.NOT_A_TIME, text) from None
    try:
        if parsed.tzinfo is not None:
            moment = parsed.astimezone(UTC)
        else:
            moment = resolve_local(parsed, local_zone, fold=fold, text=text)
    except OverflowError:  # year 1 or 9999 shifted out of range by the offset
        if parsed.replace(tzinfo=None) < now.replace(tzinfo=None):
            raise ScheduleRefused(
                ScheduleProblem.IN_THE_PAST,
                text,
                {
                    "when": parsed.isoformat(sep=" ", timespec="minutes"),
                    "now": _show(now, local_zone),
                },
            ) from None
        raise ScheduleRefused(ScheduleProblem.OUT_OF_RANGE, text) from None
    check_future(moment, now=now, zone=local_zone, text=text)
    return moment


def check_future(moment: datetime, *, now: datetime, zone: tzinfo, text: str = "") -> None:
    """Refuse a moment that has passed, or one absurdly far ahead."""
    if moment <= now:
        raise ScheduleRefused(
            ScheduleProblem.IN_THE_PAST,
            text,
            {"when": _show(moment, zone), "now": _show(now, zone)},
        )
    if moment - now > FURTHEST_AHEAD:
        raise ScheduleRefused(ScheduleProblem.OUT_OF_RANGE, text)


def resolve_local(
    naive: datetime, zone: tzinfo, *, fold: int | None = None, text: str = ""
) -> datetime:
    """The UTC moment of a wall-clock time in ``zone``: refused if it does not exist, or is
    ambiguous and no ``fold`` was given."""
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    shown = naive.strftime("%Y-%m-%d %H:%M")
    if not _exists(first) and not _exists(second):
        start, end = _gap_around(first, second, zone)
        raise ScheduleRefused(
            ScheduleProblem.NONEXISTENT,
            text,
            {"when": shown, "zone": str(zone), "gap": f"{start:%H:%M}-{end:%H:%M}"},
        )
    if first.utcoffset() != second.utcoffset():
        if fold is None:
            raise ScheduleRefused(
                ScheduleProblem.AMBIGUOUS,
                text,
                {
                    "when": shown,
                    "zone": str(zone),
                    "first": _offset(first),
                    "second": _offset(second),
                },
            )
        return (second if fold else first).astimezone(UTC)
    return first.astimezone(UTC)


def _gap_around(before: datetime, after: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """The wall-clock times a gap skips: ``before`` and ``after`` are one nonexistent time read
    with the offset in force before (fold 0) and after (fold 1) the clocks jumped."""
    old_offset = before.utcoffset() or timedelta()
    new_offset = after.utcoffset() or timedelta()
    low, high = sorted((before.astimezone(UTC), after.astimezone(UTC)))
    while high - low > timedelta(minutes=1):  # the transition, to the minute
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == old_offset:
            low = middle
        else:
            high = middle
    transition = high.replace(second=0, microsecond=0)
    naive = transition.replace(tzinfo=None)
    return naive + old_offset, naive + new_offset


def _exists(aware: datetime) -> bool:
    """A local time exists when it survives a trip through UTC unchanged."""
    back = aware.astimezone(UTC).astimezone(aware.tzinfo)
    return back.replace(tzinfo=None) == aware.replace(tzinfo=None)


def _offset(aware: datetime) -> str:
    value = aware.strftime("%z")
    return f"{value[:3]}:{value[3:]}"


def _show(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
