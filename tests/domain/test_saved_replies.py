from desktop_app.domain.saved_replies import DEFAULT_REPLIES, fill


def test_placeholders_are_filled_in_swedish_and_english_names() -> None:
    text = fill(
        "Hej {namn}! /{konto} {datum} {name} {account} {date}",
        name="Anna",
        account="Sandvikens kommun",
        date="2026-12-04",
    )
    assert text == "Hej Anna! /Sandvikens kommun 2026-12-04 Anna Sandvikens kommun 2026-12-04"


def test_unknown_braces_are_left_as_typed() -> None:
    assert fill("{okänt} {namn} {", name="Anna", account="", date="") == "{okänt} Anna {"


def test_the_default_replies_use_only_known_placeholders() -> None:
    for reply in DEFAULT_REPLIES:
        filled = fill(reply.text, name="N", account="K", date="D")
        assert "{" not in filled
