"""Saved replies: inserted into the reply box with the item's name filled in, managed in a
dialog, kept in the data folder."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import cast

from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from desktop_app.domain.inbox import InboxItem
from desktop_app.domain.saved_replies import SavedReply
from desktop_app.ui.keyboard import unnamed_focusable_controls
from desktop_app.ui.saved_replies import SavedRepliesButton, SavedRepliesDialog, SavedRepliesStore
from tests.ui.conftest import MainWindowFactory


def test_a_saved_reply_is_inserted_with_the_writers_name(qtbot: QtBot, tmp_path: Path) -> None:
    store = SavedRepliesStore(tmp_path)
    store.save([SavedReply("Tack", "Hej {namn}! Vi återkommer. /{konto}")])
    box = QPlainTextEdit()
    qtbot.addWidget(box)
    item = cast(InboxItem, SimpleNamespace(author_name="Anna Berg", author_handle="anna"))
    button = SavedRepliesButton(store, box, lambda: item, lambda _item: "Sandvikens kommun")
    qtbot.addWidget(button)
    button.insert(store.load()[0])
    assert box.toPlainText() == "Hej Anna Berg! Vi återkommer. /Sandvikens kommun"


def test_the_dialog_adds_and_saves_a_reply(qtbot: QtBot, tmp_path: Path) -> None:
    store = SavedRepliesStore(tmp_path)
    dialog = SavedRepliesDialog(store)
    qtbot.addWidget(dialog)
    before = len(dialog.replies)
    dialog._add()
    dialog.title.setText("Öppettider")
    dialog.title.textEdited.emit("Öppettider")
    dialog.text.setPlainText("Hej {namn}! Biblioteket har öppet till 20.")
    dialog._save()
    saved = SavedRepliesStore(tmp_path).load()
    assert len(saved) == before + 1
    assert saved[-1] == SavedReply("Öppettider", "Hej {namn}! Biblioteket har öppet till 20.")
    assert unnamed_focusable_controls(dialog) == []


def test_the_inbox_offers_saved_replies_between_the_reply_and_send(
    qtbot: QtBot, make_window: MainWindowFactory
) -> None:
    window = make_window()
    pane = window.inbox_view.conversation
    chain = pane.focus_chain()
    assert chain.index(pane.reply_box) < chain.index(window.saved_replies)
    assert chain.index(window.saved_replies) < chain.index(pane.send_button)
