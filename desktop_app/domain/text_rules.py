"""How long a text is by each network's own counting rules, and whether the network accepts it.

Pure functions, no I/O. Every network counts differently, and the differences matter to the
people writing: an emoji family is 1 grapheme on Bluesky and Mastodon, 2 on X and 11 UTF-16 code
units on Facebook; a link is 23 on X and Mastodon but its real length on Bluesky.

- X: the twitter-text v3 weighted length through the twitter-text-parser library (280; URLs,
  with or without scheme, count 23; code points above U+10FF (CJK, most symbols), apart from
  some general punctuation, count 2; an emoji sequence counts 2 however many code points it
  has; text is NFC-normalised and CRLF counted as one line break first).
- Facebook: 63,206, the figure every guide gives; Meta's Graph API reference states neither
  the limit nor its unit, and guides disagree (most say "characters", some "code points"). We
  count UTF-16 code units, never fewer than code points or graphemes, so a text we accept is
  accepted whichever unit Facebook really uses; an emoji outside the Basic Multilingual Plane
  costs 2, a family emoji 11.
- Mastodon: 500 extended grapheme clusters (Mastodon's StatusLengthValidator counts
  ``grapheme_length``). Every http(s) URL counts 23 however long (only URLs with a scheme:
  Mastodon extracts URLs with ``extract_url_without_protocol: false``, so "example.se/path"
  counts its real length), and a remote mention ``@user@domain`` counts only ``@user``. Both
  numbers are instance settings (``configuration.statuses`` of ``/api/v2/instance``); these are
  the defaults. The content warning, which Mastodon adds to the count, is not part of the text.
- Bluesky: 300 extended grapheme clusters and at most 3,000 UTF-8 bytes
  (``app.bsky.feed.post`` lexicon: ``maxGraphemes`` 300, ``maxLength`` 3000). Links count
  their full length: the record holds the text as written.
- WordPress: no body limit (length in characters, for information); a post needs a title.

Empty or whitespace-only text is invalid everywhere (Kanal does not send media-only posts yet).
"""

from __future__ import annotations

import math
import re
import unicodedata
import warnings
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import grapheme

with warnings.catch_warnings():
    # twitter-text-parser imports pkg_resources, whose deprecation warning would otherwise be
    # printed on stderr by every command ("one line on stderr" is the CLI's contract).
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    from twitter_text import extract_urls_with_indices, parse_tweet
    from twitter_text.config import config as _twitter_text_configs

from desktop_app.domain.networks import Network, parse_network
from desktop_app.domain.platforms import PLATFORMS, LengthUnit, platform


def _figure(value: int | None) -> int:
    if value is None:
        raise ValueError("the platform table lacks a limit this module counts against")
    return value


# The figures come from the one table of platform facts (domain/platforms.py).
X_MAX_WEIGHTED_LENGTH = _figure(PLATFORMS[Network.X].text.max_length)
MASTODON_CHARACTERS_PER_URL = _figure(PLATFORMS[Network.MASTODON].text.characters_per_url)
BLUESKY_MAX_GRAPHEMES = _figure(PLATFORMS[Network.BLUESKY].text.max_length)
BLUESKY_MAX_UTF8_BYTES = _figure(PLATFORMS[Network.BLUESKY].text.max_utf8_bytes)

# The twitter-text v3 configuration as the library ships it; a unit test checks it against
# twitter/twitter-text's config/v3.json so a library update cannot change the rules silently.
X_CONFIG: dict[str, Any] = dict(_twitter_text_configs["version3"])

# Above this many code points (after NFC and CRLF folding) no text can be a valid post, so we
# stop asking the library for the exact figure: its emoji matcher needs about 3 s per megabyte,
# too slow for a counter under a 1 MB paste. The bound: a URL counts 23 for at most 4,096 code
# points and everything else counts at least 2 per 10 code points, so 50,000 code points weigh
# at least ceil(50,000 * 23 / 4,096) = 281.
_X_EXACT_MAX_CODE_POINTS = 50_000
_X_URL_MAX_CODE_POINTS = 4_096

# Mastodon's Account::MENTION_RE: a username, optionally followed by @domain, not preceded by a
# word character, "=" or "/". The domain part does not count towards the limit.
_MASTODON_MENTION = re.compile(
    r"(?<![=/\w])@(?P<username>[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)"
    r"(?P<domain>@[\w.-]+\w+)?",
    re.IGNORECASE,
)


class InvalidReason(StrEnum):
    """Why a text (or title) is refused; the UI translates these codes."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    TOO_MANY_BYTES = "too_many_bytes"
    INVALID_CHARACTERS = "invalid_characters"
    TITLE_REQUIRED = "title_required"


class Severity(StrEnum):
    ERROR = "error"  # the network would refuse the post
    WARNING = "warning"  # it would go out, but something should be fixed (e.g. missing alt text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a post; ``code`` is stable (the UI translates it), ``message`` is
    English for logs and the CLI; ``index`` is the image it concerns, if any."""

    code: str
    message: str
    severity: Severity
    index: int | None = None


@dataclass(frozen=True)
class TextMeasure:
    """A text measured by one network's rules.

    ``over_by`` is in the unit of ``length`` (0 when within the limit). ``exact`` is False only
    for texts so long that ``length`` is a proven lower bound (X above 50,000 code points).
    ``byte_length``/``byte_limit`` are set where a network also limits bytes (Bluesky).
    """

    network: Network
    length: int
    limit: int | None
    valid: bool
    unit: LengthUnit
    over_by: int = 0
    reason: InvalidReason | None = None
    exact: bool = True
    byte_length: int | None = None
    byte_limit: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (the CLI's ``--json`` output)."""
        return {
            "network": self.network.value,
            "length": self.length,
            "limit": self.limit,
            "valid": self.valid,
            "over_by": self.over_by,
            "reason": None if self.reason is None else self.reason.value,
            "unit": self.unit.value,
            "exact": self.exact,
            "byte_length": self.byte_length,
            "byte_limit": self.byte_limit,
        }


def measure(network: Network | str, text: str) -> TextMeasure:
    """Measure ``text`` by ``network``'s rules (a name such as "x" or "bsky" is accepted too)."""
    net = network if isinstance(network, Network) else parse_network(network)
    if net is Network.X:
        return _measure_x(text)
    if net is Network.BLUESKY:
        return _measure_bluesky(text)
    limits = platform(net).text
    if net is Network.FACEBOOK:
        length = utf16_length(text)
    elif net is Network.MASTODON:
        length = mastodon_length(text)
    else:
        length = len(text)
    return _within(net, text, length, limits.max_length, limits.unit)


def title_required(network: Network | str) -> bool:
    """Whether a post to ``network`` needs a title (only blog posts do)."""
    return platform(network).text.title_required


def measure_title(network: Network | str, title: str) -> TextMeasure:
    """Check a post's title: required and non-blank for WordPress, ignored (always valid)
    elsewhere. No network limits the title's length."""
    net = network if isinstance(network, Network) else parse_network(network)
    missing = title_required(net) and not title.strip()
    return TextMeasure(
        network=net,
        length=len(title),
        limit=None,
        valid=not missing,
        unit=LengthUnit.CHARACTERS,
        reason=InvalidReason.TITLE_REQUIRED if missing else None,
    )


def check_post(network: Network | str, text: str, title: str = "") -> list[Problem]:
    """Every text problem of a post (body and title) for one network; empty when it can go."""
    problems: list[Problem] = []
    body = measure(network, text)
    if body.reason is not None:
        problems.append(_problem_for(body))
    head = measure_title(body.network, title)
    if head.reason is not None:
        problems.append(_problem_for(head))
    return problems


def utf16_length(text: str) -> int:
    """UTF-16 code units: what JavaScript's ``String.length`` reports."""
    return len(text.encode("utf-16-le")) // 2


def mastodon_length(text: str, characters_per_url: int = MASTODON_CHARACTERS_PER_URL) -> int:
    """Mastodon's countable length: graphemes, after replacing each http(s) URL with
    ``characters_per_url`` characters and each ``@user@domain`` with ``@user``."""
    return grapheme.length(_mastodon_countable_text(text, characters_per_url))


def _mastodon_countable_text(text: str, characters_per_url: int) -> str:
    if not text.strip():
        return ""
    # (start, end, replacement); URLs first so a mention inside a URL loses, as in Mastodon's
    # remove_overlapping_entities (which keeps the entity that starts first).
    entities: list[tuple[int, int, str]] = [
        (url["indices"][0], url["indices"][1], "x" * characters_per_url)
        for url in extract_urls_with_indices(text, extract_urls_without_protocol=False)
    ]
    for match in _MASTODON_MENTION.finditer(text):
        after = text[match.end() :]
        # twitter-text's end_mention_match: "@a@b@c" or "@a://" is not a mention.
        if after.startswith(("@", "\uff20", "://")):
            continue
        entities.append((match.start(), match.end(), "@" + match.group("username")))
    entities.sort(key=lambda entity: (entity[0], -entity[1]))
    pieces: list[str] = []
    position = 0
    for start, end, replacement in entities:
        if start < position:  # overlaps an entity already taken
            continue
        pieces.append(text[position:start])
        pieces.append(replacement)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _within(
    network: Network, text: str, length: int, limit: int | None, unit: LengthUnit
) -> TextMeasure:
    over_by = max(0, length - limit) if limit is not None else 0
    reason: InvalidReason | None = None
    if not text.strip():
        reason = InvalidReason.EMPTY
    elif over_by:
        reason = InvalidReason.TOO_LONG
    return TextMeasure(
        network=network,
        length=length,
        limit=limit,
        valid=reason is None,
        unit=unit,
        over_by=over_by,
        reason=reason,
    )


def _measure_bluesky(text: str) -> TextMeasure:
    base = _within(
        Network.BLUESKY, text, grapheme.length(text), BLUESKY_MAX_GRAPHEMES, LengthUnit.GRAPHEMES
    )
    byte_length = len(text.encode("utf-8"))
    reason = base.reason
    if reason is None and byte_length > BLUESKY_MAX_UTF8_BYTES:
        reason = InvalidReason.TOO_MANY_BYTES
    return TextMeasure(
        network=Network.BLUESKY,
        length=base.length,
        limit=base.limit,
        valid=reason is None,
        unit=base.unit,
        over_by=base.over_by,
        reason=reason,
        byte_length=byte_length,
        byte_limit=BLUESKY_MAX_UTF8_BYTES,
    )


def _x_normalise(text: str) -> str:
    """What twitter-text counts: NFC, with CRLF and lone CR folded into LF."""
    return re.sub(r"\r\n|\r|\n", "\n", unicodedata.normalize("NFC", text))


def _measure_x(text: str) -> TextMeasure:
    normalised = _x_normalise(text)
    if len(normalised) > _X_EXACT_MAX_CODE_POINTS:
        return _measure_x_huge(normalised)
    parsed = parse_tweet(text, X_CONFIG)
    length = int(parsed.weightedLength)
    over_by = max(0, length - X_MAX_WEIGHTED_LENGTH)
    reason: InvalidReason | None = None
    if not text.strip():
        reason = InvalidReason.EMPTY
    elif over_by:
        reason = InvalidReason.TOO_LONG
    elif not parsed.valid:
        reason = InvalidReason.INVALID_CHARACTERS
    return TextMeasure(
        network=Network.X,
        length=length,
        limit=X_MAX_WEIGHTED_LENGTH,
        valid=reason is None,
        unit=LengthUnit.X_WEIGHTED,
        over_by=over_by,
        reason=reason,
    )


def _measure_x_huge(normalised: str) -> TextMeasure:
    """A certainly-too-long text: a lower bound of its weighted length, cheaply.

    Weighted length is additive across a space or line break (no URL or emoji spans one, and
    neither NFC nor line-ending folding joins across one), so the exact weight of a prefix
    ending there is a lower bound of the whole; so is the per-code-point bound above.
    """
    cut = max(
        normalised.rfind(" ", 0, _X_EXACT_MAX_CODE_POINTS),
        normalised.rfind("\n", 0, _X_EXACT_MAX_CODE_POINTS),
    )
    # cut is -1 when there is no break at all: the prefix is then empty and weighs 0.
    prefix_weight = int(parse_tweet(normalised[: cut + 1], X_CONFIG).weightedLength)
    per_code_point_bound = math.ceil(len(normalised) * 23 / _X_URL_MAX_CODE_POINTS)
    length = max(prefix_weight, per_code_point_bound)
    return TextMeasure(
        network=Network.X,
        length=length,
        limit=X_MAX_WEIGHTED_LENGTH,
        valid=False,
        unit=LengthUnit.X_WEIGHTED,
        over_by=length - X_MAX_WEIGHTED_LENGTH,
        reason=InvalidReason.TOO_LONG,
        exact=False,
    )


_REASON_MESSAGES = {
    InvalidReason.EMPTY: "The text is empty.",
    InvalidReason.TOO_LONG: "The text is {over_by} over the limit of {limit}.",
    InvalidReason.TOO_MANY_BYTES: "The text is over {byte_limit} bytes.",
    InvalidReason.INVALID_CHARACTERS: "The text contains characters the network refuses.",
    InvalidReason.TITLE_REQUIRED: "A blog post needs a title.",
}


def _problem_for(measured: TextMeasure) -> Problem:
    reason = measured.reason
    if reason is None:
        raise ValueError("a valid measure has no problem")
    message = _REASON_MESSAGES[reason].format(
        over_by=measured.over_by, limit=measured.limit, byte_limit=measured.byte_limit
    )
    code = reason.value if reason is InvalidReason.TITLE_REQUIRED else f"text_{reason.value}"
    return Problem(
        code=code, message=f"{measured.network.value}: {message}", severity=Severity.ERROR
    )
