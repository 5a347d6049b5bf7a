"""Helpers for the WordPress contract tests: one target (sandbox or real site), plain HTTP to it,
and checks of response shapes and error bodies.

The tests talk to the REST API with `requests` directly: they pin down the platform's contract
(what Kanal's connector relies on), not the connector.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import requests

TIMEOUT_S = 30.0
RouteForm = Literal["pretty", "plain"]
ROUTE_FORMS: tuple[RouteForm, ...] = ("pretty", "plain")

# WordPress writes REST dates as site-local or UTC wall-clock time without an offset.
WP_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
DISCOVERY_REL = "https://api.w.org/"


@dataclass
class WordPressTarget:
    """A WordPress site under test: `site_url` is the site root (no trailing slash)."""

    name: str
    site_url: str
    username: str
    application_password: str
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        # Loopback only: a CI machine's proxy settings must not reroute these requests.
        self.session.trust_env = False

    def route_url(self, route: str, form: RouteForm = "pretty") -> str:
        """URL of a REST route such as `/wp/v2/posts`, in the pretty or the ?rest_route= form."""
        if form == "pretty":
            return f"{self.site_url}/wp-json{route}"
        return f"{self.site_url}/?rest_route={route}"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.username, self.application_password)

    def call(
        self,
        method: str,
        route: str,
        *,
        form: RouteForm = "pretty",
        auth: tuple[str, str] | Literal["user"] | None = "user",
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """One REST call; `auth="user"` signs in with the app password, None is anonymous."""
        credentials = self.auth if auth == "user" else auth
        return self.session.request(
            method,
            self.route_url(route, form),
            auth=credentials,
            params=dict(params) if params else None,
            json=json,
            data=data,
            headers=dict(headers) if headers else None,
            timeout=TIMEOUT_S,
            allow_redirects=False,
        )

    def close(self) -> None:
        self.session.close()


def unique(prefix: str = "kanal") -> str:
    """A token no other test run uses, safe in slugs, titles and comment text."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def json_body(response: requests.Response) -> Any:
    assert response.headers.get("Content-Type", "").startswith("application/json"), (
        f"{response.request.method} {response.url}: Content-Type "
        f"{response.headers.get('Content-Type')!r}, body {response.text[:300]!r}"
    )
    return response.json()


def expect_status(response: requests.Response, status: int) -> Any:
    """Asserts the HTTP status and returns the decoded JSON body."""
    assert response.status_code == status, (
        f"{response.request.method} {response.url}: expected {status}, got "
        f"{response.status_code}: {response.text[:500]}"
    )
    return json_body(response)


def expect_error(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    """Asserts WordPress's error body `{"code","message","data":{"status"}}` with these values."""
    body = expect_status(response, status)
    assert_shape(body, {"code": str, "message": str, "data": {"status": int}}, "error")
    assert body["code"] == code, f"error code {body['code']!r}, expected {code!r}: {body}"
    assert body["data"]["status"] == status, body
    assert body["message"].strip(), body
    return body


# A shape is a dict of key -> type, tuple of types, nested shape, or [shape] for a list of them.
Shape = Mapping[str, Any]


def assert_shape(value: Any, shape: Any, path: str = "$") -> None:
    """Asserts `value` has at least the keys of `shape`, each of the given type (recursively)."""
    if isinstance(shape, Mapping):
        assert isinstance(value, dict), f"{path}: expected an object, got {value!r:.200}"
        missing = [key for key in shape if key not in value]
        assert not missing, f"{path}: missing keys {missing}; has {sorted(value)}"
        for key, sub in shape.items():
            assert_shape(value[key], sub, f"{path}.{key}")
    elif isinstance(shape, list):
        assert isinstance(value, list), f"{path}: expected a list, got {value!r:.200}"
        for index, item in enumerate(value):
            assert_shape(item, shape[0], f"{path}[{index}]")
    else:
        types = shape if isinstance(shape, tuple) else (shape,)
        # bool is an int in Python; WordPress's JSON keeps them apart, so must the sandbox.
        if bool not in types and isinstance(value, bool):
            raise AssertionError(f"{path}: expected {types}, got a boolean {value!r}")
        assert isinstance(value, types), f"{path}: expected {types}, got {value!r:.200}"


def assert_wp_date(value: Any, path: str) -> datetime:
    """Asserts a REST date string (no offset) and returns it as an aware UTC datetime."""
    assert isinstance(value, str) and WP_DATE.match(value), f"{path}: not a WP date: {value!r}"
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


def wp_gmt(moment: datetime) -> str:
    """A UTC moment in the format WordPress takes and returns for `date_gmt`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def link_targets(header: str) -> dict[str, str]:
    """Parses an RFC 8288 `Link` header into rel -> URL."""
    targets: dict[str, str] = {}
    for part in re.finditer(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)", header):
        url, params = part.group(1), part.group(2)
        rel = re.search(r'rel\s*=\s*"?([^";,]+)"?', params)
        if rel:
            targets[rel.group(1)] = url
    return targets


def same_origin_path(url: str) -> str:
    """The path and query of a URL (for comparing links across hosts and ports)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def png_image(width: int = 16, height: int = 12) -> bytes:
    """A small real PNG image."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 94, 184)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- the fields a connector reads, and their JSON types -----------------------------------------

RENDERED = {"rendered": str}
RAW_AND_RENDERED = {"raw": str, "rendered": str}

POST_VIEW_SHAPE: Shape = {
    "id": int,
    "date": str,
    "date_gmt": str,
    "modified_gmt": str,
    "slug": str,
    "status": str,
    "type": str,
    "link": str,
    "title": RENDERED,
    "content": {"rendered": str, "protected": bool},
    "excerpt": {"rendered": str, "protected": bool},
    "author": int,
    "featured_media": int,
    "comment_status": str,
}
POST_EDIT_SHAPE: Shape = {
    **POST_VIEW_SHAPE,
    "title": RAW_AND_RENDERED,
    "content": {"raw": str, "rendered": str, "protected": bool},
    "generated_slug": str,
}
MEDIA_SHAPE: Shape = {
    "id": int,
    "date_gmt": str,
    "slug": str,
    "status": str,
    "type": str,
    "link": str,
    "title": RAW_AND_RENDERED,
    "author": int,
    "alt_text": str,
    "media_type": str,
    "mime_type": str,
    "source_url": str,
    "media_details": dict,
}
COMMENT_SHAPE: Shape = {
    "id": int,
    "post": int,
    "parent": int,
    "author": int,
    "author_name": str,
    "date": str,
    "date_gmt": str,
    "content": RENDERED,
    "link": str,
    "status": str,
    "type": str,
    "author_avatar_urls": dict,
}
COMMENT_EDIT_SHAPE: Shape = {
    **COMMENT_SHAPE,
    "content": RAW_AND_RENDERED,
    "author_email": str,
}
USER_ME_SHAPE: Shape = {"id": int, "name": str, "slug": str, "link": str, "avatar_urls": dict}
USER_ME_EDIT_SHAPE: Shape = {
    **USER_ME_SHAPE,
    "username": str,
    "email": str,
    "roles": [str],
    "capabilities": dict,
}
