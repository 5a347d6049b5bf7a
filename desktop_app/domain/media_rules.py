"""What images each network accepts, and what is wrong with a given set of images.

Plain data and pure functions, no I/O: the caller supplies the facts (type, size, pixel
dimensions, alt text) it read from the files. Byte limits are the strictest reading of each
platform's documentation (a "5 MB" limit is taken as 5,000,000 bytes), so an image we accept is
not refused for a unit misunderstanding. Mastodon's figures are instance settings
(``configuration.media_attachments`` of ``/api/v2/instance``); the defaults here are
mastodon.social's.

Sources:
- X: docs.x.com media upload (image 5 MB, GIF 15 MB; up to 4 photos per post; JPEG, PNG, GIF,
  WEBP), alt text up to 1,000 characters (media metadata), 4x4 to 8192x8192 pixels (X's media
  best practices, as republished by integrators).
- Mastodon: MediaAttachment (description up to 1,500 characters; 4 attachments per status),
  mastodon.social's instance configuration (image_size_limit 16,777,216 bytes,
  image_matrix_limit 33,177,600 pixels).
- Bluesky: lexicon app.bsky.embed.images (at most 4 images, blob maxSize 2,000,000 bytes,
  accept image/*); alt text up to 2,000 graphemes (the Bluesky app's MAX_ALT_TEXT).
- Facebook: Page photos (JPEG, BMP, PNG, GIF, TIFF; at most 4 MB); POST /{page-id}/photos takes
  ``alt_text_custom`` (no documented length limit); no documented cap on photos per post.
- WordPress: core's default image types (JPEG, PNG, GIF, WebP, AVIF); the upload size limit is
  the site's PHP setting, unknown here; alt text is the attachment's ``alt_text``, unlimited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import grapheme

from desktop_app.domain.networks import Network, parse_network
from desktop_app.domain.text_rules import LengthUnit, Problem, Severity


@dataclass(frozen=True)
class ImageFacts:
    """What is known about one image; ``width``/``height`` are None if they could not be read."""

    mime_type: str
    size_bytes: int
    width: int | None
    height: int | None
    alt_text: str


@dataclass(frozen=True)
class MediaRules:
    """One network's image rules; None means no limit is known."""

    network: Network
    max_images: int | None
    max_image_bytes: int | None
    image_types: tuple[str, ...]
    alt_text_supported: bool
    alt_text_max_length: int | None
    alt_text_unit: LengthUnit = LengthUnit.CHARACTERS
    max_width: int | None = None
    max_height: int | None = None
    min_width: int | None = None
    min_height: int | None = None
    max_pixels: int | None = None
    # (type, bytes) pairs where a type's limit differs from max_image_bytes (X: bigger GIFs).
    max_bytes_by_type: tuple[tuple[str, int], ...] = ()

    def max_bytes_for(self, mime_type: str) -> int | None:
        """The byte limit for one image type."""
        return dict(self.max_bytes_by_type).get(_normalise_type(mime_type), self.max_image_bytes)


_RULES: dict[Network, MediaRules] = {
    Network.X: MediaRules(
        network=Network.X,
        max_images=4,
        max_image_bytes=5_000_000,
        image_types=("image/jpeg", "image/png", "image/gif", "image/webp"),
        alt_text_supported=True,
        alt_text_max_length=1_000,
        max_width=8_192,
        max_height=8_192,
        min_width=4,
        min_height=4,
        max_bytes_by_type=(("image/gif", 15_000_000),),
    ),
    Network.MASTODON: MediaRules(
        network=Network.MASTODON,
        max_images=4,
        max_image_bytes=16_777_216,
        image_types=(
            "image/jpeg",
            "image/png",
            "image/gif",
            "image/webp",
            "image/heic",
            "image/heif",
            "image/avif",
        ),
        alt_text_supported=True,
        alt_text_max_length=1_500,
        max_pixels=33_177_600,
    ),
    Network.BLUESKY: MediaRules(
        network=Network.BLUESKY,
        max_images=4,
        max_image_bytes=2_000_000,
        image_types=("image/jpeg", "image/png", "image/webp", "image/gif"),
        alt_text_supported=True,
        alt_text_max_length=2_000,
        alt_text_unit=LengthUnit.GRAPHEMES,
    ),
    Network.FACEBOOK: MediaRules(
        network=Network.FACEBOOK,
        max_images=None,
        max_image_bytes=4_000_000,
        image_types=("image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff"),
        alt_text_supported=True,
        alt_text_max_length=None,
    ),
    Network.WORDPRESS: MediaRules(
        network=Network.WORDPRESS,
        max_images=None,
        max_image_bytes=None,
        image_types=("image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"),
        alt_text_supported=True,
        alt_text_max_length=None,
    ),
}


def media_rules(network: Network | str) -> MediaRules:
    """The image rules of ``network`` (a name such as "x" or "bsky" is accepted too)."""
    return _RULES[network if isinstance(network, Network) else parse_network(network)]


def check_images(network: Network | str, images: Sequence[ImageFacts]) -> list[Problem]:
    """Every problem with posting ``images`` (in order) to ``network``; empty when all is well.

    Errors are what the network would refuse; a missing alt text is a warning for now
    (publishing will require it later).
    """
    rules = media_rules(network)
    name = rules.network.value
    problems: list[Problem] = []
    if rules.max_images is not None and len(images) > rules.max_images:
        problems.append(
            _error(
                "too_many_images",
                f"{name} takes at most {rules.max_images} images per post, not {len(images)}.",
            )
        )
    for index, image in enumerate(images):
        problems.extend(_check_image(rules, index, image))
    return problems


def _check_image(rules: MediaRules, index: int, image: ImageFacts) -> list[Problem]:
    name = rules.network.value
    label = f"Image {index + 1}"
    problems: list[Problem] = []
    mime_type = _normalise_type(image.mime_type)
    if mime_type not in rules.image_types:
        accepted = ", ".join(rules.image_types)
        problems.append(
            _error(
                "unsupported_image_type",
                f"{label}: {name} does not take {image.mime_type or 'this file type'}"
                f" (it takes {accepted}).",
                index,
            )
        )
    max_bytes = rules.max_bytes_for(mime_type)
    if max_bytes is not None and image.size_bytes > max_bytes:
        problems.append(
            _error(
                "image_too_large",
                f"{label} is {image.size_bytes:,} bytes; {name} takes at most {max_bytes:,}.",
                index,
            )
        )
    problems.extend(_check_dimensions(rules, index, image))
    problems.extend(_check_alt_text(rules, index, image))
    return problems


def _check_dimensions(rules: MediaRules, index: int, image: ImageFacts) -> list[Problem]:
    if image.width is None or image.height is None:
        return []
    name = rules.network.value
    size = f"{image.width}x{image.height}"
    problems: list[Problem] = []
    too_wide = rules.max_width is not None and image.width > rules.max_width
    too_high = rules.max_height is not None and image.height > rules.max_height
    if too_wide or too_high:
        problems.append(
            _error(
                "image_dimensions_too_large",
                f"Image {index + 1} is {size} pixels; {name} takes at most "
                f"{rules.max_width}x{rules.max_height}.",
                index,
            )
        )
    too_narrow = rules.min_width is not None and image.width < rules.min_width
    too_low = rules.min_height is not None and image.height < rules.min_height
    if too_narrow or too_low:
        problems.append(
            _error(
                "image_dimensions_too_small",
                f"Image {index + 1} is {size} pixels; {name} needs at least "
                f"{rules.min_width}x{rules.min_height}.",
                index,
            )
        )
    if rules.max_pixels is not None and image.width * image.height > rules.max_pixels:
        problems.append(
            _error(
                "image_too_many_pixels",
                f"Image {index + 1} has {image.width * image.height:,} pixels; {name} takes at"
                f" most {rules.max_pixels:,}.",
                index,
            )
        )
    return problems


def _check_alt_text(rules: MediaRules, index: int, image: ImageFacts) -> list[Problem]:
    if not rules.alt_text_supported:
        return []
    if not image.alt_text.strip():
        return [
            Problem(
                code="alt_text_missing",
                message=f"Image {index + 1} has no alt text (a description for people who"
                " cannot see it).",
                severity=Severity.WARNING,
                index=index,
            )
        ]
    limit = rules.alt_text_max_length
    if limit is None:
        return []
    length = (
        grapheme.length(image.alt_text)
        if rules.alt_text_unit is LengthUnit.GRAPHEMES
        else len(image.alt_text)
    )
    if length <= limit:
        return []
    return [
        _error(
            "alt_text_too_long",
            f"The alt text of image {index + 1} is {length:,} characters; {rules.network.value}"
            f" takes at most {limit:,}.",
            index,
        )
    ]


def _normalise_type(mime_type: str) -> str:
    """ "Image/JPEG; charset=x" -> "image/jpeg"; the common non-standard "image/jpg" too."""
    base = mime_type.split(";", 1)[0].strip().lower()
    return "image/jpeg" if base in ("image/jpg", "image/pjpeg") else base


def _error(code: str, message: str, index: int | None = None) -> Problem:
    return Problem(code=code, message=message, severity=Severity.ERROR, index=index)
