"""The window's side of the engines: their reports as Qt signals, and the user's requests.

The outbox and the inbox sync are built by the process's ``Services`` (the composition root's
one object); they need the open store, which exists only once the database thread has opened
it, so ``start()`` (called when the store reports ready) has them built and started on the
database thread, where the outbox's recovery of what a previous run left in flight never blocks
the GUI thread. ``stop()`` (called when the window closes, before the database thread closes)
stops both and joins their threads. What they report reaches the GUI thread as Qt signals
(``reports`` and ``sync_bridge``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.publications import Publication
from desktop_app.services import Services
from desktop_app.ui.history_view import OutboxReports
from desktop_app.ui.inbox.jobs import SyncBridge
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_app.engine.outbox import Outbox, SubmitResult
    from desktop_app.store.database import Store

log = logging.getLogger(__name__)


class WindowEngines(QObject):
    """Starts and stops the services' outbox and sync for one window; adapts their reports.

    Publishing, retrying, cancelling and moving are done as ``services.actor``.

    Signals:
        start_failed(str): they could not be started; the message says why.
    """

    start_failed = Signal(str)

    def __init__(
        self, services: Services, worker: TaskRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.reports = OutboxReports(self)
        self.sync_bridge = SyncBridge(self)
        self.actor = services.actor
        self._services = services
        self._worker = worker
        self._requested_start = False
        self._account_status: dict[str, AccountStatus] = {}

    # ----- lifetime -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._services.engines_running

    def start(self) -> None:
        """Build and start both on the database thread (the store must be open). Once."""
        if self._requested_start:
            return
        self._requested_start = True
        services = self._services
        reports, bridge = self.reports.callbacks(), self.sync_bridge.callbacks()

        def start(_store: Store) -> bool:
            return services.start_engines(reports, bridge)

        self._worker.submit(
            self,
            start,
            None,
            lambda error: self.start_failed.emit(str(error) or type(error).__name__),
        )

    def stop(self) -> None:
        """Stop syncing and sending; requests in flight finish. Joins every thread. Idempotent."""
        self._services.stop_engines()

    # ----- publishing (call on the database thread or any thread but the GUI's) -------------

    def _require_outbox(self) -> Outbox:
        return self._services.outbox

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
        if self._services.engines_running:
            self._services.sync.request()

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
        services = self._services
        if not services.engines_running or self._worker.is_closed:
            return

        def run(_store: Store) -> None:
            if services.engines_running:
                job(services.outbox)

        self._worker.submit(self, run, None, lambda error: log.warning("outbox: %s", error))
