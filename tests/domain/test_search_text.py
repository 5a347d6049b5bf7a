"""Search sees what a person reads: format characters and compatibility forms are folded."""

from __future__ import annotations

from desktop_app.domain.search_text import search_document, searchable


def test_zero_width_and_other_format_characters_are_removed() -> None:
    assert searchable("Hal\u200blo? Var\u00adför svarar in\u200dgen?\ufeff") == (
        "Hallo? Varför svarar ingen?"
    )


def test_compatibility_forms_become_plain_letters_and_swedish_letters_stay() -> None:
    assert searchable("ｆｉｎ ﬁnt år") == "fin fint år"


def test_the_document_holds_author_handle_and_text() -> None:
    assert search_document("Anna\u200b", "anna.a", "Hej") == "Anna anna.a Hej"
