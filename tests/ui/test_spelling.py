"""The editor underlines what the checker finds, at the right place even after an emoji."""

from __future__ import annotations

from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from desktop_app.engine.spelling import SpellChecker
from desktop_app.ui.spelling import SpellingHighlighter


class KnownWords:
    """A speller that knows a fixed list: the highlighter's job is placing, not knowing."""

    def __init__(self, *known: str) -> None:
        self.known = set(known)

    def spell(self, word: str) -> bool:
        return word in self.known

    def suggest(self, word: str) -> list[str]:
        return []


def underlined(edit: QPlainTextEdit) -> list[str]:
    """The underlined words; Qt's ranges count UTF-16 units, so slice the text in UTF-16."""
    block = edit.document().firstBlock()
    units = block.text().encode("utf-16-le")
    style = QTextCharFormat.UnderlineStyle.SpellCheckUnderline
    return [
        units[2 * r.start : 2 * (r.start + r.length)].decode("utf-16-le")
        for r in block.layout().formats()
        if r.format.underlineStyle() == style
    ]


def test_misspelt_words_are_underlined_after_an_emoji(qtbot: QtBot) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    highlighter = SpellingHighlighter(edit.document())
    edit.setPlainText("🎉 Välkomna till fesltavat möte")
    assert underlined(edit) == []  # no dictionary yet: nothing is underlined
    highlighter.set_checker(SpellChecker("sv", KnownWords("Välkomna", "till", "möte")))
    assert underlined(edit) == ["fesltavat"]


def test_turning_checking_off_removes_the_underlines(qtbot: QtBot) -> None:
    edit = QPlainTextEdit("hej fesltavat")
    qtbot.addWidget(edit)
    highlighter = SpellingHighlighter(edit.document())
    highlighter.set_checker(SpellChecker("sv", KnownWords("hej")))
    assert underlined(edit) == ["fesltavat"]
    highlighter.set_checker(None)
    assert underlined(edit) == []
