"""Edits one account's entry in the channel register (kanalregister, as SKR recommends).

Purpose, responsible person, start date, the moderation notice shown to the public (BBS law §3)
and status. It reads and saves on the database lane through the engine, whose save writes the
`register_changed` audit event with the old and new values in the same unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.store.database import Store
from desktop_app.ui.formatting import ui_locale
from desktop_app.ui.tasks import TaskRunner

STATUS_CHOICES = ("active", "paused", "closed")


class ChannelRegisterDialog(QDialog):
    """Loads the entry when opened; Save writes it and closes, a failure stays visible."""

    saved = Signal(dict)

    def __init__(
        self,
        worker: TaskRunner,
        account_id: str,
        account_name: str,
        actor: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._account_id = account_id
        self._actor = actor
        self.setWindowTitle(self.tr("Channel register: %1").replace("%1", account_name))
        self.purpose = QLineEdit(self)
        self.purpose.setAccessibleName(self.tr("Purpose of the channel"))
        self.responsible = QLineEdit(self)
        self.responsible.setAccessibleName(self.tr("Responsible person"))
        self.start_date = QDateEdit(self)
        self.start_date.setCalendarPopup(True)
        self.start_date.setDisplayFormat(ui_locale().dateFormat(ui_locale().FormatType.ShortFormat))
        self.start_date.setAccessibleName(self.tr("Start date"))
        self.notice = QPlainTextEdit(self)
        self.notice.setTabChangesFocus(True)
        self.notice.setAccessibleName(self.tr("Moderation notice shown to the public"))
        self.notice.setPlaceholderText(
            self.tr("What is removed and why, as the public reads it (BBS law §3)")
        )
        self.status = QComboBox(self)
        self.status.setAccessibleName(self.tr("Status of the channel"))
        labels = {
            "active": self.tr("Active"),
            "paused": self.tr("Paused"),
            "closed": self.tr("Closed"),
        }
        for value in STATUS_CHOICES:
            self.status.addItem(labels[value], value)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Purpose"), self.purpose)
        form.addRow(self.tr("Responsible"), self.responsible)
        form.addRow(self.tr("Start date"), self.start_date)
        form.addRow(self.tr("Moderation notice"), self.notice)
        form.addRow(self.tr("Status"), self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._set_enabled(False)
        self._worker.submit(self, self._load_job(), self._show, self._failed)

    def _load_job(self) -> Callable[[Store], dict[str, Any]]:
        account_id = self._account_id

        def job(store: Store) -> dict[str, Any]:
            from desktop_app.engine.records.register import channel_entry

            with store.unit_of_work(read_only=True) as uow:
                return channel_entry(uow, account_id)

        return job

    def _show(self, entry: dict[str, Any]) -> None:
        self.purpose.setText(entry["purpose"])
        self.responsible.setText(entry["responsible"])
        if entry["start_date"]:
            self.start_date.setDate(QDate.fromString(entry["start_date"], "yyyy-MM-dd"))
        self.notice.setPlainText(entry["moderation_notice"])
        self.status.setCurrentIndex(max(0, self.status.findData(entry["status"])))
        self._set_enabled(True)
        self.purpose.setFocus()

    def save(self) -> None:
        account_id, actor = self._account_id, self._actor
        chosen = self.start_date.date()
        purpose, responsible = self.purpose.text().strip(), self.responsible.text().strip()
        started = date(chosen.year(), chosen.month(), chosen.day())
        notice, status = self.notice.toPlainText().strip(), str(self.status.currentData())

        def job(store: Store) -> dict[str, Any]:
            from desktop_app.engine.records.register import update_channel

            with store.unit_of_work() as uow:
                return update_channel(
                    uow,
                    account_id,
                    actor=actor,
                    purpose=purpose,
                    responsible=responsible,
                    start_date=started,
                    moderation_notice=notice,
                    status=status,
                )

        self._set_enabled(False)
        self._worker.submit(self, job, self._on_saved, self._failed)

    def _on_saved(self, entry: dict[str, Any]) -> None:
        self.saved.emit(entry)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self._set_enabled(True)
        self.message.setText(self.tr("Could not be saved: %1").replace("%1", str(error)))

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.purpose, self.responsible, self.start_date, self.notice, self.status):
            widget.setEnabled(enabled)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        if save is not None:
            save.setEnabled(enabled)
