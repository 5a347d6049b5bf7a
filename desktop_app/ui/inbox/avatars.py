"""Avatars for the inbox rows: read from the disk cache, fetched in the background when missing.

Which hosts may be asked is decided in ``engine/avatars.py`` (the platform's own hosts only);
this class only keeps small pixmaps in memory and asks the view to repaint when one arrives.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPainterPath, QPixmap

from desktop_app.domain.accounts import Account
from desktop_app.domain.inbox import InboxItem
from desktop_app.engine.avatars import AvatarCache, allowed_avatar_url
from desktop_app.ui.tasks import TaskRunner

AVATAR_SIZE = 32
MEMORY_ITEMS = 500


def round_avatar(image: QImage, size: int = AVATAR_SIZE) -> QPixmap:
    scaled = image.scaled(
        QSize(size, size),
        Qt.AspectRatioMode.KeepAspectRatioByExpanding,
        Qt.TransformationMode.SmoothTransformation,
    )
    result = QPixmap(size, size)
    result.fill(Qt.GlobalColor.transparent)
    painter = QPainter(result)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    clip = QPainterPath()
    clip.addEllipse(0, 0, size, size)
    painter.setClipPath(clip)
    painter.drawImage(0, 0, scaled)
    painter.end()
    return result


class AvatarLoader(QObject):
    """Signals:
    loaded(str): the avatar at this URL is now available; repaint its rows.
    """

    loaded = Signal(str)

    def __init__(
        self,
        cache: AvatarCache,
        tasks: TaskRunner,
        account_of: Callable[[str], Account | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._cache = cache
        self._tasks = tasks
        self._account_of = account_of
        self._pixmaps: OrderedDict[str, QPixmap | None] = OrderedDict()
        self._pending: set[str] = set()

    def pixmap(self, item: InboxItem) -> QPixmap | None:
        url = item.author_avatar_url
        if not url:
            return None
        if url in self._pixmaps:
            self._pixmaps.move_to_end(url)
            return self._pixmaps[url]
        path = self._cache.cached(url)
        if path is not None:
            return self._remember(url, path)
        account = self._account_of(item.account_id)
        if account is None or url in self._pending or not allowed_avatar_url(url, account):
            return None
        self._pending.add(url)
        cache = self._cache

        def done(found: Path | None) -> None:
            self._pending.discard(url)
            self._remember(url, found)
            self.loaded.emit(url)

        def failed(_error: Exception) -> None:
            self._pending.discard(url)
            self._pixmaps[url] = None  # no retry storm; a restart tries again

        self._tasks.run(self, lambda: cache.fetch(url, account), done, failed)
        return None

    def _remember(self, url: str, path: Path | None) -> QPixmap | None:
        pixmap = None
        if path is not None:
            image = QImage(str(path))
            if not image.isNull():
                pixmap = round_avatar(image)
        self._pixmaps[url] = pixmap
        while len(self._pixmaps) > MEMORY_ITEMS:
            self._pixmaps.popitem(last=False)
        return pixmap
