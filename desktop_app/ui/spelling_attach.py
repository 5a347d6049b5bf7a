"""Spell-checking for the window's text editors: dictionaries loaded once on the worker lane,
Swedish by default, English for a text that reads as English.

Why the choice per editor: officers write both languages; the dictionary whose words the text
mostly knows is the language it is written in (the checker with fewer misses, Swedish on a tie,
so short or mixed texts stay Swedish)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from desktop_app.engine.spelling import SpellChecker, SpellingUnavailable
from desktop_app.ui.spelling import SpellingHighlighter
from desktop_app.ui.tasks import TaskRunner

DEFAULT_LANGUAGE = "sv"
LANGUAGES = ("sv", "en")
RECHECK_DELAY_MS = 600  # the language is chosen again when typing pauses
MIN_WORDS_TO_SWITCH = 3  # fewer words say nothing about the language


def choose_language(text: str, checkers: dict[str, SpellChecker]) -> str:
    """The language whose dictionary knows the text best; Swedish unless English is clearly
    better."""
    if DEFAULT_LANGUAGE not in checkers:
        return next(iter(checkers), DEFAULT_LANGUAGE)
    if len(text.split()) < MIN_WORDS_TO_SWITCH or "en" not in checkers:
        return DEFAULT_LANGUAGE
    misses = {language: len(c.misspellings(text)) for language, c in checkers.items()}
    return "en" if misses["en"] < misses[DEFAULT_LANGUAGE] else DEFAULT_LANGUAGE


class _Attached(QObject):
    """One editor's highlighter, re-choosing its language when typing pauses."""

    def __init__(self, editor: QPlainTextEdit | QTextEdit, spelling: Spelling) -> None:
        super().__init__(editor)
        self.editor = editor
        self.highlighter = SpellingHighlighter(editor.document())
        self._spelling = spelling
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RECHECK_DELAY_MS)
        self._timer.timeout.connect(self.update_language)
        editor.textChanged.connect(self._timer.start)
        # The dictionaries (~35 MB) load when there is first something to check, not at start.
        editor.textChanged.connect(spelling.load)

    def update_language(self) -> None:
        checkers = self._spelling.checkers
        if not checkers:
            return
        language = choose_language(self.editor.toPlainText(), checkers)
        if language != self.highlighter.language:
            # Underlining changes formats only; the editor must not report it as an edit (the
            # composer would save a draft nobody wrote).
            editor, document = self.editor, self.editor.document()
            was_blocked = editor.blockSignals(True), document.blockSignals(True)
            try:
                self.highlighter.set_checker(checkers[language])
            finally:
                editor.blockSignals(was_blocked[0])
                document.blockSignals(was_blocked[1])
            editor.viewport().update()


class Spelling(QObject):
    """Loads the dictionaries off the GUI thread and attaches highlighters to editors."""

    def __init__(self, worker: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.checkers: dict[str, SpellChecker] = {}
        self.problem = ""  # why spell-checking is off, if it is
        self._attached: list[_Attached] = []
        self._worker = worker
        self._loading = False

    def load(self) -> None:
        """Start loading once (Swedish first); editors start underlining when it arrives."""
        if self._loading:
            return
        self._loading = True
        self._worker.run(self, _load_all, self._loaded, self._failed)

    def attach(self, editor: QPlainTextEdit | QTextEdit) -> SpellingHighlighter:
        attached = _Attached(editor, self)
        self._attached.append(attached)
        attached.update_language()
        return attached.highlighter

    def _loaded(self, checkers: dict[str, SpellChecker]) -> None:
        self.checkers = checkers
        for attached in self._attached:
            attached.update_language()

    def _failed(self, error: Exception) -> None:
        self.problem = str(error)


def _load_all() -> dict[str, SpellChecker]:
    checkers: dict[str, SpellChecker] = {}
    for language in LANGUAGES:
        try:
            checkers[language] = SpellChecker.load(language)
        except SpellingUnavailable:
            if language == DEFAULT_LANGUAGE:
                raise
    return checkers
