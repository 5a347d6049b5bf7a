"""Tray icon with the unread count, and batched desktop notifications (at most one a minute).

New items arrive in bursts (a sync stores pages of 100); a notification per page would be noise.
Arrivals are added up, and one message goes out at most every ``min_interval_s``: the first
arrival after a quiet minute is announced at once, later ones wait for the minute to pass and
then go out together.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QSystemTrayIcon

ShowMessage = Callable[[str, str], None]


def unread_icon(count: int, size: int = 64) -> QIcon:
    """A round icon with the unread count (99+ above that)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#00587a"))
    painter.drawEllipse(2, 2, size - 4, size - 4)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * (0.5 if count < 100 else 0.36)))
    painter.setFont(font)
    text = "K" if count <= 0 else ("99+" if count > 99 else str(count))
    painter.drawText(QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(pixmap)


class InboxNotifier(QObject):
    """Keeps the tray icon's number current and batches "new items" messages."""

    def __init__(
        self,
        show_message: ShowMessage | None = None,
        min_interval_s: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._min_interval_s = min_interval_s
        self._monotonic = monotonic
        self._pending = 0
        self._last_shown: float | None = None
        self.shown: list[tuple[str, str]] = []  # what was announced (tests and a log view)
        self._tray: QSystemTrayIcon | None = None
        if show_message is None and QSystemTrayIcon.isSystemTrayAvailable():
            self._tray = QSystemTrayIcon(unread_icon(0), self)
            self._tray.setToolTip("Kanal")
            self._tray.show()
        self._show_message = show_message or self._tray_message
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._flush)

    @property
    def tray(self) -> QSystemTrayIcon | None:
        return self._tray

    @property
    def waiting(self) -> bool:
        """A message is held back for later (new items arrived within the minute)."""
        return self._timer.isActive() or self._pending > 0

    def set_unread(self, count: int) -> None:
        if self._tray is not None:
            self._tray.setIcon(unread_icon(count))
            self._tray.setToolTip(self.tr("Kanal: %n unread", "", count))

    def items_arrived(self, count: int) -> None:
        """Count new items; announce now or when the minute since the last message is over."""
        if count <= 0:
            return
        self._pending += count
        now = self._monotonic()
        if self._last_shown is None or now - self._last_shown >= self._min_interval_s:
            self._flush()
        elif not self._timer.isActive():
            wait_s = self._min_interval_s - (now - self._last_shown)
            self._timer.start(max(1, int(wait_s * 1000)))

    def stop(self) -> None:
        self._timer.stop()
        if self._tray is not None:
            self._tray.hide()

    def _flush(self) -> None:
        if self._pending <= 0:
            return
        count, self._pending = self._pending, 0
        self._last_shown = self._monotonic()
        title = self.tr("Kanal")
        body = self.tr("%n new item(s) in the inbox", "", count)
        self.shown.append((title, body))
        self._show_message(title, body)

    def _tray_message(self, title: str, body: str) -> None:
        if self._tray is not None and QSystemTrayIcon.supportsMessages():
            self._tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 8000)
