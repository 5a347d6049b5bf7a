"""A Bluesky PDS (AT Protocol XRPC) under ``/bluesky``.

Sessions (createSession / refreshSession with rotating refresh tokens), records
(createRecord / putRecord with ``swapRecord: null`` meaning "create only if absent" /
getRecord / listRecords / deleteRecord), uploadBlob, notifications with a cursor, author feed
and threads. ``app.bsky.feed.post`` records are validated like the lexicon says (300 graphemes,
3000 bytes, ``createdAt``), and facets are checked as UTF-8 byte ranges: a range beyond the text
or splitting a character is rejected (stricter than the real PDS, which stores it and leaves
clients to render it wrongly, so a client bug shows up here first).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from desktop_app.sandbox.core import (
    OWN_POSTS_PER_ACCOUNT,
    PUBLIC_ITEMS_PER_ACCOUNT,
    Request,
    Response,
    b32,
    cid_for,
    iso_z,
    json_response,
    parse_iso,
)
from desktop_app.sandbox.platforms.base import Platform, StageError, last_or_none
from desktop_app.sandbox.platforms.bluesky.routes import METHODS
from desktop_app.sandbox.platforms.bluesky.validation import validate_post
from desktop_app.sandbox.platforms.bluesky.web import web_page

ACCESS_S = 7200
REFRESH_S = 90 * 86400
RATE_LIMIT = 3000
RATE_WINDOW = 300.0
TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"
# The second PDS host, ``{base}/bluesky/pds2``: accounts there sign in at the entryway (as on
# bsky.social) but their repository lives only on their own PDS, which the didDoc names.
OWN_PDS = "pds2"
OWN_PDS_HANDLE = "bibliotek.sandviken.example"
POST = "app.bsky.feed.post"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class Bluesky(Platform):
    name = "bluesky"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self._secret = hashlib.sha256(f"bsky:{ctx.seed}".encode()).digest()
        self.accounts: dict[str, dict[str, Any]] = {}
        self.by_handle: dict[str, str] = {}
        self.records: OrderedDict[str, dict[str, Any]] = OrderedDict()  # at-uri -> record
        self.blobs: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.notifications: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.refresh_tokens: dict[str, str] = {}  # jti -> did, deleted once used
        self.account_did = ""
        self._tid_clock = 0
        self._rev = 0
        self._seen_at: dict[str, float] = {}

    # --- identities and tokens -----------------------------------------------------------------

    def _account(
        self, handle: str, display_name: str, password: str | None = None, pds: str = ""
    ) -> dict[str, Any]:
        if handle in self.by_handle:
            return self.accounts[self.by_handle[handle]]
        did = "did:plc:" + b32(hashlib.sha256(f"{self.ctx.seed}:{handle}".encode()).digest())[:24]
        account = {
            "did": did,
            "handle": handle,
            "display_name": display_name,
            "password": password,
            "email": f"{handle.split('.')[0]}@sandviken.example",
            "pds": pds,  # "": the entryway hosts the repository; else the host's name
        }
        self.accounts[did] = account
        self.by_handle[handle] = did
        return account

    def _jwt(self, did: str, scope: str, lifetime: int) -> tuple[str, str]:
        now = int(self.clock.now())
        jti = self.fresh_secret("", 18)
        header = {
            "typ": "at+jwt" if scope != "com.atproto.refresh" else "refresh+jwt",
            "alg": "HS256",
        }
        payload: dict[str, Any] = {
            "scope": scope,
            "sub": did,
            "iat": now,
            "exp": now + lifetime,
            "aud": "did:web:sandbox.bsky.test",
        }
        if scope == "com.atproto.refresh":
            payload["jti"] = jti
        signing = _b64url(json.dumps(header).encode()) + "." + _b64url(json.dumps(payload).encode())
        signature = _b64url(hmac.new(self._secret, signing.encode(), hashlib.sha256).digest())
        return f"{signing}.{signature}", jti

    def _decode(self, token: str) -> dict[str, Any] | None:
        parts = token.split(".")
        if len(parts) != 3:
            return None
        signing = f"{parts[0]}.{parts[1]}"
        expected = _b64url(hmac.new(self._secret, signing.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, parts[2]):
            return None
        try:
            payload: dict[str, Any] = json.loads(
                base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
            )
        except ValueError:
            return None
        return payload

    def _session(self, account: dict[str, Any]) -> dict[str, Any]:
        access, _ = self._jwt(account["did"], "com.atproto.appPass", ACCESS_S)
        refresh, jti = self._jwt(account["did"], "com.atproto.refresh", REFRESH_S)
        self.refresh_tokens[jti] = account["did"]
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": account["handle"],
            "did": account["did"],
            "didDoc": self._did_doc(account),
            "email": account["email"],
            "emailConfirmed": True,
            "emailAuthFactor": False,
            "active": True,
        }

    def _pds_url(self, account: dict[str, Any]) -> str:
        return f"{self.base_url}/{account['pds']}" if account.get("pds") else self.base_url

    def _did_doc(self, account: dict[str, Any]) -> dict[str, Any]:
        """The account's DID document as a PDS returns it with a session."""
        did = account["did"]
        return {
            "@context": [
                "https://www.w3.org/ns/did/v1",
                "https://w3id.org/security/multikey/v1",
                "https://w3id.org/security/suites/secp256k1-2019/v1",
            ],
            "id": did,
            "alsoKnownAs": [f"at://{account['handle']}"],
            "verificationMethod": [
                {
                    "id": f"{did}#atproto",
                    "type": "Multikey",
                    "controller": did,
                    "publicKeyMultibase": "zQ3sh" + b32(did.encode())[:44],
                }
            ],
            "service": [
                {
                    "id": "#atproto_pds",
                    "type": "AtprotoPersonalDataServer",
                    "serviceEndpoint": self._pds_url(account),
                }
            ],
        }

    def _tid(self) -> str:
        micros = max(int(self.clock.now() * 1_000_000), self._tid_clock + 1)
        self._tid_clock = micros
        value = (micros << 10) | (self.ctx.seed % 1024)
        out = ""
        for _ in range(13):
            out = TID_CHARS[value & 31] + out
            value >>= 5
        return out

    # --- demo world ----------------------------------------------------------------------------

    def seed_demo(self) -> None:
        password = "-".join(self.demo_secret("", 4).lower() for _ in range(4))
        account = self._account("sandviken.bsky.social", "Sandvikens kommun", password)
        self.account_did = account["did"]
        own_password = "-".join(self.demo_secret("pds2", 4).lower() for _ in range(4))
        self._account(OWN_PDS_HANDLE, "Sandvikens bibliotek", own_password, pds=OWN_PDS)
        start = self.clock.now() - 86400
        for index, text in enumerate(
            (
                "Snöröjningen pågår. Prioriterade vägar först.",
                "Öppet hus på gymnasieskolorna 12 januari.",
            )
        ):
            self._put(
                account["did"],
                POST,
                self._tid(),
                {
                    "$type": POST,
                    "text": text,
                    "createdAt": iso_z(start + index * 3600, millis=True),
                    "langs": ["sv"],
                },
                public=False,
            )

    def credentials(self) -> dict[str, Any]:
        account = self.accounts.get(self.account_did, {})
        return {
            "identifier": account.get("handle", ""),
            "app_password": account.get("password", ""),
        }

    def platform_info(self) -> dict[str, Any]:
        info = super().platform_info()
        info["did"] = self.account_did
        info["service"] = self.base_url
        own = self.accounts.get(self.by_handle.get(OWN_PDS_HANDLE, ""))
        if own is not None:
            info["own_pds"] = {
                "url": self._pds_url(own),
                "did": own["did"],
                "credentials": {"identifier": own["handle"], "app_password": own["password"]},
            }
        return info

    # --- repo ----------------------------------------------------------------------------------

    def _uri(self, did: str, collection: str, rkey: str) -> str:
        return f"at://{did}/{collection}/{rkey}"

    def _put(
        self,
        did: str,
        collection: str,
        rkey: str,
        record: dict[str, Any],
        public: bool,
        at: float | None = None,
    ) -> dict[str, Any]:
        uri = self._uri(did, collection, rkey)
        cid = cid_for(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
        self._rev += 1
        entry = {
            "uri": uri,
            "cid": cid,
            "did": did,
            "collection": collection,
            "rkey": rkey,
            "value": record,
            "indexed": self.clock.now() if at is None else at,
            "public": public,
        }
        self.records.pop(uri, None)
        self.records[uri] = entry
        cap = PUBLIC_ITEMS_PER_ACCOUNT if public else OWN_POSTS_PER_ACCOUNT
        self.keep_bounded(f"records:{public}", uri, self.records, cap)
        if collection == POST:
            self._notify_for(entry)
        return entry

    def _notify_for(self, entry: dict[str, Any]) -> None:
        record = entry["value"]
        targets: dict[str, tuple[str, str | None]] = {}
        reply = record.get("reply") if isinstance(record.get("reply"), dict) else None
        if reply:
            # The parent's and the thread root's authors are both told about a reply.
            for key in ("parent", "root"):
                ref = self.records.get(str((reply.get(key) or {}).get("uri", "")))
                if ref is not None and ref["did"] not in targets:
                    targets[ref["did"]] = ("reply", ref["uri"])
        for facet in record.get("facets") or []:
            for feature in facet.get("features") or []:
                if feature.get("$type") == "app.bsky.richtext.facet#mention":
                    did = str(feature.get("did", ""))
                    if did in self.accounts and did not in targets:
                        targets[did] = ("mention", None)
        for did, (reason, subject) in targets.items():
            if did == entry["did"]:
                continue
            key = entry["uri"] + "#" + did
            self.notifications[key] = {
                "to": did,
                "uri": entry["uri"],
                "reason": reason,
                "subject": subject,
                "indexed": entry["indexed"],
            }
            self.keep_bounded(
                f"notifications:{did}", key, self.notifications, PUBLIC_ITEMS_PER_ACCOUNT
            )
        while len(self.notifications) > 2 * PUBLIC_ITEMS_PER_ACCOUNT:  # all accounts together
            self.notifications.popitem(last=False)

    def _profile(self, did: str) -> dict[str, Any]:
        account = self.accounts[did]
        return {
            "did": did,
            "handle": account["handle"],
            "displayName": account["display_name"],
            "avatar": f"{self.base_url}/img/avatar/{quote(did)}.jpg",
            "labels": [],
            "createdAt": "2024-02-01T00:00:00.000Z",
            "indexedAt": "2024-02-01T00:00:00.000Z",
        }

    def _post_view(self, entry: dict[str, Any]) -> dict[str, Any]:
        replies = sum(
            1
            for r in self.records.values()
            if r["collection"] == POST
            and (r["value"].get("reply") or {}).get("parent", {}).get("uri") == entry["uri"]
        )
        return {
            "uri": entry["uri"],
            "cid": entry["cid"],
            "author": self._profile(entry["did"]),
            "record": entry["value"],
            "replyCount": replies,
            "repostCount": 0,
            "likeCount": 0,
            "quoteCount": 0,
            "indexedAt": iso_z(entry["indexed"], millis=True),
            "labels": [],
        }

    # --- errors --------------------------------------------------------------------------------

    def _error(self, status: int, error: str, message: str) -> Response:
        return json_response(status, {"error": error, "message": message})

    def fault_response(self, kind: str, status: int | None, req: Request) -> Response:
        if kind == "expired-token":
            return self._error(400, "ExpiredToken", "Token has expired")
        if kind == "ratelimit":
            reset = self.ctx.rates.exhaust(
                ("bsky", req.bearer() or "anon"), RATE_LIMIT, RATE_WINDOW
            )
            return json_response(
                429,
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                self._rate_headers(RATE_LIMIT, 0, reset),
            )
        code = status or 500
        names = {
            400: "InvalidRequest",
            401: "AuthenticationRequired",
            403: "Forbidden",
            404: "NotFound",
            413: "PayloadTooLarge",
            429: "RateLimitExceeded",
            500: "InternalServerError",
            501: "MethodNotImplemented",
            502: "UpstreamFailure",
            503: "NotEnoughResources",
            504: "UpstreamTimeout",
        }
        name = names.get(code, "InternalServerError")
        return self._error(code, name, re.sub(r"(?<!^)(?=[A-Z])", " ", name))

    @staticmethod
    def _rate_headers(limit: int, remaining: int, reset: float) -> list[tuple[str, str]]:
        return [
            ("RateLimit-Limit", str(limit)),
            ("RateLimit-Remaining", str(max(0, remaining))),
            ("RateLimit-Reset", str(int(reset))),
            ("RateLimit-Policy", f"{limit};w={int(RATE_WINDOW)}"),
        ]

    # --- routing -------------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        path, host = req.path, ""
        if path.startswith(f"/{OWN_PDS}/"):
            path, host = path[len(OWN_PDS) + 1 :], OWN_PDS
        if not path.startswith("/xrpc/"):
            if path.startswith("/img/"):
                return Response(200, b"", [("Content-Type", "image/jpeg")])
            if path.startswith("/web/") and not host:
                return web_page(path[len("/web/") :], f"{self.base_url}/web/")
            return self._error(404, "NotFound", "Not Found")
        nsid = path[len("/xrpc/") :].rstrip("/")
        limit, remaining, reset = self.ctx.rates.hit(
            ("bsky", req.bearer() or "anon"), RATE_LIMIT, RATE_WINDOW
        )
        headers = self._rate_headers(limit, remaining, reset)
        if remaining < 0:
            return json_response(
                429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, headers
            )
        response = self._xrpc(req, nsid, host)
        response.headers.extend(headers)
        return response

    def _body(self, req: Request) -> dict[str, Any] | Response:
        try:
            body = req.json()
        except (ValueError, UnicodeDecodeError):
            return self._error(400, "InvalidRequest", "Request body must be JSON")
        if not isinstance(body, dict):
            return self._error(400, "InvalidRequest", "Input must be an object")
        return body

    def _auth(self, req: Request) -> str | Response:
        token = req.bearer()
        if not token:
            return self._error(401, "AuthMissing", "Authentication Required")
        payload = self._decode(token)
        if payload is None:
            return self._error(400, "InvalidToken", "Token could not be verified")
        if payload.get("scope") == "com.atproto.refresh":
            return self._error(400, "InvalidToken", "Bad token scope")
        if int(payload.get("exp", 0)) <= self.clock.now():
            return self._error(400, "ExpiredToken", "Token has expired")
        did = str(payload.get("sub", ""))
        if did not in self.accounts:
            return self._error(400, "InvalidToken", "Token could not be verified")
        return did

    def _xrpc(self, req: Request, nsid: str, host: str = "") -> Response:
        method = METHODS.get(nsid)
        if method is None:
            return self._error(501, "MethodNotImplemented", "Method Not Implemented")
        if method.procedure != (req.method == "POST"):
            return self._error(
                400,
                "InvalidRequest",
                f"Incorrect HTTP method ({req.method}) expected "
                f"{'POST' if method.procedure else 'GET'}",
            )
        if not method.auth:
            open_handler: Callable[[Request, str], Response] = getattr(self, method.handler)
            return open_handler(req, host)
        auth = self._auth(req)
        if isinstance(auth, Response):
            return auth
        did = auth
        account = self.accounts[did]
        if nsid != "com.atproto.server.getSession" and account.get("pds", "") != host:
            # The repository lives on another PDS: only that host can read or write it.
            return self._error(
                400,
                "InvalidRequest",
                f"Could not find repo: {did} is hosted at {self._pds_url(account)}",
            )
        handler: Callable[[Request, str], Response] = getattr(self, method.handler)
        return handler(req, did)

    def _resolve_handle(self, req: Request, host: str) -> Response:
        did = self.by_handle.get(req.arg("handle") or "")
        if did is None:
            return self._error(400, "InvalidRequest", "Unable to resolve handle")
        return json_response(200, {"did": did})

    # --- server --------------------------------------------------------------------------------

    def _create_session(self, req: Request, host: str = "") -> Response:
        body = self._body(req)
        if isinstance(body, Response):
            return body
        identifier = str(body.get("identifier", "")).lstrip("@").lower()
        password = str(body.get("password", ""))
        if not identifier or not password:
            return self._error(400, "InvalidRequest", 'Input must have the property "identifier"')
        account = None
        for candidate in self.accounts.values():
            if identifier in (candidate["handle"], candidate["did"], candidate["email"]):
                account = candidate
        if (
            account is None
            or account["password"] is None
            or not hmac.compare_digest(account["password"], password)
        ):
            return self._error(401, "AuthenticationRequired", "Invalid identifier or password")
        if host and account.get("pds", "") != host:  # an own PDS signs in its own accounts only
            return self._error(401, "AuthenticationRequired", "Invalid identifier or password")
        return json_response(200, self._session(account))

    def _refresh_session(self, req: Request, host: str = "") -> Response:
        token = req.bearer()
        if not token:
            return self._error(401, "AuthMissing", "Authentication Required")
        payload = self._decode(token)
        if payload is None or payload.get("scope") != "com.atproto.refresh":
            return self._error(400, "InvalidToken", "Invalid token type")
        if int(payload.get("exp", 0)) <= self.clock.now():
            return self._error(400, "ExpiredToken", "Token has expired")
        did = self.refresh_tokens.pop(str(payload.get("jti", "")), None)
        if did is None:
            return self._error(400, "ExpiredToken", "Token has been revoked")
        session = self._session(self.accounts[did])
        keys = ("accessJwt", "refreshJwt", "handle", "did", "didDoc", "active")
        return json_response(200, {k: session[k] for k in keys})

    def _getSession(self, req: Request, did: str) -> Response:
        account = self.accounts[did]
        return json_response(
            200,
            {
                "handle": account["handle"],
                "did": did,
                "didDoc": self._did_doc(account),
                "email": account["email"],
                "emailConfirmed": True,
                "active": True,
            },
        )

    def _deleteSession(self, req: Request, did: str) -> Response:
        return Response(200, b"", [])

    # --- repo endpoints ------------------------------------------------------------------------

    def _repo_did(self, repo: object, did: str) -> str | Response:
        value = str(repo or "")
        resolved = value if value.startswith("did:") else self.by_handle.get(value.lstrip("@"), "")
        if resolved != did:
            return self._error(
                400,
                "InvalidRequest",
                "Invalid repo" if resolved else f"Could not find repo: {value}",
            )
        return resolved

    def _write(self, req: Request, did: str, put: bool) -> Response:
        body = self._body(req)
        if isinstance(body, Response):
            return body
        for field in ("repo", "collection", "record") + (("rkey",) if put else ()):
            if field not in body:
                return self._error(400, "InvalidRequest", f'Input must have the property "{field}"')
        repo = self._repo_did(body["repo"], did)
        if isinstance(repo, Response):
            return repo
        collection = str(body["collection"])
        record = body["record"]
        if not isinstance(record, dict):
            return self._error(400, "InvalidRequest", "Input/record must be an object")
        rkey = str(body.get("rkey") or self._tid())
        if not re.fullmatch(r"[A-Za-z0-9._:~-]{1,512}", rkey) or rkey in (".", ".."):
            return self._error(400, "InvalidRequest", "Invalid record key")
        record_type = record.get("$type")
        if record_type is not None and record_type != collection:
            return self._error(
                400, "InvalidRequest", f"Invalid $type: expected {collection}, got {record_type}"
            )
        record = {"$type": collection, **record}
        validation = "unknown"
        if collection == POST and body.get("validate") is not False:
            problem = validate_post(record, did, self.blobs)
            if problem:
                return self._error(400, "InvalidRequest", f"Invalid {POST} record: {problem}")
            validation = "valid"
        uri = self._uri(did, collection, rkey)
        existing = self.records.get(uri)
        if not put and existing is not None:
            return self._error(400, "InvalidRequest", f"Record already exists: {uri}")
        if put and "swapRecord" in body:
            swap = body["swapRecord"]
            current = existing["cid"] if existing else None
            if swap != current:
                return self._error(400, "InvalidSwap", f"Record was at {current}")
        entry = self._put(did, collection, rkey, record, public=False)
        return json_response(
            200,
            {
                "uri": entry["uri"],
                "cid": entry["cid"],
                "commit": {"cid": cid_for(f"commit:{self._rev}".encode()), "rev": self._tid()},
                "validationStatus": validation,
            },
        )

    def _createRecord(self, req: Request, did: str) -> Response:
        return self._write(req, did, put=False)

    def _putRecord(self, req: Request, did: str) -> Response:
        return self._write(req, did, put=True)

    def _deleteRecord(self, req: Request, did: str) -> Response:
        body = self._body(req)
        if isinstance(body, Response):
            return body
        repo = self._repo_did(body.get("repo"), did)
        if isinstance(repo, Response):
            return repo
        uri = self._uri(did, str(body.get("collection", "")), str(body.get("rkey", "")))
        existing = self.records.get(uri)
        if "swapRecord" in body and (existing["cid"] if existing else None) != body["swapRecord"]:
            return self._error(400, "InvalidSwap", "Record was at a different cid")
        self.records.pop(uri, None)
        self._rev += 1
        return json_response(
            200, {"commit": {"cid": cid_for(f"commit:{self._rev}".encode()), "rev": self._tid()}}
        )

    def _getRecord(self, req: Request, did: str) -> Response:
        repo = str(req.arg("repo") or "")
        owner = repo if repo.startswith("did:") else self.by_handle.get(repo, "")
        uri = self._uri(owner, req.arg("collection") or "", req.arg("rkey") or "")
        entry = self.records.get(uri)
        if entry is None:
            return self._error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return json_response(200, {"uri": uri, "cid": entry["cid"], "value": entry["value"]})

    def _listRecords(self, req: Request, did: str) -> Response:
        repo = str(req.arg("repo") or "")
        owner = repo if repo.startswith("did:") else self.by_handle.get(repo, "")
        collection = req.arg("collection") or ""
        limit = max(1, min(100, int(req.arg("limit") or 50)))
        items = sorted(
            (
                r
                for r in self.records.values()
                if r["did"] == owner and r["collection"] == collection
            ),
            key=lambda r: r["rkey"],
            reverse=(req.arg("reverse") or "false") != "true",
        )
        cursor = req.arg("cursor")
        if cursor:
            reverse = (req.arg("reverse") or "false") == "true"
            items = [r for r in items if (r["rkey"] > cursor if reverse else r["rkey"] < cursor)]
        chosen = items[:limit]
        payload: dict[str, Any] = {
            "records": [{"uri": r["uri"], "cid": r["cid"], "value": r["value"]} for r in chosen]
        }
        if len(items) > limit:
            payload["cursor"] = chosen[-1]["rkey"]
        return json_response(200, payload)

    def _uploadBlob(self, req: Request, did: str) -> Response:
        if not req.body:
            return self._error(400, "InvalidRequest", "Request body is empty")
        if len(req.body) > 50_000_000:
            return self._error(413, "PayloadTooLarge", "request entity too large")
        mime = req.content_type or "application/octet-stream"
        link = cid_for(req.body, raw=True)
        self.blobs[link] = {"owner": did, "size": len(req.body), "mimeType": mime}
        while len(self.blobs) > 500:
            self.blobs.popitem(last=False)
        return json_response(
            200,
            {
                "blob": {
                    "$type": "blob",
                    "ref": {"$link": link},
                    "mimeType": mime,
                    "size": len(req.body),
                }
            },
        )

    # --- app.bsky ------------------------------------------------------------------------------

    def _listNotifications(self, req: Request, did: str) -> Response:
        limit_text = req.arg("limit") or "50"
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= 100:
            return self._error(400, "InvalidRequest", "limit must be between 1 and 100")
        limit = int(limit_text)
        reasons = req.args("reasons")
        # As the AppView does, a page is chosen first and what cannot be shown (a deleted
        # record) is dropped from it afterwards: pages may come back short with a cursor.
        items = [
            (key, n)
            for key, n in self.notifications.items()
            if n["to"] == did and (not reasons or n["reason"] in reasons)
        ]
        items.sort(key=lambda kv: (kv[1]["indexed"], kv[0]), reverse=True)
        cursor = req.arg("cursor")
        if cursor:
            try:
                position = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
                moment_text, _, key_text = position.partition("|")
                moment = float(moment_text)
            except (ValueError, UnicodeDecodeError):
                return self._error(400, "InvalidRequest", "Malformed cursor")
            items = [(k, n) for k, n in items if (n["indexed"], k) < (moment, key_text)]
        chosen = items[:limit]
        seen = self._seen_at.get(did, 0.0)
        notifications = []
        for _key, n in chosen:
            entry = self.records.get(n["uri"])
            if entry is None:
                continue
            item = {
                "uri": n["uri"],
                "cid": entry["cid"],
                "author": self._profile(entry["did"]),
                "reason": n["reason"],
                "record": entry["value"],
                "isRead": n["indexed"] <= seen,
                "indexedAt": iso_z(n["indexed"], millis=True),
                "labels": [],
            }
            if n["subject"]:
                item["reasonSubject"] = n["subject"]
            notifications.append(item)
        payload: dict[str, Any] = {"notifications": notifications, "priority": False}
        if len(items) > limit:
            last_key, last = chosen[-1]
            payload["cursor"] = _b64url(f"{last['indexed']!r}|{last_key}".encode())
        if seen:
            payload["seenAt"] = iso_z(seen, millis=True)
        return json_response(200, payload)

    def _updateSeen(self, req: Request, did: str) -> Response:
        body = self._body(req)
        if isinstance(body, Response):
            return body
        try:
            self._seen_at[did] = parse_iso(str(body.get("seenAt", "")))
        except ValueError:
            return self._error(400, "InvalidRequest", "seenAt must be a datetime")
        return Response(200, b"", [])

    def _getUnreadCount(self, req: Request, did: str) -> Response:
        seen = self._seen_at.get(did, 0.0)
        count = sum(
            1 for n in self.notifications.values() if n["to"] == did and n["indexed"] > seen
        )
        return json_response(200, {"count": count})

    def _getAuthorFeed(self, req: Request, did: str) -> Response:
        actor = str(req.arg("actor") or "")
        owner = actor if actor.startswith("did:") else self.by_handle.get(actor, "")
        if owner not in self.accounts:
            return self._error(400, "InvalidRequest", "Profile not found")
        limit = max(1, min(100, int(req.arg("limit") or 50)))
        posts = sorted(
            (r for r in self.records.values() if r["did"] == owner and r["collection"] == POST),
            key=lambda r: r["rkey"],
            reverse=True,
        )
        cursor = req.arg("cursor")
        if cursor:
            posts = [r for r in posts if r["rkey"] < cursor]
        chosen = posts[:limit]
        payload: dict[str, Any] = {"feed": [{"post": self._post_view(r)} for r in chosen]}
        if len(posts) > limit:
            payload["cursor"] = chosen[-1]["rkey"]
        return json_response(200, payload)

    def _getPosts(self, req: Request, did: str) -> Response:
        uris = req.args("uris")
        return json_response(
            200, {"posts": [self._post_view(self.records[u]) for u in uris if u in self.records]}
        )

    def _getPostThread(self, req: Request, did: str) -> Response:
        uri = req.arg("uri") or ""
        entry = self.records.get(uri)
        if entry is None:
            return self._error(400, "NotFound", f"Post not found: {uri}")

        def thread(node: dict[str, Any], depth: int) -> dict[str, Any]:
            view: dict[str, Any] = {
                "$type": "app.bsky.feed.defs#threadViewPost",
                "post": self._post_view(node),
            }
            if depth > 0:
                children = [
                    r
                    for r in self.records.values()
                    if r["collection"] == POST
                    and (r["value"].get("reply") or {}).get("parent", {}).get("uri") == node["uri"]
                ]
                view["replies"] = [thread(c, depth - 1) for c in children]
            return view

        depth = max(0, min(1000, int(req.arg("depth") or 6)))
        return json_response(200, {"thread": thread(entry, depth)})

    def _getProfile(self, req: Request, did: str) -> Response:
        actor = str(req.arg("actor") or "")
        owner = actor if actor.startswith("did:") else self.by_handle.get(actor.lstrip("@"), "")
        if owner not in self.accounts:
            return self._error(400, "InvalidRequest", "Profile not found")
        posts = sum(
            1 for r in self.records.values() if r["did"] == owner and r["collection"] == POST
        )
        return json_response(
            200,
            {
                **self._profile(owner),
                "followersCount": 1520,
                "followsCount": 12,
                "postsCount": posts,
                "description": "",
            },
        )

    # --- control surface -----------------------------------------------------------------------

    def recent_post_ids(self) -> list[str]:
        return [
            u
            for u, r in self.records.items()
            if r["did"] == self.account_did and r["collection"] == POST
        ][-10:]

    def stage_public(
        self,
        kind: str,
        account: str | None,
        author: str,
        text: str,
        post_id: str | None,
        in_reply_to: str | None,
        at: float | None = None,
    ) -> dict[str, Any]:
        target = self.account_did
        if account:
            target = (
                account if account in self.accounts else self.by_handle.get(account.lstrip("@"), "")
            )
            if not target:
                raise StageError(f"no Bluesky account {account!r}")
        slug = re.sub(r"[^a-z0-9-]", "", author.lower().replace(" ", "-"))[:20] or "medborgare"
        citizen = self._account(f"{slug}.bsky.social", author)
        record: dict[str, Any] = {
            "$type": POST,
            "createdAt": iso_z(self.clock.now() if at is None else at, millis=True),
            "langs": ["sv"],
        }
        parent_uri = None
        if kind in ("reply", "comment"):
            parent_uri = (
                in_reply_to
                if kind == "reply"
                else (post_id or last_or_none(self.recent_post_ids()))
            )
            parent = self.records.get(parent_uri or "")
            if parent is None:
                raise StageError(f"no Bluesky post {parent_uri!r} to answer")
            root = (parent["value"].get("reply") or {}).get("root") or {
                "uri": parent["uri"],
                "cid": parent["cid"],
            }
            record["reply"] = {"root": root, "parent": {"uri": parent["uri"], "cid": parent["cid"]}}
            body = text
        else:
            handle = self.accounts[target]["handle"]
            mention = f"@{handle}"
            body = text if mention in text else f"{mention} {text}"
            start = body.encode("utf-8").find(mention.encode("utf-8"))
            record["facets"] = [
                {
                    "index": {"byteStart": start, "byteEnd": start + len(mention.encode())},
                    "features": [{"$type": "app.bsky.richtext.facet#mention", "did": target}],
                }
            ]
        record["text"] = body
        entry = self._put(citizen["did"], POST, self._tid(), record, public=True, at=at)
        return {
            "id": entry["uri"],
            "cid": entry["cid"],
            "account": target,
            "author": author,
            "author_did": citizen["did"],
            "text": body,
            "post_id": post_id,
            "in_reply_to": parent_uri,
            "created_at": record["createdAt"],
        }

    def state(self) -> dict[str, Any]:
        return {
            "account": {
                "did": self.account_did,
                "handle": self.accounts[self.account_did]["handle"],
            }
            if self.account_did
            else None,
            "records": [
                {
                    "uri": r["uri"],
                    "cid": r["cid"],
                    "author": self.accounts[r["did"]]["handle"],
                    "value": r["value"],
                    "public": r["public"],
                }
                for r in self.records.values()
            ],
            "blobs": [{"cid": k, **v} for k, v in self.blobs.items()],
            "notifications": len(self.notifications),
        }
