"""Human output shows a citizen's control characters as visible escapes; ``--json`` stays exact."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app.cli.output import escape_controls, one_line
from tests.support.cli import kanal

HOSTILE = "Hej\x1b]0;Kanal hacked\x07 \x1b[2J\x9b31m kommunen \u202eftw.exe\u202c slut"
ZWJ_FAMILY = "👩‍👩‍👧"  # zero-width joiners inside: must stay as they are


def test_escape_controls_escapes_terminal_sequences_c1_and_bidi() -> None:
    shown = escape_controls(HOSTILE)
    assert shown == (
        "Hej\\x1b]0;Kanal hacked\\x07 \\x1b[2J\\x9b31m kommunen \\u202eftw.exe\\u202c slut"
    )
    assert all(ch.isprintable() for ch in shown)


def test_escape_controls_keeps_text_lines_tabs_and_emoji() -> None:
    text = f"Rad ett\nRad\ttvå {ZWJ_FAMILY} åäö\r\nslut"
    assert escape_controls(text) == f"Rad ett\nRad\ttvå {ZWJ_FAMILY} åäö\nslut"
    assert escape_controls("ensam\rretur\u2028") == "ensam\\x0dretur\\u2028"
    assert one_line("Anna\nAndersson\x1b[31m") == "Anna Andersson\\x1b[31m"


def test_draft_human_output_is_escaped_and_json_is_exact(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    human = kanal("draft", "new", "--text", HOSTILE, "--author", "Eve\x1b[8m", data_dir=data_dir)
    assert human.returncode == 0, human.stderr
    assert "\x1b" not in human.stdout and "\u202e" not in human.stdout
    assert "\x9b" not in human.stdout and "\x07" not in human.stdout
    assert "\\x1b]0;Kanal hacked\\x07" in human.stdout
    assert "by Eve\\x1b[8m" in human.stdout

    as_json = kanal("draft", "list", "--json", data_dir=data_dir)
    [draft] = json.loads(as_json.stdout)
    assert draft["body"] == HOSTILE and draft["author"] == "Eve\x1b[8m"

    listed = kanal("draft", "list", data_dir=data_dir)
    assert "\x1b" not in listed.stdout and "\\x1b" in listed.stdout
