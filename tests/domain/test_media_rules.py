"""Each network's image rules and the problems check_images reports."""

from __future__ import annotations

import pytest

from desktop_app.domain.media_rules import ImageFacts, check_images, media_rules
from desktop_app.domain.networks import Network
from desktop_app.domain.text_rules import LengthUnit, Severity

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 1 grapheme, 7 code points


def jpeg(
    size: int = 300_000, width: int | None = 1200, height: int | None = 800, alt: str = "En plogbil"
) -> ImageFacts:
    return ImageFacts(
        mime_type="image/jpeg", size_bytes=size, width=width, height=height, alt_text=alt
    )


def codes(network: Network | str, images: list[ImageFacts]) -> list[tuple[str, int | None]]:
    return [(p.code, p.index) for p in check_images(network, images)]


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


@pytest.mark.parametrize("network", list(Network))
def test_a_good_image_has_no_problem(network: Network) -> None:
    assert check_images(network, [jpeg()]) == []
    assert check_images(network, []) == []


@pytest.mark.parametrize("network", list(Network))
def test_missing_alt_text_is_a_warning(network: Network) -> None:
    problems = check_images(network, [jpeg(), jpeg(alt="  ")])
    assert [(p.code, p.severity, p.index) for p in problems] == [
        ("alt_text_missing", Severity.WARNING, 1)
    ]
    assert "Image 2" in problems[0].message


@pytest.mark.parametrize(
    ("network", "allowed"),
    [(Network.X, 4), (Network.MASTODON, 4), (Network.BLUESKY, 4)],
)
def test_too_many_images(network: Network, allowed: int) -> None:
    assert check_images(network, [jpeg()] * allowed) == []
    problems = check_images(network, [jpeg()] * (allowed + 1))
    assert [(p.code, p.severity, p.index) for p in problems] == [
        ("too_many_images", Severity.ERROR, None)
    ]


def test_byte_limits_exactly_at_and_one_over() -> None:
    assert codes(Network.X, [jpeg(size=5_000_000)]) == []
    assert codes(Network.X, [jpeg(size=5_000_001)]) == [("image_too_large", 0)]
    gif = ImageFacts("image/gif", 15_000_000, 500, 500, "Animerad karta")
    assert codes(Network.X, [gif]) == []  # GIFs may be larger on X
    assert codes(Network.BLUESKY, [jpeg(size=2_000_000)]) == []
    assert codes(Network.BLUESKY, [jpeg(size=2_000_001)]) == [("image_too_large", 0)]
    assert codes(Network.MASTODON, [jpeg(size=16_777_217)]) == [("image_too_large", 0)]
    assert codes(Network.FACEBOOK, [jpeg(size=4_000_001)]) == [("image_too_large", 0)]
    assert codes(Network.WORDPRESS, [jpeg(size=500_000_000)]) == []  # the site decides


def test_types() -> None:
    webp = ImageFacts("image/webp", 1000, 10, 10, "Karta")
    tiff = ImageFacts("image/tiff", 1000, 10, 10, "Karta")
    assert codes(Network.X, [webp]) == []
    assert codes(Network.FACEBOOK, [webp]) == [("unsupported_image_type", 0)]
    assert codes(Network.FACEBOOK, [tiff]) == []
    assert codes(Network.X, [tiff]) == [("unsupported_image_type", 0)]
    # MIME types are case-insensitive, parameters ignored, and "image/jpg" means JPEG.
    odd = ImageFacts("Image/JPG; q=1", 1000, 10, 10, "Karta")
    assert codes(Network.BLUESKY, [odd]) == []
    unknown = ImageFacts("", 1000, 10, 10, "Karta")
    problems = check_images(Network.X, [unknown])
    assert [p.code for p in problems] == ["unsupported_image_type"]
    assert "this file type" in problems[0].message


def test_pixel_dimensions() -> None:
    assert codes(Network.X, [jpeg(width=8192, height=8192)]) == []
    assert codes(Network.X, [jpeg(width=8193, height=100)]) == [("image_dimensions_too_large", 0)]
    assert codes(Network.X, [jpeg(width=4, height=4)]) == []
    assert codes(Network.X, [jpeg(width=3, height=100)]) == [("image_dimensions_too_small", 0)]
    # Mastodon limits the pixel count: 33,177,600 is 7680 x 4320.
    assert codes(Network.MASTODON, [jpeg(width=7680, height=4320)]) == []
    assert codes(Network.MASTODON, [jpeg(width=7681, height=4320)]) == [
        ("image_too_many_pixels", 0)
    ]
    # Unknown dimensions (unreadable header) are not guessed at.
    assert codes(Network.X, [jpeg(width=None, height=None)]) == []


def test_alt_text_length_in_each_networks_unit() -> None:
    assert codes(Network.X, [jpeg(alt="a" * 1_000)]) == []
    assert codes(Network.X, [jpeg(alt="a" * 1_001)]) == [("alt_text_too_long", 0)]
    assert codes(Network.MASTODON, [jpeg(alt="a" * 1_500)]) == []
    assert codes(Network.MASTODON, [jpeg(alt="a" * 1_501)]) == [("alt_text_too_long", 0)]
    # Bluesky counts graphemes: 2,000 families (14,000 code points) fit, 2,001 do not.
    assert codes(Network.BLUESKY, [jpeg(alt=FAMILY * 2_000)]) == []
    assert codes(Network.BLUESKY, [jpeg(alt=FAMILY * 2_001)]) == [("alt_text_too_long", 0)]
    assert codes(Network.FACEBOOK, [jpeg(alt="a" * 50_000)]) == []


def test_every_problem_of_every_image_is_reported_in_order() -> None:
    images = [
        jpeg(),
        ImageFacts("image/bmp", 9_000_000, 9000, 9000, ""),
        jpeg(alt=""),
        jpeg(),
        jpeg(),
    ]
    assert codes(Network.X, images) == [
        ("too_many_images", None),
        ("unsupported_image_type", 1),
        ("image_too_large", 1),
        ("image_dimensions_too_large", 1),
        ("alt_text_missing", 1),
        ("alt_text_missing", 2),
    ]
