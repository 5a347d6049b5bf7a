"""measure("x", ...) against twitter-text's published conformance data (tests/data/twitter-text).

Every case of the converted sections runs; see that folder's README for what was converted and
why the entity-validator sections were not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from twitter_text import parse_tweet
from twitter_text.config import config as library_configs

from desktop_app.domain.text_rules import (
    X_CONFIG,
    InvalidReason,
    LengthUnit,
    measure,
    utf16_length,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "twitter-text"
VALIDATE: dict[str, Any] = json.loads((DATA / "validate.json").read_text(encoding="utf-8"))
SECTIONS: dict[str, Any] = VALIDATE["sections"]

V3_SECTIONS = (
    "WeightedTweetsWithDiscountedEmojiCounterTest",
    "UnicodeDirectionalMarkerCounterTest",
)
WEIGHTED_SECTIONS = ("WeightedTweetsCounterTest", *V3_SECTIONS)

# The library's v1/v2 dictionaries predate the emoji switch; parse_tweet needs the key.
LIBRARY_CONFIG_FOR = {
    "v1": {**library_configs["version1"], "emoji_parsing_enabled": False},
    "v2": {**library_configs["version2"], "emoji_parsing_enabled": False},
    "v3": library_configs["version3"],
}


def cases(*sections: str) -> list[Any]:
    return [
        pytest.param(section, case, id=f"{section}: {case['description']}")
        for section in sections
        for case in SECTIONS[section]["cases"]
    ]


def test_every_converted_case_is_present() -> None:
    """The counts of the published sections, so a case lost in conversion fails loudly."""
    counts = {name: len(section["cases"]) for name, section in SECTIONS.items()}
    assert counts == {
        "tweets": 8,
        "WeightedTweetsCounterTest": 20,
        "WeightedTweetsWithDiscountedEmojiCounterTest": 21,
        "UnicodeDirectionalMarkerCounterTest": 2,
    }
    assert VALIDATE["source"]["repository"] == "twitter/twitter-text"


@pytest.mark.parametrize(("section", "case"), cases(*V3_SECTIONS))
def test_measure_agrees_on_weighted_length_and_validity(section: str, case: Any) -> None:
    result = measure("x", case["text"])
    assert result.unit is LengthUnit.X_WEIGHTED
    assert result.exact
    assert result.length == case["expected"]["weightedLength"]
    assert result.valid == case["expected"]["valid"]
    assert result.limit == SECTIONS[section]["limit"]


@pytest.mark.parametrize(("section", "case"), cases(*WEIGHTED_SECTIONS))
def test_library_gives_every_published_field(section: str, case: Any) -> None:
    config = LIBRARY_CONFIG_FOR[SECTIONS[section]["config"]]
    assert parse_tweet(case["text"], config).asdict() == case["expected"]


@pytest.mark.parametrize(("section", "case"), cases(*WEIGHTED_SECTIONS))
def test_conversion_kept_each_text_length(section: str, case: Any) -> None:
    """displayRangeEnd is the published UTF-16 length minus one: it checks the transcription."""
    assert utf16_length(case["text"]) - 1 == case["expected"]["displayRangeEnd"]


@pytest.mark.parametrize(("section", "case"), cases("tweets"))
def test_tweets_section_holds_under_the_140_rules_it_was_written_for(
    section: str, case: Any
) -> None:
    expected_valid = case["expected"]["valid"]
    assert parse_tweet(case["text"], LIBRARY_CONFIG_FOR["v1"]).valid == expected_valid


@pytest.mark.parametrize(("section", "case"), cases("tweets"))
def test_tweets_section_verdicts_carry_over_to_today(section: str, case: Any) -> None:
    """A text valid at 140 (every code point 1) is valid at 280 with weights of at most 2.

    The two "141 characters" cases were invalid only against the old 140 limit: measure counts
    them as X does today (143, the https link counting 23) and so finds them over 140 but
    within 280.
    """
    result = measure("x", case["text"])
    if case["expected"]["valid"]:
        assert result.valid
    elif not case["text"]:
        assert result.reason is InvalidReason.EMPTY
    else:
        v1_length = parse_tweet(case["text"], LIBRARY_CONFIG_FOR["v1"]).weightedLength
        assert result.length == v1_length > SECTIONS["tweets"]["limit"]
        assert result.valid


def test_x_config_is_twitter_texts_v3() -> None:
    """The library's rules are twitter-text's config/v3.json, field by field."""
    published = json.loads((DATA / "config-v3.json").read_text(encoding="utf-8"))
    assert published["version"] == X_CONFIG["version"] == 3
    assert published["maxWeightedTweetLength"] == X_CONFIG["max_weighted_tweet_length"] == 280
    assert published["scale"] == X_CONFIG["scale"]
    assert published["defaultWeight"] == X_CONFIG["default_weight"]
    assert published["emojiParsingEnabled"] is X_CONFIG["emoji_parsing_enabled"] is True
    assert published["transformedURLLength"] == X_CONFIG["transformed_url_length"] == 23
    assert published["ranges"] == X_CONFIG["ranges"]
