"""One thread for all database work; results reach widgets only through a signal.

SQLite allows one writer at a time and a SQLAlchemy session belongs to one thread, so every job
that touches the store runs on a single-worker executor, in the order it was submitted. A job is
a plain function of the store (no Qt inside); its result or error is carried back to the GUI
thread by a queued signal and handed to the callbacks there, unless the widget that asked has
been deleted in the meantime or the worker is shutting down.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:
    from desktop_app.store.database import Store

T = TypeVar("T")

StoreOpener = Callable[[], "Store"]


class StoreUnavailable(RuntimeError):
    """The store could not be opened (or is closed); the job did not run."""


class DatabaseWorker(QObject):
    """Serialises database jobs on one thread and reports back on the GUI thread.

    Signals:
        store_opened(): the store is migrated and ready; queued jobs run from now on.
        store_failed(str): the store could not be opened; the message says why.
    """

    store_opened = Signal()
    store_failed = Signal(str)
    # Carries a zero-argument callable built on the worker thread; run on the GUI thread.
    _deliver = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kanal-db")
        self._store: Store | None = None
        self._open_error: str | None = None
        self._closing = False
        self._deliver.connect(self._run_delivery)

    @property
    def is_closed(self) -> bool:
        return self._closing

    def open_store(self, opener: StoreOpener) -> None:
        """Open (and migrate) the store on the worker thread; jobs queued after it wait for it."""

        def job() -> None:
            try:
                self._store = opener()
            except Exception as error:  # any failure must reach the user, not kill the thread
                self._open_error = str(error) or type(error).__name__
                self._post(lambda: self.store_failed.emit(self._open_error or ""))
                return
            self._post(self.store_opened.emit)

        self._executor.submit(job)

    def submit(
        self,
        owner: QObject,
        job: Callable[[Store], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> Future[T]:
        """Run ``job(store)`` on the database thread; call back on the GUI thread.

        ``owner`` is the object whose methods the callbacks are; if it has been deleted by the
        time the result arrives, the callbacks are skipped.
        """

        def run() -> T:
            store = self._store
            if store is None:
                error: Exception = StoreUnavailable(self._open_error or "the database is not open")
                self._post_error(owner, on_error, error)
                raise error
            try:
                result = job(store)
            except Exception as failure:
                self._post_error(owner, on_error, failure)
                raise
            if on_done is not None:
                callback = on_done
                self._post(lambda: _call_if_alive(owner, callback, result))
            return result

        if self._closing:
            failed: Future[T] = Future()
            failed.set_exception(StoreUnavailable("the window is closing"))
            return failed
        return self._executor.submit(run)

    def run_blocking(self, job: Callable[[Store], T], timeout_s: float = 10.0) -> T:
        """Run ``job`` on the database thread and wait for it (used only on close)."""
        if self._closing:
            raise StoreUnavailable("the window is closing")

        def run() -> T:
            if self._store is None:
                raise StoreUnavailable(self._open_error or "the database is not open")
            return job(self._store)

        return self._executor.submit(run).result(timeout=timeout_s)

    def close(self) -> None:
        """Finish queued jobs, dispose of the store and join the thread. Idempotent."""
        if self._closing:
            return
        self._closing = True

        def dispose() -> None:
            if self._store is not None:
                self._store.dispose()
                self._store = None

        self._executor.submit(dispose)
        self._executor.shutdown(wait=True)

    def _post(self, callback: Callable[[], Any]) -> None:
        self._deliver.emit(callback)

    def _post_error(
        self,
        owner: QObject,
        on_error: Callable[[Exception], None] | None,
        error: Exception,
    ) -> None:
        if on_error is not None:
            callback = on_error
            self._post(lambda: _call_if_alive(owner, callback, error))

    @Slot(object)
    def _run_delivery(self, callback: Callable[[], Any]) -> None:
        if not self._closing:
            callback()


def _call_if_alive(owner: QObject, callback: Callable[[T], None], value: T) -> None:
    if shiboken6.isValid(owner):
        callback(value)
