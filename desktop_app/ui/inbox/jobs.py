"""Background work for the inbox window: network actions off the GUI thread, sync callbacks in.

``NetworkJobs`` runs connector calls (reply, moderate) on a small pool and hands results back on
the GUI thread through a queued signal; ``SyncBridge`` turns the sync engine's plain callbacks
(called on its worker threads) into Qt signals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from desktop_app.domain.inbox import PageResult
from desktop_app.engine.sync import AccountSyncResult, SyncCallbacks

T = TypeVar("T")


class NetworkJobs(QObject):
    """A small thread pool whose results come back on the GUI thread."""

    _deliver = Signal(object)

    def __init__(self, workers: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kanal-inbox")
        self._closed = False
        self._deliver.connect(self._run)

    def submit(
        self,
        owner: QObject,
        job: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
    ) -> Future[T] | None:
        if self._closed:
            return None

        def run() -> T:
            try:
                result = job()
            except Exception as error:
                self._post_error(owner, on_error, error)
                raise
            self._post(owner, lambda: on_done(result))
            return result

        return self._pool.submit(run)

    def close(self) -> None:
        """Let running calls finish (each has its own network timeout) and join the pool."""
        if self._closed:
            return
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _post_error(
        self, owner: QObject, on_error: Callable[[Exception], None], error: Exception
    ) -> None:
        self._post(owner, lambda: on_error(error))

    def _post(self, owner: QObject, callback: Callable[[], Any]) -> None:
        self._deliver.emit((owner, callback))

    @Slot(object)
    def _run(self, payload: tuple[QObject, Callable[[], Any]]) -> None:
        owner, callback = payload
        if not self._closed and shiboken6.isValid(owner):
            callback()


class SyncBridge(QObject):
    """Signals:
    page_stored(str, int, int): account id, new items, updated items (one stored page).
    account_done(object): an AccountSyncResult.
    run_done(object): the list of AccountSyncResult of one run.
    """

    page_stored = Signal(str, int, int)
    account_done = Signal(object)
    run_done = Signal(object)

    def callbacks(self) -> SyncCallbacks:
        """Callbacks for the engine; emitting from its threads queues to the GUI thread."""

        def on_page(account_id: str, result: PageResult) -> None:
            self.page_stored.emit(account_id, len(result.new_ids), len(result.updated_ids))

        def on_account_done(result: AccountSyncResult) -> None:
            self.account_done.emit(result)

        def on_run_done(results: Sequence[AccountSyncResult]) -> None:
            self.run_done.emit(list(results))

        return SyncCallbacks(on_page, on_account_done, on_run_done)
