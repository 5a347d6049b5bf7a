"""A link's preview card (title, description, image) read from that page only, within bounds.

Bluesky shows a link as a card only when the post carries one (``app.bsky.embed.external``);
the client builds it. Kanal reads the linked page itself - no third-party card service - with
short timeouts, a cap on what it reads and the standard library's HTML parser (no regex over
HTML). Every failure means "no card" (or a card without an image), never a failed post.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

from desktop_app.domain.errors import NetworkError
from desktop_app.networks.http import HttpClient

log = logging.getLogger(__name__)

PAGE_TIMEOUT = (3.0, 5.0)  # connect, read (seconds): a slow site costs a few seconds at most
PAGE_MAX_BYTES = 512 * 1024  # the <head> with its meta tags comes first
PAGE_MAX_SECONDS = 8.0  # a page that trickles in byte by byte
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
TITLE_MAX = 300
DESCRIPTION_MAX = 1000


@dataclass(frozen=True)
class LinkCard:
    url: str
    title: str
    description: str
    image_url: str | None


class _MetaReader(HTMLParser):
    """Open Graph / Twitter / plain meta tags and <title> of a page's markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").strip().lower()
            if key and "content" in values and key not in self.meta:
                self.meta[key] = values["content"].strip()
        elif tag == "title" and not self.title:
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def parse_card(url: str, markup: str) -> LinkCard:
    """The card a page describes for itself (Open Graph first, then Twitter, then plain)."""
    reader = _MetaReader()
    reader.feed(markup)
    reader.close()
    meta = reader.meta

    def first(*keys: str) -> str:
        return next((meta[k] for k in keys if meta.get(k)), "")

    title = first("og:title", "twitter:title") or " ".join(reader.title.split())
    description = first("og:description", "twitter:description", "description")
    image = first("og:image:secure_url", "og:image", "og:image:url", "twitter:image")
    image_url = urljoin(url, image) if image else None
    if image_url and urlsplit(image_url).scheme not in ("http", "https"):
        image_url = None
    return LinkCard(
        url=url,
        title=" ".join(title.split())[:TITLE_MAX] or url,
        description=" ".join(description.split())[:DESCRIPTION_MAX],
        image_url=image_url,
    )


def _read_capped(response: requests.Response, max_bytes: int, *, truncate: bool) -> bytes | None:
    """At most ``max_bytes`` of the body, read within PAGE_MAX_SECONDS.

    A larger body is cut at the cap (``truncate``: a page's head is enough) or refused (None:
    an image must be whole); so is one that trickles in for longer than the time allowed.
    """
    declared = response.headers.get("Content-Length", "")
    if not truncate and declared.isdigit() and int(declared) > max_bytes:
        return None
    started = time.monotonic()
    body = bytearray()
    for chunk in response.iter_content(chunk_size=16 * 1024):
        body.extend(chunk)
        if len(body) > max_bytes:
            return bytes(body[:max_bytes]) if truncate else None
        if time.monotonic() - started > PAGE_MAX_SECONDS:
            return bytes(body) if truncate else None
    return bytes(body)


def fetchable(url: str) -> bool:
    """https, or plain http to this computer only (as for every request Kanal makes)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


def fetch_card(http: HttpClient, url: str) -> LinkCard | None:
    """The card of ``url``, or None when the page cannot be read in time or is no HTML page."""
    if not fetchable(url):
        return None
    try:
        response = http.request(
            "GET", url, platform="Länkkort", timeout=PAGE_TIMEOUT, stream=True,
            headers={"Accept": "text/html,application/xhtml+xml"},
        )  # fmt: skip
    except NetworkError as error:
        log.info("no link card for %s: %s", url, error)
        return None
    with response:
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if response.status_code != 200 or kind not in ("text/html", "application/xhtml+xml"):
            return None
        try:
            body = _read_capped(response, PAGE_MAX_BYTES, truncate=True) or b""
        except requests.RequestException:
            return None
        charset = (
            response.encoding if "charset" in response.headers.get("Content-Type", "") else None
        )
        markup = body.decode(charset or "utf-8", errors="replace")
    return parse_card(url, markup)


def fetch_image(http: HttpClient, url: str, max_bytes: int) -> tuple[bytes, str] | None:
    """The card's image (bytes, MIME type) when it is an image of at most ``max_bytes``."""
    if not fetchable(url):
        return None
    try:
        response = http.request("GET", url, platform="Länkkort", timeout=PAGE_TIMEOUT, stream=True)
    except NetworkError as error:
        log.info("no link card image %s: %s", url, error)
        return None
    with response:
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if response.status_code != 200 or kind not in IMAGE_TYPES:
            return None
        try:
            body = _read_capped(response, max_bytes, truncate=False)
        except requests.RequestException:
            return None
    return (body, kind) if body else None
