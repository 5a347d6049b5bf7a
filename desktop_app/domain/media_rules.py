"""What images each network takes, read from the one table of platform facts.

Plain functions, no I/O: the figures live in ``domain/platforms.py`` (with their sources); this
module answers the questions the outbox and image preparation ask of them.
"""

from __future__ import annotations

import grapheme

from desktop_app.domain.networks import Network
from desktop_app.domain.platforms import LengthUnit, MediaLimits, platform


def media_rules(network: Network | str) -> MediaLimits:
    """The image rules of ``network`` (a name such as "x" or "bsky" is accepted too)."""
    return platform(network).media


def max_bytes_for(rules: MediaLimits, mime_type: str) -> int:
    """The byte limit for one image type (X takes bigger GIFs than other images)."""
    return dict(rules.max_bytes_by_type).get(normalise_type(mime_type), rules.max_image_bytes)


def alt_text_problem(network: Network | str, alt_text: str) -> str | None:
    """Why ``alt_text`` is too long for ``network``, or None when it fits."""
    facts = platform(network)
    limit = facts.media.alt_text_max_length
    if limit is None:
        return None
    length = (
        grapheme.length(alt_text)
        if facts.media.alt_text_unit is LengthUnit.GRAPHEMES
        else len(alt_text)
    )
    if length <= limit:
        return None
    return f"the alt text is {length:,} characters; {facts.display_name} takes at most {limit:,}"


def normalise_type(mime_type: str) -> str:
    """ "Image/JPEG; charset=x" -> "image/jpeg"; the common non-standard "image/jpg" too."""
    base = mime_type.split(";", 1)[0].strip().lower()
    return "image/jpeg" if base in ("image/jpg", "image/pjpeg") else base
