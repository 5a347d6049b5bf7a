"""Underlines misspelt words in a text editor (the composer's post text, the inbox's reply box).

The dictionary is loaded elsewhere, off the GUI thread; until it arrives nothing is underlined.
Checking itself is a dictionary lookup per word (cached), cheap enough for every keystroke.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from desktop_app.engine.spelling import SpellChecker

# Qt positions text in UTF-16 code units; Python indexes code points (emoji differ).
UTF16 = "utf-16-le"


def utf16_offset(text: str, index: int) -> int:
    return len(text[:index].encode(UTF16)) // 2


class SpellingHighlighter(QSyntaxHighlighter):
    """A red wavy underline under each word the checker does not know."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._checker: SpellChecker | None = None
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        self._format.setUnderlineColor(QColor("#b00020"))

    @property
    def language(self) -> str | None:
        return None if self._checker is None else self._checker.language

    def set_checker(self, checker: SpellChecker | None) -> None:
        """Switch dictionary (or turn checking off with None) and check the text again."""
        self._checker = checker
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        if self._checker is None:
            return
        for miss in self._checker.misspellings(text):
            start = utf16_offset(text, miss.start)
            end = utf16_offset(text, miss.start + miss.length)
            self.setFormat(start, end - start, self._format)
