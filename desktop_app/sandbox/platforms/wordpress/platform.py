"""WordPress REST API (wp/v2) under ``/wordpress``, as a WordPress 6.x site answers it.

Both ``/wordpress/wp-json/wp/v2/...`` and ``/wordpress/?rest_route=/wp/v2/...`` work; every
page carries the discovery ``Link`` header. Like a stock site, ``meta`` has no registered keys
(sent keys are ignored, answers carry ``"meta": []``): a client keeps its idempotency token in
a unique ``slug`` and looks it up with ``?slug=``. The site runs in Europe/Stockholm time.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from typing import Any

from desktop_app.sandbox.core import CaseInsensitiveHeaders, Request, Response, html_response
from desktop_app.sandbox.platforms.base import StageError, last_or_none
from desktop_app.sandbox.platforms.wordpress.comments import CommentsMixin
from desktop_app.sandbox.platforms.wordpress.common import (
    SITE_TIMEZONE,
    STAGE_COMMENT_STATUSES,
    autop,
    gmt_offset_hours,
    kses_comment,
    sanitize_title,
    wp_date,
)
from desktop_app.sandbox.platforms.wordpress.media import MediaMixin
from desktop_app.sandbox.platforms.wordpress.posts import PostsMixin


def _hours(value: float) -> int | float:
    """gmt_offset as WordPress answers it: a whole number when whole (1, 2; 5.5 otherwise)."""
    return int(value) if value == int(value) else value


class WordPress(PostsMixin, CommentsMixin, MediaMixin):
    """The emulated site: the parts are mixins; this class seeds, stages and routes."""

    # --- demo world ----------------------------------------------------------------------------

    def seed_demo(self) -> None:
        groups = [self.demo_secret("", 4) for _ in range(6)]
        self.application_password = " ".join(groups)
        self.users[1] = {
            "id": 1,
            "username": "redaktion",
            "name": "Kommunens redaktion",
            "email": "redaktion@sandviken.example",
            "app_passwords": [self._hash_password(self.application_password)],
        }
        start = self.clock.now() - 5 * 86400
        demo = [
            (
                "Snöröjning i vinter",
                "Så prioriterar vi snöröjningen.\n\nHuvudgator först, sedan "
                "gång- och cykelvägar och sist villagator.",
            ),
            (
                "Nya öppettider på biblioteket",
                "Från 1 december har huvudbiblioteket öppet vardagar 10–19 och lördagar 11–15.",
            ),
            (
                "Plats i äldreboende – så ansöker du",
                "Ansökan görs hos biståndshandläggaren. Handläggningstiden är normalt tre veckor.",
            ),
        ]
        for index, (title, content) in enumerate(demo):
            self._insert_post(
                {"title": title, "content": content, "status": "publish"},
                at=start + index * 86400,
            )

    def credentials(self) -> dict[str, Any]:
        return {"username": "redaktion", "application_password": self.application_password}

    def platform_info(self) -> dict[str, Any]:
        info = super().platform_info()
        info["rest_url"] = f"{self.base_url}/wp-json/"
        return info

    def fault_response(self, kind: str, status: int | None, req: Request) -> Response:
        if kind == "expired-token":
            # Application passwords do not expire; a revoked one makes the request anonymous.
            anonymous = [(k, v) for k, v in req.headers.items() if k != "authorization"]
            stripped = Request(
                req.method,
                req.path,
                req.query,
                CaseInsensitiveHeaders(anonymous),
                req.body,
                req.platform_base,
                req.raw_query,
            )
            return self.handle(stripped)
        if kind == "ratelimit":
            # WordPress core has no rate limit; hosts and security plugins answer 429 + Retry-After.
            response = self._error(429, "rest_too_many_requests", "Too many requests.")
            response.headers.append(("Retry-After", "60"))
            return response
        code = status or 500
        if code >= 500:
            page = "<html><body><h1>There has been a critical error on this website.</h1>"
            page += "</body></html>"
            return html_response(code, page, [self._link_header()])
        return self._error(code, "rest_error", "Error.")

    # --- routing -------------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        route: str | None = None
        if req.path == "/wp-json" or req.path.startswith("/wp-json/"):
            route = req.path[len("/wp-json") :] or "/"
        elif req.arg("rest_route") is not None:
            route = req.arg("rest_route") or "/"
        if route is None:
            return self._page(req)
        user = self._authenticate(req)
        if isinstance(user, Response):
            return user
        method = req.method
        override = req.headers.get("x-http-method-override") or req.arg("_method")
        if method == "POST" and override:
            method = override.upper()
        route = route.rstrip("/") or "/"
        if method == "OPTIONS":
            return self._json(200, {"namespace": "wp/v2", "methods": ["GET", "POST"]})
        return self._route(req, method, route, user)

    def _page(self, req: Request) -> Response:
        match = re.fullmatch(r"/wp-content/uploads/(.+)", req.path)
        if match:
            for item in self.media.values():
                if item["file"] == match.group(1):
                    return Response(200, item["data"], [("Content-Type", item["mime_type"])])
        slug = req.path.strip("/")
        for post in self.posts.values():
            if post["status"] == "publish" and slug and post["slug"] == slug:
                body = f"<!DOCTYPE html><html><head><title>{html.escape(post['title'])}</title>"
                body += (
                    f"</head><body><h1>{html.escape(post['title'])}</h1>{autop(post['content'])}"
                )
                return html_response(200, body + "</body></html>", [self._link_header()])
        if req.path in ("/", "/index.php"):
            body = "<!DOCTYPE html><html><head><title>Kommunbloggen</title></head><body>"
            body += "<h1>Kommunbloggen</h1>"
            for post in reversed(list(self.posts.values())):
                if post["status"] == "publish":
                    body += f"<h2>{html.escape(post['title'])}</h2>{autop(post['content'])}"
            return html_response(200, body + "</body></html>", [self._link_header()])
        return html_response(404, "<html><body>Page not found</body></html>", [self._link_header()])

    def _authenticate(self, req: Request) -> dict[str, Any] | Response | None:
        header = req.headers.get("authorization")
        if not header.lower().startswith("basic "):
            return None
        try:
            username, _, password = base64.b64decode(header[6:].strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        user = next(
            (u for u in self.users.values() if username in (u["username"], u["email"])), None
        )
        # WordPress 6.1 notes a failed application password (invalid_username /
        # incorrect_password) only after rest_application_password_check_errors has run, so the
        # client gets the anonymous answer; the sandbox does the same.
        if user is None or self._hash_password(password) not in user["app_passwords"]:
            return None
        return user

    def _route(
        self, req: Request, method: str, route: str, user: dict[str, Any] | None
    ) -> Response:
        for pattern, handler in ROUTES:
            match = pattern.fullmatch(route)
            if match is None:
                continue
            item_id = match.group(1) if pattern.groups else None
            result = handler(self, req, method, int(item_id) if item_id else None, user)
            if result is not None:
                return result
            break
        return self._error(
            404, "rest_no_route", "No route was found matching the URL and request method."
        )

    def _root(
        self, req: Request, method: str, _id: int | None, user: dict[str, Any] | None
    ) -> Response | None:
        if method != "GET":
            return None
        index = self._index()
        fields = [f for f in (req.arg("_fields") or "").split(",") if f]
        if fields:  # as core's rest_filter_response_fields (the links stay)
            index = {k: v for k, v in index.items() if k in fields or k == "_links"}
        return self._json(200, index)

    def _namespace(
        self, req: Request, method: str, _id: int | None, user: dict[str, Any] | None
    ) -> Response | None:
        if method != "GET":
            return None
        return self._json(200, {"namespace": "wp/v2", "routes": self._routes()})

    def _users_me(
        self, req: Request, method: str, _id: int | None, user: dict[str, Any] | None
    ) -> Response | None:
        if method != "GET":
            return None
        if user is None:
            return self._error(401, "rest_not_logged_in", "You are not currently logged in.")
        return self._json(200, self._user_view(user, req.arg("context") or "view"))

    def _routes(self) -> dict[str, Any]:
        routes: dict[str, Any] = {}
        for name in ("posts", "comments", "media"):
            routes[f"/wp/v2/{name}"] = {"namespace": "wp/v2", "methods": ["GET", "POST"]}
            routes[f"/wp/v2/{name}/(?P<id>[\\d]+)"] = {
                "namespace": "wp/v2",
                "methods": ["GET", "POST", "PUT", "PATCH", "DELETE"],
            }
        routes["/wp/v2/users/me"] = {
            "namespace": "wp/v2",
            "methods": ["GET", "POST", "PUT", "PATCH", "DELETE"],
        }
        return routes

    def _index(self) -> dict[str, Any]:
        return {
            "name": "Kommunbloggen",
            "description": "",
            "url": self.base_url,
            "home": self.base_url,
            "gmt_offset": _hours(gmt_offset_hours(self.clock.now())),
            "timezone_string": SITE_TIMEZONE,
            "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"],
            "authentication": {
                "application-passwords": {
                    "endpoints": {
                        "authorization": f"{self.base_url}/wp-admin/authorize-application.php"
                    }
                }
            },
            "routes": self._routes(),
            "site_logo": 0,
            "site_icon": 0,
            "site_icon_url": "",
            "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
        }

    # --- control surface -----------------------------------------------------------------------

    def supported_kinds(self) -> tuple[str, ...]:
        return ("comment", "reply")

    def recent_post_ids(self) -> list[str]:
        return [str(p["id"]) for p in self.posts.values() if p["status"] == "publish"][-10:]

    def stage_public(
        self,
        kind: str,
        account: str | None,
        author: str,
        text: str,
        post_id: str | None,
        in_reply_to: str | None,
        at: float | None = None,
        status: str = "approved",
    ) -> dict[str, Any]:
        """``status``: "approved" (a trainer's default), "hold" (awaiting approval) or "spam"."""
        if status not in STAGE_COMMENT_STATUSES:
            raise StageError(f"status must be one of {', '.join(STAGE_COMMENT_STATUSES)}")
        parent = 0
        if kind == "reply":
            if (
                not in_reply_to
                or not in_reply_to.isdigit()
                or int(in_reply_to) not in self.comments
            ):
                raise StageError(f"no WordPress comment {in_reply_to!r} to reply to")
            parent = int(in_reply_to)
            target_post = self.comments[parent]["post"]
        else:
            chosen = post_id or last_or_none(self.recent_post_ids())
            if chosen is None or not str(chosen).isdigit() or int(chosen) not in self.posts:
                raise StageError(f"no WordPress post {post_id!r} to comment on")
            target_post = int(chosen)
        email = sanitize_title(author).replace("-", ".") + "@example.se"
        comment = self._insert_comment(
            target_post, parent, author, kses_comment(text), status=status, email=email, at=at
        )
        return {
            "id": str(comment["id"]),
            "status": comment["status"],
            "account": "redaktion",
            "author": author,
            "text": comment["content"],
            "post_id": str(target_post),
            "in_reply_to": str(parent) if parent else None,
            "created_at": wp_date(comment["date"]) + "Z",
        }

    def state(self) -> dict[str, Any]:
        return {
            "site": {"name": "Kommunbloggen", "url": self.base_url},
            "posts": [
                {
                    "id": p["id"],
                    "title": p["title"],
                    "content": p["content"],
                    "status": p["status"],
                    "slug": p["slug"],
                    "date_gmt": wp_date(p["date_gmt"]) if p["date_gmt"] is not None else None,
                }
                for p in self.posts.values()
            ],
            "comments": [
                {
                    "id": c["id"],
                    "post": c["post"],
                    "parent": c["parent"],
                    "author_name": c["author_name"],
                    "content": c["content"],
                    "status": c["status"],
                    "date_gmt": wp_date(c["date"]),
                    "public": c["public"],
                }
                for c in self.comments.values()
            ],
            "media": [
                {
                    "id": m["id"],
                    "file": m["file"],
                    "mime_type": m["mime_type"],
                    "alt_text": m["alt_text"],
                    "size": len(m["data"]),
                }
                for m in self.media.values()
            ],
        }


Handler = Callable[
    [WordPress, Request, str, "int | None", "dict[str, Any] | None"], "Response | None"
]
# The REST routes: a pattern (its one group, if any, is the item id) and the handler, which
# answers None for a method the route does not take (then: rest_no_route, as core).
ROUTES: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (re.compile(r"/"), WordPress._root),
    (re.compile(r"/wp/v2"), WordPress._namespace),
    (re.compile(r"/wp/v2/posts(?:/(\d+))?"), WordPress._posts),
    (re.compile(r"/wp/v2/comments(?:/(\d+))?"), WordPress._comments),
    (re.compile(r"/wp/v2/media(?:/(\d+))?"), WordPress._media),
    (re.compile(r"/wp/v2/users/me"), WordPress._users_me),
)
