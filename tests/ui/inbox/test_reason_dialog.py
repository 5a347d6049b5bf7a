"""The moderation dialog: no reason preselected, the button names the action, the title the item."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.domain.moderation import ModerationKind, ModerationReason
from desktop_app.ui.inbox.reason_dialog import ReasonDialog


def test_no_reason_is_chosen_until_a_person_picks_one(qtbot: QtBot) -> None:
    dialog = ReasonDialog(ModerationKind.HIDE)
    qtbot.addWidget(dialog)
    assert dialog.reason() is None
    assert not dialog.accept_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # one Enter records nothing
    assert dialog.result() != dialog.DialogCode.Accepted
    dialog.reasons.setCurrentIndex(dialog.reasons.findData(ModerationReason.SPAM.value))
    assert dialog.reason() is ModerationReason.SPAM
    assert dialog.accept_button.isEnabled()


def test_other_needs_an_explanation(qtbot: QtBot) -> None:
    dialog = ReasonDialog(ModerationKind.DELETE)
    qtbot.addWidget(dialog)
    dialog.reasons.setCurrentIndex(dialog.reasons.findData(ModerationReason.OTHER.value))
    assert not dialog.accept_button.isEnabled()
    dialog.note.setText("Upprepade inlägg")
    assert dialog.accept_button.isEnabled()


def test_the_button_names_the_action_and_the_title_names_the_item(qtbot: QtBot) -> None:
    dialog = ReasonDialog(ModerationKind.HIDE, subject="Anna Andersson: Hej!")
    qtbot.addWidget(dialog)
    assert dialog.accept_button.text() == "Hide"
    assert dialog.windowTitle() == "Hide: Anna Andersson: Hej!"
    assert dialog.reasons.accessibleName()
