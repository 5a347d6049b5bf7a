"""Background work for the Accounts section: platform calls on a small pool, results on the GUI
thread, and the window's database thread offered to the account service."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from desktop_app.ui.db_worker import DatabaseWorker

if TYPE_CHECKING:
    from desktop_app.engine.accounts import StoreAccess
    from desktop_app.store.database import Store

T = TypeVar("T")

# How long a platform check may wait for the database thread (it is busy at most with one
# short transaction at a time; the longest wait is the store opening at start).
STORE_WAIT_S = 60.0


def worker_store_access(worker: DatabaseWorker) -> StoreAccess:
    """Store access for the account service: the job runs on the window's database thread and
    the calling (pool) thread waits for it. Never call it on the GUI thread."""

    def run(job: Callable[[Store], T], /) -> T:
        return worker.run_blocking(job, timeout_s=STORE_WAIT_S)

    return run


class BackgroundJobs(QObject):
    """A few threads for blocking platform calls; callbacks run on the GUI thread, and only
    while the object that asked still exists."""

    _deliver = Signal(object)

    def __init__(self, workers: int = 3, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kanal-accounts")
        self._closed = False
        self._deliver.connect(self._run)

    @property
    def closed(self) -> bool:
        return self._closed

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
                failure = error  # the except block unbinds ``error``; the callback runs later
                self._deliver.emit((owner, lambda: on_error(failure)))
                raise
            self._deliver.emit((owner, lambda: on_done(result)))
            return result

        return self._pool.submit(run)

    def close(self) -> None:
        """Drop queued jobs, let running ones finish (each call has its own timeout), join."""
        if self._closed:
            return
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)

    @Slot(object)
    def _run(self, payload: tuple[QObject, Callable[[], Any]]) -> None:
        owner, callback = payload
        if not self._closed and shiboken6.isValid(owner):
            callback()
