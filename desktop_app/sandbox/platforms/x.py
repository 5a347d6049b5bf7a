"""X API v2 under ``/x``: posts, mentions, media upload, OAuth 2.0 PKCE and OAuth 1.0a.

Shapes follow the X OpenAPI document (v2.159; ``post.fields`` of v2.167 is accepted too). Like
the real API, a post's ``text`` comes back with ``&``, ``<`` and ``>`` HTML-escaped and with
URLs replaced by 23-character t.co links (the original is in ``entities.urls``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import struct
import warnings
import zlib
from collections import OrderedDict, deque
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from desktop_app.sandbox.core import (
    OWN_POSTS_PER_ACCOUNT,
    PUBLIC_ITEMS_PER_ACCOUNT,
    Request,
    Response,
    image_info,
    iso_z,
    json_response,
    parse_iso,
)
from desktop_app.sandbox.platforms.base import (
    Platform,
    StageError,
    consent_decision,
    consent_page,
    last_or_none,
    pkce_matches,
    redirect_allowed,
)

try:  # the official weighted-length rules; the sandbox falls back to code points without them
    with warnings.catch_warnings():
        # twitter-text-parser imports pkg_resources; keep its deprecation warning off stderr.
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
        from twitter_text import parse_tweet as _parse_tweet
except ImportError:  # pragma: no cover - the dependency is part of Kanal
    _parse_tweet = None

PROBLEM = "application/problem+json"
ACCESS_TOKEN_SECONDS = 7200
CODE_SECONDS = 30
URL_RE = re.compile(r"https?://[^\s<>\"']+")
MENTION_RE = re.compile(r"(?<![A-Za-z0-9_])@([A-Za-z0-9_]{1,15})")
TWEET_FIELDS = {
    "attachments",
    "author_id",
    "conversation_id",
    "created_at",
    "edit_history_tweet_ids",
    "entities",
    "id",
    "in_reply_to_user_id",
    "lang",
    "public_metrics",
    "referenced_tweets",
    "reply_settings",
    "source",
    "text",
    "possibly_sensitive",
    "edit_controls",
}
USER_FIELDS = {
    "created_at",
    "description",
    "id",
    "name",
    "username",
    "profile_image_url",
    "protected",
    "public_metrics",
    "url",
    "verified",
    "location",
}
ALL_SCOPES = (
    "tweet.read",
    "tweet.write",
    "users.read",
    "offline.access",
    "media.write",
    "tweet.moderate.write",
    "like.read",
    "like.write",
    "follows.read",
)
# (requests per 15-minute window) per user, as X publishes them for the paid tiers.
LIMITS = {
    "POST /2/tweets": 100,
    "DELETE /2/tweets/:id": 50,
    "GET /2/users/me": 75,
    "GET /2/users/:id/mentions": 180,
    "GET /2/users/:id/tweets": 900,
    "GET /2/tweets": 900,
    "GET /2/tweets/:id": 900,
    "PUT /2/tweets/:id/hidden": 50,
    "POST /2/media/upload": 500,
    "GET /2/media/upload": 500,
}
WINDOW_S = 900.0
POSTS_PER_24H = 2400


def weighted_length(text: str) -> tuple[int, bool]:
    if _parse_tweet is None:
        return len(text), 0 < len(text) <= 280
    result = _parse_tweet(text)
    return int(result.weightedLength), bool(result.valid)


def _problem(status: int, title: str, detail: str, type_: str = "about:blank", **extra: Any) -> Any:
    payload: dict[str, Any] = {"title": title, "detail": detail, "type": type_, "status": status}
    payload.update(extra)
    return payload


class X(Platform):
    name = "x"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self._id_counter = 1_860_000_000_000_000_000 + (ctx.seed % 1000) * 1_000_000
        self.users: dict[str, dict[str, Any]] = {}
        self.users_by_name: dict[str, str] = {}
        self.tweets: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.media: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.clients: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, dict[str, Any]] = {}
        self.refresh_tokens: dict[str, dict[str, Any]] = {}
        self.oauth1_consumers: dict[str, str] = {}
        self.oauth1_tokens: dict[str, tuple[str, str]] = {}
        self._nonces: deque[str] = deque(maxlen=10_000)
        self._nonce_set: set[str] = set()
        self._tco = 0
        self.account_id = ""
        self._demo: dict[str, Any] = {}

    # --- ids, users, tokens --------------------------------------------------------------------

    def _next_id(self) -> str:
        self._id_counter += 1 + (self._id_counter % 7)
        return str(self._id_counter)

    def _user(self, username: str, name: str, citizen: bool) -> dict[str, Any]:
        key = username.lower()
        if key in self.users_by_name:
            return self.users[self.users_by_name[key]]
        user: dict[str, Any] = {
            "id": str(1_500_000_000 + len(self.users) * 7919 + self.ctx.seed % 97),
            "username": username,
            "name": name,
            "created_at": iso_z(self.clock.now() - 86400 * 900, millis=True),
            "description": "" if citizen else "Officiellt konto för Sandvikens kommun (sandlåda).",
            "protected": False,
            "verified": False,
            "citizen": citizen,
        }
        self.users[user["id"]] = user
        self.users_by_name[key] = user["id"]
        return user

    def _issue_tokens(self, user_id: str, scopes: list[str], client_id: str) -> dict[str, Any]:
        access = self.fresh_secret("xa-")
        self.access_tokens[access] = {
            "user_id": user_id,
            "scopes": scopes,
            "client_id": client_id,
            "expires": self.clock.now() + ACCESS_TOKEN_SECONDS,
        }
        answer: dict[str, Any] = {
            "token_type": "bearer",
            "expires_in": ACCESS_TOKEN_SECONDS,
            "access_token": access,
            "scope": " ".join(scopes),
        }
        if "offline.access" in scopes:
            refresh = self.fresh_secret("xr-")
            self.refresh_tokens[refresh] = {
                "user_id": user_id,
                "scopes": scopes,
                "client_id": client_id,
            }
            answer["refresh_token"] = refresh
        return answer

    def seed_demo(self) -> None:
        account = self._user("SandvikenKommun", "Sandvikens kommun", citizen=False)
        self.account_id = account["id"]
        client_id = self.demo_secret("", 22) + "OjE6Y2k"
        client_secret = self.demo_secret("", 50)
        self.clients[client_id] = {
            "name": "Kanal (sandbox)",
            "secret": client_secret,
            "redirect_uris": ["http://127.0.0.1/callback"],
        }
        access = self.demo_secret("xa-demo-", 32)
        refresh = self.demo_secret("xr-demo-", 32)
        scopes = ["tweet.read", "tweet.write", "users.read", "offline.access", "media.write"]
        self.access_tokens[access] = {
            "user_id": self.account_id,
            "scopes": [*scopes, "tweet.moderate.write"],
            "client_id": client_id,
            "expires": self.clock.now() + ACCESS_TOKEN_SECONDS,
        }
        self.refresh_tokens[refresh] = {
            "user_id": self.account_id,
            "scopes": [*scopes, "tweet.moderate.write"],
            "client_id": client_id,
        }
        consumer_key = self.demo_secret("", 25)
        consumer_secret = self.demo_secret("", 50)
        token = f"{account['id']}-" + self.demo_secret("", 30)
        token_secret = self.demo_secret("", 45)
        self.oauth1_consumers[consumer_key] = consumer_secret
        self.oauth1_tokens[token] = (token_secret, self.account_id)
        self._demo = {
            "client_id": client_id,
            "client_secret": client_secret,
            "access_token": access,
            "refresh_token": refresh,
            "consumer_key": consumer_key,
            "consumer_secret": consumer_secret,
            "oauth1_token": token,
            "access_token_secret": token_secret,
        }
        start = self.clock.now() - 3 * 86400
        texts = [
            "Snöröjningen pågår i hela kommunen. Prioriterade vägar först. https://sandviken.example/sno",
            "Biblioteket har nya öppettider från 1 december: vardagar 10–19, lördagar 11–15.",
            "Dags att välja gymnasium! Läs mer om programmen & ansökan på vår webb.",
        ]
        for index, text in enumerate(texts):
            self._create_tweet(self.account_id, text, at=start + index * 86400)

    def credentials(self) -> dict[str, Any]:
        return {
            "client_id": self._demo.get("client_id", ""),
            "access_token": self._demo.get("access_token", ""),
            "refresh_token": self._demo.get("refresh_token", ""),
        }

    def platform_info(self) -> dict[str, Any]:
        info = super().platform_info()
        info["credentials_oauth1"] = {
            "consumer_key": self._demo.get("consumer_key", ""),
            "consumer_secret": self._demo.get("consumer_secret", ""),
            "access_token": self._demo.get("oauth1_token", ""),
            "access_token_secret": self._demo.get("access_token_secret", ""),
        }
        info["client_secret"] = self._demo.get("client_secret", "")
        info["user_id"] = self.account_id
        info["username"] = self.users[self.account_id]["username"] if self.account_id else ""
        info["authorize_url"] = f"{self.base_url}/i/oauth2/authorize"
        info["token_url"] = f"{self.base_url}/2/oauth2/token"
        return info

    # --- the data ------------------------------------------------------------------------------

    def _shorten(self, text: str) -> tuple[str, list[dict[str, Any]]]:
        """Replace URLs with t.co links, as X stores them; returns the text and url entities."""
        urls: list[dict[str, Any]] = []
        pieces: list[str] = []
        last = 0
        for match in URL_RE.finditer(text):
            pieces.append(text[last : match.start()])
            self._tco += 1
            digest = hashlib.sha1(f"{self.ctx.seed}:{self._tco}".encode()).digest()
            short = "https://t.co/" + base64.b32encode(digest).decode()[:10]
            start = sum(len(p) for p in pieces)
            expanded = match.group(0)
            display = expanded.split("://", 1)[1]
            urls.append(
                {
                    "start": start,
                    "end": start + len(short),
                    "url": short,
                    "expanded_url": expanded,
                    "display_url": display if len(display) <= 26 else display[:25] + "…",
                }
            )
            pieces.append(short)
            last = match.end()
        pieces.append(text[last:])
        return "".join(pieces), urls

    def _create_tweet(
        self,
        author_id: str,
        text: str,
        at: float | None = None,
        reply_to: str | None = None,
        media_ids: list[str] | None = None,
        quote_id: str | None = None,
        public: bool = False,
    ) -> dict[str, Any]:
        tweet_id = self._next_id()
        stored, urls = self._shorten(text)
        mentions = []
        for match in MENTION_RE.finditer(stored):
            user_id = self.users_by_name.get(match.group(1).lower())
            if user_id:
                mentions.append(
                    {
                        "start": match.start(),
                        "end": match.end(),
                        "username": self.users[user_id]["username"],
                        "id": user_id,
                    }
                )
        parent = self.tweets.get(reply_to) if reply_to else None
        tweet: dict[str, Any] = {
            "id": tweet_id,
            "text": stored,
            "author_id": author_id,
            "created_at": self.clock.now() if at is None else at,
            "conversation_id": parent["conversation_id"] if parent else tweet_id,
            "in_reply_to_user_id": parent["author_id"] if parent else None,
            "referenced_tweets": [],
            "media_keys": [self.media[m]["media_key"] for m in media_ids or []],
            "urls": urls,
            "mentions": mentions,
            "hidden": False,
            "public": public,
        }
        if parent:
            tweet["referenced_tweets"].append({"type": "replied_to", "id": parent["id"]})
        if quote_id:
            tweet["referenced_tweets"].append({"type": "quoted", "id": quote_id})
        self.tweets[tweet_id] = tweet
        cap = PUBLIC_ITEMS_PER_ACCOUNT if public else OWN_POSTS_PER_ACCOUNT
        self.keep_bounded(f"tweets:{public}", tweet_id, self.tweets, cap)
        return tweet

    def _tweet_view(
        self, tweet: dict[str, Any], fields: set[str], expansions: set[str]
    ) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": tweet["id"],
            "text": html.escape(tweet["text"], quote=False),
            "edit_history_tweet_ids": [tweet["id"]],
        }
        if "author_id" in fields or "author_id" in expansions:
            view["author_id"] = tweet["author_id"]
        if "created_at" in fields:
            view["created_at"] = iso_z(tweet["created_at"], millis=True)
        if "conversation_id" in fields:
            view["conversation_id"] = tweet["conversation_id"]
        if "in_reply_to_user_id" in fields and tweet["in_reply_to_user_id"]:
            view["in_reply_to_user_id"] = tweet["in_reply_to_user_id"]
        if "referenced_tweets" in fields and tweet["referenced_tweets"]:
            view["referenced_tweets"] = list(tweet["referenced_tweets"])
        if "attachments" in fields and tweet["media_keys"]:
            view["attachments"] = {"media_keys": list(tweet["media_keys"])}
        if "entities" in fields and (tweet["urls"] or tweet["mentions"]):
            entities: dict[str, Any] = {}
            if tweet["urls"]:
                entities["urls"] = [dict(u) for u in tweet["urls"]]
            if tweet["mentions"]:
                entities["mentions"] = [dict(m) for m in tweet["mentions"]]
            view["entities"] = entities
        if "lang" in fields:
            view["lang"] = "sv"
        if "reply_settings" in fields:
            view["reply_settings"] = "everyone"
        if "possibly_sensitive" in fields:
            view["possibly_sensitive"] = False
        if "public_metrics" in fields:
            replies = sum(
                1
                for t in self.tweets.values()
                if any(r["id"] == tweet["id"] for r in t["referenced_tweets"])
            )
            view["public_metrics"] = {
                "retweet_count": 0,
                "reply_count": replies,
                "like_count": 0,
                "quote_count": 0,
                "bookmark_count": 0,
                "impression_count": 0,
            }
        return view

    def _user_view(self, user: dict[str, Any], fields: set[str]) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": user["id"],
            "name": user["name"],
            "username": user["username"],
        }
        if "created_at" in fields:
            view["created_at"] = user["created_at"]
        if "description" in fields:
            view["description"] = user["description"]
        if "protected" in fields:
            view["protected"] = user["protected"]
        if "verified" in fields:
            view["verified"] = user["verified"]
        if "profile_image_url" in fields:
            view["profile_image_url"] = f"{self.base_url}/avatars/{user['id']}_normal.png"
        if "url" in fields:
            view["url"] = ""
        if "public_metrics" in fields:
            count = sum(1 for t in self.tweets.values() if t["author_id"] == user["id"])
            view["public_metrics"] = {
                "followers_count": 0 if user["citizen"] else 12873,
                "following_count": 0,
                "tweet_count": count,
                "listed_count": 0,
                "like_count": 0,
            }
        return view

    def state(self) -> dict[str, Any]:
        return {
            "account": {"id": self.account_id, "username": self.users[self.account_id]["username"]}
            if self.account_id
            else None,
            "posts": [
                {
                    "id": t["id"],
                    "author": self.users[t["author_id"]]["username"],
                    "text": t["text"],
                    "created_at": iso_z(t["created_at"]),
                    "in_reply_to": next(
                        (r["id"] for r in t["referenced_tweets"] if r["type"] == "replied_to"), None
                    ),
                    "media_keys": list(t["media_keys"]),
                    "hidden": t["hidden"],
                    "public": t["public"],
                }
                for t in self.tweets.values()
            ],
            "media": [
                {
                    "id": m["id"],
                    "media_key": m["media_key"],
                    "size": m["size"],
                    "type": m["type"],
                    "alt_text": m.get("alt_text"),
                }
                for m in self.media.values()
            ],
        }

    def recent_post_ids(self) -> list[str]:
        return [t["id"] for t in self.tweets.values() if t["author_id"] == self.account_id][-10:]

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
        target = self._resolve_account(account)
        handle = re.sub(r"[^A-Za-z0-9_]", "", author.title().replace(" ", "_"))[:15] or "medborgare"
        citizen = self._user(handle, author, citizen=True)
        reply_to: str | None = None
        if kind == "reply":
            if not in_reply_to or in_reply_to not in self.tweets:
                raise StageError(f"no X post {in_reply_to!r} to reply to")
            reply_to = in_reply_to
        elif kind == "comment":
            reply_to = post_id or last_or_none(self.recent_post_ids())
            if reply_to is None or reply_to not in self.tweets:
                raise StageError(f"no X post {post_id!r} to comment on")
        mention = f"@{target['username']}"
        body = text if mention.lower() in text.lower() else f"{mention} {text}"
        tweet = self._create_tweet(citizen["id"], body, at=at, reply_to=reply_to, public=True)
        return {
            "id": tweet["id"],
            "account": target["id"],
            "author": author,
            "author_id": citizen["id"],
            "author_username": citizen["username"],
            "text": tweet["text"],
            "post_id": post_id,
            "in_reply_to": reply_to,
            "created_at": iso_z(tweet["created_at"]),
        }

    def _resolve_account(self, account: str | None) -> dict[str, Any]:
        if not account:
            return self.users[self.account_id]
        if account in self.users:
            return self.users[account]
        user_id = self.users_by_name.get(account.lstrip("@").lower())
        if user_id is None:
            raise StageError(f"no X account {account!r}")
        return self.users[user_id]

    # --- errors and faults ---------------------------------------------------------------------

    def _error(
        self, status: int, payload: Any, headers: list[tuple[str, str]] | None = None
    ) -> Response:
        return json_response(status, payload, headers, content_type=PROBLEM)

    def _unauthorized(self) -> Response:
        return self._error(401, _problem(401, "Unauthorized", "Unauthorized"))

    def _forbidden(self, detail: str = "Forbidden") -> Response:
        return self._error(403, _problem(403, "Forbidden", detail))

    def _invalid(self, message: str, parameters: dict[str, list[str]] | None = None) -> Response:
        error: dict[str, Any] = {"message": message}
        if parameters:
            error["parameters"] = parameters
        payload = {
            "errors": [error],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        }
        return json_response(400, payload, content_type=PROBLEM)

    def _too_many(self, reset: float, limit: int) -> Response:
        headers = [
            ("x-rate-limit-limit", str(limit)),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", str(int(reset))),
        ]
        return self._error(429, _problem(429, "Too Many Requests", "Too Many Requests"), headers)

    def fault_response(self, kind: str, status: int | None, req: Request) -> Response:
        if kind == "expired-token":
            return self._unauthorized()
        route = self._route_key(req)
        limit = LIMITS.get(route, 900)
        if kind == "ratelimit":
            who = self._auth_user(req) or "anonymous"
            reset = self.ctx.rates.exhaust(("x", who, route), limit, WINDOW_S)
            return self._too_many(reset, limit)
        code = status or 500
        titles = {
            400: "Bad Request",
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not Found",
            409: "Conflict",
            429: "Too Many Requests",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
            504: "Gateway Timeout",
        }
        title = titles.get(code, "Error")
        return self._error(code, _problem(code, title, title))

    # --- auth ----------------------------------------------------------------------------------

    def _auth(self, req: Request) -> tuple[str, list[str]] | None:
        """(user id, scopes) from a user bearer token or a valid OAuth 1.0a signature."""
        header = req.headers.get("authorization")
        scheme, _, rest = header.partition(" ")
        if scheme.lower() == "bearer":
            token = self.access_tokens.get(rest.strip())
            if token is None or token["expires"] <= self.clock.now():
                return None
            return token["user_id"], list(token["scopes"])
        if scheme.lower() == "oauth" and "oauth_signature" in rest:
            user_id = self._verify_oauth1(req, rest)
            if user_id is None:
                return None
            return user_id, list(ALL_SCOPES)
        return None

    def _auth_user(self, req: Request) -> str | None:
        auth = self._auth(req)
        return auth[0] if auth else None

    def _verify_oauth1(self, req: Request, header_params: str) -> str | None:
        params: dict[str, str] = {}
        for part in header_params.split(","):
            key, _, value = part.strip().partition("=")
            if key:
                params[key] = _unq(value.strip().strip('"'))
        consumer_secret = self.oauth1_consumers.get(params.get("oauth_consumer_key", ""))
        token = self.oauth1_tokens.get(params.get("oauth_token", ""))
        if consumer_secret is None or token is None:
            return None
        if params.get("oauth_signature_method") != "HMAC-SHA1":
            return None
        try:
            timestamp = int(params.get("oauth_timestamp", "0"))
        except ValueError:
            return None
        if abs(timestamp - self.clock.now()) > 300:
            return None
        nonce = params.get("oauth_nonce", "")
        if not nonce or nonce in self._nonce_set:
            return None
        signature = params.pop("oauth_signature", "")
        pairs = [(k, v) for k, v in params.items() if k.startswith("oauth_") and k != "realm"]
        pairs += parse_qsl(req.raw_query, keep_blank_values=True)
        if req.content_type == "application/x-www-form-urlencoded":
            pairs += parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True)
        encoded = sorted((_q(k), _q(v)) for k, v in pairs)
        normalized = "&".join(f"{k}={v}" for k, v in encoded)
        base_url = req.platform_base + req.path
        split = urlsplit(base_url)
        base_url = f"{split.scheme}://{split.netloc.lower()}{split.path}"
        base_string = "&".join([req.method.upper(), _q(base_url), _q(normalized)])
        key = f"{_q(consumer_secret)}&{_q(token[0])}"
        expected = base64.b64encode(
            hmac.new(key.encode(), base_string.encode(), hashlib.sha1).digest()
        ).decode()
        if not hmac.compare_digest(expected, signature):
            return None
        if len(self._nonces) == self._nonces.maxlen:
            self._nonce_set.discard(self._nonces[0])
        self._nonces.append(nonce)
        self._nonce_set.add(nonce)
        return token[1]

    # --- routing -------------------------------------------------------------------------------

    @staticmethod
    def _route_key(req: Request) -> str:
        path = re.sub(r"/\d{4,}(?=/|$)", "/:id", req.path.rstrip("/"))
        return f"{req.method} {path}"

    def handle(self, req: Request) -> Response:
        path = req.path.rstrip("/") or "/"
        if path in ("/i/oauth2/authorize", "/2/oauth2/authorize"):
            return self._authorize(req)
        if path == "/2/oauth2/token" and req.method == "POST":
            return self._token(req)
        if path == "/2/oauth2/revoke" and req.method == "POST":
            return self._revoke(req)
        if path.startswith("/avatars/"):
            return Response(200, _PIXEL, [("Content-Type", "image/png")])
        auth = self._auth(req)
        if auth is None:
            return self._unauthorized()
        user_id, scopes = auth
        route = self._route_key(req)
        limit = LIMITS.get(route, 900)
        limit, remaining, reset = self.ctx.rates.hit(("x", user_id, route), limit, WINDOW_S)
        if remaining < 0:
            return self._too_many(reset, limit)
        headers = [
            ("x-rate-limit-limit", str(limit)),
            ("x-rate-limit-remaining", str(remaining)),
            ("x-rate-limit-reset", str(int(reset))),
        ]
        if route == "POST /2/tweets":
            _, day_remaining, day_reset = self.ctx.rates.hit(
                ("x24", user_id), POSTS_PER_24H, 86400.0
            )
            headers += [
                ("x-user-limit-24hour-limit", str(POSTS_PER_24H)),
                ("x-user-limit-24hour-remaining", str(max(0, day_remaining))),
                ("x-user-limit-24hour-reset", str(int(day_reset))),
            ]
        response = self._route(req, path, user_id, scopes)
        response.headers.extend(headers)
        return response

    def _route(self, req: Request, path: str, user_id: str, scopes: list[str]) -> Response:
        parts = path.strip("/").split("/")
        method = req.method
        if parts[:2] == ["2", "tweets"]:
            if len(parts) == 2 and method == "POST":
                return self._post_tweet(req, user_id, scopes)
            if len(parts) == 2 and method == "GET":
                return self._get_tweets(req)
            if len(parts) == 3 and method == "DELETE":
                return self._delete_tweet(parts[2], user_id, scopes)
            if len(parts) == 3 and method == "GET":
                return self._get_tweet(req, parts[2])
            if len(parts) == 4 and parts[3] == "hidden" and method == "PUT":
                return self._hide(req, parts[2], user_id, scopes)
        if parts[:2] == ["2", "users"]:
            if len(parts) == 3 and parts[2] == "me" and method == "GET":
                if "users.read" not in scopes:
                    return self._forbidden()
                fields = self._fields(req, "user.fields", USER_FIELDS)
                if isinstance(fields, Response):
                    return fields
                return json_response(200, {"data": self._user_view(self.users[user_id], fields)})
            if len(parts) == 4 and parts[3] in ("mentions", "tweets") and method == "GET":
                return self._timeline(req, parts[2], parts[3])
        if parts == ["2", "media", "metadata"] and method == "POST":
            if "media.write" not in scopes:
                return self._forbidden()
            return self._media_metadata(req, user_id)
        if parts[:3] == ["2", "media", "upload"]:
            if "media.write" not in scopes:
                return self._forbidden()
            return self._media(req, parts[3:], user_id)
        return self._error(404, _problem(404, "Not Found Error", f"Unknown route {path}"))

    # --- OAuth 2.0 -----------------------------------------------------------------------------

    def _authorize(self, req: Request) -> Response:
        client_id = req.arg("client_id") or ""
        client = self.clients.get(client_id)
        redirect_uri = req.arg("redirect_uri") or ""
        if client is None or not redirect_allowed(redirect_uri, client["redirect_uris"]):
            page = "<!DOCTYPE html><html><body><h1>Something went wrong</h1>"
            page += "<p>You weren't able to give access to the App.</p></body></html>"
            return Response(400, page.encode(), [("Content-Type", "text/html; charset=utf-8")])
        scopes = (req.arg("scope") or "").split()
        challenge = req.arg("code_challenge") or ""
        method = req.arg("code_challenge_method") or "plain"
        if req.arg("response_type") != "code" or not challenge or method not in ("S256", "plain"):
            return Response(
                400, b"<html><body>Invalid request</body></html>", [("Content-Type", "text/html")]
            )
        if req.method == "GET":
            return consent_page(
                "X", client["name"], scopes, "@" + self.users[self.account_id]["username"]
            )
        code = self.fresh_secret("", 48)
        self.codes[code] = {
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "challenge": challenge,
            "method": method,
            "scopes": [s for s in scopes if s in ALL_SCOPES],
            "user_id": self.account_id,
            "expires": self.clock.now() + CODE_SECONDS,
        }
        return consent_decision(req, redirect_uri, req.arg("state"), code)

    def _oauth_client(self, req: Request) -> str | None:
        """The client id: HTTP Basic for confidential clients, the form field for public ones."""
        header = req.headers.get("authorization")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:].strip()).decode()
            except (ValueError, UnicodeDecodeError):
                return None
            client_id, _, secret = decoded.partition(":")
            client = self.clients.get(_unq(client_id))
            if client is None or not hmac.compare_digest(client["secret"], _unq(secret)):
                return None
            return _unq(client_id)
        client_id = (req.form().get("client_id") or [""])[0]
        return client_id if client_id in self.clients else None

    def _token(self, req: Request) -> Response:
        form = {k: v[0] for k, v in req.form().items()}
        client_id = self._oauth_client(req)
        if client_id is None:
            return json_response(
                401,
                {
                    "error": "unauthorized_client",
                    "error_description": "Missing valid authorization header",
                },
            )
        grant = form.get("grant_type", "")
        if grant == "authorization_code":
            code = self.codes.pop(form.get("code", ""), None)
            invalid = json_response(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Value passed for the authorization code was invalid.",
                },
            )
            if code is None or code["expires"] < self.clock.now() or code["client_id"] != client_id:
                return invalid
            if form.get("redirect_uri") != code["redirect_uri"]:
                return invalid
            if not pkce_matches(form.get("code_verifier", ""), code["challenge"], code["method"]):
                return invalid
            return json_response(
                200, self._issue_tokens(code["user_id"], code["scopes"], client_id)
            )
        if grant == "refresh_token":
            old = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
            if old is None or old["client_id"] != client_id:
                return json_response(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "Value passed for the token was invalid.",
                    },
                )
            return json_response(200, self._issue_tokens(old["user_id"], old["scopes"], client_id))
        return json_response(
            400,
            {
                "error": "invalid_request",
                "error_description": "Missing required parameter [grant_type].",
            },
        )

    def _revoke(self, req: Request) -> Response:
        token = (req.form().get("token") or [""])[0]
        self.access_tokens.pop(token, None)
        self.refresh_tokens.pop(token, None)
        return json_response(200, {"revoked": True})

    # --- posts ---------------------------------------------------------------------------------

    def _fields(self, req: Request, name: str, allowed: set[str]) -> set[str] | Response:
        values: list[str] = []
        for key in (name, name.replace("tweet.", "post.")):
            for raw in req.query.get(key, []):
                values += [v for v in raw.split(",") if v]
        unknown = [v for v in values if v not in allowed]
        if unknown:
            return self._invalid(
                f"The `{name}` query parameter value [{unknown[0]}] is not one of "
                f"[{', '.join(sorted(allowed))}]",
                {name: [",".join(values)]},
            )
        return set(values)

    def _post_tweet(self, req: Request, user_id: str, scopes: list[str]) -> Response:
        if "tweet.write" not in scopes:
            return self._forbidden()
        try:
            body = req.json()
        except (ValueError, UnicodeDecodeError):
            return self._invalid("Request body is not valid JSON.")
        if not isinstance(body, dict):
            return self._invalid("Request body must be a JSON object.")
        text = body.get("text")
        media = body.get("media") or {}
        media_ids = media.get("media_ids") if isinstance(media, dict) else None
        quote_id = body.get("quote_tweet_id")
        reply = body.get("reply") or {}
        reply_to = reply.get("in_reply_to_tweet_id") if isinstance(reply, dict) else None
        if text is not None and not isinstance(text, str):
            return self._invalid("$.text: expected a string", {"text": [str(text)]})
        if not text and not media_ids:
            return self._invalid(
                "You must specify either a Tweet text, media, poll, card URI, or quote tweet id."
            )
        exclusive = [k for k in ("media", "quote_tweet_id", "poll", "card_uri") if body.get(k)]
        if len(exclusive) > 1:
            return self._invalid(f"{' and '.join(exclusive)} are mutually exclusive")
        if media_ids is not None:
            if not isinstance(media_ids, list) or not 1 <= len(media_ids) <= 4:
                return self._invalid("media.media_ids must contain between 1 and 4 items")
            for media_id in media_ids:
                item = self.media.get(str(media_id))
                if item is None or item["owner"] != user_id:
                    return self._invalid(
                        "Your media IDs are invalid.", {"media.media_ids": [str(media_id)]}
                    )
        if reply_to is not None and str(reply_to) not in self.tweets:
            return self._invalid(
                "The tweet being replied to was not found or is not visible to you.",
                {"reply.in_reply_to_tweet_id": [str(reply_to)]},
            )
        if quote_id is not None and str(quote_id) not in self.tweets:
            return self._invalid(
                "The quoted tweet was not found.", {"quote_tweet_id": [str(quote_id)]}
            )
        text = text or ""
        if text:
            _length, valid = weighted_length(text)
            if not valid:
                return self._error(
                    400,
                    _problem(
                        400,
                        "Bad Request",
                        "Your Tweet text is too long. For more information on how Twitter "
                        "determines text length see https://github.com/twitter/twitter-text.",
                    ),
                )
            stored, _ = self._shorten_preview(text)
            since = self.clock.now() - 86400
            for tweet in reversed(self.tweets.values()):
                if tweet["created_at"] < since:
                    break
                if tweet["author_id"] == user_id and _same_text(tweet["text"], stored):
                    return self._forbidden(
                        "You are not allowed to create a Tweet with duplicate content."
                    )
        tweet = self._create_tweet(
            user_id,
            text,
            reply_to=str(reply_to) if reply_to is not None else None,
            media_ids=[str(m) for m in media_ids or []],
            quote_id=str(quote_id) if quote_id is not None else None,
        )
        data = {
            "id": tweet["id"],
            "text": html.escape(tweet["text"], quote=False),
            "edit_history_tweet_ids": [tweet["id"]],
        }
        return json_response(201, {"data": data})

    @staticmethod
    def _shorten_preview(text: str) -> tuple[str, int]:
        return URL_RE.sub("https://t.co/", text), 0

    def _delete_tweet(self, tweet_id: str, user_id: str, scopes: list[str]) -> Response:
        if "tweet.write" not in scopes:
            return self._forbidden()
        tweet = self.tweets.get(tweet_id)
        if tweet is None:
            return json_response(200, {"data": {"deleted": False}})
        if tweet["author_id"] != user_id:
            return self._forbidden("You are not authorized to delete this Tweet.")
        del self.tweets[tweet_id]
        return json_response(200, {"data": {"deleted": True}})

    def _hide(self, req: Request, tweet_id: str, user_id: str, scopes: list[str]) -> Response:
        if "tweet.moderate.write" not in scopes:
            return self._forbidden()
        tweet = self.tweets.get(tweet_id)
        try:
            hidden = req.json().get("hidden")
        except (ValueError, AttributeError, UnicodeDecodeError):
            hidden = None
        if not isinstance(hidden, bool):
            return self._invalid("$.hidden: expected a boolean")
        if tweet is None:
            return self._not_found(tweet_id, "tweet_id")
        conversation_root = self.tweets.get(tweet["conversation_id"])
        if conversation_root is None or conversation_root["author_id"] != user_id:
            return self._forbidden("You can only hide replies to your own conversations.")
        tweet["hidden"] = hidden
        return json_response(200, {"data": {"hidden": hidden}})

    def _not_found(self, value: str, parameter: str = "id", kind: str = "tweet") -> Response:
        return json_response(200, {"errors": [self._not_found_error(value, parameter, kind)]})

    @staticmethod
    def _not_found_error(value: str, parameter: str = "id", kind: str = "tweet") -> dict[str, Any]:
        return {
            "value": value,
            "detail": f"Could not find {kind} with {parameter}: [{value}].",
            "title": "Not Found Error",
            "resource_type": kind,
            "parameter": parameter,
            "resource_id": value,
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        }

    def _expansion_args(self, req: Request) -> tuple[set[str], set[str], set[str]] | Response:
        fields = self._fields(req, "tweet.fields", TWEET_FIELDS)
        if isinstance(fields, Response):
            return fields
        user_fields = self._fields(req, "user.fields", USER_FIELDS)
        if isinstance(user_fields, Response):
            return user_fields
        expansions = {e for raw in req.query.get("expansions", []) for e in raw.split(",") if e}
        known = {
            "author_id",
            "referenced_tweets.id",
            "in_reply_to_user_id",
            "attachments.media_keys",
            "referenced_tweets.id.author_id",
            "entities.mentions.username",
        }
        bad = sorted(expansions - known)
        if bad:
            return self._invalid(
                f"The `expansions` query parameter value [{bad[0]}] is not one of "
                f"[{', '.join(sorted(known))}]",
                {"expansions": [",".join(sorted(expansions))]},
            )
        return fields, user_fields, expansions

    def _includes(
        self,
        tweets: list[dict[str, Any]],
        fields: set[str],
        user_fields: set[str],
        expansions: set[str],
    ) -> dict[str, Any]:
        includes: dict[str, Any] = {}
        user_ids: list[str] = []
        if "author_id" in expansions:
            user_ids += [t["author_id"] for t in tweets]
        if "in_reply_to_user_id" in expansions:
            user_ids += [t["in_reply_to_user_id"] for t in tweets if t["in_reply_to_user_id"]]
        if "entities.mentions.username" in expansions:
            user_ids += [m["id"] for t in tweets for m in t["mentions"]]
        if "referenced_tweets.id" in expansions:
            referenced = []
            for tweet in tweets:
                for ref in tweet["referenced_tweets"]:
                    if ref["id"] in self.tweets:
                        referenced.append(self.tweets[ref["id"]])
            if referenced:
                includes["tweets"] = [self._tweet_view(t, fields, expansions) for t in referenced]
                if "referenced_tweets.id.author_id" in expansions:
                    user_ids += [t["author_id"] for t in referenced]
        if "attachments.media_keys" in expansions:
            keys = {k for t in tweets for k in t["media_keys"]}
            media = [
                {"media_key": m["media_key"], "type": "photo"}
                for m in self.media.values()
                if m["media_key"] in keys
            ]
            if media:
                includes["media"] = media
        unique = [u for i, u in enumerate(user_ids) if u in self.users and u not in user_ids[:i]]
        if unique:
            includes["users"] = [self._user_view(self.users[u], user_fields) for u in unique]
        return includes

    def _get_tweet(self, req: Request, tweet_id: str) -> Response:
        args = self._expansion_args(req)
        if isinstance(args, Response):
            return args
        fields, user_fields, expansions = args
        tweet = self.tweets.get(tweet_id)
        if tweet is None:
            return self._not_found(tweet_id)
        payload: dict[str, Any] = {"data": self._tweet_view(tweet, fields, expansions)}
        includes = self._includes([tweet], fields, user_fields, expansions)
        if includes:
            payload["includes"] = includes
        return json_response(200, payload)

    def _get_tweets(self, req: Request) -> Response:
        args = self._expansion_args(req)
        if isinstance(args, Response):
            return args
        fields, user_fields, expansions = args
        ids = [i for raw in req.query.get("ids", []) for i in raw.split(",") if i]
        if not 1 <= len(ids) <= 100:
            return self._invalid("The `ids` query parameter must contain between 1 and 100 ids")
        found = [self.tweets[i] for i in ids if i in self.tweets]
        payload: dict[str, Any] = {}
        if found:
            payload["data"] = [self._tweet_view(t, fields, expansions) for t in found]
            includes = self._includes(found, fields, user_fields, expansions)
            if includes:
                payload["includes"] = includes
        missing = [self._not_found_error(i, "ids") for i in ids if i not in self.tweets]
        if missing:
            payload["errors"] = missing
        return json_response(200, payload)

    def _timeline(self, req: Request, user_id: str, which: str) -> Response:
        args = self._expansion_args(req)
        if isinstance(args, Response):
            return args
        fields, user_fields, expansions = args
        if user_id not in self.users:
            return json_response(200, {"errors": [self._not_found_error(user_id, "id", "user")]})
        max_results_text = req.arg("max_results") or "10"
        low = 5
        if not max_results_text.isdigit() or not low <= int(max_results_text) <= 100:
            return self._invalid(
                f"The `max_results` query parameter value [{max_results_text}] is not between "
                f"{low} and 100",
                {"max_results": [max_results_text]},
            )
        max_results = int(max_results_text)
        since_id, until_id = req.arg("since_id"), req.arg("until_id")
        for name, value in (("since_id", since_id), ("until_id", until_id)):
            if value is not None and not value.isdigit():
                return self._invalid(
                    f"The `{name}` query parameter value [{value}] is not valid", {name: [value]}
                )
        start_time, end_time = req.arg("start_time"), req.arg("end_time")
        try:
            start_ts = parse_iso(start_time) if start_time else None
            end_ts = parse_iso(end_time) if end_time else None
        except ValueError:
            return self._invalid("The `start_time`/`end_time` query parameter is not a valid time")
        token = req.arg("pagination_token")
        before: int | None = None
        if token:
            try:
                before = int(base64.urlsafe_b64decode(token + "==").decode())
            except (ValueError, UnicodeDecodeError):
                return self._invalid(
                    "The `pagination_token` query parameter value is not valid",
                    {"pagination_token": [token]},
                )
        if which == "mentions":
            selected = [
                t
                for t in self.tweets.values()
                if any(m["id"] == user_id for m in t["mentions"]) and t["author_id"] != user_id
            ]
        else:
            selected = [t for t in self.tweets.values() if t["author_id"] == user_id]
        selected.sort(key=lambda t: int(t["id"]), reverse=True)
        selected = [
            t
            for t in selected
            if (since_id is None or int(t["id"]) > int(since_id))
            and (until_id is None or int(t["id"]) < int(until_id))
            and (before is None or int(t["id"]) < before)
            and (start_ts is None or t["created_at"] >= start_ts)
            and (end_ts is None or t["created_at"] <= end_ts)
        ]
        page, rest = selected[:max_results], selected[max_results:]
        meta: dict[str, Any] = {"result_count": len(page)}
        payload: dict[str, Any] = {}
        if page:
            payload["data"] = [self._tweet_view(t, fields, expansions) for t in page]
            includes = self._includes(page, fields, user_fields, expansions)
            if includes:
                payload["includes"] = includes
            meta["newest_id"] = page[0]["id"]
            meta["oldest_id"] = page[-1]["id"]
            if rest:
                meta["next_token"] = (
                    base64.urlsafe_b64encode(page[-1]["id"].encode()).decode().rstrip("=")
                )
        payload["meta"] = meta
        return json_response(200, payload)

    # --- media ---------------------------------------------------------------------------------

    def _new_media(self, owner: str, data: bytes, media_type: str, category: str) -> dict[str, Any]:
        media_id = self._next_id()
        info = image_info(data)
        item = {
            "id": media_id,
            "media_key": f"3_{media_id}",
            "size": len(data),
            "type": info[0] if info else media_type,
            "width": info[1] if info else 0,
            "height": info[2] if info else 0,
            "owner": owner,
            "category": category,
            "chunks": {},
            "total": len(data),
            "state": "succeeded",
            "created": self.clock.now(),
        }
        self.media[media_id] = item
        while len(self.media) > 500:
            self.media.popitem(last=False)
        return item

    def _media_view(self, item: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": item["id"],
            "media_key": item["media_key"],
            "size": item["size"],
            "expires_after_secs": 86400,
        }
        if item["state"] != "succeeded":
            data["processing_info"] = {"state": item["state"], "check_after_secs": 1}
        elif item["type"] not in ("image/png", "image/jpeg", "image/gif", "image/webp"):
            data["processing_info"] = {"state": "succeeded", "progress_percent": 100}
        return {"data": data}

    def _media(self, req: Request, rest: list[str], user_id: str) -> Response:
        if not rest and req.method == "POST":
            return self._media_one_shot(req, user_id)
        if not rest and req.method == "GET":
            item = self.media.get(req.arg("media_id") or "")
            if item is None or item["owner"] != user_id:
                return self._invalid(
                    "media_id not found", {"media_id": [req.arg("media_id") or ""]}
                )
            return json_response(200, self._media_view(item))
        if rest == ["initialize"] and req.method == "POST":
            try:
                body = req.json()
            except (ValueError, UnicodeDecodeError):
                return self._invalid("Request body is not valid JSON.")
            total = body.get("total_bytes") if isinstance(body, dict) else None
            if not isinstance(total, int) or total <= 0:
                return self._invalid("total_bytes is required", {"total_bytes": [str(total)]})
            item = self._new_media(
                user_id, b"", str(body.get("media_type", "")), str(body.get("media_category", ""))
            )
            item.update(state="pending", total=total, size=total)
            return json_response(200, self._media_view(item) | {})
        if len(rest) == 2 and rest[1] in ("append", "finalize") and req.method == "POST":
            item = self.media.get(rest[0])
            if item is None or item["owner"] != user_id:
                return self._invalid("media id not found", {"id": [rest[0]]})
            if rest[1] == "append":
                form, files = req.form(), req.files()
                segment = (form.get("segment_index") or ["0"])[0]
                if files.get("media"):
                    chunk = files["media"][0].data
                elif form.get("media"):
                    chunk = base64.b64decode(form["media"][0])
                else:
                    try:
                        body = req.json()
                        chunk = base64.b64decode(body["media"])
                        segment = str(body.get("segment_index", 0))
                    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                        return self._invalid("media is required", {"media": [""]})
                item["chunks"][int(segment)] = chunk
                return json_response(200, {"data": {"expires_at": int(self.clock.now() + 86400)}})
            data = b"".join(item["chunks"][k] for k in sorted(item["chunks"]))
            if len(data) != item["total"]:
                return self._invalid(
                    f"File size mismatch: expected {item['total']} bytes, received {len(data)}"
                )
            info = image_info(data)
            item.update(state="succeeded", size=len(data), chunks={})
            if info:
                item.update(type=info[0], width=info[1], height=info[2])
            return json_response(200, self._media_view(item))
        return self._error(404, _problem(404, "Not Found Error", "Unknown media route"))

    def _media_metadata(self, req: Request, user_id: str) -> Response:
        """Alt text (and other metadata) for uploaded media."""
        try:
            body = req.json()
        except (ValueError, UnicodeDecodeError):
            return self._invalid("Request body is not valid JSON.")
        media_id = str(body.get("id", "")) if isinstance(body, dict) else ""
        item = self.media.get(media_id)
        if item is None or item["owner"] != user_id:
            return self._invalid("The media id is not valid.", {"id": [media_id]})
        metadata = body.get("metadata") or {}
        alt = metadata.get("alt_text") if isinstance(metadata, dict) else None
        if alt is not None:
            text = alt.get("text") if isinstance(alt, dict) else None
            if not isinstance(text, str) or len(text) > 1000:
                return self._invalid("metadata.alt_text.text must be at most 1000 characters")
            item["alt_text"] = text
        associated: dict[str, Any] = {}
        if "alt_text" in item:
            associated["alt_text"] = {"text": item["alt_text"]}
        return json_response(200, {"data": {"id": media_id, "associated_metadata": associated}})

    def _media_one_shot(self, req: Request, user_id: str) -> Response:
        data: bytes | None = None
        category = media_type = ""
        if req.content_type == "multipart/form-data":
            files, form = req.files(), req.form()
            if files.get("media"):
                data = files["media"][0].data
                media_type = files["media"][0].content_type
            elif form.get("media"):
                data = base64.b64decode(form["media"][0])
            category = (form.get("media_category") or [""])[0]
            media_type = (form.get("media_type") or [media_type])[0]
        else:
            try:
                body = req.json()
                data = base64.b64decode(body["media"])
                category = str(body.get("media_category", ""))
                media_type = str(body.get("media_type", ""))
            except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                data = None
        if not data:
            return self._invalid("The `media` field is required.", {"media": [""]})
        if category not in ("tweet_image", "dm_image", "subtitles"):
            return self._invalid(
                "The `media_category` field must be one of [tweet_image, dm_image, subtitles]",
                {"media_category": [category]},
            )
        if image_info(data) is None:
            return self._invalid("The media type is not supported for this category.")
        if len(data) > 5 * 1024 * 1024:
            return self._invalid("File size exceeds 5242880 bytes.")
        item = self._new_media(user_id, data, media_type, category)
        payload = self._media_view(item)
        payload["data"]["image"] = {
            "image_type": item["type"],
            "w": item["width"],
            "h": item["height"],
        }
        return json_response(200, payload)


def _q(value: str) -> str:
    return quote(value, safe="~-._")


def _unq(value: str) -> str:
    from urllib.parse import unquote

    return unquote(value)


def _same_text(stored: str, candidate: str) -> bool:
    return URL_RE.sub("https://t.co/", stored).strip() == candidate.strip()


def _one_pixel_png(rgba: bytes) -> bytes:
    """A 1x1 RGBA PNG built from its chunks (no image library in the sandbox)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + rgba)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# A 1x1 half-transparent blue PNG, for avatar URLs.
_PIXEL = _one_pixel_png(bytes((0x1D, 0x4E, 0xD8, 0x80)))
