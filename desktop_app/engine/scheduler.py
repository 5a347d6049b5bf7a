"""When a scheduled post goes out, and who keeps it until then.

Where the platform has its own scheduling (Facebook ``scheduled_publish_time``, WordPress status
``future``, Mastodon ``scheduled_at``) the post is handed over right away and the platform
publishes it on time even if this computer is off. X and Bluesky have none, so Kanal keeps the
post in its own outbox and sends it at the time: then the computer must be on and Kanal running.
A time too close for the platform's rules (Facebook wants at least 10 minutes, Mastodon 5) is
kept locally as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop_app.domain.networks import Network
from desktop_app.domain.platforms import platform
from desktop_app.domain.publications import Publication

# Margin on top of the platform's minimum, for the time the hand-over itself takes.
HANDOVER_MARGIN = timedelta(minutes=1)

LOCAL_SCHEDULE_NOTE = (
    "Kept by Kanal on this computer: it goes out at the time only if the computer is on and "
    "Kanal is running."
)
PLATFORM_SCHEDULE_NOTE = (
    "Held by the platform: it goes out at the time even if this computer is off."
)


@dataclass(frozen=True)
class SchedulePlan:
    platform: bool  # handed to the platform's own scheduling
    not_before: datetime | None  # when the outbox may send (None: now)
    scheduled_at: datetime | None
    note: str


def plan(network: Network, scheduled_at: datetime | None, now: datetime) -> SchedulePlan:
    """How a post for ``network`` meant for ``scheduled_at`` is scheduled."""
    if scheduled_at is None or scheduled_at <= now:
        return SchedulePlan(False, None, None, "")
    window = platform(network).scheduling  # the platform's own, if it has one
    if window is not None:
        earliest, latest = window.earliest, window.latest
        lead = scheduled_at - now
        if lead >= earliest + HANDOVER_MARGIN and (latest is None or lead <= latest):
            return SchedulePlan(True, None, scheduled_at, PLATFORM_SCHEDULE_NOTE)
        if latest is not None and lead > latest:
            # Too far ahead for the platform: keep it locally until it is within the window.
            return SchedulePlan(True, scheduled_at - latest, scheduled_at, PLATFORM_SCHEDULE_NOTE)
    return SchedulePlan(False, scheduled_at, scheduled_at, LOCAL_SCHEDULE_NOTE)


def note_for(publication: Publication) -> str:
    return PLATFORM_SCHEDULE_NOTE if publication.platform_scheduled else LOCAL_SCHEDULE_NOTE
