"""The shortcut overview (F1): every key the window answers to, in one place.

Why a dialog of its own: keyboard users otherwise learn shortcuts only from tooltips they cannot
hover over; the list is built from the same names the window uses, so it cannot drift."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def shortcut_rows(section_names: list[str]) -> list[tuple[str, str]]:
    """(keys, what they do) in the order a person meets them."""
    rows = [
        (
            f"Ctrl+{index + 1}",
            QCoreApplication.translate("ShortcutsDialog", "Show {section}").format(section=name),
        )
        for index, name in enumerate(section_names)
    ]
    rows += [
        (
            "Tab / Shift+Tab",
            QCoreApplication.translate(
                "ShortcutsDialog", "Next / previous control (also out of text fields)"
            ),
        ),
        (
            "Ctrl+Enter",
            QCoreApplication.translate(
                "ShortcutsDialog", "Publish or schedule the post (Compose); send the reply (Inbox)"
            ),
        ),
        ("J / K", QCoreApplication.translate("ShortcutsDialog", "Next / previous inbox item")),
        ("R", QCoreApplication.translate("ShortcutsDialog", "Write a reply to the selected item")),
        ("E", QCoreApplication.translate("ShortcutsDialog", "Mark the selected item done")),
        ("/", QCoreApplication.translate("ShortcutsDialog", "Search the inbox")),
        ("F1", QCoreApplication.translate("ShortcutsDialog", "This overview of shortcuts")),
    ]
    return rows


class ShortcutsDialog(QDialog):
    """A read-only table of keys and actions, closed with Esc or Close."""

    def __init__(self, section_names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("ShortcutsDialog", "Keyboard shortcuts"))
        rows = shortcut_rows(section_names)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setAccessibleName(
            QCoreApplication.translate("ShortcutsDialog", "Keyboard shortcuts")
        )
        self.table.setHorizontalHeaderLabels(
            [
                QCoreApplication.translate("ShortcutsDialog", "Keys"),
                QCoreApplication.translate("ShortcutsDialog", "Action"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, (keys, action) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(action))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 420)
