"""Spell-checking of what staff write: Swedish by default, English when the text is English.

Hunspell through chunspell (the native library, prebuilt for Windows, Linux and macOS) with the
kept Swedish dictionary from the hunspell-sv package; chunspell ships en_US itself. Chosen on
purpose: the pure-Python port (spylls) was measured here at 230 MB and 4.7 s to load the
Swedish dictionary, Hunspell at 29 MB and 0.6 s. Still loaded off the GUI thread, on first use.
"""

from __future__ import annotations

import re
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# Words: letters, with inner hyphens or apostrophes ("e-post", "it's"). Digits end a word.
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# What is not prose and must not be underlined: links, e-mail addresses, @handles, #tags.
NOT_PROSE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\S+|[@#][\w.-]+")
DICTIONARY_NAMES = {"sv": "sv_SE", "en": "en_US"}
CACHE_LIMIT = 20_000


class SpellingUnavailable(Exception):
    """No dictionary for the language could be found or loaded; checking is simply off."""


class Speller(Protocol):
    def spell(self, word: str) -> bool: ...

    def suggest(self, word: str) -> Iterable[str]: ...


@dataclass(frozen=True)
class Misspelling:
    """A misspelt word: its position in the text (Python string indices) and the word."""

    start: int
    length: int
    word: str


def dictionary_folders() -> list[Path]:
    """Where the hunspell-sv package puts its files: <prefix>/share/hunspell, or the bundle."""
    folders = [Path(sysconfig.get_path("data")) / "share" / "hunspell"]
    folders.append(Path(sys.prefix) / "share" / "hunspell")
    bundle = getattr(sys, "_MEIPASS", None)  # a frozen build keeps them beside the code
    if bundle:
        folders.insert(0, Path(bundle) / "hunspell")
    return folders


def open_speller(language: str) -> Speller:
    """Loads the Hunspell dictionary for "sv" or "en" (slow: call it off the GUI thread)."""
    name = DICTIONARY_NAMES.get(language)
    if name is None:
        raise SpellingUnavailable(f"no dictionary for the language {language!r}")
    try:
        from hunspell import Hunspell  # the chunspell distribution
    except ImportError as error:
        raise SpellingUnavailable(f"the Hunspell library is missing: {error}") from error
    if language == "en":
        return Hunspell(name)
    for folder in dictionary_folders():
        if (folder / f"{name}.dic").is_file() and (folder / f"{name}.aff").is_file():
            return Hunspell(name, hunspell_data_dir=str(folder))
    raise SpellingUnavailable(f"the {name} dictionary is not installed")


class SpellChecker:
    """Finds misspelt words in a text; remembers each word's verdict, typing is repetitive."""

    def __init__(self, language: str, speller: Speller) -> None:
        self.language = language
        self._speller = speller
        self._verdicts: dict[str, bool] = {}

    @classmethod
    def load(cls, language: str) -> SpellChecker:
        return cls(language, open_speller(language))

    def is_correct(self, word: str) -> bool:
        verdict = self._verdicts.get(word)
        if verdict is None:
            verdict = self._check(word)
            if len(self._verdicts) >= CACHE_LIMIT:
                self._verdicts.clear()
            self._verdicts[word] = verdict
        return verdict

    def misspellings(self, text: str) -> list[Misspelling]:
        skipped = [match.span() for match in NOT_PROSE.finditer(text)]
        found = []
        for match in WORD.finditer(text):
            start, end = match.span()
            if any(start < skip_end and end > skip_start for skip_start, skip_end in skipped):
                continue
            if not self.is_correct(match.group()):
                found.append(Misspelling(start, end - start, match.group()))
        return found

    def suggestions(self, word: str, limit: int = 6) -> list[str]:
        """Replacements for a word, best first (slower than checking: call it on demand)."""
        return list(self._speller.suggest(word))[:limit]

    def _check(self, word: str) -> bool:
        if len(word) < 2 or word.isupper():  # single letters and acronyms such as "BBS"
            return True
        if self._speller.spell(word):
            return True
        # Hunspell knows "Kommunen" at the start of a sentence only through its lower-case form.
        return word[0].isupper() and self._speller.spell(word[0].lower() + word[1:])
