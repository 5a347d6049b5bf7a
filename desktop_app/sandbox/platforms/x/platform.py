"""X API v2 under ``/x``: posts, mentions, media upload, OAuth 2.0 PKCE and OAuth 1.0a.

Shapes follow the X OpenAPI document (v2.159; ``post.fields`` of v2.167 is accepted too). Like
the real API, a post's ``text`` comes back with ``&``, ``<`` and ``>`` HTML-escaped and with
URLs replaced by 23-character t.co links (the original is in ``entities.urls``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.sandbox.core import Request, Response, iso_z, json_response
from desktop_app.sandbox.platforms.base import StageError, last_or_none
from desktop_app.sandbox.platforms.x.common import (
    ACCESS_TOKEN_SECONDS,
    LIMITS,
    PIXEL,
    POSTS_PER_24H,
    USER_FIELDS,
    WINDOW_S,
    problem,
)
from desktop_app.sandbox.platforms.x.media import MediaMixin
from desktop_app.sandbox.platforms.x.oauth import OAuthMixin
from desktop_app.sandbox.platforms.x.posts import PostsMixin


class X(OAuthMixin, PostsMixin, MediaMixin):
    """The emulated X: the parts are mixins; this class seeds, stages and routes."""

    def seed_demo(self) -> None:
        account = self._user("SandvikenKommun", "Sandvikens kommun", citizen=False)
        self.account_id = account["id"]
        client_id = self.demo_secret("", 22) + "OjE6Y2k"
        client_secret = self.demo_secret("", 50)
        self.clients[client_id] = {
            "name": "Kanal (sandbox)",
            "secret": client_secret,
            # X compares callback URLs exactly, port included (its developer portal lists
            # them); Kanal's registered desktop callback is a fixed loopback address.
            "redirect_uris": ["http://127.0.0.1:28322/x/callback"],
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
        return self._error(code, problem(code, title, title))

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
            return Response(200, PIXEL, [("Content-Type", "image/png")])
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
        for route in ROUTES:
            if route.method != req.method:
                continue
            match = route.pattern.fullmatch(path)
            if match is None:
                continue
            if route.scope and route.scope not in scopes:
                return self._forbidden()
            return route.handler(self, Call(req, user_id, scopes, match.groups()))
        return self._error(404, problem(404, "Not Found Error", f"Unknown route {path}"))

    def _me(self, req: Request, user_id: str) -> Response:
        fields = self._fields(req, "user.fields", USER_FIELDS)
        if isinstance(fields, Response):
            return fields
        return json_response(200, {"data": self._user_view(self.users[user_id], fields)})


@dataclass(frozen=True)
class Call:
    """One authenticated request matched to a route: who asks, with which scopes, path ids."""

    req: Request
    user_id: str
    scopes: list[str]
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Route:
    """An entry of the route table; ``scope`` (if any) is checked before the handler runs."""

    method: str
    pattern: re.Pattern[str]
    handler: Callable[[X, Call], Response]
    scope: str | None = None


def _r(
    method: str, path: str, handler: Callable[[X, Call], Response], scope: str | None = None
) -> Route:
    return Route(method, re.compile(path), handler, scope)


_ID = r"([^/]+)"
ROUTES: tuple[Route, ...] = (
    _r("POST", "/2/tweets", lambda x, c: x._post_tweet(c.req, c.user_id, c.scopes)),
    _r("GET", "/2/tweets", lambda x, c: x._get_tweets(c.req)),
    _r("DELETE", f"/2/tweets/{_ID}", lambda x, c: x._delete_tweet(c.ids[0], c.user_id, c.scopes)),
    _r("GET", f"/2/tweets/{_ID}", lambda x, c: x._get_tweet(c.req, c.ids[0])),
    _r(
        "PUT",
        f"/2/tweets/{_ID}/hidden",
        lambda x, c: x._hide(c.req, c.ids[0], c.user_id, c.scopes),
    ),
    _r("GET", "/2/users/me", lambda x, c: x._me(c.req, c.user_id), "users.read"),
    _r(
        "GET",
        f"/2/users/{_ID}/(mentions|tweets)",
        lambda x, c: x._timeline(c.req, c.ids[0], c.ids[1]),
    ),
    _r(
        "POST", "/2/media/metadata", lambda x, c: x._media_metadata(c.req, c.user_id), "media.write"
    ),
    _r("POST", "/2/media/upload", lambda x, c: x._media_one_shot(c.req, c.user_id), "media.write"),
    _r("GET", "/2/media/upload", lambda x, c: x._media_status(c.req, c.user_id), "media.write"),
    _r(
        "POST",
        "/2/media/upload/initialize",
        lambda x, c: x._media_initialize(c.req, c.user_id),
        "media.write",
    ),
    _r(
        "POST",
        f"/2/media/upload/{_ID}/append",
        lambda x, c: x._media_append(c.req, c.ids[0], c.user_id),
        "media.write",
    ),
    _r(
        "POST",
        f"/2/media/upload/{_ID}/finalize",
        lambda x, c: x._media_finalize(c.ids[0], c.user_id),
        "media.write",
    ),
)
