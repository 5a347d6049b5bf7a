"""Text from a platform made valid Unicode (networks.text_clean), kept rather than dropped."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from desktop_app.networks.base import ItemKind, RemoteItem
from desktop_app.networks.text_clean import REPLACEMENT, clean_fields, clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Hej \ud83d", f"Hej {REPLACEMENT}"),  # a post cut in the middle of an emoji
        ("\udc00 först", f"{REPLACEMENT} först"),
        ("par \ud83d\ude00 ihop", "par \U0001f600 ihop"),  # a pair left as code units: joined
        ("NUL\x00mitt", f"NUL{REPLACEMENT}mitt"),
        ("klocka\x07", f"klocka{REPLACEMENT}"),
        ("icke-tecken \ufffe \U0010ffff", f"icke-tecken {REPLACEMENT} {REPLACEMENT}"),
        ("rad\nflik\tretur\r", "rad\nflik\tretur\r"),
        ("åäö 😀 \u200d", "åäö 😀 \u200d"),
    ],
)
def test_invalid_code_points_become_the_replacement_character(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    clean.encode("utf-8")  # storable
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE t (x TEXT)")
        db.execute("INSERT INTO t VALUES (?)", (clean,))


def test_every_text_field_of_an_item_is_cleaned_and_a_valid_item_is_left_alone() -> None:
    item = RemoteItem(
        remote_id="1",
        kind=ItemKind.MENTION,
        author_name="Anna\ud83d",
        author_handle="@anna",
        author_avatar_url="",
        text="Hej\x00",
        html="<p>Hej\ud83d</p>",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        updated_at=None,
        parent_remote_id=None,
        root_post_remote_id=None,
        url="https://example.org/1",
    )
    cleaned = clean_fields(item)
    assert (cleaned.author_name, cleaned.text, cleaned.html) == (
        f"Anna{REPLACEMENT}",
        f"Hej{REPLACEMENT}",
        f"<p>Hej{REPLACEMENT}</p>",
    )
    assert cleaned.kind is ItemKind.MENTION
    assert clean_fields(cleaned) is cleaned


def test_clean_fields_takes_dataclass_instances_only() -> None:
    @dataclass
    class Plain:
        text: str

    with pytest.raises(TypeError):
        clean_fields(Plain)
    assert clean_fields(Plain("ok")).text == "ok"
