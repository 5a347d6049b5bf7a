"""Facebook Graph API for Pages under ``/facebook`` (any ``/vNN.0/`` version, or none).

User tokens come from the login dialog (or the printed demo token); page tokens from
``GET /me/accounts``. Publishing, replying, hiding and deleting need the page token, as on the
real Graph API. Errors carry the real codes (190 for invalid/expired tokens, 100 for bad
parameters, 200 for permissions, 4/32 for rate limits, 506 for duplicates) with HTTP 400/403.
"""

from __future__ import annotations

import base64
import json
import re
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from desktop_app.sandbox.core import (
    OWN_POSTS_PER_ACCOUNT,
    PUBLIC_ITEMS_PER_ACCOUNT,
    Request,
    Response,
    image_info,
    json_response,
    parse_iso,
)
from desktop_app.sandbox.platforms.base import (
    Platform,
    StageError,
    consent_decision,
    consent_page,
    last_or_none,
    redirect_allowed,
)

DEFAULT_VERSION = "v25.0"
LONG_LIVED_S = 60 * 86400
SHORT_LIVED_S = 5400
APP_CALLS_PER_HOUR = 4800
PAGE_CALLS_PER_DAY = 4800 * 10
VERSION_RE = re.compile(r"^/v\d+\.\d+(?=/|$)")


def fb_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _encode_cursor(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def _decode_cursor(value: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def _top_fields(spec: str) -> list[str]:
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


class Facebook(Platform):
    name = "facebook"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.app_id = ""
        self.app_secret = ""
        self.user: dict[str, Any] = {}
        self.user_tokens: dict[str, dict[str, Any]] = {}
        self.pages: dict[str, dict[str, Any]] = {}
        self.page_tokens: dict[str, str] = {}
        self.posts: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.comments: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.photos: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.codes: dict[str, dict[str, Any]] = {}
        self.demo_token = ""
        self._counter = 100_000_000_000_000 + (ctx.seed % 1000) * 10_000_000
        self.people: dict[str, str] = {}

    def _next(self) -> str:
        self._counter += 1 + (self._counter % 5)
        return str(self._counter)

    # --- demo world ----------------------------------------------------------------------------

    def seed_demo(self) -> None:
        self.app_id = str(1_100_000_000_000_000 + self.ctx.seed)
        self.app_secret = self.demo_secret("", 32).lower()
        self.user = {"id": str(10_000_000_000_000 + self.ctx.seed), "name": "Anna Redaktör"}
        self.demo_token = self.demo_secret("EAAB", 160)
        self.user_tokens[self.demo_token] = {
            "user_id": self.user["id"],
            "expires": self.clock.now() + LONG_LIVED_S,
        }
        for name, category in (
            ("Sandvikens kommun", "Government organization"),
            ("Sandvikens bibliotek", "Library"),
        ):
            page_id = str(200_000_000_000_000 + len(self.pages) * 1_000_003 + self.ctx.seed)
            token = self.demo_secret("EAAB", 180)
            self.pages[page_id] = {"id": page_id, "name": name, "category": category}
            self.page_tokens[token] = page_id
        main_page = next(iter(self.pages))
        start = self.clock.now() - 4 * 86400
        for index, message in enumerate(
            (
                "Vintern är här! Så här prioriterar vi snöröjningen i kommunen.",
                "Välkommen på öppet hus på gymnasieskolorna den 12 januari.",
                "Bygglov: nu kan du följa ditt ärende digitalt.",
            )
        ):
            self._insert_post(main_page, message, None, at=start + index * 86400)

    def credentials(self) -> dict[str, Any]:
        return {"access_token": self.demo_token}

    def platform_info(self) -> dict[str, Any]:
        info = super().platform_info()
        info["graph_version"] = DEFAULT_VERSION
        info["app_id"] = self.app_id
        info["app_secret"] = self.app_secret
        info["page_ids"] = list(self.pages)
        info["authorize_url"] = f"{self.base_url}/{DEFAULT_VERSION}/dialog/oauth"
        info["token_url"] = f"{self.base_url}/{DEFAULT_VERSION}/oauth/access_token"
        return info

    @property
    def main_page(self) -> str:
        return next(iter(self.pages))

    def page_token(self, page_id: str) -> str:
        return next(t for t, p in self.page_tokens.items() if p == page_id)

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

    def _post_of(self, object_id: str) -> dict[str, Any] | None:
        while object_id in self.comments:
            object_id = self.comments[object_id]["object_id"]
        return self.posts.get(object_id)

    def _promote_scheduled(self) -> None:
        now = self.clock.now()
        for post in self.posts.values():
            if not post["published"] and post["scheduled"] is not None and post["scheduled"] <= now:
                post["published"] = True
                post["created"] = post["updated"] = post["scheduled"]

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
        if code == 190 or code == 104:
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

    def _expired(self) -> Response:
        when = datetime.fromtimestamp(self.clock.now() - 3600, UTC)
        now = datetime.fromtimestamp(self.clock.now(), UTC)
        message = (
            "Error validating access token: Session has expired on "
            f"{when.strftime('%A, %d-%b-%y %H:%M:%S')} UTC. The current time is "
            f"{now.strftime('%A, %d-%b-%y %H:%M:%S')} UTC."
        )
        return self._error(message, 190, subcode=463)

    def _permission(self) -> Response:
        return self._error(
            "(#200) If posting to a page, requires both pages_read_engagement and "
            "pages_manage_posts as an admin with sufficient administrative permission",
            200,
            status=403,
        )

    def fault_response(self, kind: str, status: int | None, req: Request) -> Response:
        if kind == "expired-token":
            return self._expired()
        if kind == "ratelimit":
            token = self._token(req)
            page_id = self.page_tokens.get(token or "")
            if page_id:
                usage = {"call_count": 100, "total_cputime": 12, "total_time": 25}
                buc = {
                    page_id: [
                        {
                            "type": "pages",
                            "call_count": 100,
                            "total_cputime": 12,
                            "total_time": 25,
                            "estimated_time_to_regain_access": 15,
                        }
                    ]
                }
                return self._error(
                    "(#32) Page request limit reached",
                    32,
                    headers=[
                        ("X-Page-Usage", json.dumps(usage)),
                        ("X-Business-Use-Case-Usage", json.dumps(buc)),
                    ],
                )
            usage = {"call_count": 100, "total_cputime": 10, "total_time": 20}
            return self._error(
                "(#4) Application request limit reached",
                4,
                headers=[("X-App-Usage", json.dumps(usage))],
            )
        code = status or 500
        if code >= 500:
            return self._error(
                "An unexpected error has occurred. Please retry your request later.",
                2,
                status=code,
                type_="OAuthException",
            )
        if code == 401 or code == 403:
            return self._permission()
        return self._error("(#100) Invalid parameter", 100, status=code)

    # --- auth ----------------------------------------------------------------------------------

    def _token(self, req: Request) -> str | None:
        return req.param("access_token") or req.bearer()

    def _who(self, req: Request) -> tuple[str, str] | Response:
        """("user", user_id) or ("page", page_id) for the request's access token."""
        token = self._token(req)
        if not token:
            return self._error("An access token is required to request this resource.", 104)
        if token in self.page_tokens:
            return "page", self.page_tokens[token]
        user = self.user_tokens.get(token)
        if user is None:
            return self._error("Invalid OAuth access token - Cannot parse access token", 190)
        if user["expires"] <= self.clock.now():
            return self._expired()
        return "user", user["user_id"]

    def _usage_headers(self, who: tuple[str, str]) -> list[tuple[str, str]]:
        _, remaining, _ = self.ctx.rates.hit(("fbapp", self.app_id), APP_CALLS_PER_HOUR, 3600.0)
        app_pct = min(100, int(100 * (APP_CALLS_PER_HOUR - remaining) / APP_CALLS_PER_HOUR))
        headers = [
            (
                "X-App-Usage",
                json.dumps(
                    {
                        "call_count": app_pct,
                        "total_cputime": app_pct // 2,
                        "total_time": app_pct // 2,
                    }
                ),
            ),
        ]
        if who[0] == "page":
            _, left, _ = self.ctx.rates.hit(("fbpage", who[1]), PAGE_CALLS_PER_DAY, 86400.0)
            pct = min(100, int(100 * (PAGE_CALLS_PER_DAY - left) / PAGE_CALLS_PER_DAY))
            usage = {"call_count": pct, "total_cputime": pct // 2, "total_time": pct // 2}
            headers.append(("X-Page-Usage", json.dumps(usage)))
            buc = {who[1]: [{"type": "pages", **usage, "estimated_time_to_regain_access": 0}]}
            headers.append(("X-Business-Use-Case-Usage", json.dumps(buc)))
        return headers

    # --- routing -------------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        path = VERSION_RE.sub("", req.path).rstrip("/") or "/"
        version_match = VERSION_RE.match(req.path)
        version = version_match.group(0).strip("/") if version_match else DEFAULT_VERSION
        parts = [p for p in path.split("/") if p]
        method = req.method
        if method == "POST" and (req.param("method") or "").upper() == "DELETE":
            method = "DELETE"
        if parts == ["dialog", "oauth"]:
            return self._dialog(req)
        if parts == ["oauth", "access_token"]:
            return self._access_token(req)
        who = self._who(req)
        if isinstance(who, Response):
            return who
        self._promote_scheduled()
        response = self._route(req, method, parts, who, version)
        response.headers.extend(self._usage_headers(who))
        return response

    def _route(
        self, req: Request, method: str, parts: list[str], who: tuple[str, str], version: str
    ) -> Response:
        if parts and parts[0] == "me":
            parts = [who[1], *parts[1:]]
            if who[0] == "user" and parts[1:] == ["accounts"] and method == "GET":
                return self._accounts(req, version)
        if not parts:
            return self._error("Unsupported get request.", 100, type_="GraphMethodException")
        object_id = parts[0]
        edge = parts[1] if len(parts) > 1 else None
        if len(parts) > 2:
            return self._error(f"Unknown path components: /{'/'.join(parts[2:])}", 2500)
        if edge is None:
            return self._node(req, method, object_id, who)
        if edge in (
            "feed",
            "posts",
            "published_posts",
            "scheduled_posts",
            "visitor_posts",
            "tagged",
        ):
            if method == "POST" and edge == "feed":
                return self._publish(req, object_id, who)
            if method == "GET":
                return self._feed(req, object_id, edge, who, version)
        if edge == "photos":
            if method == "POST":
                return self._photo(req, object_id, who)
            if method == "GET":
                return self._list_photos(req, object_id, version)
        if edge == "comments":
            if method == "GET":
                return self._list_comments(req, object_id, who, version)
            if method == "POST":
                return self._comment(req, object_id, who)
        return self._error(f"(#100) Tried accessing nonexisting field ({edge})", 100)

    # --- OAuth ---------------------------------------------------------------------------------

    def _dialog(self, req: Request) -> Response:
        redirect_uri = req.arg("redirect_uri") or ""
        if req.arg("client_id") != self.app_id or not redirect_allowed(redirect_uri, []):
            page = "<html><body><h1>Error</h1><p>Invalid App ID or URL blocked.</p></body></html>"
            return Response(400, page.encode(), [("Content-Type", "text/html; charset=utf-8")])
        scopes = [s for s in (req.arg("scope") or "").replace(" ", ",").split(",") if s]
        if req.method == "GET":
            return consent_page("Facebook", "Kanal (sandbox)", scopes, self.user["name"])
        code = self.fresh_secret("AQ", 64)
        self.codes[code] = {"redirect_uri": redirect_uri, "expires": self.clock.now() + 600}
        return consent_decision(req, redirect_uri, req.arg("state"), code)

    def _access_token(self, req: Request) -> Response:
        if req.param("client_id") != self.app_id:
            return self._error("Error validating application. Invalid application ID.", 101)
        if req.param("client_secret") != self.app_secret:
            return self._error("Error validating client secret.", 1)
        if req.param("grant_type") == "fb_exchange_token":
            old = self.user_tokens.get(req.param("fb_exchange_token") or "")
            if old is None:
                return self._error("Invalid OAuth access token - Cannot parse access token", 190)
            if old["expires"] <= self.clock.now():
                return self._expired()
            return self._grant(LONG_LIVED_S)
        code = self.codes.pop(req.param("code") or "", None)
        if code is None or code["expires"] < self.clock.now():
            return self._error("Invalid verification code format.", 100)
        if req.param("redirect_uri") != code["redirect_uri"]:
            return self._error(
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request",
                100,
            )
        return self._grant(SHORT_LIVED_S)

    def _grant(self, lifetime: int) -> Response:
        token = self.fresh_secret("EAAB", 120)
        self.user_tokens[token] = {
            "user_id": self.user["id"],
            "expires": self.clock.now() + lifetime,
        }
        return json_response(
            200, {"access_token": token, "token_type": "bearer", "expires_in": lifetime}
        )

    # --- nodes ---------------------------------------------------------------------------------

    def _accounts(self, req: Request, version: str) -> Response:
        data = [
            {
                "access_token": self.page_token(page_id),
                "category": page["category"],
                "category_list": [{"id": "2235", "name": page["category"]}],
                "name": page["name"],
                "id": page_id,
                "tasks": [
                    "ANALYZE",
                    "ADVERTISE",
                    "MESSAGING",
                    "MODERATE",
                    "CREATE_CONTENT",
                    "MANAGE",
                ],
            }
            for page_id, page in self.pages.items()
        ]
        paging = {
            "cursors": {
                "before": _encode_cursor(data[0]["id"]),
                "after": _encode_cursor(data[-1]["id"]),
            }
        }
        return json_response(200, {"data": data, "paging": paging})

    def _node(self, req: Request, method: str, object_id: str, who: tuple[str, str]) -> Response:
        fields = _top_fields(req.param("fields") or "")
        if object_id == self.user.get("id") and who[0] == "user":
            if method != "GET":
                return self._no_object(object_id, method.lower())
            return json_response(200, {"name": self.user["name"], "id": self.user["id"]})
        if object_id in self.pages:
            page = self.pages[object_id]
            if method != "GET":
                return self._no_object(object_id, method.lower())
            view: dict[str, Any] = {"name": page["name"], "id": object_id}
            for field in fields:
                if field == "category":
                    view["category"] = page["category"]
                elif field == "link":
                    view["link"] = f"https://www.facebook.com/{object_id}"
                elif field == "fan_count":
                    view["fan_count"] = 8412
                elif field == "picture":
                    view["picture"] = {
                        "data": {
                            "url": f"{self.base_url}/pictures/{object_id}.png",
                            "is_silhouette": False,
                            "height": 50,
                            "width": 50,
                        }
                    }
                elif field == "access_token" and who == ("user", self.user["id"]):
                    view["access_token"] = self.page_token(object_id)
            return json_response(200, view)
        if object_id in self.posts:
            post = self.posts[object_id]
            if method == "GET":
                if not post["published"] and who != ("page", post["page_id"]):
                    return self._no_object(object_id)
                return json_response(
                    200, self._post_view(post, fields or ["created_time", "message", "id"])
                )
            if who != ("page", post["page_id"]):
                return self._permission()
            if method == "DELETE":
                del self.posts[object_id]
                for cid in [c for c, v in self.comments.items() if self._post_of(c) is None]:
                    self.comments.pop(cid, None)
                return json_response(200, {"success": True})
            if method == "POST":
                if req.param("message") is not None:
                    post["message"] = req.param("message")
                    post["updated"] = self.clock.now()
                if req.param("is_hidden") is not None:
                    post["is_hidden"] = req.param("is_hidden") == "true"
                return json_response(200, {"success": True})
        if object_id in self.comments:
            comment = self.comments[object_id]
            owner = self._post_of(object_id)
            page_id = owner["page_id"] if owner else ""
            if method == "GET":
                return json_response(
                    200,
                    self._comment_view(
                        comment, fields or ["created_time", "from", "message", "id"], who
                    ),
                )
            if who != ("page", page_id):
                return self._error("(#200) Permissions error", 200, status=403)
            if method == "DELETE":
                self._delete_comment(object_id)
                return json_response(200, {"success": True})
            if method == "POST":
                if req.param("is_hidden") is not None:
                    if comment["from"]["id"] == page_id:
                        return self._error("(#100) The page cannot hide its own comments", 100)
                    comment["is_hidden"] = req.param("is_hidden") in ("true", "1")
                if req.param("message") is not None:
                    if comment["from"]["id"] != page_id:
                        return self._error("(#200) Permissions error", 200, status=403)
                    comment["message"] = req.param("message")
                return json_response(200, {"success": True})
        if object_id in self.photos and method == "GET":
            photo = self.photos[object_id]
            return json_response(
                200,
                {
                    "id": object_id,
                    "created_time": fb_time(photo["created"]),
                    "name": photo["caption"],
                    "alt_text": photo["alt_text"],
                },
            )
        return self._no_object(object_id, method.lower())

    def _delete_comment(self, comment_id: str) -> None:
        children = [cid for cid, c in self.comments.items() if c["object_id"] == comment_id]
        for child in children:
            self._delete_comment(child)
        self.comments.pop(comment_id, None)

    def _post_view(self, post: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        view: dict[str, Any] = {}
        page_id, _, story = post["id"].partition("_")
        for field in fields:
            if field == "id":
                view["id"] = post["id"]
            elif field == "message" and post["message"]:
                view["message"] = post["message"]
            elif field == "created_time":
                view["created_time"] = fb_time(post["created"])
            elif field == "updated_time":
                view["updated_time"] = fb_time(post["updated"])
            elif field == "permalink_url":
                view["permalink_url"] = f"https://www.facebook.com/{page_id}/posts/{story}"
            elif field == "is_published":
                view["is_published"] = post["published"]
            elif field == "scheduled_publish_time" and post["scheduled"] is not None:
                view["scheduled_publish_time"] = int(post["scheduled"])
            elif field == "from":
                view["from"] = dict(post["from"])
            elif field == "is_hidden":
                view["is_hidden"] = post["is_hidden"]
            elif field == "link" and post["link"]:
                view["link"] = post["link"]
            elif field == "status_type":
                view["status_type"] = (
                    "added_photos" if post["photo_ids"] else "mobile_status_update"
                )
            elif field == "full_picture" and post["photo_ids"]:
                view["full_picture"] = f"{self.base_url}/pictures/{post['photo_ids'][0]}.png"
        view.setdefault("id", post["id"])
        return view

    def _comment_view(
        self, comment: dict[str, Any], fields: list[str], who: tuple[str, str]
    ) -> dict[str, Any]:
        post = self._post_of(comment["id"])
        page_token = post is not None and who == ("page", post["page_id"])
        view: dict[str, Any] = {}
        page_id, _, story = (post["id"] if post else "_").partition("_")
        for field in fields:
            if field == "id":
                view["id"] = comment["id"]
            elif field == "message":
                view["message"] = comment["message"]
            elif field == "created_time":
                view["created_time"] = fb_time(comment["created"])
            elif field == "from" and page_token:
                view["from"] = dict(comment["from"])
            elif field == "is_hidden":
                view["is_hidden"] = comment["is_hidden"]
            elif field == "parent" and comment["object_id"] in self.comments:
                parent = self.comments[comment["object_id"]]
                view["parent"] = {
                    "created_time": fb_time(parent["created"]),
                    "message": parent["message"],
                    "id": parent["id"],
                }
            elif field == "comment_count":
                view["comment_count"] = sum(
                    1 for c in self.comments.values() if c["object_id"] == comment["id"]
                )
            elif field == "like_count":
                view["like_count"] = 0
            elif field == "can_hide":
                view["can_hide"] = page_token and comment["from"]["id"] != page_id
            elif field == "can_remove":
                view["can_remove"] = page_token
            elif field == "permalink_url":
                view["permalink_url"] = (
                    f"https://www.facebook.com/{page_id}/posts/{story}/"
                    f"?comment_id={comment['id'].split('_')[-1]}"
                )
        view.setdefault("id", comment["id"])
        return view

    # --- edges ---------------------------------------------------------------------------------

    def _page(
        self,
        req: Request,
        items: list[dict[str, Any]],
        node_id: str,
        edge: str,
        version: str,
    ) -> tuple[list[dict[str, Any]], dict[str, Any]] | Response:
        """Cursor paging: ``limit``, ``after``, ``before``; ``next`` only when more remain."""
        limit_text = req.param("limit") or "25"
        if not limit_text.isdigit():
            return self._error("(#100) Param limit must be a number", 100)
        limit = max(1, min(100, int(limit_text)))
        ids = [item["id"] for item in items]
        start = 0
        after, before = req.param("after"), req.param("before")
        if after:
            anchor = _decode_cursor(after)
            if anchor not in ids:
                return self._error("(#100) The after cursor is invalid", 100)
            start = ids.index(anchor) + 1
        elif before:
            anchor = _decode_cursor(before)
            if anchor not in ids:
                return self._error("(#100) The before cursor is invalid", 100)
            start = max(0, ids.index(anchor) - limit)
        chosen = items[start : start + limit]
        paging: dict[str, Any] = {}
        if chosen:
            paging["cursors"] = {
                "before": _encode_cursor(chosen[0]["id"]),
                "after": _encode_cursor(chosen[-1]["id"]),
            }
            keep = [(k, v[0]) for k, v in req.query.items() if k not in ("after", "before")]
            base = f"{self.base_url}/{version}/{node_id}/{edge}"
            if start + limit < len(items):
                paging["next"] = (
                    base + "?" + urlencode([*keep, ("after", paging["cursors"]["after"])])
                )
            if start > 0:
                paging["previous"] = (
                    base + "?" + urlencode([*keep, ("before", paging["cursors"]["before"])])
                )
        return chosen, paging

    def _feed(
        self, req: Request, page_id: str, edge: str, who: tuple[str, str], version: str
    ) -> Response:
        if page_id not in self.pages:
            return self._no_object(page_id)
        if edge == "scheduled_posts":
            if who != ("page", page_id):
                return self._permission()
            items = [
                p
                for p in self.posts.values()
                if p["page_id"] == page_id and not p["published"] and p["scheduled"] is not None
            ]
        elif edge in ("visitor_posts", "tagged"):
            items = [p for p in self.posts.values() if p["page_id"] == page_id and p["visitor"]]
        else:
            items = [
                p
                for p in self.posts.values()
                if p["page_id"] == page_id
                and p["published"]
                and (edge == "feed" or not p["visitor"])
            ]
        items.sort(key=lambda p: (p["created"], p["id"]), reverse=True)
        since, until = req.param("since"), req.param("until")
        if since and since.isdigit():
            items = [p for p in items if p["created"] >= int(since)]
        if until and until.isdigit():
            items = [p for p in items if p["created"] <= int(until)]
        paged = self._page(req, items, page_id, edge, version)
        if isinstance(paged, Response):
            return paged
        chosen, paging = paged
        fields = _top_fields(req.param("fields") or "") or ["created_time", "message", "id"]
        payload: dict[str, Any] = {"data": [self._post_view(p, fields) for p in chosen]}
        if paging:
            payload["paging"] = paging
        return json_response(200, payload)

    def _publish(self, req: Request, page_id: str, who: tuple[str, str]) -> Response:
        if page_id not in self.pages:
            return self._no_object(page_id, "post")
        if who != ("page", page_id):
            return self._permission()
        message = req.param("message") or ""
        link = req.param("link")
        photo_ids: list[str] = []
        for key, values in {**req.query, **req.form()}.items():
            if key.startswith("attached_media"):
                try:
                    photo_ids.append(str(json.loads(values[0])["media_fbid"]))
                except (ValueError, KeyError, TypeError):
                    return self._error(
                        "(#100) param attached_media must be an array of objects", 100
                    )
        for photo_id in photo_ids:
            if photo_id not in self.photos:
                return self._error("(#100) Invalid media_fbid", 100)
        if not message and not link and not photo_ids:
            return self._error("(#100) Missing message or attachment", 100)
        published_text = (req.param("published") or "true").lower()
        published = published_text not in ("false", "0")
        scheduled_text = req.param("scheduled_publish_time")
        scheduled: float | None = None
        if scheduled_text:
            if published:
                return self._error(
                    "(#100) Cannot specify a scheduled publish time on a published post", 100
                )
            try:
                scheduled = (
                    float(scheduled_text) if scheduled_text.isdigit() else parse_iso(scheduled_text)
                )
            except ValueError:
                return self._error("(#100) The specified scheduled publish time is invalid.", 100)
            ahead = scheduled - self.clock.now()
            if not 600 <= ahead <= 30 * 86400:
                return self._error(
                    "(#100) The specified scheduled publish time is invalid.",
                    100,
                    user_title="Invalid Scheduled Publish Time",
                    user_msg="The scheduled publish time must be 10 minutes to 30 days from now.",
                )
        if message:
            recent = [
                p
                for p in self.posts.values()
                if p["page_id"] == page_id
                and not p["visitor"]
                and p["created"] > self.clock.now() - 86400
            ]
            if any(p["message"] == message for p in recent):
                return self._error(
                    "Duplicate status message",
                    506,
                    subcode=1455006,
                    user_title="Duplicate Post",
                    user_msg="This status update is identical to the last one you posted.",
                )
        post = self._insert_post(
            page_id, message, link, published=published, scheduled=scheduled, photo_ids=photo_ids
        )
        return json_response(200, {"id": post["id"]})

    def _photo(self, req: Request, page_id: str, who: tuple[str, str]) -> Response:
        if page_id not in self.pages:
            return self._no_object(page_id, "post")
        if who != ("page", page_id):
            return self._permission()
        uploads = req.files().get("source") or []
        data = uploads[0].data if uploads else b""
        if not data and not req.param("url"):
            return self._error("(#324) Requires upload file", 324)
        if data and image_info(data) is None:
            return self._error("(#324) Missing or invalid image file", 324)
        photo_id = self._next()
        caption = req.param("message") or req.param("caption") or ""
        self.photos[photo_id] = {
            "id": photo_id,
            "caption": caption,
            "alt_text": req.param("alt_text_custom") or "",
            "size": len(data),
            "created": self.clock.now(),
        }
        while len(self.photos) > 500:
            self.photos.popitem(last=False)
        published = (req.param("published") or "true").lower() not in ("false", "0")
        if not published:
            return json_response(200, {"id": photo_id})
        post = self._insert_post(page_id, caption, None, photo_ids=[photo_id])
        return json_response(200, {"id": photo_id, "post_id": post["id"]})

    def _list_photos(self, req: Request, page_id: str, version: str) -> Response:
        items = [
            {"id": p["id"], "created_time": fb_time(p["created"])}
            for p in reversed(self.photos.values())
        ]
        paged = self._page(req, items, page_id, "photos", version)
        if isinstance(paged, Response):
            return paged
        chosen, paging = paged
        return json_response(200, {"data": chosen, **({"paging": paging} if paging else {})})

    def _list_comments(
        self, req: Request, object_id: str, who: tuple[str, str], version: str
    ) -> Response:
        if object_id not in self.posts and object_id not in self.comments:
            return self._no_object(object_id)
        filter_ = req.param("filter") or "toplevel"
        if filter_ == "stream":
            descendants: list[dict[str, Any]] = []
            frontier = {object_id}
            for comment in self.comments.values():  # insertion order: parents come first
                if comment["object_id"] in frontier:
                    descendants.append(comment)
                    frontier.add(comment["id"])
            items = descendants
        else:
            items = [c for c in self.comments.values() if c["object_id"] == object_id]
        order = req.param("order") or "chronological"
        items.sort(key=lambda c: (c["created"], c["id"]), reverse=order == "reverse_chronological")
        since = req.param("since")
        if since:
            try:
                since_ts = float(since) if since.isdigit() else parse_iso(since)
            except ValueError:
                return self._error("(#100) Invalid since", 100)
            items = [c for c in items if c["created"] >= since_ts]
        total = len(items)
        paged = self._page(req, items, object_id, "comments", version)
        if isinstance(paged, Response):
            return paged
        chosen, paging = paged
        fields = _top_fields(req.param("fields") or "") or ["created_time", "from", "message", "id"]
        payload: dict[str, Any] = {"data": [self._comment_view(c, fields, who) for c in chosen]}
        if paging:
            payload["paging"] = paging
        if (req.param("summary") or "").lower() in ("true", "1"):
            payload["summary"] = {
                "order": "chronological" if order == "chronological" else "reverse_chronological",
                "total_count": total,
                "can_comment": True,
            }
        return json_response(200, payload)

    def _comment(self, req: Request, object_id: str, who: tuple[str, str]) -> Response:
        post = self._post_of(object_id)
        if post is None:
            return self._no_object(object_id, "post")
        if who != ("page", post["page_id"]):
            return self._error("(#200) Permissions error", 200, status=403)
        message = req.param("message") or ""
        if not message and not req.param("attachment_url") and not req.param("attachment_id"):
            return self._error("(#100) Missing message or attachment", 100)
        if object_id in self.comments and self.comments[object_id]["object_id"] in self.comments:
            object_id = self.comments[object_id]["object_id"]  # replies to replies go one level up
        page = self.pages[post["page_id"]]
        comment = self._insert_comment(
            object_id, message, {"name": page["name"], "id": page["id"]}, public=False
        )
        return json_response(200, {"id": comment["id"]})

    # --- control surface -----------------------------------------------------------------------

    def recent_post_ids(self) -> list[str]:
        return [
            p["id"]
            for p in self.posts.values()
            if p["page_id"] == self.main_page and p["published"] and not p["visitor"]
        ][-10:]

    def _person(self, author: str) -> dict[str, str]:
        if author not in self.people:
            self.people[author] = str(30_000_000_000_000 + len(self.people) * 7 + self.ctx.seed)
        return {"name": author, "id": self.people[author]}

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
        page_id = account or self.main_page
        if page_id not in self.pages:
            matches = [p for p, v in self.pages.items() if v["name"] == page_id]
            if not matches:
                raise StageError(f"no Facebook page {account!r}")
            page_id = matches[0]
        person = self._person(author)
        if kind == "mention":
            post = self._insert_post(page_id, text, None, at=at, author=person)
            item_id, target = post["id"], None
        elif kind == "reply":
            if not in_reply_to or in_reply_to not in self.comments:
                raise StageError(f"no Facebook comment {in_reply_to!r} to reply to")
            parent = in_reply_to
            if self.comments[parent]["object_id"] in self.comments:
                parent = self.comments[parent]["object_id"]  # Facebook nests two levels only
            item_id = self._insert_comment(parent, text, person, at=at)["id"]
            target = in_reply_to
        else:
            chosen = post_id or last_or_none(self.recent_post_ids())
            if chosen is None or chosen not in self.posts:
                raise StageError(f"no Facebook post {post_id!r} to comment on")
            item_id = self._insert_comment(chosen, text, person, at=at)["id"]
            target = None
            post_id = chosen
        return {
            "id": item_id,
            "account": page_id,
            "author": author,
            "author_id": person["id"],
            "text": text,
            "post_id": post_id,
            "in_reply_to": target,
            "created_at": fb_time(self.clock.now() if at is None else at),
        }

    def state(self) -> dict[str, Any]:
        return {
            "pages": [{"id": p["id"], "name": p["name"]} for p in self.pages.values()],
            "posts": [
                {
                    "id": p["id"],
                    "page_id": p["page_id"],
                    "message": p["message"],
                    "link": p["link"],
                    "created_time": fb_time(p["created"]),
                    "is_published": p["published"],
                    "scheduled_publish_time": int(p["scheduled"]) if p["scheduled"] else None,
                    "from": p["from"],
                    "photo_ids": p["photo_ids"],
                }
                for p in self.posts.values()
            ],
            "comments": [
                {
                    "id": c["id"],
                    "parent_id": c["object_id"],
                    "message": c["message"],
                    "from": c["from"],
                    "created_time": fb_time(c["created"]),
                    "is_hidden": c["is_hidden"],
                    "public": c["public"],
                }
                for c in self.comments.values()
            ],
            "photos": [
                {"id": p["id"], "caption": p["caption"], "size": p["size"]}
                for p in self.photos.values()
            ],
        }
