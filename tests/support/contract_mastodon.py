"""Validates Mastodon requests and answers against the Mastodon OpenAPI document (openapi-core).

The document (abraham/mastodon-openapi, OpenAPI 3.1, in tests/data/specs/mastodon) describes
the REST API of a Mastodon instance at ``https://{hostname}``. Every request a test sends to
the emulated instance and every answer it gets is re-addressed to ``https://mastodon.example``
and validated by operation: the request's parameters and body, and the answer's status,
content type and body schema. The OAuth browser pages (``/oauth/authorize``) are HTML and not
described; they are listed as skipped.

The document's own check is skipped: it declares ``"default": "null"`` for an integer (the
oEmbed ``height``), which the strict document validator refuses; the schemas used here are
unaffected.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.deserializing.media_types.util import data_form_loads
from werkzeug.datastructures import ImmutableMultiDict

from desktop_app.networks.http import HttpClient

SPEC = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "specs"
    / "mastodon"
    / "mastodon-openapi-schema.json"
)
SERVER = "https://mastodon.example"
UNDESCRIBED = ("/oauth/authorize", "/system/")
_NUMERIC_SEGMENT = re.compile(r"/\d+(?=/|$)")


@lru_cache(maxsize=1)
def load_spec() -> OpenAPI:
    config = Config(
        spec_validator_cls=None,
        extra_media_type_deserializers={"multipart/form-data": _form_loads},
    )
    return OpenAPI.from_file_path(str(SPEC), config=config)


def operation(method: str, path: str) -> str:
    """``GET /api/v1/media/{id}`` for ``GET /api/v1/media/113...?x=1``."""
    template = _NUMERIC_SEGMENT.sub("/{id}", path.split("?", 1)[0])
    return f"{method} {template}"


@dataclass
class MastodonContract:
    """Collects and validates every exchange with the emulated instance at ``base``."""

    base: str  # e.g. http://127.0.0.1:PORT/mastodon
    checked: set[str] = field(default_factory=set)
    skipped: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)

    def check(self, response: requests.Response) -> None:
        with warnings.catch_warnings():
            # openapi-core has no provider for the document's OAuth 2 security scheme.
            warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)
            self._check(response)

    def _check(self, response: requests.Response) -> None:
        prepared = response.request
        url = str(prepared.url)
        if not url.startswith(self.base):
            return
        path = url[len(self.base) :]
        name = operation(str(prepared.method), path)
        if path.startswith(UNDESCRIBED) or response.status_code in (301, 302, 303):
            self.skipped.add(name)
            return
        headers, body = _as_json_if_form(dict(prepared.headers), prepared.body)
        readdressed = requests.Request(
            method=str(prepared.method), url=SERVER + path, headers=headers, data=body
        ).prepare()
        openapi_request = RequestsOpenAPIRequest(readdressed)
        try:
            load_spec().validate_request(openapi_request)
        except Exception as error:  # openapi-core raises several types; all are failures
            if _ambiguous_one_of(error):
                # The document declares POST /api/v1/statuses as oneOf(TextStatus,
                # MediaStatus, PollStatus), and a status with text AND media fits two of them;
                # Mastodon accepts it, so the ambiguity is the document's, not the request's.
                self.checked.add(f"{name} (body fits more than one oneOf branch)")
                return
            self.failures.append(f"request {name}: {type(error).__name__}: {_cause(error)}")
            return
        if response.status_code >= 500 and response.status_code not in (500, 503):
            self.skipped.add(f"{name} -> {response.status_code}")  # injected gateway faults
            return
        if _is_json(response) is False:
            self.skipped.add(f"{name} -> {response.status_code} (cut-off body)")  # bad-json fault
            return
        try:
            load_spec().validate_response(openapi_request, RequestsOpenAPIResponse(response))
        except Exception as error:
            label = f"{name} -> {response.status_code}"
            self.failures.append(f"answer {label}: {type(error).__name__}: {_cause(error)}")
            return
        self.checked.add(f"{name} -> {response.status_code}")

    def hook(self, response: requests.Response, *_args: Any, **_kwargs: Any) -> requests.Response:
        self.check(response)
        return response

    def session(self) -> requests.Session:
        """A plain session whose every exchange is validated."""
        session = requests.Session()
        session.trust_env = False
        session.hooks["response"].append(self.hook)
        return session

    def http_factory(self, inner: Callable[[], HttpClient]) -> Callable[[], HttpClient]:
        """The connector's HTTP clients, with every exchange validated."""

        def build() -> HttpClient:
            client = inner()
            client.session.hooks["response"].append(self.hook)
            return client

        return build

    def assert_valid(self) -> None:
        assert not self.failures, (
            "Mastodon exchanges that break the OpenAPI document:\n" + "\n".join(self.failures)
        )


def _cause(error: BaseException) -> str:
    """The schema's own complaints (without the whole value), else the error's first words."""
    messages: list[str] = []
    current: BaseException | None = error
    while current is not None:
        for detail in getattr(current, "schema_errors", None) or ():
            path = "/".join(str(p) for p in detail.absolute_path)
            messages.append(f"{path}: {detail.message}"[:200])
        current = current.__cause__
    return "; ".join(sorted(set(messages))) or str(error)[:300]


def _as_json_if_form(headers: dict[str, str], body: Any) -> tuple[dict[str, str], Any]:
    """A form-encoded body as the JSON the document describes.

    Mastodon (Rails) takes every body as JSON, form or multipart alike; the document lists only
    the JSON form for most operations. ``name[]`` fields become arrays.
    """
    kind = headers.get("Content-Type", "").split(";")[0].strip()
    if kind != "application/x-www-form-urlencoded" or body is None:
        return headers, body
    text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
    fields: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        if key.endswith("[]"):
            fields.setdefault(key[:-2], []).append(value)
        else:
            fields[key] = value
    if isinstance(fields.get("redirect_uris"), str):
        # POST /api/v1/apps: Mastodon's documentation says "String or Array of Strings"; the
        # OpenAPI document only the array.
        fields["redirect_uris"] = fields["redirect_uris"].split()
    encoded = json.dumps(fields).encode("utf-8")
    rest = {k: v for k, v in headers.items() if k.lower() not in ("content-type", "content-length")}
    return {**rest, "Content-Type": "application/json"}, encoded


def _ambiguous_one_of(error: BaseException) -> bool:
    details: list[Any] = []
    current: BaseException | None = error
    while current is not None:
        details.extend(getattr(current, "schema_errors", None) or ())
        current = current.__cause__
    return bool(details) and all(d.validator == "oneOf" and "each of" in d.message for d in details)


def _is_json(response: requests.Response) -> bool | None:
    """None for a body that is not meant to be JSON; else whether it parses."""
    if "json" not in response.headers.get("Content-Type", "") or not response.content:
        return None
    try:
        response.json()
    except ValueError:
        return False
    return True


def _form_loads(value: bytes, **parameters: str) -> Any:
    """multipart/form-data with file parts as text, so ``format: binary`` strings validate."""
    loaded = data_form_loads(value, **parameters)
    return ImmutableMultiDict(
        [
            (k, v.decode("latin-1") if isinstance(v, bytes) else v)
            for k, v in loaded.items(multi=True)
        ]
    )
