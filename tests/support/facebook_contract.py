"""Graph API contract checks built from Meta's node specs and real sample answers (tests/data).

Each node spec (``Page.json`` …) lists a node's fields with their types and its edges with their
parameters; the samples show the envelopes (``data``/``paging``/``summary``, cursor and time
paging). From them this module builds JSON Schemas (checked with ``jsonschema``) for answers and a
parameter check for requests. A ``GraphContract`` records every exchange of an HTTP session (a
response hook) and names the operations it validated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from jsonschema import Draft202012Validator

SPECS = Path(__file__).resolve().parents[1] / "data" / "specs" / "facebook"
SAMPLES = SPECS / "sample-responses"
DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$"
# Parameters every Graph read takes (field selection, paging, the token), not listed per edge.
GENERIC_PARAMS = frozenset(
    {"access_token", "fields", "limit", "after", "before", "since", "until", "summary", "pretty"}
    | {"__paging_token", "__previous", "method"}
)
_SCALARS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "bool": {"type": "boolean"},
    "int": {"type": "integer"},
    "unsigned int": {"type": "integer", "minimum": 0},
    "float": {"type": "number"},
    "datetime": {"type": "string", "pattern": DATETIME},
}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "type", "code", "fbtrace_id"],
            "additionalProperties": False,
            "properties": {
                "message": {"type": "string"},
                "type": {"type": "string"},
                "code": {"type": "integer"},
                "error_subcode": {"type": "integer"},
                "error_user_title": {"type": "string"},
                "error_user_msg": {"type": "string"},
                "is_transient": {"type": "boolean"},
                "fbtrace_id": {"type": "string"},
            },
        }
    },
}
TOKEN_SCHEMA: dict[str, Any] = {  # Meta's "Long-Lived Access Tokens" sample answer
    "type": "object",
    "required": ["access_token", "token_type", "expires_in"],
    "additionalProperties": False,
    "properties": {
        "access_token": {"type": "string"},
        "token_type": {"const": "bearer"},
        "expires_in": {"type": "integer", "minimum": 1},
    },
}
DEBUG_TOKEN_SCHEMA: dict[str, Any] = {  # Meta's debug_token reference (fields of `data`)
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "object",
            "required": ["app_id", "type", "is_valid", "expires_at", "scopes"],
            "additionalProperties": False,
            "properties": {
                "app_id": {"type": "string"},
                "type": {"enum": ["USER", "PAGE", "APP", "SYSTEM_USER"]},
                "application": {"type": "string"},
                "data_access_expires_at": {"type": "integer"},
                "expires_at": {"type": "integer"},
                "is_valid": {"type": "boolean"},
                "issued_at": {"type": "integer"},
                "scopes": {"type": "array", "items": {"type": "string"}},
                "granular_scopes": {"type": "array", "items": {"type": "object"}},
                "user_id": {"type": "string"},
                "profile_id": {"type": "string"},
                "error": {"type": "object"},
            },
        }
    },
}


def _load(name: str) -> Any:
    return json.loads((SPECS / name).read_text(encoding="utf-8"))


@cache
def enums() -> dict[str, list[str]]:
    return {e["name"]: list(e["values"]) for e in _load("enum_types.json")}


@cache
def node_spec(node: str) -> dict[str, Any]:
    spec: dict[str, Any] = _load(f"{node}.json")
    return spec


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def type_schema(type_name: str) -> dict[str, Any]:
    """The JSON Schema of one spec field type (``list<string>``, ``datetime``, an enum …)."""
    if type_name in _SCALARS:
        return dict(_SCALARS[type_name])
    if type_name in enums():
        return {"enum": enums()[type_name]}
    inner = re.fullmatch(r"list<(.+)>", type_name)
    if inner:
        return {"type": "array", "items": type_schema(inner.group(1))}
    if type_name == "list":
        return {"type": "array"}
    return {"type": "object"}  # another node (User, Page …), Object or map<…>


def node_schema(node: str, extra_fields: Iterable[str] = ()) -> dict[str, Any]:
    """A node as Graph returns it: only the spec's fields (plus ``extra_fields`` that a real
    sample shows on that edge), each of its type; ``id`` always there."""
    properties = {f["name"]: type_schema(f["type"]) for f in node_spec(node)["fields"]}
    for name in extra_fields:
        properties.setdefault(name, {})
    return {
        "type": "object",
        "required": ["id"],
        "additionalProperties": False,
        "properties": properties,
    }


def _sample_item_keys(name: str) -> set[str]:
    return {key for item in sample(name)["data"] for key in item}


CURSOR_PAGING: dict[str, Any] = {
    "type": "object",
    "required": ["cursors"],
    "additionalProperties": False,
    "properties": {
        "cursors": {
            "type": "object",
            "required": ["before", "after"],
            "additionalProperties": False,
            "properties": {"before": {"type": "string"}, "after": {"type": "string"}},
        },
        "next": {"type": "string", "pattern": r"^https?://"},
        "previous": {"type": "string", "pattern": r"^https?://"},
    },
}
TIME_PAGING: dict[str, Any] = {  # the posts samples: links only, never cursors
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "next": {"type": "string", "pattern": r"^https?://"},
        "previous": {"type": "string", "pattern": r"^https?://"},
    },
}


def list_schema(item: dict[str, Any], paging: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["data"],
        "additionalProperties": False,
        "properties": {
            "data": {"type": "array", "items": item},
            "paging": paging,
            "summary": {"type": "object"},
        },
    }


def _link_keys(url: str) -> set[str]:
    """The query keys of a paging link that carry a value (what the link pages by)."""
    ignored = {"access_token", "pretty", "fields", "limit", "summary", "filter", "order"}
    return {k for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if v} - ignored


def time_link_keys() -> tuple[set[str], set[str]]:
    """(keys of `next`, keys of `previous`) as the real time-paged posts sample has them."""
    paging = sample("apidata_posts_feed_fields_p1.json")["paging"]
    return _link_keys(paging["next"]), _link_keys(paging["previous"])


FEED_EDGES = ("feed", "posts", "visitor_posts", "published_posts", "tagged")


@dataclass(frozen=True)
class Operation:
    name: str  # e.g. "GET /{page-id}/feed"
    answer: dict[str, Any]
    spec_params: tuple[str, str, str | None] | None = None  # (node, method, edge) for requests
    time_paged: bool = False


def operations() -> dict[str, Operation]:
    comment_item = node_schema("Comment")
    post_item = node_schema("PagePost")
    page_item = node_schema("Page", _sample_item_keys("apidata_users_user_accounts_p1.json"))
    photo_item = node_schema("Photo")
    created = {
        "type": "object",
        "required": ["id"],
        "additionalProperties": False,
        "properties": {"id": {"type": "string"}, "post_id": {"type": "string"}},
    }
    success = {
        "type": "object",
        "required": ["success"],
        "additionalProperties": False,
        "properties": {"success": {"type": "boolean"}},
    }
    ops = [
        Operation("GET /me/accounts", list_schema(page_item, CURSOR_PAGING)),
        Operation(
            "GET /{page-id}/feed",
            list_schema(post_item, TIME_PAGING),
            ("Page", "GET", "feed"),
            time_paged=True,
        ),
        Operation(
            "GET /{page-id}/visitor_posts",
            list_schema(post_item, TIME_PAGING),
            ("Page", "GET", "visitor_posts"),
            time_paged=True,
        ),
        Operation(
            "GET /{page-id}/scheduled_posts",
            list_schema(post_item, TIME_PAGING),
            ("Page", "GET", "scheduled_posts"),
            time_paged=True,
        ),
        Operation("POST /{page-id}/feed", created, ("Page", "POST", "feed")),
        Operation("POST /{page-id}/photos", created, ("Page", "POST", "photos")),
        Operation("GET /{page-id}/photos", list_schema(photo_item, CURSOR_PAGING)),
        Operation(
            "GET /{object-id}/comments",
            list_schema(comment_item, CURSOR_PAGING),
            ("PagePost", "GET", "comments"),
        ),
        Operation(
            "POST /{object-id}/comments",
            node_schema("Comment"),
            ("PagePost", "POST", "comments"),
        ),
        Operation("GET /{page-id}", node_schema("Page")),
        Operation("GET /{post-id}", post_item, ("PagePost", "GET", None)),
        Operation("GET /{comment-id}", comment_item, ("Comment", "GET", None)),
        Operation("GET /{photo-id}", photo_item, ("Photo", "GET", None)),
        Operation("POST /{post-id}", success, ("PagePost", "POST", None)),
        Operation("POST /{comment-id}", success, ("Comment", "POST", None)),
        Operation("DELETE /{post-id}", success, ("PagePost", "DELETE", None)),
        Operation("DELETE /{comment-id}", success, ("Comment", "DELETE", None)),
        Operation("GET /me", node_schema("User")),
        Operation("GET /oauth/access_token", TOKEN_SCHEMA),
        Operation("GET /debug_token", DEBUG_TOKEN_SCHEMA),
    ]
    return {op.name: op for op in ops}


def spec_params(node: str, method: str, edge: str | None) -> dict[str, str]:
    """name -> type of the parameters the spec lists for ``method /{node}/{edge}``."""
    for api in node_spec(node)["apis"]:
        if api["method"] == method and api.get("endpoint") == edge:
            return {p["name"]: p["type"] for p in api.get("params", [])}
    raise KeyError(f"{node} has no {method} {edge}")


@dataclass
class GraphContract:
    """Validates every recorded Graph exchange; ``page_ids`` tell posts from comments."""

    page_ids: tuple[str, ...]
    violations: list[str] = field(default_factory=list)
    validated: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)

    def classify(self, method: str, path: str) -> str | None:
        parts = [p for p in re.sub(r"^/facebook", "", path).split("/") if p]
        if parts and re.fullmatch(r"v\d+\.\d+", parts[0]):
            parts = parts[1:]
        if parts in (["me", "accounts"], ["oauth", "access_token"], ["debug_token"], ["me"]):
            return f"{method} /{'/'.join(parts)}"
        if not parts or len(parts) > 2:
            return None
        object_id = parts[0]
        if object_id in self.page_ids:
            kind = "page-id"
        elif object_id.split("_")[0] in self.page_ids:
            kind = "post-id"
        elif "_" in object_id:
            kind = "comment-id"
        else:
            kind = "photo-id"
        if len(parts) == 1:
            return f"{method} /{{{kind}}}"
        if parts[1] == "comments":
            return f"{method} /{{object-id}}/comments"
        return f"{method} /{{{kind}}}/{parts[1]}"

    def record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """A ``requests`` response hook."""
        request = response.request
        url = urlsplit(str(request.url))
        name = self.classify(str(request.method), url.path)
        operation = operations().get(name or "")
        if operation is None:
            self.unknown.add(f"{request.method} {url.path}")
            return
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        params.update(_body_params(request))
        self.check_request(operation, params)
        self.check_answer(operation, response.status_code, response.json())

    def check_request(self, operation: Operation, params: dict[str, str]) -> None:
        if operation.spec_params is None:
            return
        allowed = spec_params(*operation.spec_params)
        for raw_name, value in params.items():
            name = re.sub(r"\[\d+\]$", "", raw_name)
            if name in GENERIC_PARAMS:
                continue
            if name not in allowed:
                self.violations.append(f"{operation.name}: parameter {name!r} is not in the spec")
            elif allowed[name] in enums() and value not in enums()[allowed[name]]:
                self.violations.append(f"{operation.name}: {name}={value!r} is not allowed")

    def check_answer(self, operation: Operation, status: int, body: Any) -> None:
        schema = ERROR_SCHEMA if status >= 400 else operation.answer
        errors = sorted(Draft202012Validator(schema).iter_errors(body), key=lambda e: e.path)
        for error in errors:
            where = "/".join(str(p) for p in error.path)
            self.violations.append(f"{operation.name} ({status}) at {where}: {error.message}")
        if status < 400 and operation.time_paged:
            self.check_time_links(operation, body.get("paging") or {})
        self.validated.add(operation.name if status < 400 else f"{operation.name} (error)")

    def check_time_links(self, operation: Operation, paging: dict[str, Any]) -> None:
        next_keys, previous_keys = time_link_keys()
        for link, wanted in (("next", next_keys), ("previous", previous_keys)):
            if link in paging and not wanted <= _link_keys(paging[link]):
                self.violations.append(
                    f"{operation.name}: paging.{link} lacks {sorted(wanted)} (the posts sample)"
                )

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        session.hooks["response"].append(self.record)
        return session

    def assert_valid(self) -> None:
        assert not self.violations, "\n".join(self.violations)


def _body_params(request: requests.PreparedRequest) -> dict[str, str]:
    body = request.body
    if not body:
        return {}
    content_type = str(request.headers.get("Content-Type", ""))
    raw = body if isinstance(body, bytes) else str(body).encode()
    if content_type.startswith("multipart/form-data"):
        # Form fields only: the file part (``source``) is an upload, which the specs leave out.
        fields = re.findall(rb'; name="([^"]+)"(; filename=)?', raw)
        return {name.decode(): "" for name, is_file in fields if not is_file}
    return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
