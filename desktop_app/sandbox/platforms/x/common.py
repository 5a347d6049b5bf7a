"""Constants, limits and small helpers shared by the X emulator's modules."""

from __future__ import annotations

import re
import struct
import warnings
import zlib
from typing import Any
from urllib.parse import quote, unquote

try:  # the official weighted-length rules; the sandbox falls back to code points without them
    with warnings.catch_warnings():
        # twitter-text-parser imports pkg_resources; keep its deprecation warning off stderr.
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
        from twitter_text import parse_tweet as _parse_tweet
except ImportError:  # pragma: no cover - the dependency is part of Kanal
    _parse_tweet = None

PROBLEM = "application/problem+json"
ACCESS_TOKEN_SECONDS = 7200
CODE_SECONDS = 30
URL_RE = re.compile(r"https?://[^\s<>\"']+")
MENTION_RE = re.compile(r"(?<![A-Za-z0-9_])@([A-Za-z0-9_]{1,15})")
TWEET_FIELDS = {
    "attachments",
    "author_id",
    "conversation_id",
    "created_at",
    "edit_history_tweet_ids",
    "entities",
    "id",
    "in_reply_to_user_id",
    "lang",
    "public_metrics",
    "referenced_tweets",
    "reply_settings",
    "source",
    "text",
    "possibly_sensitive",
    "edit_controls",
}
USER_FIELDS = {
    "created_at",
    "description",
    "id",
    "name",
    "username",
    "profile_image_url",
    "protected",
    "public_metrics",
    "url",
    "verified",
    "location",
}
ALL_SCOPES = (
    "tweet.read",
    "tweet.write",
    "users.read",
    "offline.access",
    "media.write",
    "tweet.moderate.write",
    "like.read",
    "like.write",
    "follows.read",
)
# (requests per 15-minute window) per user, as X publishes them for the paid tiers.
LIMITS = {
    "POST /2/tweets": 100,
    "DELETE /2/tweets/:id": 50,
    "GET /2/users/me": 75,
    "GET /2/users/:id/mentions": 180,
    "GET /2/users/:id/tweets": 900,
    "GET /2/tweets": 900,
    "GET /2/tweets/:id": 900,
    "PUT /2/tweets/:id/hidden": 50,
    "POST /2/media/upload": 500,
    "GET /2/media/upload": 500,
}
WINDOW_S = 900.0
POSTS_PER_24H = 2400

# Media categories as the OpenAPI documents list them (MediaCategoryOneShot and MediaCategory).
ONE_SHOT_CATEGORIES = ("tweet_image", "dm_image", "subtitles")
CHUNKED_CATEGORIES = (
    "amplify_video",
    "tweet_gif",
    "tweet_image",
    "tweet_video",
    "dm_gif",
    "dm_image",
    "dm_video",
    "subtitles",
)
PROCESSED_CATEGORIES = frozenset(
    {"tweet_gif", "dm_gif", "tweet_video", "dm_video", "amplify_video"}
)
# X's published upload limits: images 5 MB, GIFs 15 MB, videos 512 MB.
SIZE_LIMITS = {
    "tweet_image": 5 * 1024 * 1024,
    "dm_image": 5 * 1024 * 1024,
    "tweet_gif": 15 * 1024 * 1024,
    "dm_gif": 15 * 1024 * 1024,
    "tweet_video": 512 * 1024 * 1024,
    "dm_video": 512 * 1024 * 1024,
    "amplify_video": 512 * 1024 * 1024,
    "subtitles": 1024 * 1024,
}
# media_key prefixes: 3 photo, 16 animated GIF, 7 video.
CATEGORY_KEY_PREFIX = {
    "tweet_gif": 16,
    "dm_gif": 16,
    "tweet_video": 7,
    "dm_video": 7,
    "amplify_video": 7,
}
PROCESSING_STATES = ("pending", "in_progress", "succeeded")
PROGRESS = {"pending": 0, "in_progress": 50, "succeeded": 100, "failed": 100}
CHECK_AFTER_S = 1


def weighted_length(text: str) -> tuple[int, bool]:
    if _parse_tweet is None:
        return len(text), 0 < len(text) <= 280
    result = _parse_tweet(text)
    return int(result.weightedLength), bool(result.valid)


def problem(status: int, title: str, detail: str, type_: str = "about:blank", **extra: Any) -> Any:
    payload: dict[str, Any] = {"title": title, "detail": detail, "type": type_, "status": status}
    payload.update(extra)
    return payload


def oauth_quote(value: str) -> str:
    return quote(value, safe="~-._")


def oauth_unquote(value: str) -> str:
    return unquote(value)


def same_text(stored: str, candidate: str) -> bool:
    return URL_RE.sub("https://t.co/", stored).strip() == candidate.strip()


def _one_pixel_png(rgba: bytes) -> bytes:
    """A 1x1 RGBA PNG built from its chunks (no image library in the sandbox)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + rgba)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# A 1x1 half-transparent blue PNG, for avatar URLs.
PIXEL = _one_pixel_png(bytes((0x1D, 0x4E, 0xD8, 0x80)))
