"""Writes the periodic PDF/A snapshots on schedule while Kanal runs (every six months by default).

A thread that wakes now and then (an hour by default), asks which periods are complete and not
yet written (snapshot.due_snapshots) and writes them into the configured folder, often a network
share. A failure (the share is away) is logged and tried again at the next wake: snapshots are
remembered only once written.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_app.store.database import Store

log = logging.getLogger(__name__)
WAKE_INTERVAL_S = 3600.0


class SnapshotKeeper:
    """Runs ``run_due_snapshots`` at start and then every ``interval_s`` until stopped."""

    def __init__(
        self,
        store: Store,
        *,
        interval_s: float = WAKE_INTERVAL_S,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._interval_s = interval_s
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.written: list[str] = []  # the files written while running (for the log and tests)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="kanal-snapshots", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _folder_set(self) -> bool:
        """Whether a snapshot folder is configured (read cheaply: no PDF code is loaded)."""
        from desktop_app.engine.records import settings as records_settings

        with self._store.unit_of_work(read_only=True) as uow:
            return bool(records_settings.load(uow).snapshot_folder)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if not self._folder_set():
                    self._stop.wait(self._interval_s)
                    continue
                # The PDF export (fpdf, fonts) loads only where snapshots are written.
                from desktop_app.engine.records.snapshot import run_due_snapshots

                for snapshot in run_due_snapshots(self._store, self._clock()):
                    self.written.append(str(snapshot["output"]))
                    log.info("records snapshot written: %s", snapshot["output"])
            except Exception:  # the share may be away: log it, try again at the next wake
                log.exception("a periodic records snapshot could not be written")
            self._stop.wait(self._interval_s)
