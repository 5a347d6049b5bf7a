"""The window's one task runner: a database lane, a worker lane, one way back to the GUI thread.

- The **database lane** is one thread that owns the open store. SQLite allows one writer at a
  time and a SQLAlchemy session belongs to one thread, so every job that reads or writes the
  store for the window runs there, in the order it was submitted (``submit``).
- The **worker lane** is a small pool for what blocks without the store: platform calls (reply,
  moderate, sign in, cancel on the platform) and CPU work (images). ``run`` puts a job there.
- Results and errors come back to the GUI thread through one queued signal and are handed to
  the callbacks there, unless the object that asked has been deleted or the runner is closing.
- A failure nobody handles is never dropped: without an ``on_error`` callback it is logged and
  reported through ``error_reported``, which the window shows in its status bar.

Jobs are plain functions (no Qt inside).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:
    from desktop_app.store.database import Store

log = logging.getLogger(__name__)

T = TypeVar("T")

StoreOpener = Callable[[], "Store"]
ErrorCallback = Callable[[Exception], None]
WORKER_THREADS = 4  # platform calls wait on the network; a few at once are plenty


class StoreUnavailable(RuntimeError):
    """The store could not be opened (or is closed); the job did not run."""


def describe(error: BaseException) -> str:
    """The part of an error a person can read: the taxonomy's reason, else its text."""
    reason = getattr(error, "reason", None) or getattr(error, "message", None)
    return str(reason or error) or type(error).__name__


class TaskRunner(QObject):
    """Runs the window's jobs on the database lane or the worker lane; reports on the GUI thread.

    Signals:
        store_opened(): the store is migrated and ready; queued jobs run from now on.
        store_failed(str): the store could not be opened; the message says why.
        error_reported(str): a job failed and no one handled it; the message says why.
    """

    store_opened = Signal()
    store_failed = Signal(str)
    error_reported = Signal(str)
    # Carries (owner, zero-argument callable) built on a lane thread; run on the GUI thread.
    _deliver = Signal(object)

    def __init__(self, worker_threads: int = WORKER_THREADS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._database = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kanal-db")
        self._workers = ThreadPoolExecutor(
            max_workers=max(1, worker_threads), thread_name_prefix="kanal-work"
        )
        self._store: Store | None = None
        self._open_error: str | None = None
        self._closing = False
        self._deliver.connect(self._run_delivery)

    @property
    def is_closed(self) -> bool:
        return self._closing

    # ----- the database lane ----------------------------------------------------------------

    def open_store(self, opener: StoreOpener) -> None:
        """Open (and migrate) the store on the database lane; jobs queued after it wait for it."""

        def job() -> None:
            try:
                self._store = opener()
            except Exception as error:  # any failure must reach the user, not kill the thread
                log.exception("the database could not be opened")
                self._open_error = describe(error)
                message = self._open_error
                self._post(self, lambda: self.store_failed.emit(message))
                return
            self._post(self, self.store_opened.emit)

        self._database.submit(job)

    def submit(
        self,
        owner: QObject,
        job: Callable[[Store], T],
        on_done: Callable[[T], None] | None = None,
        on_error: ErrorCallback | None = None,
    ) -> Future[T]:
        """Run ``job(store)`` on the database lane; call back on the GUI thread.

        ``owner`` is the object whose methods the callbacks are; if it has been deleted by the
        time the result arrives, the callbacks are skipped. Without ``on_error`` a failure goes
        to the default reporter (log and ``error_reported``).
        """

        def run() -> T:
            store = self._store
            if store is None:
                raise StoreUnavailable(self._open_error or "the database is not open")
            return job(store)

        return self._start(self._database, owner, run, on_done, on_error)

    def run_blocking(self, job: Callable[[Store], T], timeout_s: float = 10.0) -> T:
        """Run ``job`` on the database lane and wait for it (never on the GUI thread but on
        close; the worker lane uses it for the store work of a platform call)."""
        if self._closing:
            raise StoreUnavailable("the window is closing")

        def run() -> T:
            if self._store is None:
                raise StoreUnavailable(self._open_error or "the database is not open")
            return job(self._store)

        return self._database.submit(run).result(timeout=timeout_s)

    # ----- the worker lane ------------------------------------------------------------------

    def run(
        self,
        owner: QObject,
        job: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: ErrorCallback | None = None,
    ) -> Future[T]:
        """Run ``job()`` on the worker lane (network, CPU); call back as ``submit`` does."""
        return self._start(self._workers, owner, job, on_done, on_error)

    # ----- closing --------------------------------------------------------------------------

    def close(self) -> None:
        """Let running platform calls finish (each has its own timeout) and drop queued ones,
        then finish the queued database jobs, dispose of the store and join. Idempotent."""
        if self._closing:
            return
        self._closing = True
        self._workers.shutdown(wait=True, cancel_futures=True)

        def dispose() -> None:
            if self._store is not None:
                self._store.dispose()
                self._store = None

        self._database.submit(dispose)
        self._database.shutdown(wait=True)

    # ----- the way back ---------------------------------------------------------------------

    def _start(
        self,
        lane: ThreadPoolExecutor,
        owner: QObject,
        job: Callable[[], T],
        on_done: Callable[[T], None] | None,
        on_error: ErrorCallback | None,
    ) -> Future[T]:
        if self._closing:
            failed: Future[T] = Future()
            failed.set_exception(StoreUnavailable("the window is closing"))
            return failed

        def run() -> T:
            try:
                result = job()
            except Exception as error:
                self._failed(owner, on_error, error)
                raise
            if on_done is not None:
                callback = on_done
                self._post(owner, lambda: callback(result))
            return result

        return lane.submit(run)

    def _failed(self, owner: QObject, on_error: ErrorCallback | None, error: Exception) -> None:
        if on_error is not None:
            callback = on_error
            self._post(owner, lambda: callback(error))
            return
        # Nobody asked to hear about it: the log and the person still do.
        log.error("a background job failed", exc_info=error)
        message = describe(error)
        self._post(self, lambda: self.error_reported.emit(message))

    def _post(self, owner: QObject, callback: Callable[[], Any]) -> None:
        self._deliver.emit((owner, callback))

    @Slot(object)
    def _run_delivery(self, payload: tuple[QObject, Callable[[], Any]]) -> None:
        owner, callback = payload
        if not self._closing and shiboken6.isValid(owner):
            callback()
