"""The window's database lane offered to the account service (whose platform calls run on the
task runner's worker lane and wait here for their store work)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_app.engine.accounts import StoreAccess
    from desktop_app.store.database import Store

T = TypeVar("T")

# How long a platform check may wait for the database thread (it is busy at most with one
# short transaction at a time; the longest wait is the store opening at start).
STORE_WAIT_S = 60.0


def worker_store_access(worker: TaskRunner) -> StoreAccess:
    """Store access for the account service: the job runs on the window's database thread and
    the calling (pool) thread waits for it. Never call it on the GUI thread."""

    def run(job: Callable[[Store], T], /) -> T:
        return worker.run_blocking(job, timeout_s=STORE_WAIT_S)

    return run
