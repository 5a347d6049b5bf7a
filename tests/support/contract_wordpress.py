"""WordPress contract checks: requests and answers against the REST route schemas.

A WordPress site publishes its contract itself: ``OPTIONS`` on a route answers the arguments
each method takes (``endpoints[].args``) and the JSON schema of the resource (``schema``).
tests/data/specs/wordpress holds those answers from a real WordPress 6.1 for posts, comments,
media and users/me; ``WordPressContract`` validates with jsonschema (draft 4, as WordPress
declares):

- the request: query arguments (and a JSON or form body) against the method's ``args``, with the
  value coercion WordPress applies to query strings (integers, booleans, comma lists); an
  argument the route does not declare is a failure (WordPress would silently ignore it);
- the answer: a 2xx JSON body (each item of a list; ``previous`` of a deletion) against the
  route's ``schema``, and an error body against WordPress's ``WP_Error`` envelope.

Item routes (``/wp/v2/posts/12``) take the collection's arguments for updates (WordPress
registers the same ones), ``context``/``password`` for reads and ``force`` for deletion.
Two PHP habits are accepted as WordPress itself produces them: an empty PHP array is ``[]``
where the schema says object (``meta``), and dates carry no offset (rest_parse_date's pattern).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from jsonschema import Draft4Validator, FormatChecker
from jsonschema.validators import extend

SPECS = Path(__file__).resolve().parents[1] / "data" / "specs" / "wordpress"
SPEC_FILES = {
    "posts": "options-posts.json",
    "comments": "options-comments.json",
    "media": "options-media.json",
    "users/me": "options-users_me.json",
}
ROUTE = re.compile(r"/wp/v2/(posts|comments|media|users/me)(?:/(\d+))?/?")
# rest_parse_date: RFC 3339 with the offset optional.
WP_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message", "data"],
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "data": {
            "type": ["object", "null"],
            "properties": {"status": {"type": "integer"}},
        },
    },
}
ITEM_READ_ARGS = ("context", "password")
ITEM_DELETE_ARGS: dict[str, Any] = {"force": {"type": "boolean"}, "password": {"type": "string"}}
_NOT_SCHEMA = ("context", "readonly", "arg_options", "default", "description")


def _php_object(_checker: Any, instance: Any) -> bool:
    """An object, or PHP's empty array (``[]``), which WordPress sends for an empty map."""
    return isinstance(instance, dict) or instance == []


_WordPressValidator = extend(
    Draft4Validator,
    type_checker=Draft4Validator.TYPE_CHECKER.redefine("object", _php_object),
)
_FORMATS = FormatChecker(formats=())
_FORMATS.checks("date-time")(
    lambda value: not isinstance(value, str) or bool(WP_DATE_TIME.match(value))
)


@lru_cache(maxsize=8)
def route_spec(name: str) -> dict[str, Any]:
    """The OPTIONS answer of ``/wp/v2/<name>`` (from the repository's spec files)."""
    loaded = json.loads((SPECS / SPEC_FILES[name]).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def clean_schema(schema: Any, required: bool = True) -> Any:
    """A WordPress arg/resource schema as plain draft 4: WordPress's own keywords are dropped;
    per-property ``required: true`` becomes the parent's ``required`` list for arguments, and
    is ignored for resources (there it means "required when creating")."""
    if isinstance(schema, list):
        return [clean_schema(item, required) for item in schema]
    if not isinstance(schema, dict):
        return schema
    cleaned = {
        key: clean_schema(value, required)
        for key, value in schema.items()
        if key not in _NOT_SCHEMA and not (key == "required" and isinstance(value, bool))
    }
    properties = schema.get("properties")
    if isinstance(properties, list):  # PHP's empty array: no properties declared
        properties = {}
    if isinstance(properties, dict):
        cleaned["properties"] = {
            name: clean_schema(sub, required) for name, sub in properties.items()
        }
        wanted = [
            name
            for name, sub in properties.items()
            if isinstance(sub, dict) and sub.get("required") is True
        ]
        if wanted and required:
            cleaned["required"] = wanted
    return cleaned


def resource_schema(name: str) -> dict[str, Any]:
    """The schema an answer of route ``name`` is checked against.

    Three places where WordPress's answers leave its own schema, checked against a real
    WordPress 6.1 (the same answers fail the schema there): ``status`` lists what may be *sent*,
    while answers also carry ``trash`` (a trashed post) and ``inherit`` (an attachment);
    an unattached attachment's ``post`` is null; ``locale`` lists the languages installed on the
    site the schema was read from (a Swedish authority's site has sv_SE). Only those checks are
    loosened; everything else is as published.
    """
    schema = clean_schema(route_spec(name)["schema"], required=False)
    properties = schema.get("properties", {})
    for loose in ("locale", "status"):
        if isinstance(properties.get(loose), dict):
            properties[loose].pop("enum", None)
    if name == "media" and isinstance(properties.get("post"), dict):
        properties["post"]["type"] = ["integer", "null"]
    return dict(schema)


def args_schema(args: dict[str, Any]) -> dict[str, Any]:
    """The object schema of a method's ``args``; undeclared arguments are not allowed.

    An argument declared as an object with a ``raw`` member (a post's title, content and
    excerpt, a comment's content) also takes a plain string: core registers those with
    ``validate_callback => null`` and reads either form in prepare_item_for_database (the
    OPTIONS answer does not show arg_options).
    """
    loosened = {}
    for name, arg in args.items():
        members = arg.get("properties") if isinstance(arg, dict) else None
        if isinstance(members, dict) and "raw" in members and arg.get("type") == "object":
            arg = {**arg, "type": ["object", "string"]}
        loosened[name] = arg
    return clean_schema({"type": "object", "properties": loosened, "additionalProperties": False})


def _types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type", [])
    return [declared] if isinstance(declared, str) else list(declared)


def coerce(value: str, schema: dict[str, Any]) -> Any:
    """A query-string value as WordPress reads it for the argument's declared type."""
    types = _types(schema)
    if "array" in types:
        items = schema.get("items") or {}
        return [coerce(part, items) for part in value.split(",") if part != ""]
    if "integer" in types and re.fullmatch(r"-?\d+", value):
        return int(value)
    if "number" in types and re.fullmatch(r"-?\d+(?:\.\d+)?", value):
        return float(value)
    if "boolean" in types and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    return value


def rest_route(url: str) -> str | None:
    """The REST route of a URL in either permalink form, or None for a page."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if "rest_route" in query:
        return query["rest_route"] or "/"
    marker = parts.path.find("/wp-json")
    if marker < 0:
        return None
    return parts.path[marker + len("/wp-json") :] or "/"


def method_args(name: str, method: str, item: bool) -> dict[str, Any]:
    """The arguments a route's method takes (see the module doc for item routes)."""
    spec = route_spec(name)
    endpoints = spec["endpoints"]

    def of(wanted: str) -> dict[str, Any]:
        for endpoint in endpoints:
            if wanted in endpoint["methods"]:
                return dict(endpoint["args"])
        return {}

    if not item:
        return of(method)
    if method == "GET":
        return {k: v for k, v in of("GET").items() if k in ITEM_READ_ARGS}
    if method == "DELETE":
        return dict(ITEM_DELETE_ARGS)
    return of("POST")


def operation(method: str, route: str) -> str:
    return f"{method} " + re.sub(r"/\d+(?=/|$)", "/{id}", route.rstrip("/"))


@dataclass
class WordPressContract:
    """Collects and validates WordPress traffic; ``failures`` lists every mismatch."""

    requests: bool = False
    answers: bool = True
    answers_apply: Callable[[], bool] = lambda: True
    checked: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    operations: set[str] = field(default_factory=set)

    def check(self, response: requests.Response) -> None:
        prepared = response.request
        method = str(prepared.method).upper()
        route = rest_route(str(prepared.url))
        if route is None:
            return  # a page (discovery), not the REST API
        label = f"{method} {route.split('?')[0]} -> {response.status_code}"
        match = ROUTE.fullmatch(route.split("?")[0])
        if match is None or method in ("OPTIONS", "HEAD"):
            self.skipped.append(label)
            return
        name, item = match.group(1), match.group(2) is not None
        problems: list[str] = []
        if self.requests:
            problems += self._request_problems(prepared, name, method, item)
        if self.answers and self.answers_apply():
            problems += self._answer_problems(response, name)
        if problems:
            self.failures += [f"{label}: {problem}" for problem in problems]
            return
        self.checked.append(label)
        self.operations.add(operation(method, route.split("?")[0]))

    def _request_problems(
        self, prepared: requests.PreparedRequest, name: str, method: str, item: bool
    ) -> list[str]:
        args = method_args(name, method, item)
        pairs = [
            (k, v)
            for k, v in parse_qsl(urlsplit(str(prepared.url)).query, keep_blank_values=True)
            if k != "rest_route"
        ]
        values: dict[str, Any] = {}
        for key, value in pairs:
            declared = args.get(key.removesuffix("[]"), {})
            values[key.removesuffix("[]")] = coerce(value, declared)
        values.update(_body_values(prepared, args))
        validator = _WordPressValidator(args_schema(args), format_checker=_FORMATS)
        return [f"request {_where(e)}: {e.message}" for e in validator.iter_errors(values)]

    def _answer_problems(self, response: requests.Response, name: str) -> list[str]:
        if not response.headers.get("Content-Type", "").startswith("application/json"):
            return [f"answer is {response.headers.get('Content-Type')!r}, not JSON"]
        try:
            body = response.json()
        except ValueError as error:
            return [f"answer is not JSON: {error}"]
        if response.status_code >= 400:
            validator = _WordPressValidator(ERROR_SCHEMA)
            return [f"error body {_where(e)}: {e.message}" for e in validator.iter_errors(body)]
        validator = _WordPressValidator(resource_schema(name), format_checker=_FORMATS)
        if isinstance(body, dict) and "deleted" in body:
            items = [body.get("previous")]
        else:
            items = body if isinstance(body, list) else [body]
        errors = [e for each in items for e in validator.iter_errors(each)]
        return [f"answer {_where(e)}: {e.message}" for e in errors]

    def hook(self, response: requests.Response, *_args: Any, **_kwargs: Any) -> requests.Response:
        self.check(response)
        return response

    def attach(self, session: requests.Session) -> None:
        """Validate every request this session sends and answer it receives (as configured)."""
        session.hooks["response"].append(self.hook)

    def assert_valid(self) -> None:
        assert not self.failures, "WordPress traffic that breaks the route schemas:\n" + "\n".join(
            self.failures
        )


def _body_values(prepared: requests.PreparedRequest, args: dict[str, Any]) -> dict[str, Any]:
    """A JSON or form body as argument values (a raw upload body has none)."""
    content_type = str(prepared.headers.get("Content-Type", ""))
    body = prepared.body
    if not body:
        return {}
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    if content_type.startswith("application/json"):
        loaded = json.loads(text)
        return dict(loaded) if isinstance(loaded, dict) else {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {k: coerce(v, args.get(k, {})) for k, v in parse_qsl(text, keep_blank_values=True)}
    return {}


def _where(error: Any) -> str:
    return "$" + "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in error.path)
