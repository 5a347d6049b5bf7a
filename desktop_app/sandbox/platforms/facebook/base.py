"""The Facebook emulator's state, its error answers and its tokens (who is calling)."""

from __future__ import annotations

import base64
import json
import re
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from desktop_app.sandbox.core import (
    OWN_POSTS_PER_ACCOUNT,
    PUBLIC_ITEMS_PER_ACCOUNT,
    Request,
    Response,
    json_response,
)
from desktop_app.sandbox.platforms.base import Platform

DEFAULT_VERSION = "v25.0"
LONG_LIVED_S = 60 * 86400  # a user token from fb_exchange_token
SHORT_LIVED_S = 3600  # a user token from the code exchange, and the page tokens taken with it
APP_CALLS_PER_HOUR = 4800
PAGE_CALLS_PER_DAY = 4800 * 10
VERSION_RE = re.compile(r"^/v\d+\.\d+(?=/|$)")
# What Kanal asks for at sign-in (the demo token has them all).
ALL_SCOPES = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_posts",
    "pages_manage_engagement",
    "pages_read_user_content",
    "public_profile",
)
# The app's "Valid OAuth Redirect URIs": Kanal's default desktop redirect (a fixed loopback
# port and path) and Facebook's own page for desktop apps with a web view.
DEFAULT_REDIRECT_URIS = (
    "http://127.0.0.1:28321/facebook/callback",
    "https://www.facebook.com/connect/login_success.html",
)
# error_subcode of 190 per reason a token stopped working (Meta's "Handling Errors").
SUBCODES = {"expired": 463, "password": 460, "invalid": 467, "deauthorized": 458}

Who = tuple[str, str]  # ("user", user_id) or ("page", page_id)


def fb_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def encode_cursor(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def decode_cursor(value: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def top_fields(spec: str) -> list[str]:
    """``id,message,from{name,id},comments.summary(true)`` -> the top-level names."""
    names, depth, current = [], 0, ""
    for char in spec:
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
        elif char == "," and depth == 0:
            names.append(current)
            current = ""
            continue
        current += char
    names.append(current)
    return [re.split(r"[{.(]", name.strip(), maxsplit=1)[0] for name in names if name.strip()]


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%A, %d-%b-%y %H:%M:%S")


class FacebookBase(Platform):
    """State of one emulated Facebook: the app, one user, their pages and everything posted."""

    name = "facebook"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.app_id = ""
        self.app_secret = ""
        self.redirect_uris: list[str] = list(DEFAULT_REDIRECT_URIS)
        self.debug_needs_app_token = False  # True: the signed-in user is not an app developer
        self.user: dict[str, Any] = {}
        # token -> user_id, issued, expires, scopes, and why it stopped working ("revoked")
        self.user_tokens: dict[str, dict[str, Any]] = {}
        self.pages: dict[str, dict[str, Any]] = {}
        # token -> page_id, issued, expires (None: never), the user token it was taken with
        self.page_tokens: dict[str, dict[str, Any]] = {}
        self.derived: dict[tuple[str, str], str] = {}  # (user token, page id) -> page token
        self.posts: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.comments: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.photos: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.codes: dict[str, dict[str, Any]] = {}
        self.demo_token = ""
        self._counter = 100_000_000_000_000 + (ctx.seed % 1000) * 10_000_000
        self.people: dict[str, str] = {}
        # Ids repeat after a reset (same seed); cursors carry this world's mark, so a cursor from
        # before the reset is refused as Graph refuses one whose item is gone.
        self.world = self.fresh_secret("", 6)

    def _next(self) -> str:
        self._counter += 1 + (self._counter % 5)
        return str(self._counter)

    @property
    def main_page(self) -> str:
        return next(iter(self.pages))

    # --- data ----------------------------------------------------------------------------------

    def _insert_post(
        self,
        page_id: str,
        message: str,
        link: str | None,
        at: float | None = None,
        published: bool = True,
        scheduled: float | None = None,
        author: dict[str, str] | None = None,
        photo_ids: list[str] | None = None,
    ) -> dict[str, Any]:
        post_id = f"{page_id}_{self._next()}"
        now = self.clock.now() if at is None else at
        post = {
            "id": post_id,
            "page_id": page_id,
            "message": message,
            "link": link,
            "created": now,
            "updated": now,
            "published": published,
            "scheduled": scheduled,
            "from": author or {"name": self.pages[page_id]["name"], "id": page_id},
            "visitor": author is not None,
            "photo_ids": list(photo_ids or []),
            "is_hidden": False,
        }
        self.posts[post_id] = post
        cap = PUBLIC_ITEMS_PER_ACCOUNT if post["visitor"] else OWN_POSTS_PER_ACCOUNT
        self.keep_bounded(f"posts:{post['visitor']}", post_id, self.posts, cap)
        return post

    def _insert_comment(
        self,
        object_id: str,
        message: str,
        author: dict[str, str],
        at: float | None = None,
        public: bool = True,
    ) -> dict[str, Any]:
        suffix = object_id.split("_")[-1]
        comment_id = f"{suffix}_{self._next()}"
        comment = {
            "id": comment_id,
            "object_id": object_id,
            "message": message,
            "from": author,
            "created": self.clock.now() if at is None else at,
            "is_hidden": False,
            "public": public,
        }
        self.comments[comment_id] = comment
        if public:
            self.keep_bounded("comments", comment_id, self.comments, PUBLIC_ITEMS_PER_ACCOUNT)
        return comment

    # --- errors --------------------------------------------------------------------------------

    def _error(
        self,
        message: str,
        code: int,
        status: int = 400,
        type_: str = "OAuthException",
        subcode: int | None = None,
        headers: list[tuple[str, str]] | None = None,
        user_title: str | None = None,
        user_msg: str | None = None,
    ) -> Response:
        error: dict[str, Any] = {"message": message, "type": type_, "code": code}
        if subcode is not None:
            error["error_subcode"] = subcode
        if user_title:
            error["is_transient"] = False
            error["error_user_title"] = user_title
            error["error_user_msg"] = user_msg or ""
        error["fbtrace_id"] = "A" + self.trace_id(message, code, self.clock.now())[:22]
        extra = list(headers or [])
        if code in (190, 104):
            extra.append(
                ("WWW-Authenticate", f'OAuth "Facebook Platform" "invalid_token" "{message}"')
            )
        return json_response(
            status, {"error": error}, extra, content_type="application/json; charset=UTF-8"
        )

    def _no_object(self, object_id: str, method: str = "get") -> Response:
        return self._error(
            f"Unsupported {method} request. Object with ID '{object_id}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation. Please read "
            "the Graph API documentation at https://developers.facebook.com/docs/graph-api",
            100,
            type_="GraphMethodException",
            subcode=33,
        )

    def _expired(self, expired_at: float | None = None) -> Response:
        when = self.clock.now() - 3600 if expired_at is None else expired_at
        message = (
            f"Error validating access token: Session has expired on {_when(when)} UTC. "
            f"The current time is {_when(self.clock.now())} UTC."
        )
        return self._error(message, 190, subcode=SUBCODES["expired"])

    def _revoked(self, reason: str) -> Response:
        if reason == "password":
            message = (
                "Error validating access token: The session has been invalidated because the "
                "user changed their password or Facebook has changed the session for security "
                "reasons."
            )
        elif reason == "deauthorized":
            message = "Error validating access token: User has not authorized application."
        else:
            message = "Error validating access token: The session is invalid."
        return self._error(message, 190, subcode=SUBCODES.get(reason, SUBCODES["invalid"]))

    def _permission(self) -> Response:
        return self._error(
            "(#200) If posting to a page, requires both pages_read_engagement and "
            "pages_manage_posts as an admin with sufficient administrative permission",
            200,
            status=403,
        )

    # --- tokens --------------------------------------------------------------------------------

    def issue_user_token(
        self, lifetime: float, scopes: list[str], token: str | None = None
    ) -> dict[str, Any]:
        token = token or self.fresh_secret("EAAB", 120)
        now = self.clock.now()
        entry = {
            "token": token,
            "user_id": self.user["id"],
            "issued": now,
            "expires": now + lifetime,
            "scopes": list(scopes),
            "revoked": None,
        }
        self.user_tokens[token] = entry
        return entry

    def page_token_for(self, user_token: str, page_id: str, token: str | None = None) -> str:
        """The page token ``/me/accounts`` hands out to this user token (one per pair).

        Taken with a short-lived user token it expires with it; taken with a long-lived one it
        never expires (either way it stops working when the user's tokens are invalidated).
        """
        key = (user_token, page_id)
        if key in self.derived:
            return self.derived[key]
        user = self.user_tokens[user_token]
        long_lived = user["expires"] - user["issued"] > SHORT_LIVED_S * 2
        token = token or self.fresh_secret("EAAB", 140)
        self.page_tokens[token] = {
            "page_id": page_id,
            "issued": self.clock.now(),
            "expires": None if long_lived else user["expires"],
            "user_token": user_token,
            "scopes": list(user["scopes"]),
        }
        self.derived[key] = token
        return token

    def page_token(self, page_id: str) -> str:
        """The demo page token of ``page_id`` (taken with the long-lived demo user token)."""
        return self.page_token_for(self.demo_token, page_id)

    def invalidate_tokens(self, reason: str = "password") -> None:
        """Every token of the user stops working, as after a password change (190/460)."""
        for entry in self.user_tokens.values():
            entry["revoked"] = reason

    def token_problem(self, token: str) -> Response | None:
        """Why ``token`` cannot be used now (an error answer), or None when it can."""
        user = self.user_tokens.get(token)
        page = self.page_tokens.get(token)
        if user is None and page is None:
            return self._error("Invalid OAuth access token - Cannot parse access token", 190)
        if page is not None:
            user = self.user_tokens.get(page["user_token"] or "")
            if user is not None and user["revoked"]:
                return self._revoked(user["revoked"])
            if page["expires"] is not None and page["expires"] <= self.clock.now():
                return self._expired(page["expires"])
            return None
        assert user is not None
        if user["revoked"]:
            return self._revoked(user["revoked"])
        if user["expires"] <= self.clock.now():
            return self._expired(user["expires"])
        return None

    def _token(self, req: Request) -> str | None:
        return req.param("access_token") or req.bearer()

    def _who(self, req: Request) -> Who | Response:
        """("user", user_id) or ("page", page_id) for the request's access token."""
        token = self._token(req)
        if not token:
            return self._error("An access token is required to request this resource.", 104)
        problem = self.token_problem(token)
        if problem is not None:
            return problem
        if token in self.page_tokens:
            return "page", str(self.page_tokens[token]["page_id"])
        return "user", str(self.user_tokens[token]["user_id"])

    def _usage_headers(self, who: Who | None) -> list[tuple[str, str]]:
        _, remaining, _ = self.ctx.rates.hit(("fbapp", self.app_id), APP_CALLS_PER_HOUR, 3600.0)
        app_pct = min(100, int(100 * (APP_CALLS_PER_HOUR - remaining) / APP_CALLS_PER_HOUR))
        app = {"call_count": app_pct, "total_cputime": app_pct // 2, "total_time": app_pct // 2}
        headers = [("X-App-Usage", json.dumps(app))]
        if who is not None and who[0] == "page":
            _, left, _ = self.ctx.rates.hit(("fbpage", who[1]), PAGE_CALLS_PER_DAY, 86400.0)
            pct = min(100, int(100 * (PAGE_CALLS_PER_DAY - left) / PAGE_CALLS_PER_DAY))
            usage = {"call_count": pct, "total_cputime": pct // 2, "total_time": pct // 2}
            headers.append(("X-Page-Usage", json.dumps(usage)))
            buc = {who[1]: [{"type": "pages", **usage, "estimated_time_to_regain_access": 0}]}
            headers.append(("X-Business-Use-Case-Usage", json.dumps(buc)))
        return headers
