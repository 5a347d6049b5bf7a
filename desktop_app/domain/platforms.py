"""Every fact Kanal knows about each platform, in one table.

Text rules (``text_rules``), image rules (``media_rules``), image preparation
(``engine/media_prep``), scheduling (``engine/scheduler``), the connectors and the window read
these figures from here, so a limit is written once and cannot drift between them.

Byte limits are the strictest reading of each platform's documentation (a "5 MB" limit is taken
as 5,000,000 bytes), so an image we accept is not refused for a unit misunderstanding.

Sources (checked against the specs the project keeps, see tests/data/specs):
- X: twitter-text v3 (280 weighted characters); media upload (image 5 MB, GIF 15 MB, up to 4
  photos; JPEG, PNG, GIF, WEBP); alt text up to 1,000 characters (media metadata); X shows
  images up to 4096 pixels on the long side. No scheduling through the API.
- Facebook: 63,206 characters, the figure every guide gives (Meta states neither the limit nor
  its unit; we count UTF-16 code units, never fewer than any other unit). Page photos: JPEG,
  BMP, PNG, GIF, TIFF, at most 4 MB; no documented cap on photos per post (Kanal attaches at
  most 10); shown up to 2048 pixels. ``scheduled_publish_time`` 10 minutes to 30 days ahead
  (Meta's pages say 30 or 75 days: the stricter one). Page comments can be hidden, unhidden and
  deleted.
- Mastodon (defaults of ``/api/v2/instance`` ``configuration``; an instance may differ): 500
  characters counted as graphemes, every URL 23; 4 attachments, image_size_limit 16,777,216
  bytes, image_matrix_limit 33,177,600 pixels; description up to 1,500 characters; downsizes
  above about 8.3 MP (3840 pixels). ``scheduled_at`` at least 5 minutes ahead. The API cannot
  moderate replies to an account's posts.
- Bluesky: lexicon ``app.bsky.feed.post`` (300 graphemes, 3,000 UTF-8 bytes) and
  ``app.bsky.embed.images`` (4 images, blob ``maxSize`` 2,000,000 bytes: "may be up to 2 MB,
  formerly limited to 1 MB"); alt text up to 2,000 graphemes (the app's MAX_ALT_TEXT); the app
  shows 2000 pixels. GIFs are shown still, so they are sent as PNG or JPEG. No scheduling, no
  moderation of others' replies through the API.
- WordPress: no body limit; a post needs a title. Core's image types (JPEG, PNG, GIF, WebP,
  AVIF); the upload limit is the site's PHP setting (8 MB is a common floor and is taken as the
  limit); images above 2560 pixels get a "scaled" copy. Posts with status ``future`` are
  published by the site at the time. Comments can be held, approved, marked spam, hidden and
  deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from desktop_app.domain.moderation import ModerationKind
from desktop_app.domain.networks import Network, parse_network


class LengthUnit(StrEnum):
    """What a length counts."""

    X_WEIGHTED = "x_weighted"
    UTF16_CODE_UNITS = "utf16_code_units"
    GRAPHEMES = "graphemes"
    CHARACTERS = "characters"  # Unicode code points


@dataclass(frozen=True)
class TextLimits:
    """How a post's text is counted and how long it may be (None: no limit)."""

    max_length: int | None
    unit: LengthUnit
    max_utf8_bytes: int | None = None
    characters_per_url: int | None = None  # every URL counts this much, however long
    title_required: bool = False


@dataclass(frozen=True)
class MediaLimits:
    """Which images a post may carry (an alt text limit of None: no limit known)."""

    max_images: int
    max_image_bytes: int
    image_types: tuple[str, ...]  # MIME types the platform takes
    max_dimension: int  # longest side the platform keeps without shrinking it itself
    alt_text_max_length: int | None
    alt_text_unit: LengthUnit = LengthUnit.CHARACTERS
    max_pixels: int | None = None
    # (type, bytes) pairs where a type's limit differs from max_image_bytes (X: bigger GIFs).
    max_bytes_by_type: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class SchedulingWindow:
    """How far ahead the platform's own scheduling takes a post (None: no upper bound)."""

    earliest: timedelta
    latest: timedelta | None


@dataclass(frozen=True)
class Platform:
    """One platform's facts."""

    network: Network
    display_name: str  # English source text; the window translates it
    colour: str  # the platform's own colour, "#rrggbb"
    text: TextLimits
    media: MediaLimits
    scheduling: SchedulingWindow | None  # None: Kanal keeps the post and sends it at the time
    moderation: frozenset[ModerationKind]  # what Kanal can do to others' replies there


_JPEG_PNG_GIF_WEBP = ("image/jpeg", "image/png", "image/gif", "image/webp")

PLATFORMS: dict[Network, Platform] = {
    Network.WORDPRESS: Platform(
        network=Network.WORDPRESS,
        display_name="WordPress",
        colour="#21759b",
        text=TextLimits(max_length=None, unit=LengthUnit.CHARACTERS, title_required=True),
        media=MediaLimits(
            max_images=10,
            max_image_bytes=8_000_000,
            image_types=(*_JPEG_PNG_GIF_WEBP, "image/avif"),
            max_dimension=2560,
            alt_text_max_length=None,
        ),
        scheduling=SchedulingWindow(earliest=timedelta(0), latest=None),
        moderation=frozenset(ModerationKind),
    ),
    Network.FACEBOOK: Platform(
        network=Network.FACEBOOK,
        display_name="Facebook",
        colour="#1877f2",
        text=TextLimits(max_length=63_206, unit=LengthUnit.UTF16_CODE_UNITS),
        media=MediaLimits(
            max_images=10,
            max_image_bytes=4_000_000,
            image_types=("image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff"),
            max_dimension=2048,
            alt_text_max_length=None,
        ),
        scheduling=SchedulingWindow(earliest=timedelta(minutes=10), latest=timedelta(days=30)),
        moderation=frozenset({ModerationKind.HIDE, ModerationKind.UNHIDE, ModerationKind.DELETE}),
    ),
    Network.X: Platform(
        network=Network.X,
        display_name="X",
        colour="#14171a",
        text=TextLimits(max_length=280, unit=LengthUnit.X_WEIGHTED),
        media=MediaLimits(
            max_images=4,
            max_image_bytes=5_000_000,
            image_types=_JPEG_PNG_GIF_WEBP,
            max_dimension=4096,
            alt_text_max_length=1_000,
            max_bytes_by_type=(("image/gif", 15_000_000),),
        ),
        scheduling=None,
        moderation=frozenset({ModerationKind.HIDE, ModerationKind.UNHIDE}),
    ),
    Network.MASTODON: Platform(
        network=Network.MASTODON,
        display_name="Mastodon",
        colour="#6364ff",
        text=TextLimits(max_length=500, unit=LengthUnit.GRAPHEMES, characters_per_url=23),
        media=MediaLimits(
            max_images=4,
            max_image_bytes=16_777_216,
            image_types=(
                *_JPEG_PNG_GIF_WEBP,
                "image/heic",
                "image/heif",
                "image/avif",
            ),
            max_dimension=3840,
            alt_text_max_length=1_500,
            max_pixels=33_177_600,
        ),
        scheduling=SchedulingWindow(earliest=timedelta(minutes=5), latest=None),
        moderation=frozenset(),
    ),
    Network.BLUESKY: Platform(
        network=Network.BLUESKY,
        display_name="Bluesky",
        colour="#0085ff",
        text=TextLimits(max_length=300, unit=LengthUnit.GRAPHEMES, max_utf8_bytes=3_000),
        media=MediaLimits(
            max_images=4,
            max_image_bytes=2_000_000,
            image_types=("image/jpeg", "image/png", "image/webp"),
            max_dimension=2000,
            alt_text_max_length=2_000,
            alt_text_unit=LengthUnit.GRAPHEMES,
        ),
        scheduling=None,
        moderation=frozenset(),
    ),
}


def platform(network: Network | str) -> Platform:
    """The facts of ``network`` (a name such as "x" or "bsky" is accepted too)."""
    return PLATFORMS[network if isinstance(network, Network) else parse_network(network)]


def display_name(network: Network | str) -> str:
    """The platform's name as people call it (English source text)."""
    return platform(network).display_name


def colour(network: Network | str) -> str:
    """The platform's own colour as "#rrggbb"."""
    return platform(network).colour
