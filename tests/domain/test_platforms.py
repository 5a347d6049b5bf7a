"""The one table of platform facts: complete, consistent, and in line with the platforms' specs."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from desktop_app.domain.moderation import ModerationKind
from desktop_app.domain.networks import Network
from desktop_app.domain.platforms import PLATFORMS, colour, display_name, platform

DATA = Path(__file__).resolve().parents[1] / "data"
LEXICONS = DATA / "specs" / "bluesky" / "lexicons" / "app" / "bsky"


def test_every_network_has_its_facts() -> None:
    assert set(PLATFORMS) == set(Network)
    for network, facts in PLATFORMS.items():
        assert facts.network is network
        assert platform(network.value) is facts
        assert re.fullmatch(r"#[0-9a-f]{6}", colour(network))
        assert display_name(network)
        assert facts.media.max_images >= 1 and facts.media.max_image_bytes > 0
        assert {"image/jpeg", "image/png"} <= set(facts.media.image_types)
    assert platform("bsky").network is Network.BLUESKY
    assert len({facts.display_name for facts in PLATFORMS.values()}) == len(Network)


def test_bluesky_figures_are_the_lexicons() -> None:
    images = json.loads((LEXICONS / "embed" / "images.json").read_text(encoding="utf-8"))
    blob = images["defs"]["image"]["properties"]["image"]
    assert platform(Network.BLUESKY).media.max_image_bytes == blob["maxSize"] == 2_000_000
    assert (
        platform(Network.BLUESKY).media.max_images
        == images["defs"]["main"]["properties"]["images"]["maxLength"]
    )
    post = json.loads((LEXICONS / "feed" / "post.json").read_text(encoding="utf-8"))
    text = post["defs"]["main"]["record"]["properties"]["text"]
    assert platform(Network.BLUESKY).text.max_length == text["maxGraphemes"]
    assert platform(Network.BLUESKY).text.max_utf8_bytes == text["maxLength"]


def test_x_text_limit_is_twitter_texts() -> None:
    config = json.loads((DATA / "twitter-text" / "config-v3.json").read_text(encoding="utf-8"))
    assert platform(Network.X).text.max_length == config["maxWeightedTweetLength"]


@pytest.mark.parametrize(
    ("network", "earliest", "latest"),
    [
        (Network.FACEBOOK, timedelta(minutes=10), timedelta(days=30)),
        (Network.MASTODON, timedelta(minutes=5), None),
        (Network.WORDPRESS, timedelta(0), None),
    ],
)
def test_platforms_that_schedule_natively(
    network: Network, earliest: timedelta, latest: timedelta | None
) -> None:
    window = platform(network).scheduling
    assert window is not None and (window.earliest, window.latest) == (earliest, latest)


def test_x_and_bluesky_have_no_scheduling_and_no_moderation_of_replies() -> None:
    for network in (Network.X, Network.BLUESKY):
        assert platform(network).scheduling is None
    assert platform(Network.BLUESKY).moderation == frozenset()
    assert platform(Network.MASTODON).moderation == frozenset()
    assert platform(Network.X).moderation == {ModerationKind.HIDE, ModerationKind.UNHIDE}
    assert ModerationKind.DELETE in platform(Network.FACEBOOK).moderation
    assert platform(Network.WORDPRESS).moderation == frozenset(ModerationKind)
