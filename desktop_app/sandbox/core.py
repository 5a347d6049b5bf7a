"""The pieces every emulated platform shares: requests, responses, the clock, rate windows.

Nothing here knows about a particular platform; nothing here imports from the rest of Kanal.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import struct
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, urlencode

# How many citizens' items (comments, mentions, replies, notifications) one account keeps; the
# oldest are pruned first so the simulated public cannot grow memory without bound.
PUBLIC_ITEMS_PER_ACCOUNT = 2000
# How many of the account's own posts are kept (oldest pruned first).
OWN_POSTS_PER_ACCOUNT = 5000


class SimClock:
    """Wall-clock time plus an offset that tests and trainers can move forward."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError("the simulated clock only moves forward, by a finite step")
        with self._lock:
            self._offset += seconds

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0

    @property
    def offset(self) -> float:
        return self._offset


def iso_z(ts: float, millis: bool = False) -> str:
    """2026-11-25T15:00:00Z (or with .000 milliseconds, as X and Mastodon write it)."""
    moment = datetime.fromtimestamp(ts, UTC)
    if millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> float:
    """Accepts the ISO 8601 forms the platforms accept; naive times are UTC."""
    text = value.strip()
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":" and text[-4:].isdigit():
        text = text[:-2] + ":" + text[-2:]  # +0000 -> +00:00
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


class CaseInsensitiveHeaders:
    """Request headers, looked up without regard to case."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._values: dict[str, str] = {}
        for name, value in pairs:
            self._values[name.lower()] = value

    def get(self, name: str, default: str = "") -> str:
        return self._values.get(name.lower(), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def items(self) -> list[tuple[str, str]]:
        """(lower-case name, value) pairs."""
        return list(self._values.items())


@dataclass
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Request:
    """One HTTP request as a platform sees it: ``path`` is what follows the platform prefix."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: CaseInsensitiveHeaders
    body: bytes
    platform_base: str  # e.g. http://127.0.0.1:PORT/x, as the client addressed it
    raw_query: str = ""
    _form: dict[str, list[str]] | None = field(default=None, repr=False)
    _files: dict[str, list[UploadedFile]] | None = field(default=None, repr=False)

    def arg(self, name: str) -> str | None:
        """A query-string value (first one)."""
        values = self.query.get(name)
        return values[0] if values else None

    def args(self, name: str) -> list[str]:
        """All values of a query parameter, accepting both ``name`` and ``name[]``."""
        return list(self.query.get(name, [])) + list(self.query.get(name + "[]", []))

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type").split(";")[0].strip().lower()

    def json(self) -> Any:
        """The body as JSON; raises ValueError when it is not."""
        if not self.body:
            raise ValueError("empty body")
        return json.loads(self.body.decode("utf-8"))

    def _parse_form(self) -> None:
        if self._form is not None:
            return
        self._form, self._files = {}, {}
        if self.content_type == "application/x-www-form-urlencoded":
            self._form = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        elif self.content_type == "multipart/form-data":
            self._form, self._files = parse_multipart(self.headers.get("content-type"), self.body)

    def form(self) -> dict[str, list[str]]:
        self._parse_form()
        assert self._form is not None
        return self._form

    def files(self) -> dict[str, list[UploadedFile]]:
        self._parse_form()
        assert self._files is not None
        return self._files

    def param(self, name: str) -> str | None:
        """A value from the query string or a form body (Graph and Mastodon accept both)."""
        value = self.arg(name)
        if value is not None:
            return value
        values = self.form().get(name)
        return values[0] if values else None

    def bearer(self) -> str | None:
        header = self.headers.get("authorization")
        scheme, _, token = header.partition(" ")
        if scheme.lower() in ("bearer", "oauth") and token and "=" not in token.split(",")[0]:
            return token.strip()
        return None


def parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, list[str]], dict[str, list[UploadedFile]]]:
    """Form fields and files of a multipart/form-data body."""
    fields: dict[str, list[str]] = {}
    files: dict[str, list[UploadedFile]] = {}
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return fields, files
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            upload = UploadedFile(filename, part.get_content_type(), data)
            files.setdefault(name, []).append(upload)
        else:
            charset = part.get_content_charset() or "utf-8"
            fields.setdefault(name, []).append(data.decode(charset, "replace"))
    return fields, files


@dataclass
class Response:
    """What a platform answers; ``drop`` closes the connection instead of answering."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def json_response(
    status: int,
    payload: Any,
    headers: list[tuple[str, str]] | None = None,
    content_type: str = "application/json; charset=utf-8",
    escape_slashes: bool = False,
) -> Response:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if escape_slashes:  # PHP's json_encode writes "\/" (WordPress)
        text = text.replace("/", "\\/")
    all_headers = [("Content-Type", content_type), *(headers or [])]
    return Response(status, text.encode("utf-8"), all_headers)


def html_response(status: int, html: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(
        status,
        html.encode("utf-8"),
        [("Content-Type", "text/html; charset=UTF-8"), *(headers or [])],
    )


def redirect(location: str) -> Response:
    return Response(302, b"", [("Location", location), ("Content-Type", "text/html")])


def with_query(url: str, params: dict[str, str]) -> str:
    joiner = "&" if "?" in url else "?"
    return url + joiner + urlencode(params)


class RateWindows:
    """Fixed-window request counters: (key) -> count within the current window."""

    def __init__(self, clock: SimClock) -> None:
        self._clock = clock
        self._windows: dict[tuple[str, ...], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: tuple[str, ...], limit: int, window_s: float) -> tuple[int, int, float]:
        """Count one request; returns (limit, remaining, reset_epoch). remaining < 0: exceeded."""
        now = self._clock.now()
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now >= start + window_s:
                start, count = now, 0
            count += 1
            self._windows[key] = (start, count)
            if len(self._windows) > 50_000:  # bounded: forget the oldest windows
                for old in list(self._windows)[:10_000]:
                    del self._windows[old]
        return limit, limit - count, start + window_s

    def exhaust(self, key: tuple[str, ...], limit: int, window_s: float) -> float:
        """Use up a window (the ``ratelimit`` fault); returns its reset epoch."""
        now = self._clock.now()
        with self._lock:
            start, _count = self._windows.get(key, (now, 0))
            if now >= start + window_s:
                start = now
            self._windows[key] = (start, limit)
        return start + window_s


def b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").lower().rstrip("=")


def cid_for(data: bytes, raw: bool = False) -> str:
    """A CIDv1 (sha-256; dag-cbor for records, raw for blobs) in base32, as atproto prints it."""
    codec = 0x55 if raw else 0x71
    return "b" + b32(bytes([0x01, codec, 0x12, 0x20]) + hashlib.sha256(data).digest())


def image_info(data: bytes) -> tuple[str, int, int] | None:
    """(mime type, width, height) of a PNG, GIF, JPEG or WebP image, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return "image/png", width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return "image/gif", width, height
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP" and len(data) >= 30:
        chunk = data[12:16]
        if chunk == b"VP8X":
            width = 1 + int.from_bytes(data[24:27], "little")
            height = 1 + int.from_bytes(data[27:30], "little")
            return "image/webp", width, height
        if chunk == b"VP8 ":
            width, height = struct.unpack("<HH", data[26:30])
            return "image/webp", width & 0x3FFF, height & 0x3FFF
        if chunk == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return "image/webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        return "image/webp", 0, 0
    if data.startswith(b"\xff\xd8"):
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                index += 1
                continue
            marker = data[index + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                index += 2
                continue
            length = struct.unpack(">H", data[index + 2 : index + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[index + 5 : index + 9])
                return "image/jpeg", width, height
            index += 2 + length
        return "image/jpeg", 0, 0
    return None
