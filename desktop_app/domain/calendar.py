"""The calendar's arithmetic (pure): weeks start on Monday, a month is shown as six weeks, and
a post dragged to another day keeps its local time of day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from desktop_app.domain.networks import Network
from desktop_app.domain.publications import Publication, PublicationState
from desktop_app.domain.scheduling import resolve_local

EXCERPT_CHARS = 60


@dataclass(frozen=True)
class CalendarEntry:
    publication_id: str
    when: datetime  # UTC: the due time of a scheduled post, the sending time of a sent one
    network: Network
    account_label: str
    excerpt: str
    scheduled: bool  # still to go out: can be moved

    @classmethod
    def of(cls, publication: Publication, now: datetime) -> CalendarEntry | None:
        """Due (held by Kanal, or by the platform until ``scheduled_at``) or published."""
        due = publication.scheduled_at
        scheduled = due is not None and (
            publication.state == PublicationState.QUEUED
            or (
                publication.state == PublicationState.SENT
                and publication.platform_scheduled
                and due > now
            )
        )
        # A post the platform held appears at its due time, not when Kanal handed it over.
        when = due if scheduled or publication.platform_scheduled else publication.sent_at
        if when is None:
            return None
        text = " ".join(publication.text.split())
        if len(text) > EXCERPT_CHARS:
            text = text[: EXCERPT_CHARS - 1].rstrip() + "…"
        return cls(
            publication.id,
            when,
            publication.network,
            publication.account_label,
            text,
            scheduled,
        )


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_days(day: date) -> list[date]:
    start = week_start(day)
    return [start + timedelta(days=i) for i in range(7)]


def month_grid(year: int, month: int) -> list[date]:
    """42 days: the weeks (Monday first) that show the whole month."""
    start = week_start(date(year, month, 1))
    return [start + timedelta(days=i) for i in range(42)]


def local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def by_day(entries: Iterable[CalendarEntry], zone: tzinfo) -> dict[date, list[CalendarEntry]]:
    grouped: dict[date, list[CalendarEntry]] = {}
    for entry in sorted(entries, key=lambda e: e.when):
        grouped.setdefault(local_day(entry.when, zone), []).append(entry)
    return grouped


def moved_to(when: datetime, day: date, zone: tzinfo) -> datetime:
    """``when`` moved to ``day`` at the same local time (refused if that time does not exist
    that day: ``ScheduleRefused``)."""
    local = when.astimezone(zone)
    naive = datetime.combine(day, time(local.hour, local.minute))
    return resolve_local(naive, zone, fold=0).astimezone(UTC)


def range_of(days: list[date], zone: tzinfo) -> tuple[datetime, datetime]:
    """UTC bounds of the shown days (start inclusive, end exclusive)."""
    start = datetime.combine(days[0], time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(days[-1] + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end
