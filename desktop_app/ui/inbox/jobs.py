"""The sync engine's plain callbacks (called on its threads) as Qt signals for the inbox.

Replying and moderating run on the window's task runner (``desktop_app.ui.tasks``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal

from desktop_app.domain.inbox import PageResult

if TYPE_CHECKING:
    from desktop_app.engine.sync import AccountSyncResult, SyncCallbacks

T = TypeVar("T")


class SyncBridge(QObject):
    """Signals:
    page_stored(str, int, int): account id, new items, updated items (one stored page).
    run_done(object): the list of AccountSyncResult of one run.
    """

    page_stored = Signal(str, int, int)
    run_done = Signal(object)

    def callbacks(self) -> SyncCallbacks:
        """Callbacks for the engine; emitting from its threads queues to the GUI thread."""
        from desktop_app.engine.sync import SyncCallbacks

        def on_page(account_id: str, result: PageResult) -> None:
            self.page_stored.emit(account_id, len(result.new_ids), len(result.updated_ids))

        def on_run_done(results: Sequence[AccountSyncResult]) -> None:
            self.run_done.emit(list(results))

        return SyncCallbacks(on_page=on_page, on_run_done=on_run_done)
