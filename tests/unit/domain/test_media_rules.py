"""Each network's image rules."""

from __future__ import annotations

from desktop_app.domain.media_rules import media_rules
from desktop_app.domain.networks import Network
from desktop_app.domain.text_rules import LengthUnit


def test_rules_per_network() -> None:
    x = media_rules(Network.X)
    assert (x.max_images, x.max_image_bytes, x.alt_text_max_length) == (4, 5_000_000, 1_000)
    assert x.max_bytes_for("image/gif") == 15_000_000
    assert x.max_bytes_for("image/png") == 5_000_000
    mastodon = media_rules("mastodon")
    assert (mastodon.max_images, mastodon.alt_text_max_length) == (4, 1_500)
    assert mastodon.max_pixels == 33_177_600
    bluesky = media_rules("bsky")
    assert (bluesky.max_images, bluesky.max_image_bytes) == (4, 2_000_000)
    assert (bluesky.alt_text_max_length, bluesky.alt_text_unit) == (2_000, LengthUnit.GRAPHEMES)
    wordpress = media_rules(Network.WORDPRESS)
    assert (wordpress.max_images, wordpress.max_image_bytes) == (None, None)
    for network in Network:
        rules = media_rules(network)
        assert rules.network is network
        assert rules.alt_text_supported
        assert "image/jpeg" in rules.image_types
        assert "image/png" in rules.image_types
