"""Each network's image rules, as the table of platform facts gives them."""

from __future__ import annotations

from desktop_app.domain.media_rules import (
    alt_text_problem,
    max_bytes_for,
    media_rules,
    normalise_type,
)
from desktop_app.domain.networks import Network
from desktop_app.domain.platforms import LengthUnit

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 1 grapheme, 7 code points


def test_rules_per_network() -> None:
    x = media_rules(Network.X)
    assert (x.max_images, x.max_image_bytes, x.alt_text_max_length) == (4, 5_000_000, 1_000)
    assert max_bytes_for(x, "image/gif") == 15_000_000
    assert max_bytes_for(x, "Image/PNG") == 5_000_000
    mastodon = media_rules("mastodon")
    assert (mastodon.max_images, mastodon.alt_text_max_length) == (4, 1_500)
    assert mastodon.max_pixels == 33_177_600
    bluesky = media_rules("bsky")
    # The current lexicon (app.bsky.embed.images): "may be up to 2 MB, formerly limited to 1 MB".
    assert (bluesky.max_images, bluesky.max_image_bytes) == (4, 2_000_000)
    assert (bluesky.alt_text_max_length, bluesky.alt_text_unit) == (2_000, LengthUnit.GRAPHEMES)
    wordpress = media_rules(Network.WORDPRESS)
    assert wordpress.alt_text_max_length is None
    for network in Network:
        rules = media_rules(network)
        assert "image/jpeg" in rules.image_types
        assert "image/png" in rules.image_types


def test_alt_text_is_counted_in_each_networks_unit() -> None:
    assert alt_text_problem(Network.BLUESKY, FAMILY * 2_000) is None
    assert alt_text_problem(Network.BLUESKY, FAMILY * 2_001) is not None
    assert alt_text_problem(Network.X, "a" * 1_000) is None
    message = alt_text_problem(Network.X, "a" * 1_001)
    assert message is not None and "1,001" in message and "X" in message
    assert alt_text_problem(Network.WORDPRESS, "a" * 100_000) is None


def test_odd_type_spellings_are_normalised() -> None:
    assert normalise_type("Image/JPG; q=1") == "image/jpeg"
    assert normalise_type("image/pjpeg") == "image/jpeg"
    assert normalise_type("") == ""
