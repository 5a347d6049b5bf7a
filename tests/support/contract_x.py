"""X contract checks with openapi-core: requests the connector sends, answers the emulator gives.

``XContract`` re-addresses each request to the document's server (https://api.x.com) and
validates it by operation (path, query, body, security) and/or the answer (status, content type,
body schema). Routes the documents do not describe (the OAuth 2.0 browser and token endpoints,
avatars) are collected as skipped.

The v2.159 document marks ``meta`` as required in media-upload answers although it declares no
such property and the real API sends none; v2.167 fixed that. Media-upload operations are
therefore validated against v2.167 and everything else against v2.159; both documents describe
the chunked upload the same way (initialize, append, finalize, status).

Use ``x_contract_http`` to get an ``HttpClient`` for a connector whose every request and answer
is checked, then ``contract.assert_valid()`` (the fixture helpers do it at teardown).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.deserializing.media_types.datatypes import MediaTypeDeserializersDict

X_SERVER = "https://api.x.com"
UNDESCRIBED = ("/2/oauth2/", "/i/oauth2/", "/avatars/")
SPECS = Path(__file__).resolve().parents[1] / "data" / "specs"


@lru_cache(maxsize=2)
def load_spec(name: str) -> OpenAPI:
    path = SPECS / "x" / name
    if not path.exists():
        pytest.fail(f"the X OpenAPI document {path} is missing from the repository")
    deserializers: MediaTypeDeserializersDict = {"application/problem+json": _json}
    if name == "openapi-v2.167.json":
        # v2.167 repeats an enum value ("attachments.media_keys"), which the strict document
        # check rejects; the schemas used here are unaffected, so only that check is skipped.
        config = Config(extra_media_type_deserializers=deserializers, spec_validator_cls=None)
    else:
        config = Config(extra_media_type_deserializers=deserializers)
    return OpenAPI.from_file_path(str(path), config=config)


def _json(value: bytes) -> Any:
    return json.loads(value)


def _text_headers(headers: Any) -> dict[str, str]:
    """Header values as text (requests-oauthlib leaves some as bytes after signing)."""
    return {
        str(name): value.decode("latin-1") if isinstance(value, bytes) else str(value)
        for name, value in headers.items()
    }


def operation(method: str, path: str) -> str:
    """A label for an operation: the method and the path with ids as ``{id}``."""
    parts = ["{id}" if part.isdigit() and len(part) > 3 else part for part in path.split("/")]
    return f"{method} {'/'.join(parts)}"


@dataclass
class XContract:
    """Collects and validates X traffic; ``failures`` lists every mismatch.

    ``requests``: validate what the client sent (a connector's requests); ``answers``: validate
    what came back, unless ``answers_apply()`` says otherwise (e.g. while faults are injected).
    """

    x_base: str  # e.g. http://127.0.0.1:PORT/x
    requests: bool = False
    answers: bool = True
    answers_apply: Callable[[], bool] = lambda: True
    checked: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    operations: set[str] = field(default_factory=set)

    def check(self, response: requests.Response) -> None:
        prepared = response.request
        url = str(prepared.url)
        if not url.startswith(self.x_base):
            return
        path = url[len(self.x_base) :]
        bare = path.split("?")[0]
        label = f"{prepared.method} {bare} -> {response.status_code}"
        if path.startswith(UNDESCRIBED) or response.status_code in (301, 302):
            self.skipped.append(label)
            return
        spec = load_spec(
            "openapi-v2.167.json" if path.startswith("/2/media/upload") else "openapi-v2.159.json"
        )
        readdressed = requests.Request(
            method=str(prepared.method),
            url=X_SERVER + path,
            headers=_text_headers(prepared.headers),
            data=prepared.body if prepared.body is not None else None,
        ).prepare()
        openapi_request = RequestsOpenAPIRequest(readdressed)
        try:
            if self.requests:
                with warnings.catch_warnings():
                    # openapi-core cannot check OAuth 2.0 schemes themselves; the rest of the
                    # request (path, query, body) is validated.
                    warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)
                    spec.validate_request(openapi_request)
            if self.answers and self.answers_apply():
                spec.validate_response(openapi_request, RequestsOpenAPIResponse(response))
        except Exception as error:  # openapi-core raises several error types; all are failures
            cause = error.__cause__ or error
            self.failures.append(f"{label}: {type(error).__name__}: {cause}")
            return
        self.checked.append(label)
        self.operations.add(operation(str(prepared.method), bare))

    def hook(self, response: requests.Response, *_args: Any, **_kwargs: Any) -> requests.Response:
        self.check(response)
        return response

    def attach(self, session: requests.Session) -> None:
        """Validate every answer this session receives (and, if asked, its requests)."""
        session.hooks["response"].append(self.hook)

    def session(self) -> requests.Session:
        """A session whose every response is validated."""
        session = requests.Session()
        session.trust_env = False
        self.attach(session)
        return session

    def assert_valid(self) -> None:
        assert not self.failures, "X traffic that breaks the OpenAPI contract:\n" + "\n".join(
            self.failures
        )
