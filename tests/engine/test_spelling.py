"""Spell-checking with the real Swedish and English Hunspell dictionaries."""

from __future__ import annotations

import pytest

from desktop_app.engine.spelling import SpellChecker, SpellingUnavailable


@pytest.fixture(scope="module")
def swedish() -> SpellChecker:
    return SpellChecker.load("sv")


def words(checker: SpellChecker, text: str) -> list[str]:
    return [miss.word for miss in checker.misspellings(text)]


def test_a_misspelt_swedish_word_is_found_and_correct_ones_are_not(swedish: SpellChecker) -> None:
    text = "Snöröjningen på Storgatan börjar i morgon, vi har fesltavat något."
    assert words(swedish, text) == ["fesltavat"]
    (miss,) = swedish.misspellings(text)
    assert text[miss.start : miss.start + miss.length] == "fesltavat"


def test_links_handles_tags_and_acronyms_are_not_prose(swedish: SpellChecker) -> None:
    text = "Läs mer på https://kommunen.se/xyzqq, fråga @kommunxyz eller #snöxyz enligt BBS."
    assert words(swedish, text) == []


def test_a_capitalised_word_at_the_start_of_a_sentence_is_known(swedish: SpellChecker) -> None:
    assert words(swedish, "Kommunen svarar. Medborgare frågar.") == []


def test_suggestions_offer_the_right_word(swedish: SpellChecker) -> None:
    assert "felstavat" in swedish.suggestions("fesltavat")


def test_english_when_writing_english() -> None:
    english = SpellChecker.load("en")
    assert words(english, "The council replies tomorow.") == ["tomorow"]


def test_an_unknown_language_is_unavailable_not_a_crash() -> None:
    with pytest.raises(SpellingUnavailable):
        SpellChecker.load("xx")
