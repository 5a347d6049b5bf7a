"""Saved replies in the inbox: a menu beside the reply box inserts one with its placeholders
filled for the item shown; a small dialog adds, edits and removes them.

Kept in the data folder's settings.ini with the other personal settings (one officer's
phrasing, not the authority's records)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, QLocale, QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.inbox import InboxItem
from desktop_app.domain.saved_replies import DEFAULT_REPLIES, SavedReply, fill
from desktop_app.ui.preferences import SETTINGS_FILE

KEY = "saved_replies"


class SavedRepliesStore:
    def __init__(self, data_dir: Path) -> None:
        self._settings = QSettings(str(data_dir / SETTINGS_FILE), QSettings.Format.IniFormat)

    def load(self) -> list[SavedReply]:
        raw = self._settings.value(KEY)
        if not isinstance(raw, str):
            return list(DEFAULT_REPLIES)
        try:
            entries = json.loads(raw)
            return [SavedReply(str(e["title"]), str(e["text"])) for e in entries]
        except (ValueError, KeyError, TypeError):
            return list(DEFAULT_REPLIES)

    def save(self, replies: list[SavedReply]) -> None:
        payload = [{"title": r.title, "text": r.text} for r in replies]
        self._settings.setValue(KEY, json.dumps(payload, ensure_ascii=False))
        self._settings.sync()


AccountName = Callable[[InboxItem], str]


class SavedRepliesButton(QToolButton):
    """ "Saved replies ▾" beside the reply box; choosing one inserts it at the cursor."""

    def __init__(
        self,
        store: SavedRepliesStore,
        reply_box: QPlainTextEdit,
        current_item: Callable[[], InboxItem | None],
        account_name: AccountName,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._reply_box = reply_box
        self._current_item = current_item
        self._account_name = account_name
        self.setText(self.tr("Saved replies"))
        self.setAccessibleName(self.tr("Insert a saved reply"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.menu_.aboutToShow.connect(self._fill_menu)
        self.setMenu(self.menu_)

    def _fill_menu(self) -> None:
        self.menu_.clear()
        for reply in self._store.load():
            action = self.menu_.addAction(reply.title)
            action.triggered.connect(lambda _checked=False, r=reply: self.insert(r))
        self.menu_.addSeparator()
        manage = self.menu_.addAction(self.tr("Manage saved replies…"))
        manage.triggered.connect(self.manage)

    def filled(self, reply: SavedReply) -> str:
        item = self._current_item()
        name = (item.author_name or item.author_handle) if item is not None else ""
        account = self._account_name(item) if item is not None else ""
        today = QLocale().toString(QDate.currentDate(), QLocale.FormatType.ShortFormat)
        return fill(reply.text, name=name, account=account, date=today)

    def insert(self, reply: SavedReply) -> None:
        self._reply_box.insertPlainText(self.filled(reply))
        self._reply_box.setFocus()

    def manage(self) -> None:
        dialog = SavedRepliesDialog(self._store, self.window())
        dialog.open()


class SavedRepliesDialog(QDialog):
    """Add, change and remove saved replies; placeholders {namn}, {konto}, {datum}."""

    def __init__(self, store: SavedRepliesStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Saved replies"))
        self._store = store
        self.replies = store.load()
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Saved replies"))
        self.title = QLineEdit(self)
        self.title.setAccessibleName(self.tr("Name of the saved reply"))
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName(self.tr("Text of the saved reply"))
        self.text.setPlaceholderText(
            self.tr("Placeholders: {namn} the writer, {konto} our account, {datum} today")
        )
        add = QPushButton(self.tr("&New"), self)
        remove = QPushButton(self.tr("&Remove"), self)
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show)
        self.title.textEdited.connect(lambda _t: self._edit())
        self.text.textChanged.connect(self._edit)
        self._refresh()
        self.resize(560, 460)

    def _refresh(self, row: int = 0) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems([r.title for r in self.replies])
        self.list.blockSignals(False)
        if self.replies:
            self.list.setCurrentRow(min(row, len(self.replies) - 1))
            self._show(self.list.currentRow())

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.replies):
            self.title.setText(self.replies[row].title)
            self.text.blockSignals(True)
            self.text.setPlainText(self.replies[row].text)
            self.text.blockSignals(False)

    def _edit(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.replies):
            self.replies[row] = SavedReply(self.title.text(), self.text.toPlainText())
            self.list.item(row).setText(self.title.text())

    def _add(self) -> None:
        self.replies.append(SavedReply(self.tr("New reply"), "Hej {namn}! "))
        self._refresh(len(self.replies) - 1)

    def _remove(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.replies):
            del self.replies[row]
            self._refresh(row)

    def _save(self) -> None:
        self._store.save([r for r in self.replies if r.title.strip() and r.text.strip()])
        self.accept()
