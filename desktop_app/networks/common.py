"""Small helpers every connector shares: times, HTML to text, slugs, cursors."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import unicodedata
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, Protocol, runtime_checkable

from desktop_app.domain.errors import TemporaryFailure


def parse_time(value: object) -> datetime | None:
    """ISO 8601 in any of the platforms' spellings ("Z", "+0000", naive = UTC) to aware UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    match = re.match(r"^(.*[T ]\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(\d\d)$", text)
    if match:  # Graph API's "+0000"
        text = f"{match.group(1)}{match.group(2)}:{match.group(3)}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def require_time(value: object) -> datetime:
    return parse_time(value) or datetime.now(UTC)


class _TextExtractor(HTMLParser):
    _BREAKS = frozenset({"br", "p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BREAKS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Readable plain text of a platform's HTML (for search and previews, not for display)."""
    parser = _TextExtractor()
    parser.feed(markup or "")
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def text_to_html(text: str) -> str:
    """Plain text as HTML paragraphs, escaped (blank lines separate paragraphs)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "\n".join("<p>" + html.escape(p).replace("\n", "<br />\n") + "</p>" for p in paragraphs)


def normalise_text(text: str) -> str:
    """For comparing a post we sent with what the platform shows: entities, space, case."""
    return re.sub(r"\s+", " ", html.unescape(text)).strip().casefold()


def short_hash(value: str, length: int = 10) -> str:
    digest = hashlib.sha256(value.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:length]


def slugify(text: str, max_length: int = 60) -> str:
    """An ASCII slug that WordPress's sanitize_title keeps unchanged (å → a, ö → o)."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:max_length].rstrip("-")


def encode_cursor(state: dict[str, Any]) -> str:
    return json.dumps(state, separators=(",", ":"), sort_keys=True)


def decode_cursor(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {}
    try:
        state = json.loads(cursor)
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}


def as_dict(value: Any, platform: str) -> dict[str, Any]:
    """A JSON object or a TemporaryFailure: a 200 with an unexpected shape is the server's fault."""
    if not isinstance(value, dict):
        raise TemporaryFailure(f"{platform} answered with an unexpected body")
    return value


def obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (for optional nested fields)."""
    return value if isinstance(value, dict) else {}


@runtime_checkable
class WalksBack(Protocol):
    """A connector whose first sync reads back in time, not only its newest page.

    The sync engine calls ``set_horizon`` once, before the first ``list_inbox``; the connector
    uses it only when it is given no cursor (the account's first sync): it then pages backwards
    until it reaches items older than ``since`` or the platform has no more, and from then on
    resumes incrementally from its cursor.
    """

    def set_horizon(self, since: datetime) -> None: ...
