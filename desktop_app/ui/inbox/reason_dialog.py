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
    """Moderation is recorded for ever, so no reason is preselected: a person picks one.

    The title names the item acted on (a screen reader announces it) and the accept button
    names the action ("Dölj", not "OK").
    """

    def __init__(
        self, kind: ModerationKind, parent: QWidget | None = None, subject: str = ""
    ) -> None:
        super().__init__(parent)
        action = action_label(kind)
        self.setWindowTitle(
            self.tr("%1: %2").replace("%1", action).replace("%2", subject) if subject else action
        )
        self.reasons = QComboBox(self)
        self.reasons.setAccessibleName(self.tr("Reason"))
        self.reasons.addItem(self.tr("Choose a reason…"), None)
        choices = [ModerationReason.SPAM] if kind is ModerationKind.SPAM else list(ModerationReason)
        for reason in choices:
            self.reasons.addItem(reason_label(reason), reason.value)
        self.note = QLineEdit(self)
        self.note.setAccessibleName(self.tr("Explanation"))
        self.note.setPlaceholderText(self.tr("Explain (required for “Other”)"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.accept_button = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reasons.currentIndexChanged.connect(self._validate)
        self.note.textChanged.connect(self._validate)
        layout = QVBoxLayout(self)
        prompt = QLabel(self.tr("Why? The reason and the item's content go to the audit trail."))
        prompt.setBuddy(self.reasons)
        layout.addWidget(prompt)
        layout.addWidget(self.reasons)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self._validate()

    def reason(self) -> ModerationReason | None:
        """The chosen reason, or None while the placeholder is showing."""
        value = self.reasons.currentData()
        return None if value is None else ModerationReason(value)

    def _validate(self) -> None:
        reason = self.reason()
        ok = reason is not None and (
            reason is not ModerationReason.OTHER or bool(self.note.text().strip())
        )
        self.accept_button.setEnabled(ok)


def ask_reason(
    parent: QWidget, kind: ModerationKind, subject: str = ""
) -> tuple[ModerationReason, str] | None:
    dialog = ReasonDialog(kind, parent, subject)
    reason = dialog.reason() if dialog.exec() == QDialog.DialogCode.Accepted else None
    if reason is None:
        return None
    return reason, dialog.note.text().strip()
