"""Asks why an item is hidden, deleted, marked spam or approved (moderation is a record)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.moderation import (
    REASON_LABELS,
    ModerationKind,
    ModerationReason,
)

# The domain's English reason texts, marked here so lupdate extracts them for translation.
_REASON_SOURCES = (
    QT_TRANSLATE_NOOP("ModerationReason", "Obviously criminal content (BBS law)"),
    QT_TRANSLATE_NOOP("ModerationReason", "Sensitive personal data"),
    QT_TRANSLATE_NOOP("ModerationReason", "Confidential information"),
    QT_TRANSLATE_NOOP("ModerationReason", "Spam"),
    QT_TRANSLATE_NOOP("ModerationReason", "Off-topic"),
    QT_TRANSLATE_NOOP("ModerationReason", "Other (explain)"),
)


def reason_label(reason: ModerationReason) -> str:
    return QCoreApplication.translate("ModerationReason", REASON_LABELS[reason])


def action_label(kind: ModerationKind) -> str:
    labels = {
        ModerationKind.HIDE: QCoreApplication.translate("ReasonDialog", "Hide"),
        ModerationKind.UNHIDE: QCoreApplication.translate("ReasonDialog", "Unhide"),
        ModerationKind.DELETE: QCoreApplication.translate("ReasonDialog", "Delete"),
        ModerationKind.APPROVE: QCoreApplication.translate("ReasonDialog", "Approve"),
        ModerationKind.SPAM: QCoreApplication.translate("ReasonDialog", "Mark as spam"),
    }
    return labels[kind]


class ReasonDialog(QDialog):
    def __init__(self, kind: ModerationKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(action_label(kind))
        self.reasons = QComboBox(self)
        choices = [ModerationReason.SPAM] if kind is ModerationKind.SPAM else list(ModerationReason)
        for reason in choices:
            self.reasons.addItem(reason_label(reason), reason.value)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("Explain (required for “Other”)"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reasons.currentIndexChanged.connect(self._validate)
        self.note.textChanged.connect(self._validate)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Why? The reason and the item's content go to the audit trail."), self)
        )
        layout.addWidget(self.reasons)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self._validate()

    def reason(self) -> ModerationReason:
        return ModerationReason(self.reasons.currentData())

    def _validate(self) -> None:
        ok = self.reason() is not ModerationReason.OTHER or bool(self.note.text().strip())
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if button is not None:
            button.setEnabled(ok)


def ask_reason(parent: QWidget, kind: ModerationKind) -> tuple[ModerationReason, str] | None:
    dialog = ReasonDialog(kind, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.reason(), dialog.note.text().strip()
