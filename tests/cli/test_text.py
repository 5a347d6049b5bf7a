"""``kanal text measure`` as a user runs it: ``python -m desktop_app`` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "twitter-text"
V3_SECTIONS = (
    "WeightedTweetsWithDiscountedEmojiCounterTest",
    "UnicodeDirectionalMarkerCounterTest",
)


def kanal(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )


def measured(*args: str, stdin: bytes = b"") -> dict[str, Any]:
    done = kanal("text", "measure", *args, "--json", stdin=stdin)
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == 1  # --json: one JSON document and nothing else on stdout
    result: dict[str, Any] = json.loads(lines[0])
    return result


def v3_cases() -> list[Any]:
    sections = json.loads((DATA / "validate.json").read_text(encoding="utf-8"))["sections"]
    return [
        pytest.param(case, id=case["description"])
        for name in V3_SECTIONS
        for case in sections[name]["cases"]
    ]


def test_measure_x_json() -> None:
    # "Hej " 4 + emoji 2 + " " 1 + a URL without scheme 23
    result = measured("--network", "x", "Hej 😷 example.se/path")
    assert {k: result[k] for k in ("network", "length", "limit", "valid")} == {
        "network": "x",
        "length": 30,
        "limit": 280,
        "valid": True,
    }
    assert result["over_by"] == 0
    assert result["unit"] == "x_weighted"


@pytest.mark.parametrize("case", v3_cases())
def test_cli_agrees_with_twitter_text_conformance(case: Any) -> None:
    result = measured("--network", "x", case["text"])
    assert result["length"] == case["expected"]["weightedLength"]
    assert result["valid"] is case["expected"]["valid"]


@pytest.mark.parametrize(
    ("network", "text", "length", "limit"),
    [
        ("facebook", "👨‍👩‍👧‍👦", 11, 63_206),
        ("mastodon", "@anna@kommun.example https://example.se/a/long/path", 5 + 1 + 23, 500),
        ("bsky", "👨‍👩‍👧‍👦", 1, 300),
        ("wordpress", "Plogbilarna är ute i natt", 25, None),
    ],
)
def test_measure_other_networks(network: str, text: str, length: int, limit: int | None) -> None:
    result = measured("--network", network, text)
    assert (result["length"], result["limit"], result["valid"]) == (length, limit, True)


def test_text_from_stdin_keeps_crlf_and_drops_one_trailing_newline() -> None:
    stdin = b"a\r\nb\n"
    # Facebook counts the text as given: a, CR, LF, b.
    assert measured("--network", "facebook", "-", stdin=stdin)["length"] == 4
    # X folds CRLF into one line break first.
    assert measured("--network", "x", "-", stdin=stdin)["length"] == 3
    emoji = "Snö ❄️ i natt\n".encode()
    assert measured("--network", "bluesky", "-", stdin=emoji)["length"] == 12


def test_over_the_limit_is_reported_not_failed() -> None:
    result = measured("--network", "x", "a" * 300)
    assert (result["valid"], result["over_by"], result["reason"]) == (False, 20, "too_long")


def test_human_output() -> None:
    done = kanal("text", "measure", "--network", "x", "a" * 290)
    assert done.returncode == 0
    assert done.stdout.decode() == ("x: 290 of 280 weighted characters - invalid: too long by 10\n")
    fine = kanal("text", "measure", "--network", "mastodon", "Hej")
    assert fine.stdout.decode() == "mastodon: 3 of 500 graphemes - valid\n"


def test_unknown_network_fails_with_one_line() -> None:
    done = kanal("text", "measure", "--network", "myspace", "hej", "--json")
    assert done.returncode == 1
    assert done.stdout == b""
    assert done.stderr.decode().startswith("kanal: unknown network 'myspace'")
    assert done.stderr.decode().count("\n") == 1


def test_stdin_that_is_not_utf8_fails_clearly() -> None:
    done = kanal("text", "measure", "--network", "x", "-", stdin=b"caf\xe9\n")
    assert done.returncode == 1
    assert done.stdout == b""
    assert done.stderr.decode() == "kanal: standard input is not UTF-8 text (byte 3)\n"
