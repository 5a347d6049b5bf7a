"""Validates Bluesky XRPC requests and answers against the AT Protocol lexicons in tests/data.

No kept Python library validates data against lexicons (the official validators are the
TypeScript ``@atproto/lexicon`` and Go ``indigo``), so this is a small validator of the lexicon
type system as the specification (atproto.com/specs/lexicon) describes it: null, boolean,
integer, string (with its formats and byte/grapheme lengths), bytes, cid-link, blob (accept,
maxSize), array, object, params, token, ref, union (open and closed), unknown, record.

Every exchange with the emulated PDS is checked by method NSID: a query's parameters, a
procedure's JSON input, a 200 answer's JSON output, and an error answer's XRPC envelope
(``{"error", "message"}``). ``createRecord`` takes its record as ``unknown``; the record is
also checked against its collection's lexicon (``app.bsky.feed.post``). A reference to a
lexicon that is not in tests/data is not followed and is listed in ``unresolved``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import grapheme
import requests

from desktop_app.networks.http import HttpClient

LEXICONS = Path(__file__).resolve().parents[1] / "data" / "specs" / "bluesky" / "lexicons"

_FORMATS: dict[str, re.Pattern[str]] = {
    "did": re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$"),
    "handle": re.compile(
        r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
    ),
    "nsid": re.compile(
        r"^[a-zA-Z]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)+$"
    ),
    "at-uri": re.compile(r"^at://[^\s/]+(/[a-zA-Z0-9.-]+(/[a-zA-Z0-9._:~-]+)?)?$"),
    "uri": re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$"),
    "cid": re.compile(r"^(b[a-z2-7]{8,}|Qm[1-9A-HJ-NP-Za-km-z]{44})$"),
    "language": re.compile(r"^(i|[a-z]{2,3})(-[a-zA-Z0-9]+)*$"),
    "tid": re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$"),
    "record-key": re.compile(r"^[a-zA-Z0-9_~.:-]{1,512}$"),
}


def _is_datetime(value: str) -> bool:
    if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _format_ok(kind: str, value: str) -> bool:
    if kind == "datetime":
        return _is_datetime(value)
    if kind == "at-identifier":
        return bool(_FORMATS["did"].match(value) or _FORMATS["handle"].match(value))
    pattern = _FORMATS.get(kind)
    return pattern is None or bool(pattern.match(value))


@lru_cache(maxsize=1)
def load_lexicons() -> dict[str, dict[str, Any]]:
    """Every lexicon document in tests/data, by its NSID."""
    documents = {}
    for path in sorted(LEXICONS.rglob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        documents[document["id"]] = document
    return documents


@dataclass
class Validator:
    """Checks values against lexicon definitions; collects problems and unresolved refs."""

    problems: list[str] = field(default_factory=list)
    unresolved: set[str] = field(default_factory=set)

    def resolve(self, ref: str, nsid: str) -> tuple[str, dict[str, Any]] | None:
        target, _, name = ref.partition("#")
        target = target or nsid
        document = load_lexicons().get(target)
        definition = document["defs"].get(name or "main") if document else None
        if definition is None:
            self.unresolved.add(f"{target}#{name or 'main'}")
            return None
        return target, definition

    def check(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        kind = str(schema.get("type"))
        handler = _TYPES.get(kind)
        if handler is None:
            self.problems.append(f"{where}: the lexicon type {kind!r} is not known")
            return
        handler(self, schema, value, where, nsid)

    def _fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def _null(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        if value is not None:
            self._fail(where, "must be null")

    def _boolean(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        if not isinstance(value, bool):
            self._fail(where, "must be a boolean")
        elif "const" in schema and value != schema["const"]:
            self._fail(where, f"must be {schema['const']}")

    def _integer(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self._fail(where, "must be an integer")
            return
        if "minimum" in schema and value < schema["minimum"]:
            self._fail(where, f"must be at least {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            self._fail(where, f"must be at most {schema['maximum']}")
        if "enum" in schema and value not in schema["enum"]:
            self._fail(where, f"must be one of {schema['enum']}")

    def _string(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        if not isinstance(value, str):
            self._fail(where, "must be a string")
            return
        size = len(value.encode("utf-8"))  # maxLength counts UTF-8 bytes
        if "maxLength" in schema and size > schema["maxLength"]:
            self._fail(where, f"must be at most {schema['maxLength']} bytes")
        if "minLength" in schema and size < schema["minLength"]:
            self._fail(where, f"must be at least {schema['minLength']} bytes")
        if "maxGraphemes" in schema and grapheme.length(value) > schema["maxGraphemes"]:
            self._fail(where, f"must be at most {schema['maxGraphemes']} graphemes")
        if "enum" in schema and value not in schema["enum"]:
            self._fail(where, f"must be one of {schema['enum']}")
        if "const" in schema and value != schema["const"]:
            self._fail(where, f"must be {schema['const']!r}")
        if "format" in schema and not _format_ok(schema["format"], value):
            self._fail(where, f"is not a valid {schema['format']}: {value[:80]!r}")

    def _bytes(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        if not (isinstance(value, dict) and isinstance(value.get("$bytes"), str)):
            self._fail(where, 'must be bytes ({"$bytes": ...})')

    def _cid_link(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        if not (isinstance(value, dict) and _format_ok("cid", str(value.get("$link", "")))):
            self._fail(where, 'must be a CID link ({"$link": ...})')

    def _blob(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        if not isinstance(value, dict) or value.get("$type") != "blob":
            self._fail(where, 'must be a blob ({"$type": "blob", ...})')
            return
        self._cid_link({}, value.get("ref"), f"{where}/ref", nsid)
        mime, size = value.get("mimeType"), value.get("size")
        if not isinstance(mime, str) or isinstance(size, bool) or not isinstance(size, int):
            self._fail(where, "a blob needs mimeType and size")
            return
        accept = schema.get("accept")
        if accept and not any(
            a == "*/*" or a == mime or (a.endswith("/*") and mime.startswith(a[:-1]))
            for a in accept
        ):
            self._fail(where, f"{mime} is not one of {accept}")
        if "maxSize" in schema and size > schema["maxSize"]:
            self._fail(where, f"{size} bytes is over maxSize {schema['maxSize']}")

    def _array(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        if not isinstance(value, list):
            self._fail(where, "must be an array")
            return
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            self._fail(where, f"must have at most {schema['maxLength']} items")
        if "minLength" in schema and len(value) < schema["minLength"]:
            self._fail(where, f"must have at least {schema['minLength']} items")
        for index, item in enumerate(value):
            self.check(schema["items"], item, f"{where}/{index}", nsid)

    def _object(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        if not isinstance(value, dict):
            self._fail(where, "must be an object")
            return
        nullable = set(schema.get("nullable", []))
        for name in schema.get("required", []):
            if name not in value:
                self._fail(where, f'must have the property "{name}"')
        for name, property_schema in schema.get("properties", {}).items():
            if name not in value or (value[name] is None and name in nullable):
                continue
            self.check(property_schema, value[name], f"{where}/{name}", nsid)

    def _params(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        self._object(schema, value, where, nsid)

    def _token(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        self._fail(where, "a token is not a value")

    def _unknown(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        if not isinstance(value, dict):
            self._fail(where, "an unknown must be an object")

    def _ref(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        resolved = self.resolve(schema["ref"], nsid)
        if resolved is not None:
            self.check(resolved[1], value, where, resolved[0])

    def _record(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        self.check(schema["record"], value, where, nsid)

    def _union(self, schema: dict[str, Any], value: Any, where: str, nsid: str) -> None:
        if not isinstance(value, dict) or not isinstance(value.get("$type"), str):
            self._fail(where, 'a union member must be an object with "$type"')
            return
        kind = value["$type"]
        wanted = kind[: -len("#main")] if kind.endswith("#main") else kind
        for ref in schema.get("refs", []):
            full = ref if not ref.startswith("#") else f"{nsid}{ref}"
            if full == wanted or full == f"{wanted}#main":
                self._ref({"ref": full}, value, where, nsid)
                return
        if schema.get("closed"):
            self._fail(where, f"$type {kind} is not one of {schema.get('refs')}")


_TYPES: dict[str, Callable[[Validator, dict[str, Any], Any, str, str], None]] = {
    "null": Validator._null,
    "boolean": Validator._boolean,
    "integer": Validator._integer,
    "string": Validator._string,
    "bytes": Validator._bytes,
    "cid-link": Validator._cid_link,
    "blob": Validator._blob,
    "array": Validator._array,
    "object": Validator._object,
    "params": Validator._params,
    "token": Validator._token,
    "unknown": Validator._unknown,
    "ref": Validator._ref,
    "record": Validator._record,
    "union": Validator._union,
}


def _query_params(schema: dict[str, Any], url: str) -> dict[str, Any]:
    """A query's string parameters typed as the lexicon declares them."""
    raw = parse_qs(urlsplit(url).query, keep_blank_values=True)
    typed: dict[str, Any] = {}
    for name, values in raw.items():
        kind = schema.get("properties", {}).get(name, {}).get("type")
        if kind == "array":
            typed[name] = values
        elif kind == "integer":
            typed[name] = int(values[0]) if values[0].lstrip("-").isdigit() else values[0]
        elif kind == "boolean":
            typed[name] = {"true": True, "false": False}.get(values[0], values[0])
        else:
            typed[name] = values[0]
    return typed


@dataclass
class BlueskyContract:
    """Collects and validates every XRPC exchange with the emulated PDS hosts under ``base``."""

    base: str  # e.g. http://127.0.0.1:PORT/bluesky
    # True for a client's requests (each must be valid); False for tests that send invalid
    # requests on purpose, which the emulator must then refuse (an XRPC error, never a 200).
    strict_requests: bool = True
    checked: set[str] = field(default_factory=set)
    undescribed: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    validator: Validator = field(default_factory=Validator)

    def check(self, response: requests.Response) -> None:
        prepared = response.request
        url = str(prepared.url)
        if not url.startswith(self.base) or "/xrpc/" not in url:
            return
        nsid = urlsplit(url).path.split("/xrpc/", 1)[1]
        document = load_lexicons().get(nsid)
        method = (document or {}).get("defs", {}).get("main")
        if method is None:
            self.undescribed.add(nsid)
            return
        before = len(self.validator.problems)
        self._check_request(nsid, method, prepared)
        invalid = self.validator.problems[before:]
        if invalid and not self.strict_requests:
            del self.validator.problems[before:]
            if 200 <= response.status_code < 300:
                self.failures.append(f"{nsid}: accepted a request the lexicon refuses: {invalid}")
                return
        self._check_answer(nsid, method, response)
        problems = self.validator.problems[before:]
        if problems:
            self.failures.extend(f"{nsid} -> {response.status_code}: {p}" for p in problems)
        else:
            self.checked.add(f"{nsid} -> {response.status_code}")

    def _check_request(
        self, nsid: str, method: dict[str, Any], prepared: requests.PreparedRequest
    ) -> None:
        if method["type"] == "query" and "parameters" in method:
            params = _query_params(method["parameters"], str(prepared.url))
            self.validator.check(method["parameters"], params, "params", nsid)
        schema = (method.get("input") or {}).get("schema")
        if method["type"] != "procedure" or schema is None:
            return
        try:
            body = json.loads(prepared.body or b"{}")
        except ValueError:
            self.validator.problems.append("input: the body is not JSON")
            return
        self.validator.check(schema, body, "input", nsid)
        collection = load_lexicons().get(str(body.get("collection", "")))
        if nsid == "com.atproto.repo.createRecord" and collection is not None:
            main = collection["defs"]["main"]
            self.validator.check(main, body.get("record"), "input/record", collection["id"])

    def _check_answer(self, nsid: str, method: dict[str, Any], response: requests.Response) -> None:
        try:
            body = response.json()
        except ValueError:
            if response.status_code == 200 and "output" in method:
                self.validator.problems.append("output: the answer is not JSON")
            return
        if response.status_code != 200:
            if not (isinstance(body, dict) and isinstance(body.get("error"), str)):
                self.validator.problems.append('error: the answer is no {"error": ...} envelope')
            return
        schema = (method.get("output") or {}).get("schema")
        if schema is not None:
            self.validator.check(schema, body, "output", nsid)

    def hook(self, response: requests.Response, *_args: Any, **_kwargs: Any) -> requests.Response:
        self.check(response)
        return response

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        session.hooks["response"].append(self.hook)
        return session

    def http_factory(self, inner: Callable[[], HttpClient]) -> Callable[[], HttpClient]:
        def build() -> HttpClient:
            client = inner()
            client.session.hooks["response"].append(self.hook)
            return client

        return build

    def assert_valid(self) -> None:
        assert not self.failures, "Bluesky exchanges that break the lexicons:\n" + "\n".join(
            self.failures
        )
