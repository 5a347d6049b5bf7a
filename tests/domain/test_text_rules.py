"""Per-network counting: each expected figure is worked out by hand in the comment beside it."""

from __future__ import annotations

import time

import pytest
from twitter_text import parse_tweet

from desktop_app.domain.networks import Network
from desktop_app.domain.text_rules import (
    X_CONFIG,
    InvalidReason,
    LengthUnit,
    Severity,
    check_post,
    mastodon_length,
    measure,
    measure_title,
    title_required,
)

# U+1F468 MAN, ZWJ, U+1F469 WOMAN, ZWJ, U+1F467 GIRL, ZWJ, U+1F466 BOY: 7 code points,
# 11 UTF-16 code units (4 surrogate pairs + 3), 25 UTF-8 bytes (4 x 4 + 3 x 3), 1 grapheme.
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
# U+1F44D THUMBS UP + U+1F3FD medium skin tone: 2 code points, 4 UTF-16 units, 1 grapheme.
THUMBS_MEDIUM = "\U0001f44d\U0001f3fd"
CJK = "日本語"  # U+65E5 U+672C U+8A9E: above U+10FF, so 2 each on X
RLM = "\u200f"  # RIGHT-TO-LEFT MARK: U+200F is outside X's weight-1 ranges (2000-200D, 2010-201F)
HEBREW = "שלום"  # U+05E9 U+05DC U+05D5 U+05DD: below U+10FF, 1 each on X
ZWSP = "\u200b"  # ZERO WIDTH SPACE: grapheme break property Control, its own grapheme
ZWJ = "\u200d"


def lengths(text: str) -> dict[Network, int]:
    return {network: measure(network, text).length for network in Network}


# -- each network's unit ------------------------------------------------------------------------


def test_emoji_family_counts_once_as_a_sequence() -> None:
    assert lengths(FAMILY) == {
        Network.X: 2,  # one emoji sequence weighs 2
        Network.FACEBOOK: 11,  # UTF-16 code units
        Network.MASTODON: 1,  # one grapheme
        Network.BLUESKY: 1,
        Network.WORDPRESS: 7,  # code points
    }


def test_skin_tone_modifier_joins_its_emoji() -> None:
    assert lengths(THUMBS_MEDIUM) == {
        Network.X: 2,
        Network.FACEBOOK: 4,
        Network.MASTODON: 1,
        Network.BLUESKY: 1,
        Network.WORDPRESS: 2,
    }


def test_cjk_weighs_two_on_x_only() -> None:
    assert lengths(CJK) == {
        Network.X: 6,
        Network.FACEBOOK: 3,
        Network.MASTODON: 3,
        Network.BLUESKY: 3,
        Network.WORDPRESS: 3,
    }


def test_url_without_scheme_counts_23_on_x_but_its_length_on_mastodon() -> None:
    bare = "example.se/path"  # 15 characters
    assert measure(Network.X, bare).length == 23
    assert measure(Network.MASTODON, bare).length == 15  # Mastodon needs http(s)://
    assert measure(Network.BLUESKY, bare).length == 15
    assert measure(Network.FACEBOOK, bare).length == 15


def test_url_with_scheme_counts_23_on_x_and_mastodon_and_in_full_on_bluesky() -> None:
    url = (
        "https://www.example.se/nyheter/2026/plogning-i-natt?utm=1"  # 8 + 14 + 8 + 5 + 16 + 6 = 57
    )
    assert len(url) == 57
    assert measure(Network.X, url).length == 23
    assert measure(Network.MASTODON, url).length == 23
    assert measure(Network.MASTODON, f"Läs mer: {url}").length == 9 + 23
    assert measure(Network.BLUESKY, url).length == 57
    assert measure(Network.FACEBOOK, url).length == 57


def test_mastodon_counts_only_the_username_of_a_remote_mention() -> None:
    # "@anna" (5) + " hej" (4); the "@kommun.example" part is free.
    assert measure(Network.MASTODON, "@anna@kommun.example hej").length == 9
    assert measure(Network.MASTODON, "@anna hej").length == 9  # a local mention is unchanged
    # An e-mail address is not a mention (preceded by a word character): counted in full.
    assert measure(Network.MASTODON, "info@kommun.example").length == 19
    # The reserved URL length is an instance setting.
    assert mastodon_length("https://example.se/a", characters_per_url=30) == 30


def test_zero_width_joiner_between_letters() -> None:
    text = f"a{ZWJ}b"
    assert lengths(text) == {
        Network.X: 3,  # U+200D is in the weight-1 range 2000-200D
        Network.FACEBOOK: 3,
        Network.MASTODON: 2,  # ZWJ extends the grapheme before it
        Network.BLUESKY: 2,
        Network.WORDPRESS: 3,
    }


def test_zero_width_space_is_a_character_everywhere() -> None:
    text = f"a{ZWSP}b"
    assert lengths(text) == {
        Network.X: 3,
        Network.FACEBOOK: 3,
        Network.MASTODON: 3,
        Network.BLUESKY: 3,
        Network.WORDPRESS: 3,
    }


def test_right_to_left_mark_before_hebrew() -> None:
    text = RLM + HEBREW
    assert lengths(text) == {
        Network.X: 6,  # RLM weighs 2, the four Hebrew letters 1 each
        Network.FACEBOOK: 5,
        Network.MASTODON: 5,  # a format character is its own grapheme
        Network.BLUESKY: 5,
        Network.WORDPRESS: 5,
    }
    assert measure(Network.X, text).valid


def test_combining_marks() -> None:
    decomposed = "e\u0301"  # e + COMBINING ACUTE ACCENT: X normalises to é (one character)
    assert lengths(decomposed) == {
        Network.X: 1,
        Network.FACEBOOK: 2,
        Network.MASTODON: 1,
        Network.BLUESKY: 1,
        Network.WORDPRESS: 2,
    }
    # q + dot above + dot below has no precomposed form: 3 characters on X, 1 grapheme.
    stacked = "q\u0307\u0323"
    assert measure(Network.X, stacked).length == 3
    assert measure(Network.BLUESKY, stacked).length == 1
    assert measure(Network.BLUESKY, stacked).byte_length == 1 + 2 + 2


# -- limits: exactly at and one over --------------------------------------------------------------


@pytest.mark.parametrize(
    ("network", "at_limit", "one_over", "limit"),
    [
        (Network.X, "a" * 280, "a" * 281, 280),
        (Network.X, CJK[0] * 140, CJK[0] * 140 + "a", 280),
        (Network.X, FAMILY * 140, FAMILY * 140 + "a", 280),
        (
            Network.X,
            "a" * 256 + " https://www.example.se/",
            "a" * 257 + " https://example.se/",
            280,
        ),
        (Network.FACEBOOK, "a" * 63_206, "a" * 63_207, 63_206),
        (Network.FACEBOOK, "\U0001f600" * 31_603, "\U0001f600" * 31_603 + "a", 63_206),
        (Network.MASTODON, "a" * 500, "a" * 501, 500),
        (Network.MASTODON, FAMILY * 500, FAMILY * 501, 500),
        (Network.MASTODON, "https://example.se/x " + "a" * 476, "https://e.se/ " + "a" * 477, 500),
        (Network.BLUESKY, "a" * 300, "a" * 301, 300),
        (Network.BLUESKY, "å" * 300, "å" * 301, 300),
    ],
)
def test_exactly_at_the_limit_is_valid_and_one_over_is_not(
    network: Network, at_limit: str, one_over: str, limit: int
) -> None:
    at = measure(network, at_limit)
    assert (at.length, at.limit, at.valid, at.over_by, at.reason) == (limit, limit, True, 0, None)
    over = measure(network, one_over)
    assert over.limit == limit
    assert not over.valid
    assert over.reason is InvalidReason.TOO_LONG
    assert over.over_by == over.length - limit >= 1


def test_bluesky_byte_limit_binds_before_the_grapheme_limit() -> None:
    at = measure(Network.BLUESKY, FAMILY * 120)  # 120 graphemes, 3,000 bytes
    assert (at.length, at.byte_length, at.byte_limit, at.valid) == (120, 3_000, 3_000, True)
    over = measure(Network.BLUESKY, FAMILY * 120 + "a")  # 3,001 bytes
    assert over.length == 121
    assert not over.valid
    assert over.reason is InvalidReason.TOO_MANY_BYTES
    assert over.over_by == 0  # within the grapheme limit


def test_wordpress_has_no_body_limit_but_needs_a_title() -> None:
    long_text = "Snöröjning. " * 20_000
    result = measure(Network.WORDPRESS, long_text)
    assert (result.limit, result.valid, result.length) == (None, True, len(long_text))
    assert title_required(Network.WORDPRESS)
    assert not title_required("x")
    assert measure_title("wp", "  ").reason is InvalidReason.TITLE_REQUIRED
    assert measure_title("wordpress", "Plogning i natt").valid
    assert measure_title("x", "").valid  # X has no titles


# -- empty and invalid texts ----------------------------------------------------------------------


@pytest.mark.parametrize("network", list(Network))
@pytest.mark.parametrize("text", ["", " ", "\n\t "])
def test_empty_or_blank_text_is_invalid_everywhere(network: Network, text: str) -> None:
    result = measure(network, text)
    assert not result.valid
    assert result.reason is InvalidReason.EMPTY


def test_x_refuses_invalid_characters() -> None:
    result = measure(Network.X, "Hej\ufffe")  # U+FFFE is a non-character twitter-text refuses
    assert result.length == 3 + 2
    assert not result.valid
    assert result.reason is InvalidReason.INVALID_CHARACTERS


def test_network_names_are_accepted() -> None:
    assert measure("twitter", "hej").network is Network.X
    assert measure("BSKY", "hej").unit is LengthUnit.GRAPHEMES
    with pytest.raises(ValueError, match="unknown network"):
        measure("myspace", "hej")


# -- check_post ------------------------------------------------------------------------------------


def test_check_post_lists_text_and_title_problems() -> None:
    problems = check_post(Network.WORDPRESS, "", title="")
    assert [(p.code, p.severity) for p in problems] == [
        ("text_empty", Severity.ERROR),
        ("title_required", Severity.ERROR),
    ]
    over = check_post(Network.X, "a" * 290)
    assert [p.code for p in over] == ["text_too_long"]
    assert "10 over the limit of 280" in over[0].message
    assert check_post(Network.MASTODON, "Plogbilarna är ute i natt") == []
    assert check_post(Network.WORDPRESS, "Brödtext", title="Plogning") == []


def test_to_dict_is_json_ready() -> None:
    data = measure(Network.BLUESKY, "hej").to_dict()
    assert data == {
        "network": "bluesky",
        "length": 3,
        "limit": 300,
        "valid": True,
        "over_by": 0,
        "reason": None,
        "unit": "graphemes",
        "exact": True,
        "byte_length": 3,
        "byte_limit": 3_000,
    }


# -- a megabyte of pasted text --------------------------------------------------------------------


def test_a_megabyte_on_x_is_refused_quickly_with_a_lower_bound() -> None:
    text = ("Plogbilarna är ute i natt 😷 https://example.se/plogning och 日本語. " * 20_000)[
        :1_000_000
    ]
    started = time.perf_counter()
    result = measure(Network.X, text)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0  # the exact count takes about 4 s here
    assert not result.valid
    assert result.reason is InvalidReason.TOO_LONG
    assert not result.exact
    # At least the weight of the first ~50,000 characters: far more than the limit.
    assert result.length > 40_000
    assert result.over_by == result.length - 280


def test_the_lower_bound_never_exceeds_the_exact_weight() -> None:
    text = "Plogbilarna är ute i natt 😷 https://example.se/plogning 日本語 " * 1_000  # 60k
    assert len(text) > 50_000
    exact = parse_tweet(text, X_CONFIG).weightedLength
    result = measure(Network.X, text)
    assert not result.exact
    assert 280 < result.length <= exact
    # Just under the threshold the count is exact.
    shorter = text[:40_000]
    assert measure(Network.X, shorter).length == parse_tweet(shorter, X_CONFIG).weightedLength
    assert measure(Network.X, shorter).exact


def test_long_texts_on_the_other_networks_are_counted_exactly() -> None:
    text = "å" * 200_000
    assert measure(Network.FACEBOOK, text).over_by == 200_000 - 63_206
    assert measure(Network.MASTODON, text).over_by == 200_000 - 500
    bluesky = measure(Network.BLUESKY, text)
    assert (bluesky.length, bluesky.byte_length) == (200_000, 400_000)
