"""The inbox list model: ids in order, rows fetched lazily and cached, pages on demand.

The model holds only item numbers (``seq``, newest first) for the pages fetched so far; the
rows themselves are read in batches from the store when the view first asks for them and kept
in a bounded cache. Scrolling to the end fetches the next page (``canFetchMore``/``fetchMore``).
New items are inserted at the top without resetting the model, so the view does not jump.
All store access happens on the database worker; this class only ever runs on the GUI thread.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from desktop_app.domain.inbox import InboxFilter, InboxItem
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_app.store.database import Store
    from desktop_app.store.inbox import InboxPageQuery

ItemRole = Qt.ItemDataRole.UserRole + 1
SeqRole = Qt.ItemDataRole.UserRole + 2

PAGE_SIZE = 200
CACHE_ROWS = 2_000  # rows kept in memory; a screenful is ~20
NEWER_LIMIT = 20_000

_AnyIndex = QModelIndex | QPersistentModelIndex


def _now() -> datetime:
    return datetime.now(UTC)


def _query() -> type[InboxPageQuery]:
    # The store's modules load on first use (after the first frame), not with the window.
    from desktop_app.store.inbox import InboxPageQuery

    return InboxPageQuery


class InboxListModel(QAbstractListModel):
    """Signals:
    page_loaded(int): a page of ids arrived (its size); the first one after a reset matters
        to the benchmark and to "empty inbox" messages.
    new_rows_inserted(int): this many new items were put at the top.
    load_failed(str): the store could not be read.
    """

    page_loaded = Signal(int)
    new_rows_inserted = Signal(int)
    load_failed = Signal(str)

    def __init__(
        self,
        db: TaskRunner,
        clock: Callable[[], datetime] = _now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._clock = clock
        self._filter = InboxFilter()
        self._seqs: list[int] = []
        self._row_of: dict[int, int] = {}
        self._cache: OrderedDict[int, InboxItem] = OrderedDict()
        self._has_more = False
        self._loading_page = False
        self._generation = 0  # results of an older filter are dropped
        self._wanted: set[int] = set()
        self._in_flight: set[int] = set()
        self._row_timer = QTimer(self)
        self._row_timer.setSingleShot(True)
        self._row_timer.setInterval(0)
        self._row_timer.timeout.connect(self._fetch_wanted_rows)

    # -- Qt model API ---------------------------------------------------------------------------

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._seqs)

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._seqs):
            return None
        seq = self._seqs[index.row()]
        if role == SeqRole:
            return seq
        item = self._cache.get(seq)
        if item is None:
            self._want(seq)
            return None
        self._cache.move_to_end(seq)
        if role == ItemRole:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{item.author_name}: {item.text[:200]}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.text[:1000]
        return None

    def canFetchMore(self, parent: _AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more and not self._loading_page

    def fetchMore(self, parent: _AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        before = self._seqs[-1] if self._seqs else None
        self._load_page(_query()(self._filter, before_seq=before, limit=PAGE_SIZE))

    # -- what the view calls ----------------------------------------------------------------------

    @property
    def inbox_filter(self) -> InboxFilter:
        return self._filter

    def set_filter(self, inbox_filter: InboxFilter) -> None:
        """Show another selection: the list empties and its first page is read."""
        self._filter = inbox_filter
        self._generation += 1
        self.beginResetModel()
        self._seqs = []
        self._row_of = {}
        self._has_more = False
        self._loading_page = False
        self._wanted.clear()
        self.endResetModel()
        self._load_page(_query()(inbox_filter, limit=PAGE_SIZE))

    def refresh(self) -> None:
        self.set_filter(self._filter)

    def item_at(self, row: int) -> InboxItem | None:
        if 0 <= row < len(self._seqs):
            return self._cache.get(self._seqs[row])
        return None

    def row_of_seq(self, seq: int) -> int | None:
        return self._row_of.get(seq)

    def load_newer(self) -> None:
        """Put items stored since the list was read at the top (after a sync)."""
        newest = self._seqs[0] if self._seqs else None
        if newest is None:
            self.refresh()
            return
        generation = self._generation
        # Every newer id (ids are cheap); past NEWER_LIMIT a fresh start is simpler than a gap.
        query = _query()(self._filter, after_seq=newest, limit=NEWER_LIMIT)
        now = self._clock()

        def job(store: Store) -> tuple[list[int], dict[int, InboxItem]]:
            with store.unit_of_work(read_only=True) as uow:
                repo = uow.inbox
                seqs = repo.page_seqs(query, now)
                return seqs, repo.get_many(seqs[:50])

        def done(result: tuple[list[int], dict[int, InboxItem]]) -> None:
            if generation != self._generation:
                return
            seqs, rows = result
            if len(seqs) >= NEWER_LIMIT:
                self.refresh()
                return
            seqs = [s for s in seqs if s not in self._row_of]
            if not seqs:
                return
            self._remember(rows)
            self.beginInsertRows(QModelIndex(), 0, len(seqs) - 1)
            self._seqs[0:0] = seqs
            self._row_of = {seq: row for row, seq in enumerate(self._seqs)}
            self.endInsertRows()
            self.new_rows_inserted.emit(len(seqs))

        self._db.submit(self, job, done, self._failed)

    def update_items(self, items: list[InboxItem]) -> None:
        """Replace cached rows after a change (state, assignment) and repaint them."""
        for item in items:
            if item.seq in self._cache or item.seq in self._row_of:
                self._cache[item.seq] = item
                row = self._row_of.get(item.seq)
                if row is not None:
                    index = self.index(row)
                    self.dataChanged.emit(index, index)

    def reload_rows(self, seqs: list[int]) -> None:
        """Read these rows again (the store changed them)."""
        for seq in seqs:
            self._cache.pop(seq, None)
            self._want(seq)

    # -- loading --------------------------------------------------------------------------------

    def _load_page(self, query: InboxPageQuery) -> None:
        self._loading_page = True
        generation = self._generation
        now = self._clock()

        def job(store: Store) -> tuple[list[int], dict[int, InboxItem]]:
            with store.unit_of_work(read_only=True) as uow:
                repo = uow.inbox
                seqs = repo.page_seqs(query, now)
                # The first screenful comes with the ids, so the first paint needs no 2nd trip.
                return seqs, repo.get_many(seqs[:60])

        def done(result: tuple[list[int], dict[int, InboxItem]]) -> None:
            if generation != self._generation:
                return
            seqs, rows = result
            self._loading_page = False
            self._has_more = len(seqs) == query.limit
            self._remember(rows)
            fresh = [s for s in seqs if s not in self._row_of]
            if fresh:
                start = len(self._seqs)
                self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
                self._seqs.extend(fresh)
                for offset, seq in enumerate(fresh):
                    self._row_of[seq] = start + offset
                self.endInsertRows()
            self.page_loaded.emit(len(fresh))

        def failed(error: Exception) -> None:
            if generation == self._generation:
                self._loading_page = False
            self._failed(error)

        self._db.submit(self, job, done, failed)

    def _want(self, seq: int) -> None:
        if seq in self._in_flight:
            return
        self._wanted.add(seq)
        if not self._row_timer.isActive():
            self._row_timer.start()

    def _fetch_wanted_rows(self) -> None:
        if not self._wanted:
            return
        # Read a little around what is asked for, so scrolling finds its rows already there.
        wanted = set(self._wanted)
        rows = sorted(self._row_of[s] for s in wanted if s in self._row_of)
        if rows:
            lo, hi = max(0, rows[0] - 20), min(len(self._seqs), rows[-1] + 40)
            wanted |= {s for s in self._seqs[lo:hi] if s not in self._cache}
        wanted -= self._in_flight
        self._wanted.clear()
        if not wanted:
            return
        self._in_flight |= wanted
        seqs = sorted(wanted)

        def job(store: Store) -> dict[int, InboxItem]:
            with store.unit_of_work(read_only=True) as uow:
                return uow.inbox.get_many(seqs)

        def done(found: dict[int, InboxItem]) -> None:
            self._in_flight -= set(seqs)
            self._remember(found)
            changed = sorted(self._row_of[s] for s in found if s in self._row_of)
            if changed:
                self.dataChanged.emit(self.index(changed[0]), self.index(changed[-1]))

        def failed(error: Exception) -> None:
            self._in_flight -= set(seqs)
            self._failed(error)

        self._db.submit(self, job, done, failed)

    def _remember(self, rows: dict[int, InboxItem]) -> None:
        for seq, item in rows.items():
            self._cache[seq] = item
            self._cache.move_to_end(seq)
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)

    def _failed(self, error: Exception) -> None:
        self.load_failed.emit(str(error) or type(error).__name__)
