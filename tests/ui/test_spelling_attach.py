"""Spell-checking in the window: Swedish by default, English for English text, loaded off the
GUI thread, and underlining never counted as an edit."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from desktop_app.engine.spelling import SpellChecker
from desktop_app.ui.spelling_attach import Spelling, choose_language
from tests.ui.conftest import MainWindowFactory


@pytest.fixture(scope="module")
def checkers() -> dict[str, SpellChecker]:
    return {"sv": SpellChecker.load("sv"), "en": SpellChecker.load("en")}


def test_swedish_unless_the_text_reads_as_english(checkers: dict[str, SpellChecker]) -> None:
    assert choose_language("Biblioteket har öppet till 20 i kväll", checkers) == "sv"
    assert choose_language("The library is open until eight tonight", checkers) == "en"
    assert choose_language("OK", checkers) == "sv"  # too short to tell


def underlined(editor: QPlainTextEdit, word: str) -> bool:
    block = editor.document().firstBlock()
    start = block.text().index(word)
    for fmt in block.layout().formats():
        if fmt.start <= start < fmt.start + fmt.length:
            style = fmt.format.underlineStyle()
            return style == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
    return False


def test_the_composer_underlines_a_misspelt_swedish_word_without_saving_a_draft(
    qtbot: QtBot, make_window: MainWindowFactory
) -> None:
    window = make_window()
    editor = window.composer.body_editor
    editor.setPlainText("Biblioteket har öpet till 20 i kväll")
    window.composer.save_blocking()
    spelling: Spelling = window.spelling
    qtbot.waitUntil(lambda: bool(spelling.checkers), timeout=20_000)
    qtbot.waitUntil(lambda: underlined(editor, "öpet"), timeout=5_000)
    assert not underlined(editor, "kväll")


def test_the_reply_box_switches_to_english_for_an_english_reply(
    qtbot: QtBot, make_window: MainWindowFactory
) -> None:
    window = make_window()
    reply = window.inbox_view.conversation.reply_box
    assert not window.spelling.checkers  # nothing to check yet: the dictionaries wait
    reply.setPlainText("Thank you, the library is opne until eight tonight")
    qtbot.waitUntil(lambda: bool(window.spelling.checkers), timeout=20_000)
    qtbot.waitUntil(lambda: underlined(reply, "opne"), timeout=5_000)
    assert not underlined(reply, "library")
