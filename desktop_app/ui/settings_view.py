"""The Settings section: language, default accounts, alt-text rule, notifications,
confirmation before publishing, sync interval. Values the organisation locked are shown
disabled with a note saying so; every change is saved at once (no Save button to forget)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.accounts import Account
from desktop_app.ui.preferences import SYNC_INTERVALS_MIN, Preferences, PreferencesStore
from desktop_app.ui.targets import network_label

LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}  # each in its own language, on purpose


class SettingsView(QWidget):
    """Signals: changed(Preferences) after each saved change."""

    changed = Signal(object)

    def __init__(self, store: PreferencesStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.preferences = store.load()
        self._filling = False
        heading = QLabel(self.tr("Settings"))
        heading.setObjectName("sectionHeading")

        self.language = QComboBox(self)
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setAccessibleName(self.tr("Language of the window"))
        self.language_note = QLabel(self.tr("A new language is used from the next start."))
        self.language_note.setObjectName("hint")

        self.default_accounts = QListWidget(self)
        self.default_accounts.setAccessibleName(self.tr("Accounts ticked for a new post"))
        self.default_accounts.setMaximumHeight(140)

        self.alt_text = QCheckBox(self.tr("Images need alt text before publishing"), self)
        self.notifications = QCheckBox(
            self.tr("Desktop notifications (new inbox items, refused posts)"), self
        )
        self.confirm = QCheckBox(self.tr("Ask before anything is published or scheduled"), self)
        self.sync_interval = QComboBox(self)
        for minutes in SYNC_INTERVALS_MIN:
            self.sync_interval.addItem(self.tr("Every %n minute(s)", "", minutes), minutes)
        self.sync_interval.setAccessibleName(self.tr("How often the inbox is synced"))

        form = QFormLayout()
        form.addRow(self.tr("&Language:"), self.language)
        form.addRow("", self.language_note)
        form.addRow(self.tr("&Default accounts:"), self.default_accounts)
        form.addRow(self.tr("Alt text:"), self.alt_text)
        form.addRow(self.tr("Notifications:"), self.notifications)
        form.addRow(self.tr("Publishing:"), self.confirm)
        form.addRow(self.tr("Inbox &sync:"), self.sync_interval)
        self.locked_note = QLabel(self)
        self.locked_note.setObjectName("hint")
        self.locked_note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.locked_note)
        layout.addStretch(1)

        self._fill()
        self.language.currentIndexChanged.connect(lambda _i: self._save())
        self.sync_interval.currentIndexChanged.connect(lambda _i: self._save())
        for box in (self.alt_text, self.notifications, self.confirm):
            box.toggled.connect(lambda _on: self._save())
        self.default_accounts.itemChanged.connect(lambda _item: self._save())

    def main_control(self) -> QWidget:
        return self.language

    def set_accounts(self, accounts: Sequence[Account]) -> None:
        self._filling = True
        self.default_accounts.clear()
        chosen = set(self.preferences.default_accounts)
        for account in accounts:
            label = f"{network_label(account.network)} · {account.handle or account.display_name}"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, account.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if account.id in chosen else Qt.CheckState.Unchecked
            )
            self.default_accounts.addItem(item)
        self._filling = False

    def _fill(self) -> None:
        prefs = self.preferences
        self._filling = True
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.language)))
        self.alt_text.setChecked(prefs.alt_text_required)
        self.notifications.setChecked(prefs.notifications)
        self.confirm.setChecked(prefs.confirm_before_publishing)
        self.sync_interval.setCurrentIndex(
            max(0, self.sync_interval.findData(prefs.sync_interval_min))
        )
        locked_names = []
        for name, widget, label in (
            ("language", self.language, self.tr("language")),
            ("alt_text_required", self.alt_text, self.tr("alt text")),
        ):
            locked = prefs.is_locked(name)
            widget.setEnabled(not locked)
            widget.setToolTip(self.tr("Set by your organisation") if locked else "")
            if locked:
                locked_names.append(label)
        self.locked_note.setText(
            self.tr("Set by your organisation and cannot be changed here: {settings}.").format(
                settings=", ".join(locked_names)
            )
            if locked_names
            else ""
        )
        self.locked_note.setVisible(bool(locked_names))
        self._filling = False

    def _checked_accounts(self) -> tuple[str, ...]:
        ids = []
        for row in range(self.default_accounts.count()):
            item = self.default_accounts.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(ids)

    def _save(self) -> None:
        if self._filling:
            return
        prefs: Preferences = replace(
            self.preferences,
            language=str(self.language.currentData()),
            alt_text_required=self.alt_text.isChecked(),
            notifications=self.notifications.isChecked(),
            confirm_before_publishing=self.confirm.isChecked(),
            sync_interval_min=int(self.sync_interval.currentData()),
            default_accounts=self._checked_accounts(),
        )
        self._store.save(prefs)
        self.preferences = prefs
        self.changed.emit(prefs)
