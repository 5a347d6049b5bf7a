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

from dataclasses import dataclass

from desktop_app.domain.networks import Network, parse_network
from desktop_app.domain.text_rules import LengthUnit


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


def _normalise_type(mime_type: str) -> str:
    """ "Image/JPEG; charset=x" -> "image/jpeg"; the common non-standard "image/jpg" too."""
    base = mime_type.split(";", 1)[0].strip().lower()
    return "image/jpeg" if base in ("image/jpg", "image/pjpeg") else base
