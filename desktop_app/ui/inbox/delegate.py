"""Paints one inbox row: network, author, age, first line of text, state and warnings.

Rows have one fixed height (the list uses uniform sizes), so scrolling a long inbox never asks
for more than the visible rows. A row whose data is not read yet paints as a quiet placeholder.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop_app.domain.inbox import UNANSWERED_LIMIT, InboxItem, InboxState, format_age
from desktop_app.ui.inbox.model import ItemRole

NETWORK_COLOURS = {
    "wordpress": "#21759b",
    "facebook": "#1877f2",
    "x": "#14171a",
    "mastodon": "#6364ff",
    "bluesky": "#0085ff",
}
NETWORK_SHORT = {"wordpress": "WP", "facebook": "FB", "x": "X", "mastodon": "M", "bluesky": "BS"}

ROW_HEIGHT = 52


class InboxRowDelegate(QStyledItemDelegate):
    def __init__(
        self,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        avatar_for: Callable[[InboxItem], QPixmap | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._avatar_for = avatar_for

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(200, ROW_HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        rect: QRect = option.rect
        state = option.state
        palette: QPalette = option.palette
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.highlight())
        text_colour = palette.highlightedText().color() if selected else palette.text().color()
        item = index.data(ItemRole)
        if not isinstance(item, InboxItem):
            painter.setPen(QColor("#bbbbbb"))
            painter.drawText(rect.adjusted(12, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, "…")
            painter.restore()
            return
        self._paint_item(painter, rect, item, text_colour, selected)
        painter.restore()

    def _paint_item(
        self, painter: QPainter, rect: QRect, item: InboxItem, text_colour: QColor, selected: bool
    ) -> None:
        base_font = QFont(painter.font())
        bold = QFont(base_font)
        bold.setBold(item.state is InboxState.NEW)
        # Avatar (when there is one) with the network badge below it, else the badge alone.
        avatar = self._avatar_for(item) if self._avatar_for is not None else None
        badge = QRect(rect.left() + 6, rect.top() + 8, 28, 18)
        if avatar is not None:
            painter.drawPixmap(rect.left() + 4, rect.top() + 3, avatar)
            badge = QRect(rect.left() + 8, rect.top() + 33, 28, 14)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(NETWORK_COLOURS.get(item.network.value, "#777")))
        painter.drawRoundedRect(badge, 4, 4)
        small = QFont(base_font)
        small.setPointSizeF(max(6.0, base_font.pointSizeF() * 0.8))
        painter.setFont(small)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, NETWORK_SHORT[item.network.value])
        # Right side: age and the overdue badge.
        now = self._clock()
        age = now - item.created_at
        age_text = format_age(age)
        right = rect.right() - 8
        if item.unanswered and age > UNANSWERED_LIMIT:
            label = "> 24 h"
            width = QFontMetrics(small).horizontalAdvance(label) + 10
            overdue = QRect(right - width, rect.top() + 8, width, 18)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#c62828"))
            painter.drawRoundedRect(overdue, 9, 9)
            painter.setPen(QColor("white"))
            painter.drawText(overdue, Qt.AlignmentFlag.AlignCenter, label)
            right = overdue.left() - 6
        painter.setPen(text_colour)
        age_width = QFontMetrics(small).horizontalAdvance(age_text)
        painter.drawText(
            QRect(right - age_width, rect.top() + 8, age_width, 18),
            Qt.AlignmentFlag.AlignVCenter,
            age_text,
        )
        right -= age_width + 8
        # Author line.
        painter.setFont(bold)
        left = max(badge.right(), rect.left() + 36) + 8
        marker = ""
        if item.flags:
            marker += "⚠ "
        if item.state is InboxState.HIDDEN:
            marker += "⦸ "
        elif item.state is InboxState.DELETED:
            marker += "✕ "
        elif item.state is InboxState.ANSWERED:
            marker += "↩ "
        elif item.state is InboxState.DONE:
            marker += "✓ "
        author = f"{marker}{item.author_name}"
        metrics = QFontMetrics(bold)
        painter.drawText(
            QRect(left, rect.top() + 6, max(0, right - left), 20),
            Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(author, Qt.TextElideMode.ElideRight, max(0, right - left)),
        )
        # First line of the text.
        painter.setFont(base_font)
        grey = QColor(text_colour)
        if not selected:
            grey = QColor("#555555")
        painter.setPen(grey)
        first_line = " ".join(item.text.split())[:300]
        width = rect.right() - 8 - left
        painter.drawText(
            QRect(left, rect.top() + 27, max(0, width), 20),
            Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(base_font).elidedText(first_line, Qt.TextElideMode.ElideRight, width),
        )
        painter.setPen(QColor("#e0e0e0"))
        painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())
