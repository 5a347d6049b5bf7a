"""The window's engines: the outbox that publishes and the sync that fills the inbox.

Both need the open store, which exists only once the database thread has opened it; until then
the window is already on screen. ``start()`` (called when the store reports ready) builds and
starts them on the database thread, so the outbox's recovery of what a previous run left in
flight never blocks the GUI thread. ``stop()`` (called when the window closes, before the
database thread closes) stops both cooperatively and joins their threads. Everything they report
reaches the GUI thread as Qt signals (``reports`` and ``sync_bridge``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.publications import Publication
from desktop_app.engine.inbox_actions import InboxActions
from desktop_app.engine.outbox import Outbox, OutboxSettings, SubmitResult
from desktop_app.engine.sync import ConnectorProvider, SyncEngine, SyncSettings
from desktop_app.store.database import Store
from desktop_app.ui.db_worker import DatabaseWorker
from desktop_app.ui.history_view import OutboxReports
from desktop_app.ui.inbox.jobs import SyncBridge

log = logging.getLogger(__name__)

T = TypeVar("T")


class EnginesNotRunning(RuntimeError):
    """The outbox is not running (the database is not open yet, or the window is closing)."""


class WindowEngines(QObject):
    """Owns the outbox and the sync engine of one window.

    ``actor``: who publishes and cancels (the signed-in user), written to the audit trail.

    Signals:
        started(object): both run; carries the InboxActions for the inbox (platform calls).
        start_failed(str): they could not be started; the message says why.
    """

    started = Signal(object)
    start_failed = Signal(str)

    def __init__(
        self,
        worker: DatabaseWorker,
        connectors: ConnectorProvider,
        actor: str,
        *,
        outbox_settings: OutboxSettings | None = None,
        sync_settings: SyncSettings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.reports = OutboxReports(self)
        self.sync_bridge = SyncBridge(self)
        self.actor = actor
        self._worker = worker
        self._connectors = connectors
        self._outbox_settings = outbox_settings
        self._sync_settings = sync_settings
        # Held while starting (database thread) and stopping (GUI thread): a window closed
        # while the engines start never leaves one running.
        self._lock = threading.Lock()
        self._outbox: Outbox | None = None
        self._sync: SyncEngine | None = None
        self._stopped = False
        self._requested_start = False
        self._account_status: dict[str, AccountStatus] = {}

    # ----- lifetime -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._outbox is not None

    def start(self) -> None:
        """Build and start both on the database thread (the store must be open). Once."""
        if self._requested_start or self._stopped:
            return
        self._requested_start = True
        self._worker.submit(
            self,
            self._start_on_worker,
            lambda actions: self.started.emit(actions),
            lambda error: self.start_failed.emit(str(error) or type(error).__name__),
        )

    def _start_on_worker(self, store: Store) -> InboxActions | None:
        with self._lock:
            if self._stopped:
                return None
            outbox = Outbox(
                store,
                self._connectors,
                settings=self._outbox_settings,
                callbacks=self.reports.callbacks(),
            )
            outbox.start()
            try:
                sync = SyncEngine(
                    store,
                    self._connectors,
                    settings=self._sync_settings,
                    callbacks=self.sync_bridge.callbacks(),
                )
                sync.start()
            except BaseException:
                outbox.stop()
                raise
            self._outbox, self._sync = outbox, sync
        return InboxActions(store, self._connectors)

    def stop(self) -> None:
        """Stop syncing and sending; requests in flight finish. Joins every thread. Idempotent."""
        with self._lock:
            self._stopped = True
            sync, self._sync = self._sync, None
            outbox, self._outbox = self._outbox, None
        if sync is not None:
            sync.stop()
        if outbox is not None:
            outbox.stop()

    # ----- publishing (call on the database thread or any thread but the GUI's) -------------

    def _require_outbox(self) -> Outbox:
        outbox = self._outbox
        if outbox is None:
            raise EnginesNotRunning("sending has not started yet; try again in a moment")
        return outbox

    def submit(self, draft_id: str, split_x_thread: bool) -> SubmitResult:
        return self._require_outbox().submit(draft_id, self.actor, split_x_thread=split_x_thread)

    def retry_failed(self, draft_id: str) -> list[Publication]:
        return self._require_outbox().retry_failed(draft_id, self.actor)

    def cancel(self, publication_id: str, actor: str) -> Publication:
        return self._require_outbox().cancel(publication_id, actor)

    def reschedule(self, publication_id: str, when: datetime, actor: str) -> Publication:
        return self._require_outbox().reschedule(publication_id, when, actor)

    # ----- events from the window (GUI thread) ----------------------------------------------

    def request_sync(self) -> None:
        """The user asked for a sync now."""
        sync = self._sync
        if sync is not None:
            sync.request()

    def connectivity_changed(self, online: bool) -> None:
        """Back online: what waits after a network failure is sent now."""
        if online:
            self._on_worker(lambda outbox: outbox.wake())

    def accounts_changed(self, accounts: list[Account]) -> None:
        """An account that works again (signed in anew) gets what waited for it."""
        previous, self._account_status = (
            self._account_status,
            {a.id: a.status for a in accounts},
        )
        working_again = [
            a.id
            for a in accounts
            if a.status is AccountStatus.WORKING
            and previous.get(a.id) not in (None, AccountStatus.WORKING)
        ]

        def resume(outbox: Outbox) -> None:
            for account_id in working_again:
                outbox.resume_account(account_id)

        if working_again:
            self._on_worker(resume)

    def _on_worker(self, job: Callable[[Outbox], object]) -> None:
        """Run ``job`` on the database thread if the outbox runs (it writes to the store)."""
        if self._outbox is None or self._worker.is_closed:
            return

        def run(_store: Store) -> None:
            outbox = self._outbox
            if outbox is not None:
                job(outbox)

        self._worker.submit(self, run, None, lambda error: log.warning("outbox: %s", error))
