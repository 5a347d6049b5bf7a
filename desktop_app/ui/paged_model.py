"""A table model over rows read from the store a page at a time.

The model holds only the rows the view has scrolled to: Qt's ``canFetchMore``/``fetchMore`` ask
for the next page, which is read on the database thread. Every reload starts a new generation,
so an answer for a search that has since changed is dropped instead of mixed in. A subclass says
how to read a page (``page_job``) and how to show a cell (``cell``); a short list that is read
whole uses ``set_rows`` and needs no ``page_job``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_app.store.database import Store

PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole

AnyIndex = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")
# A job for the database thread: (how many rows match in all, the rows of one page).
PageJob = Callable[["Store"], tuple[int, list[RowT]]]


class PagedTableModel(QAbstractTableModel, Generic[RowT]):
    """Rows of ``RowT`` under fixed column headers, appended a page at a time.

    Signals:
        loading_failed(str): a page could not be read; the message says why.
        total_changed(int): how many rows match in all.
    """

    loading_failed = Signal(str)
    total_changed = Signal(int)

    def __init__(
        self,
        headers: Sequence[str] = (),
        worker: TaskRunner | None = None,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        """A subclass whose headers are translated sets ``self._headers`` after this call,
        once ``self.tr`` has a live object behind it."""
        super().__init__(parent)
        self._headers = tuple(headers)
        self._worker = worker
        self._page_size = page_size
        self._rows: list[RowT] = []
        self._total = 0
        self._fetching = False
        self._generation = 0

    # ----- what a subclass says -------------------------------------------------------------

    def cell(self, row: RowT, column: int, role: int) -> object:
        """What ``row`` shows in ``column`` for ``role`` (None for nothing)."""
        raise NotImplementedError

    def row_id(self, row: RowT) -> object:
        """What ``ID_ROLE`` answers for ``row``."""
        return getattr(row, "id", None)

    def page_job(self, offset: int, limit: int) -> PageJob[RowT]:
        """The database job reading ``limit`` rows from ``offset`` (paged models only)."""
        raise NotImplementedError

    # ----- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ID_ROLE:
            return self.row_id(row)
        return self.cell(row, index.column(), role)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return (
            self._worker is not None
            and not parent.isValid()
            and not self._fetching
            and len(self._rows) < self._total
        )

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self._worker is not None and not parent.isValid() and not self._fetching:
            self._request_page(len(self._rows))

    # ----- rows -----------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return self._total

    @property
    def is_fetching(self) -> bool:
        return self._fetching

    def row_at(self, position: int) -> RowT:
        return self._rows[position]

    def set_rows(self, rows: Sequence[RowT]) -> None:
        """Show exactly these rows (a list read whole)."""
        self._generation += 1
        self._fetching = False
        self.beginResetModel()
        self._rows = list(rows)
        self._total = len(self._rows)
        self.endResetModel()

    def reload(self) -> None:
        """Forget the rows and read the first page again (after a change elsewhere)."""
        self._generation += 1
        self._fetching = False
        self.beginResetModel()
        self._rows = []
        self._total = 0
        self.endResetModel()
        self._request_page(0)

    def replace_row(self, position: int, row: RowT) -> None:
        self._rows[position] = row
        self.dataChanged.emit(self.index(position, 0), self.index(position, self.columnCount() - 1))

    @property
    def generation(self) -> int:
        """Changes on every reload: an answer asked for in an older generation is stale."""
        return self._generation

    # ----- paging ---------------------------------------------------------------------------

    def _request_page(self, offset: int) -> None:
        if self._worker is None:
            return
        self._fetching = True
        generation = self._generation
        self._worker.submit(
            self,
            self.page_job(offset, self._page_size),
            lambda page: self._on_page(generation, offset, page),
            lambda error: self._on_page_failed(generation, error),
        )

    def _on_page(self, generation: int, offset: int, page: tuple[int, list[RowT]]) -> None:
        if generation != self._generation:
            return  # an answer for a search that has since changed
        total, rows = page
        self._fetching = False
        if total != self._total:
            self._total = total
            self.total_changed.emit(total)
        if offset != len(self._rows) or not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def _on_page_failed(self, generation: int, error: Exception) -> None:
        if generation == self._generation:
            self._fetching = False
            self.loading_failed.emit(str(error) or type(error).__name__)
