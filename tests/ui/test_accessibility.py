"""Keyboard and screen-reader checks on the real window: every focusable control has a name a
screen reader can announce, text editors let Tab leave, and sections put focus where work starts."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.domain.inbox import InboxItem
from desktop_app.domain.networks import Network
from desktop_app.store.database import Store
from desktop_app.ui.composer import ComposerWidget
from desktop_app.ui.inbox.conversation import ConversationPane
from desktop_app.ui.inbox.view import moderation_subject
from desktop_app.ui.keyboard import unnamed_focusable_controls
from desktop_app.ui.main_window import SECTION_COMPOSE, SECTION_INBOX
from tests.support.records import add_account
from tests.ui.conftest import MainWindowFactory


def test_every_focusable_control_in_every_section_has_an_accessible_name(
    qtbot: QtBot, make_window: MainWindowFactory
) -> None:
    window = make_window()
    window.show()
    missing: list[str] = []
    for index in range(window.stack.count()):
        window.show_section(index)
        section = window.stack.widget(index)
        missing += [
            f"section {index}: {description}" for description in unnamed_focusable_controls(section)
        ]
    assert missing == [], "\n".join(missing)


def test_tab_leaves_every_text_editor(qtbot: QtBot, make_window: MainWindowFactory) -> None:
    window = make_window()
    editors = window.findChildren(QPlainTextEdit) + window.findChildren(QTextEdit)
    assert editors
    assert [e.accessibleName() for e in editors if not e.tabChangesFocus()] == []


def test_tab_in_the_post_text_moves_focus_instead_of_typing_a_tab(
    qtbot: QtBot, make_window: MainWindowFactory
) -> None:
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    editor = window.composer.body_editor
    window.show_section(SECTION_COMPOSE)
    window.focus_section()
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert "\t" not in editor.toPlainText()
    assert not editor.hasFocus()


def test_ctrl_number_puts_focus_in_the_inbox_list_so_j_and_k_work(
    qtbot: QtBot, make_window: MainWindowFactory
) -> None:
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.sidebar.setFocus()
    qtbot.waitUntil(window.sidebar.hasFocus)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == SECTION_INBOX
    qtbot.waitUntil(window.inbox_view.list.hasFocus)


def test_f1_shows_the_shortcut_overview(qtbot: QtBot, make_window: MainWindowFactory) -> None:
    window = make_window()
    dialog = window.show_shortcuts()
    keys = [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())]
    assert {"Ctrl+1", "Ctrl+Enter", "F1", "J / K"} <= set(keys)
    assert unnamed_focusable_controls(dialog) == []
    dialog.close()


def test_inbox_tab_order_reaches_the_action_buttons_before_the_reply_box(
    qtbot: QtBot, make_window: MainWindowFactory
) -> None:
    inbox = make_window().inbox_view
    order: list[QWidget] = []
    widget: QWidget = inbox.list
    for _step in range(40):
        widget = widget.nextInFocusChain()
        order.append(widget)
        if widget is inbox.conversation.reply_box:
            break
    first_button = next(iter(inbox.action_buttons.values()))
    assert first_button in order
    assert order.index(first_button) < order.index(inbox.conversation.reply_box)


def test_moderation_dialog_is_told_who_wrote_the_item_and_how_it_begins() -> None:
    item = SimpleNamespace(author_name="Anna Berg", author_handle="anna", text="Hallå?\n " * 20)
    subject = moderation_subject(cast(InboxItem, item))
    assert subject.startswith("Anna Berg: “Hallå? Hallå?")
    assert subject.endswith("…”")
    assert len(subject) < 80


def test_ctrl_enter_publishes_from_the_post_text(
    qtbot: QtBot, composer: ComposerWidget, reader: Store
) -> None:
    account = add_account(reader, Network.MASTODON)
    asked: list[str] = []

    def gate() -> bool:
        asked.append(composer.body_editor.toPlainText())
        return False  # answered "Cancel": nothing is queued

    composer.set_publisher(lambda _draft, _split: None)  # type: ignore[arg-type, return-value]
    composer.set_accounts([account])
    composer.set_targets([account.id])
    composer.before_publish = gate
    composer.body_editor.setPlainText("Hej")
    composer.body_editor.setFocus()
    qtbot.keyClick(composer.body_editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["Hej"]
    assert "\n" not in composer.body_editor.toPlainText()


def test_ctrl_enter_sends_the_reply_and_tab_leaves_the_reply_box(qtbot: QtBot) -> None:
    from tests.ui.inbox.test_hostile_content import _item

    pane = ConversationPane()
    qtbot.addWidget(pane)
    pane.show()
    pane.show_thread(_item("c1", "Hallå? Varför svarar ingen?"), [])
    sent: list[str] = []
    pane.reply_requested.connect(sent.append)
    pane.reply_box.setPlainText("Hej Anna! Vi svarar i dag.")
    qtbot.waitExposed(pane)
    pane.activateWindow()
    pane.reply_box.setFocus()
    qtbot.waitUntil(pane.reply_box.hasFocus)
    qtbot.keyClick(pane.reply_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sent == ["Hej Anna! Vi svarar i dag."]
    assert pane.reply_box.tabChangesFocus()
