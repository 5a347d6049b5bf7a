"""Which platforms' schedules this computer must keep.

Pure. A platform without its own scheduling (``Platform.scheduling is None``: X and Bluesky)
gets a scheduled post only if this computer is on and Kanal runs at the time; the window warns
when such a schedule is set and reminds on quit while one is pending."""

from __future__ import annotations

from collections.abc import Iterable

from desktop_app.domain.networks import Network
from desktop_app.domain.platforms import platform


def kept_by_this_computer(networks: Iterable[Network]) -> list[Network]:
    """The networks among ``networks`` whose scheduled posts Kanal itself must send, in order."""
    seen: list[Network] = []
    for network in networks:
        if platform(network).scheduling is None and network not in seen:
            seen.append(network)
    return seen
