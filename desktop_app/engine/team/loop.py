"""Syncs a desk with its team continuously, on one background thread (no Qt): what the window
starts once the store is open. Offline is a normal state here, reported, never raised."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from desktop_app.engine.team.sync import SyncCounts, TeamSync
from desktop_app.store.team_store import TeamStoreMissing, TeamStoreUnavailable

log = logging.getLogger(__name__)


def _ignore(_value: object) -> None:
    return None


class TeamSyncLoop:
    """Calls ``TeamSync.sync`` every ``interval_s`` seconds, and at once on ``poke()``.

    ``on_synced`` gets each round's counts, ``on_offline`` the reason the team store could not
    be reached; both are called on the loop's own thread.
    """

    def __init__(
        self,
        sync: TeamSync,
        interval_s: float = 2.0,
        on_synced: Callable[[SyncCounts], None] = _ignore,
        on_offline: Callable[[str], None] = _ignore,
    ) -> None:
        self._sync = sync
        self._interval = interval_s
        self._on_synced = on_synced
        self._on_offline = on_offline
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="team-sync", daemon=True)
            self._thread.start()

    def poke(self) -> None:
        """Sync now (a submission or a decision was just made on this desk)."""
        self._wake.set()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._on_synced(self._sync.sync())
            except (TeamStoreUnavailable, TeamStoreMissing) as error:
                self._on_offline(str(error))
            except Exception:  # a bug must not end continuous sync; the next round retries
                log.exception("team sync failed")
            self._wake.wait(self._interval)
            self._wake.clear()
