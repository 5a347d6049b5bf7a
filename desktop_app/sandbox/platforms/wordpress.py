"""WordPress REST API (wp/v2) under ``/wordpress``, as a WordPress 6.x site answers it.

Both ``/wordpress/wp-json/wp/v2/...`` and ``/wordpress/?rest_route=/wp/v2/...`` work; every
page carries the discovery ``Link`` header. Like a stock site, ``meta`` has no registered keys
(sent keys are ignored, answers carry ``"meta": []``): a client keeps its idempotency token in
a unique ``slug`` and looks it up with ``?slug=``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import re
import unicodedata
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from desktop_app.sandbox.core import (
    OWN_POSTS_PER_ACCOUNT,
    PUBLIC_ITEMS_PER_ACCOUNT,
    CaseInsensitiveHeaders,
    Request,
    Response,
    html_response,
    image_info,
    json_response,
    parse_iso,
)
from desktop_app.sandbox.platforms.base import Platform, StageError, last_or_none

POST_STATUSES = ("publish", "future", "draft", "pending", "private")
COMMENT_STATUS_OUT = {
    "approve": "approved",
    "approved": "approved",
    "1": "approved",
    "hold": "hold",
    "0": "hold",
    "unapproved": "hold",
    "spam": "spam",
    "trash": "trash",
}
# The statuses a trainer or a test may give a staged comment (as GET /_sandbox/state shows them).
STAGE_COMMENT_STATUSES = ("approved", "hold", "spam")
ALLOWED_COMMENT_TAGS = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "acronym": {"title"},
    "b": set(),
    "blockquote": {"cite"},
    "cite": set(),
    "code": set(),
    "del": {"datetime"},
    "em": set(),
    "i": set(),
    "q": {"cite"},
    "s": set(),
    "strike": set(),
    "strong": set(),
}
TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
ATTR_RE = re.compile(r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)")
POST_ORDERBY = (
    "author",
    "date",
    "id",
    "include",
    "modified",
    "parent",
    "relevance",
    "slug",
    "include_slugs",
    "title",
)
COMMENT_ORDERBY = ("date", "date_gmt", "id", "include", "post", "parent", "type")
ADMIN_CAPABILITIES = (
    "switch_themes",
    "edit_themes",
    "activate_plugins",
    "edit_plugins",
    "edit_users",
    "edit_files",
    "manage_options",
    "moderate_comments",
    "manage_categories",
    "manage_links",
    "upload_files",
    "import",
    "unfiltered_html",
    "edit_posts",
    "edit_others_posts",
    "edit_published_posts",
    "publish_posts",
    "edit_pages",
    "read",
    "edit_others_pages",
    "edit_published_pages",
    "publish_pages",
    "delete_pages",
    "delete_others_pages",
    "delete_published_pages",
    "delete_posts",
    "delete_others_posts",
    "delete_published_posts",
    "delete_private_posts",
    "edit_private_posts",
    "read_private_posts",
    "delete_private_pages",
    "edit_private_pages",
    "read_private_pages",
    "delete_users",
    "create_users",
    "unfiltered_upload",
    "edit_dashboard",
    "update_plugins",
    "delete_plugins",
    "install_plugins",
    "update_themes",
    "install_themes",
    "update_core",
    "list_users",
    "remove_users",
    "promote_users",
    "edit_theme_options",
    "delete_themes",
    "export",
    "administrator",
)
UPLOAD_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


def wp_date(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def sanitize_title(text: str) -> str:
    """A slug the way WordPress makes one: accents removed, lower case, dashes."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = re.sub(r"<[^>]*>", "", folded).lower()
    folded = re.sub(r"[^a-z0-9 _-]", "", folded)
    return re.sub(r"[\s_-]+", "-", folded).strip("-")


def autop(text: str) -> str:
    """A short wpautop: blank lines make paragraphs, single newlines <br />."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    out = []
    for paragraph in paragraphs:
        if re.match(r"^<(p|div|h[1-6]|ul|ol|blockquote|pre|figure|table)[\s>]", paragraph):
            out.append(paragraph + "\n")
        else:
            out.append("<p>" + paragraph.replace("\n", "<br />\n") + "</p>\n")
    return "".join(out)


def kses_comment(text: str) -> str:
    """Strip what WordPress strips from an unprivileged commenter (wp_filter_kses)."""
    text = re.sub(
        r"<(script|style)[^>]*>.*?</\1\s*>",
        lambda m: _inner(m.group(0)),
        text,
        flags=re.IGNORECASE | re.DOTALL,
    )

    def keep(match: re.Match[str]) -> str:
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        allowed = ALLOWED_COMMENT_TAGS.get(name)
        if allowed is None:
            return ""
        if closing:
            return f"</{name}>"
        kept = []
        for attr, value in ATTR_RE.findall(attrs):
            clean = value.strip("\"'")
            if attr.lower() in allowed and not clean.lower().startswith(("javascript:", "data:")):
                kept.append(f'{attr.lower()}="{html.escape(clean)}"')
        if name == "a":
            kept.append('rel="nofollow ugc"')  # wp_rel_ugc on comment text
        return f"<{name}{' ' + ' '.join(kept) if kept else ''}>"

    return TAG_RE.sub(keep, text)


def _inner(block: str) -> str:
    return re.sub(r"<[^>]*>", "", block)


class WordPress(Platform):
    name = "wordpress"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.posts: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self.comments: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self.media: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self.users: dict[int, dict[str, Any]] = {}
        self._next_post = 10
        self._next_comment = 1
        self.user_id = 1
        self.application_password = ""

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

    @staticmethod
    def _hash_password(password: str) -> str:
        return hashlib.sha256(password.replace(" ", "").encode()).hexdigest()

    def credentials(self) -> dict[str, Any]:
        return {"username": "redaktion", "application_password": self.application_password}

    def platform_info(self) -> dict[str, Any]:
        info = super().platform_info()
        info["rest_url"] = f"{self.base_url}/wp-json/"
        return info

    # --- paths ---------------------------------------------------------------------------------

    def fault_paths(self, req: Request) -> tuple[str, ...]:
        route = req.arg("rest_route")
        paths = [req.path, f"/wordpress{req.path}"]
        if route is not None and not req.path.startswith("/wp-json"):
            paths += [f"/wp-json{route}", f"/wordpress/wp-json{route}"]
        return tuple(paths)

    def _link_header(self) -> tuple[str, str]:
        return ("Link", f'<{self.base_url}/wp-json/>; rel="https://api.w.org/"')

    def _rest_headers(self) -> list[tuple[str, str]]:
        return [
            ("X-Robots-Tag", "noindex"),
            self._link_header(),
            ("X-Content-Type-Options", "nosniff"),
            ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
            (
                "Access-Control-Allow-Headers",
                "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type",
            ),
            ("Vary", "Origin"),
        ]

    def _json(
        self, status: int, payload: Any, extra: list[tuple[str, str]] | None = None
    ) -> Response:
        headers = self._rest_headers()
        if any(name == "Link" for name, _ in extra or []):
            headers = [(name, value) for name, value in headers if name != "Link"]
        return json_response(
            status,
            payload,
            [*headers, *(extra or [])],
            content_type="application/json; charset=UTF-8",
            escape_slashes=True,
        )

    def _error(self, status: int, code: str, message: str, **data: Any) -> Response:
        return self._json(
            status, {"code": code, "message": message, "data": {"status": status, **data}}
        )

    def _invalid_param(self, name: str, message: str, code: str = "rest_invalid_param") -> Response:
        return self._error(
            400,
            "rest_invalid_param",
            f"Invalid parameter(s): {name}",
            params={name: message},
            details={name: {"code": code, "message": message, "data": None}},
        )

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
        if route == "/":
            return self._json(200, self._index())
        if route == "/wp/v2":
            return self._json(200, {"namespace": "wp/v2", "routes": self._routes()})
        match = re.fullmatch(r"/wp/v2/(posts|comments|media)(?:/(\d+))?", route)
        if match:
            collection, item_id = match.group(1), match.group(2)
            handler = getattr(self, f"_{collection}")
            result: Response | None = handler(req, method, int(item_id) if item_id else None, user)
            if result is not None:
                return result
        if route == "/wp/v2/users/me" and method == "GET":
            if user is None:
                return self._error(401, "rest_not_logged_in", "You are not currently logged in.")
            return self._json(200, self._user_view(user, req.arg("context") or "view"))
        return self._error(
            404, "rest_no_route", "No route was found matching the URL and request method."
        )

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
            "gmt_offset": "0",
            "timezone_string": "",
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

    # --- collection helpers --------------------------------------------------------------------

    def _paging(
        self, req: Request, items: list[dict[str, Any]], route: str, invalid_page_code: str | None
    ) -> tuple[list[dict[str, Any]], list[tuple[str, str]]] | Response:
        per_page_text = req.arg("per_page") or "10"
        page_text = req.arg("page") or "1"
        if not per_page_text.lstrip("-").isdigit():
            return self._invalid_param("per_page", "per_page is not of type integer.")
        per_page = int(per_page_text)
        if not 1 <= per_page <= 100:
            return self._invalid_param(
                "per_page",
                "per_page must be between 1 (inclusive) and 100 (inclusive)",
                "rest_out_of_bounds",
            )
        if not page_text.lstrip("-").isdigit():
            return self._invalid_param("page", "page is not of type integer.")
        page = int(page_text)
        if page < 1:
            return self._invalid_param("page", "page must be greater than or equal to 1")
        offset_text = req.arg("offset")
        offset = int(offset_text) if offset_text and offset_text.isdigit() else None
        total = len(items)
        pages = math.ceil(total / per_page) if total else 0
        if invalid_page_code and total and page > pages and offset is None:
            return self._error(
                400,
                invalid_page_code,
                "The page number requested is larger than the number of pages available.",
            )
        start = offset if offset is not None else (page - 1) * per_page
        chosen = items[start : start + per_page]
        headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
        base_params = [
            (k, v)
            for k, values in req.query.items()
            for v in values
            if k not in ("page", "rest_route")
        ]
        links = []
        if page > 1:
            links.append(f'<{self._collection_url(route, base_params, page - 1)}>; rel="prev"')
        if page < pages:
            links.append(f'<{self._collection_url(route, base_params, page + 1)}>; rel="next"')
        if links:
            headers.append(("Link", ", ".join(links)))
        return chosen, headers

    def _collection_url(self, route: str, params: list[tuple[str, str]], page: int) -> str:
        query = urlencode([*params, ("page", str(page))])
        return f"{self.base_url}/wp-json{route}?{query}"

    @staticmethod
    def _int_list(req: Request, name: str) -> list[int] | None:
        values = [v for raw in req.args(name) for v in raw.split(",") if v.strip()]
        if not values:
            return None
        return [int(v) for v in values if v.strip().isdigit()]

    def _promote_scheduled(self) -> None:
        """WP-Cron: a future post whose time has come is published when the site is visited."""
        now = self.clock.now()
        for post in self.posts.values():
            if (
                post["status"] == "future"
                and post["date_gmt"] is not None
                and post["date_gmt"] <= now
            ):
                post["status"] = "publish"
                post["slug"] = self._unique_slug(
                    post["slug"] or sanitize_title(post["title"]), post["id"]
                )

    def _unique_slug(self, slug: str, post_id: int) -> str:
        base = slug or str(post_id)
        taken = {
            p["slug"] for p in self.posts.values() if p["id"] != post_id and p["status"] != "draft"
        }
        candidate, suffix = base, 2
        while candidate in taken:
            candidate, suffix = f"{base}-{suffix}", suffix + 1
        return candidate

    # --- posts ---------------------------------------------------------------------------------

    def _insert_post(self, body: dict[str, Any], at: float | None = None) -> dict[str, Any]:
        now = float(int(self.clock.now() if at is None else at))
        post_id = self._next_post
        self._next_post += 1
        post = {
            "id": post_id,
            "title": "",
            "content": "",
            "excerpt": "",
            "status": "draft",
            "slug": "",
            "date_gmt": None,
            "created": now,
            "modified": now,
            "author": self.user_id,
            "featured_media": 0,
            "comment_status": "open",
            "ping_status": "open",
            "format": "standard",
            "sticky": False,
            "password": "",
            "categories": [1],
            "tags": [],
        }
        self.posts[post_id] = post
        self._apply_post(post, body, now)
        self.keep_bounded("posts", post_id, self.posts, OWN_POSTS_PER_ACCOUNT)
        return post

    def _apply_post(
        self, post: dict[str, Any], body: dict[str, Any], now: float
    ) -> Response | None:
        for field in ("title", "content", "excerpt"):
            if field in body:
                value = body[field]
                post[field] = value.get("raw", "") if isinstance(value, dict) else str(value)
        for field in ("comment_status", "ping_status", "format", "password"):
            if field in body:
                post[field] = str(body[field])
        if "sticky" in body:
            post["sticky"] = bool(body["sticky"])
        if "featured_media" in body:
            post["featured_media"] = int(body["featured_media"] or 0)
        if "date_gmt" in body or "date" in body:
            raw = body.get("date_gmt") if body.get("date_gmt") is not None else body.get("date")
            post["date_gmt"] = parse_iso(str(raw)) if raw else None
        status = str(body.get("status", post["status"]))
        if "slug" in body:
            post["slug"] = sanitize_title(str(body["slug"]))
        if status in ("publish", "future"):
            when = post["date_gmt"]
            if when is None:
                post["date_gmt"] = when = now
            status = "future" if when > now else "publish"
        post["status"] = status
        if status in ("publish", "future", "private"):
            post["slug"] = self._unique_slug(
                post["slug"] or sanitize_title(post["title"]), post["id"]
            )
        post["modified"] = now
        return None

    def _post_view(self, post: dict[str, Any], context: str) -> dict[str, Any]:
        when = post["date_gmt"] if post["date_gmt"] is not None else post["modified"]
        link = f"{self.base_url}/?p={post['id']}"
        if post["status"] == "publish" and post["slug"]:
            link = f"{self.base_url}/{post['slug']}/"
        protected = bool(post["password"])
        view: dict[str, Any] = {
            "id": post["id"],
            "date": wp_date(when),
            # A draft without a date answers with the shim WordPress computes from post_date.
            "date_gmt": wp_date(when),
            "guid": {"rendered": f"{self.base_url}/?p={post['id']}"},
            "modified": wp_date(post["modified"]),
            "modified_gmt": wp_date(post["modified"]),
            "slug": post["slug"],
            "status": post["status"],
            "type": "post",
            "link": link,
            "title": {"rendered": html.escape(post["title"], quote=False)},
            "content": {"rendered": autop(post["content"]), "protected": protected},
            "excerpt": {
                "rendered": autop(post["excerpt"] or post["content"][:200]),
                "protected": protected,
            },
            "author": post["author"],
            "featured_media": post["featured_media"],
            "comment_status": post["comment_status"],
            "ping_status": post["ping_status"],
            "sticky": post["sticky"],
            "template": "",
            "format": post["format"],
            "meta": [],
            "categories": list(post["categories"]),
            "tags": list(post["tags"]),
            "_links": {
                "self": [{"href": f"{self.base_url}/wp-json/wp/v2/posts/{post['id']}"}],
                "collection": [{"href": f"{self.base_url}/wp-json/wp/v2/posts"}],
                "replies": [
                    {
                        "embeddable": True,
                        "href": f"{self.base_url}/wp-json/wp/v2/comments?post={post['id']}",
                    }
                ],
            },
        }
        if context == "edit":
            view["guid"]["raw"] = view["guid"]["rendered"]
            view["title"]["raw"] = post["title"]
            view["content"]["raw"] = post["content"]
            view["content"]["block_version"] = 0
            view["excerpt"]["raw"] = post["excerpt"]
            view["password"] = post["password"]
            view["permalink_template"] = f"{self.base_url}/%postname%/"
            view["generated_slug"] = sanitize_title(post["title"])
        return view

    def _posts(
        self, req: Request, method: str, post_id: int | None, user: dict[str, Any] | None
    ) -> Response | None:
        self._promote_scheduled()
        context = req.arg("context") or "view"
        if context == "edit" and user is None:
            return self._error(
                401,
                "rest_forbidden_context",
                "Sorry, you are not allowed to edit posts in this post type.",
            )
        if post_id is None and method == "GET":
            return self._list_posts(req, user, context)
        if post_id is None and method == "POST":
            if user is None:
                return self._error(
                    401,
                    "rest_cannot_create",
                    "Sorry, you are not allowed to create posts as this user.",
                )
            body = self._body(req)
            if isinstance(body, Response):
                return body
            checked = self._check_post_body(body)
            if checked is not None:
                return checked
            created = self._insert_post(body)
            location = f"{self.base_url}/wp-json/wp/v2/posts/{created['id']}"
            return self._json(201, self._post_view(created, "edit"), [("Location", location)])
        if post_id is None:
            return None
        post = self.posts.get(post_id)
        if post is None:
            return self._error(404, "rest_post_invalid_id", "Invalid post ID.")
        if method == "GET":
            if post["status"] != "publish" and user is None:
                return self._error(401, "rest_forbidden", "Sorry, you are not allowed to do that.")
            return self._json(200, self._post_view(post, context))
        if method in ("POST", "PUT", "PATCH"):
            if user is None:
                return self._error(
                    401, "rest_cannot_edit", "Sorry, you are not allowed to edit this post."
                )
            body = self._body(req)
            if isinstance(body, Response):
                return body
            checked = self._check_post_body(body)
            if checked is not None:
                return checked
            self._apply_post(post, body, float(int(self.clock.now())))
            return self._json(200, self._post_view(post, "edit"))
        if method == "DELETE":
            if user is None:
                return self._error(
                    401, "rest_cannot_delete", "Sorry, you are not allowed to delete this post."
                )
            previous = self._post_view(post, "edit")
            if (req.arg("force") or "").lower() in ("1", "true"):
                del self.posts[post_id]
                return self._json(200, {"deleted": True, "previous": previous})
            if post["status"] == "trash":
                return self._error(
                    410, "rest_already_trashed", "The post has already been deleted."
                )
            post["status"] = "trash"
            return self._json(200, self._post_view(post, "edit"))
        return None

    def _check_post_body(self, body: dict[str, Any]) -> Response | None:
        for field in ("featured_media", "author"):
            value = body.get(field)
            if value is not None and not isinstance(value, int) and not str(value).isdigit():
                return self._invalid_param(
                    field, f"{field} is not of type integer.", "rest_invalid_type"
                )
        status = body.get("status")
        if status is not None and status not in POST_STATUSES:
            return self._invalid_param(
                "status", f"status is not one of {', '.join(POST_STATUSES)}."
            )
        for field in ("date", "date_gmt"):
            value = body.get(field)
            if value:
                try:
                    parse_iso(str(value))
                except ValueError:
                    return self._invalid_param(field, "Invalid date.")
        return None

    def _body(self, req: Request) -> dict[str, Any] | Response:
        if req.content_type == "application/json":
            try:
                body = req.json() if req.body else {}
            except (ValueError, UnicodeDecodeError):
                return self._error(400, "rest_invalid_json", "Invalid JSON body passed.")
            if not isinstance(body, dict):
                return self._error(400, "rest_invalid_json", "Invalid JSON body passed.")
            return body
        merged: dict[str, Any] = {k: v[0] for k, v in req.query.items() if k != "rest_route"}
        merged.update({k: v[0] for k, v in req.form().items()})
        return merged

    def _list_posts(self, req: Request, user: dict[str, Any] | None, context: str) -> Response:
        statuses = [s for raw in req.args("status") for s in raw.split(",") if s] or ["publish"]
        if any(s != "publish" for s in statuses) and user is None:
            return self._invalid_param("status", "Status is forbidden.", "rest_forbidden_status")
        if "any" in statuses:
            statuses = list(POST_STATUSES)
        items = [p for p in self.posts.values() if p["status"] in statuses]
        slugs = [s for raw in req.args("slug") for s in raw.split(",") if s]
        if slugs:
            items = [p for p in items if p["slug"] in slugs]
        search = req.arg("search")
        if search:
            needle = search.lower()
            items = [
                p for p in items if needle in p["title"].lower() or needle in p["content"].lower()
            ]
        include = self._int_list(req, "include")
        if include is not None:
            items = [p for p in items if p["id"] in include]
        for name, check in (
            ("after", lambda p, t: self._post_time(p) > t),
            ("before", lambda p, t: self._post_time(p) < t),
        ):
            value = req.arg(name)
            if value:
                try:
                    moment = parse_iso(value)
                except ValueError:
                    return self._invalid_param(name, "Invalid date.")
                items = [p for p in items if check(p, moment)]
        orderby = req.arg("orderby") or "date"
        if orderby not in POST_ORDERBY:
            return self._invalid_param(
                "orderby", f"orderby is not one of {', '.join(POST_ORDERBY)}."
            )
        key = {
            "id": lambda p: p["id"],
            "title": lambda p: p["title"],
            "slug": lambda p: p["slug"],
            "modified": lambda p: p["modified"],
        }.get(orderby, lambda p: (self._post_time(p), p["id"]))
        items.sort(key=key, reverse=(req.arg("order") or "desc") == "desc")
        paged = self._paging(req, items, "/wp/v2/posts", "rest_post_invalid_page_number")
        if isinstance(paged, Response):
            return paged
        chosen, headers = paged
        return self._json(200, [self._post_view(p, context) for p in chosen], headers)

    def _post_time(self, post: dict[str, Any]) -> float:
        return float(post["date_gmt"] if post["date_gmt"] is not None else post["modified"])

    # --- comments ------------------------------------------------------------------------------

    def _insert_comment(
        self,
        post_id: int,
        parent: int,
        author_name: str,
        content: str,
        author: int = 0,
        status: str = "approved",
        email: str = "",
        at: float | None = None,
        public: bool = True,
    ) -> dict[str, Any]:
        comment: dict[str, Any] = {
            "id": self._next_comment,
            "post": post_id,
            "parent": parent,
            "author": author,
            "author_name": author_name,
            "author_email": email,
            "author_url": "",
            "content": content,
            "date": float(int(self.clock.now() if at is None else at)),  # MySQL keeps seconds
            "status": status,
            "public": public,
        }
        self._next_comment += 1
        self.comments[comment["id"]] = comment
        if public:
            self.keep_bounded("comments", comment["id"], self.comments, PUBLIC_ITEMS_PER_ACCOUNT)
        return comment

    def _comment_view(self, comment: dict[str, Any], context: str) -> dict[str, Any]:
        digest = hashlib.md5(
            (comment["author_email"] or comment["author_name"]).encode()
        ).hexdigest()
        view: dict[str, Any] = {
            "id": comment["id"],
            "post": comment["post"],
            "parent": comment["parent"],
            "author": comment["author"],
            "author_name": comment["author_name"],
            "author_url": comment["author_url"],
            "date": wp_date(comment["date"]),
            "date_gmt": wp_date(comment["date"]),
            "content": {"rendered": autop(comment["content"])},
            "link": f"{self.base_url}/?p={comment['post']}#comment-{comment['id']}",
            "status": comment["status"],
            "type": "comment",
            "author_avatar_urls": {
                size: f"https://secure.gravatar.com/avatar/{digest}?s={size}&d=mm&r=g"
                for size in ("24", "48", "96")
            },
            "meta": [],
            "_links": {
                "self": [{"href": f"{self.base_url}/wp-json/wp/v2/comments/{comment['id']}"}],
                "collection": [{"href": f"{self.base_url}/wp-json/wp/v2/comments"}],
                "up": [
                    {
                        "embeddable": True,
                        "post_type": "post",
                        "href": f"{self.base_url}/wp-json/wp/v2/posts/{comment['post']}",
                    }
                ],
            },
        }
        if context == "edit":
            view["author_email"] = comment["author_email"]
            view["author_ip"] = "127.0.0.1"
            view["author_user_agent"] = ""
            view["content"]["raw"] = comment["content"]
        return view

    def _comments(
        self, req: Request, method: str, comment_id: int | None, user: dict[str, Any] | None
    ) -> Response | None:
        context = req.arg("context") or "view"
        if context == "edit" and user is None:
            return self._error(
                401, "rest_forbidden_context", "Sorry, you are not allowed to edit comments."
            )
        if comment_id is None and method == "GET":
            return self._list_comments(req, user, context)
        if comment_id is None and method == "POST":
            return self._create_comment(req, user)
        if comment_id is None:
            return None
        comment = self.comments.get(comment_id)
        if comment is None:
            return self._error(404, "rest_comment_invalid_id", "Invalid comment ID.")
        if method == "GET":
            if comment["status"] != "approved" and user is None:
                return self._error(
                    401, "rest_cannot_read", "Sorry, you are not allowed to read this comment."
                )
            return self._json(200, self._comment_view(comment, context))
        if method in ("POST", "PUT", "PATCH"):
            if user is None:
                return self._error(
                    401, "rest_cannot_edit", "Sorry, you are not allowed to edit this comment."
                )
            body = self._body(req)
            if isinstance(body, Response):
                return body
            if "status" in body:
                status = COMMENT_STATUS_OUT.get(str(body["status"]))
                if status is None:
                    return self._error(
                        500, "rest_comment_failed_edit", "Updating comment status failed."
                    )
                comment["status"] = status
            if "content" in body:
                content = body["content"]
                comment["content"] = (
                    content.get("raw", "") if isinstance(content, dict) else str(content)
                )
            return self._json(200, self._comment_view(comment, "edit"))
        if method == "DELETE":
            if user is None:
                return self._error(
                    401, "rest_cannot_delete", "Sorry, you are not allowed to delete this comment."
                )
            previous = self._comment_view(comment, "edit")
            if (req.arg("force") or "").lower() in ("1", "true"):
                del self.comments[comment_id]
                return self._json(200, {"deleted": True, "previous": previous})
            if comment["status"] == "trash":
                return self._error(
                    410, "rest_already_trashed", "The comment has already been trashed."
                )
            comment["status"] = "trash"
            return self._json(200, self._comment_view(comment, "edit"))
        return None

    def _create_comment(self, req: Request, user: dict[str, Any] | None) -> Response:
        """A comment by the user (a reply) or, as the site allows, by an anonymous citizen."""
        body = self._body(req)
        if isinstance(body, Response):
            return body
        post_id = int(body.get("post") or 0) if str(body.get("post") or 0).isdigit() else 0
        parent = int(body.get("parent") or 0) if str(body.get("parent") or 0).isdigit() else 0
        content = body.get("content")
        if isinstance(content, dict):
            content = content.get("raw", "")
        if post_id not in self.posts:
            return self._error(
                403,
                "rest_comment_invalid_post_id",
                "Sorry, you are not allowed to create this comment without a post.",
            )
        if parent and parent not in self.comments:
            return self._error(400, "rest_comment_invalid_parent", "Invalid comment parent ID.")
        if user is None:
            name = re.sub(r"<[^>]*>", "", str(body.get("author_name") or "")).strip()
            email = str(body.get("author_email") or "").strip()
            if not name or "@" not in email:
                return self._error(
                    400,
                    "rest_comment_author_data_required",
                    "Creating a comment requires valid author name and email values.",
                )
        else:
            name, email = user["name"], user["email"]
        if not content:
            return self._error(400, "rest_comment_content_invalid", "Invalid comment content.")
        text = str(content) if user is not None else kses_comment(str(content))
        for existing in self.comments.values():
            if (
                existing["post"] == post_id
                and existing["content"] == text
                and (existing["author_email"] == email or existing["author_name"] == name)
            ):
                return self._error(
                    409,
                    "comment_duplicate",
                    "Duplicate comment detected; it looks as though you&#8217;ve already said "
                    "that!",
                )
        # A first-time commenter waits for approval; the user may moderate, so theirs is approved.
        previously_approved = any(
            c["author_email"] == email and c["status"] == "approved" for c in self.comments.values()
        )
        status = "approved" if user is not None or previously_approved else "hold"
        created = self._insert_comment(
            post_id,
            parent,
            name,
            text,
            author=user["id"] if user is not None else 0,
            status=status,
            email=email,
            public=user is None,
        )
        location = f"{self.base_url}/wp-json/wp/v2/comments/{created['id']}"
        context = "edit" if user is not None else "view"
        return self._json(201, self._comment_view(created, context), [("Location", location)])

    def _list_comments(self, req: Request, user: dict[str, Any] | None, context: str) -> Response:
        status_arg = req.arg("status") or "approve"
        if status_arg != "approve" and user is None:
            return self._error(401, "rest_forbidden_param", "Query parameter not permitted: status")
        wanted = None if status_arg == "all" else COMMENT_STATUS_OUT.get(status_arg, status_arg)
        items = [
            c
            for c in self.comments.values()
            if (wanted is None and c["status"] in ("approved", "hold")) or c["status"] == wanted
        ]
        for name in ("post", "parent", "include"):
            wanted_ids = self._int_list(req, name)
            if wanted_ids is not None:
                field = "id" if name == "include" else name
                items = [c for c in items if c[field] in wanted_ids]
        exclude = self._int_list(req, "parent_exclude")
        if exclude:
            items = [c for c in items if c["parent"] not in exclude]
        for name, newer in (("after", True), ("before", False)):
            value = req.arg(name)
            if value:
                try:
                    moment = parse_iso(value)
                except ValueError:
                    return self._invalid_param(name, "Invalid date.")
                items = [c for c in items if (c["date"] > moment) == newer and c["date"] != moment]
        search = req.arg("search")
        if search:
            items = [c for c in items if search.lower() in c["content"].lower()]
        orderby = req.arg("orderby") or "date_gmt"
        if orderby not in COMMENT_ORDERBY:
            return self._invalid_param(
                "orderby", f"orderby is not one of {', '.join(COMMENT_ORDERBY)}."
            )
        keys = {
            "id": lambda c: c["id"],
            "post": lambda c: (c["post"], c["id"]),
            "parent": lambda c: (c["parent"], c["id"]),
        }
        items.sort(
            key=keys.get(orderby, lambda c: (c["date"], c["id"])),
            reverse=(req.arg("order") or "desc") == "desc",
        )
        paged = self._paging(req, items, "/wp/v2/comments", None)  # past the end: an empty page
        if isinstance(paged, Response):
            return paged
        chosen, headers = paged
        return self._json(200, [self._comment_view(c, context) for c in chosen], headers)

    # --- media ---------------------------------------------------------------------------------

    def _media(
        self, req: Request, method: str, media_id: int | None, user: dict[str, Any] | None
    ) -> Response | None:
        if media_id is None and method == "GET":
            items = sorted(self.media.values(), key=lambda m: m["id"], reverse=True)
            paged = self._paging(req, items, "/wp/v2/media", "rest_post_invalid_page_number")
            if isinstance(paged, Response):
                return paged
            chosen, headers = paged
            return self._json(200, [self._media_view(m) for m in chosen], headers)
        if media_id is None and method == "POST":
            if user is None:
                return self._error(
                    401,
                    "rest_cannot_create",
                    "Sorry, you are not allowed to upload media on this site.",
                )
            return self._upload(req)
        if media_id is None:
            return None
        item = self.media.get(media_id)
        if item is None:
            return self._error(404, "rest_post_invalid_id", "Invalid post ID.")
        if method == "GET":
            return self._json(200, self._media_view(item))
        if method in ("POST", "PUT", "PATCH"):
            if user is None:
                return self._error(
                    401, "rest_cannot_edit", "Sorry, you are not allowed to edit this post."
                )
            body = self._body(req)
            if isinstance(body, Response):
                return body
            for field in ("alt_text", "caption", "title", "description"):
                if field in body:
                    value = body[field]
                    item[field] = value.get("raw", "") if isinstance(value, dict) else str(value)
            if "post" in body:
                item["post"] = int(body["post"] or 0)
            return self._json(200, self._media_view(item))
        if method == "DELETE":
            if user is None:
                return self._error(
                    401, "rest_cannot_delete", "Sorry, you are not allowed to delete this post."
                )
            if (req.arg("force") or "").lower() not in ("1", "true"):
                return self._error(
                    501,
                    "rest_trash_not_supported",
                    "The post does not support trashing. Set 'force=true' to delete.",
                )
            previous = self._media_view(item)
            del self.media[media_id]
            return self._json(200, {"deleted": True, "previous": previous})
        return None

    def _upload(self, req: Request) -> Response:
        data: bytes
        filename = ""
        mime = req.content_type
        if req.content_type == "multipart/form-data":
            files = req.files().get("file") or []
            if not files:
                return self._error(400, "rest_upload_no_data", "No data supplied.")
            data, filename, mime = files[0].data, files[0].filename, files[0].content_type
            fields = {k: v[0] for k, v in req.form().items()}
        else:
            data = req.body
            if not data:
                return self._error(400, "rest_upload_no_data", "No data supplied.")
            disposition = req.headers.get("content-disposition")
            if not disposition:
                return self._error(
                    400, "rest_upload_no_content_disposition", "No Content-Disposition supplied."
                )
            match = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)\"?", disposition)
            if not match:
                return self._error(
                    400,
                    "rest_upload_invalid_disposition",
                    "Invalid Content-Disposition supplied. Content-Disposition needs to "
                    'be formatted as `attachment; filename="image.png"` or similar.',
                )
            filename = match.group(1)
            fields = {k: v[0] for k, v in req.query.items()}
        info = image_info(data)
        if info is None or mime not in UPLOAD_TYPES:
            return self._error(
                500,
                "rest_upload_sideload_error",
                "Sorry, you are not allowed to upload this file type.",
            )
        now = self.clock.now()
        media_id = self._next_post
        self._next_post += 1
        month = datetime.fromtimestamp(now, UTC).strftime("%Y/%m")
        stem = sanitize_title(filename.rsplit(".", 1)[0]) or f"media-{media_id}"
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
        taken = {m["file"] for m in self.media.values()}
        file, suffix = f"{month}/{stem}.{extension}", 1
        while file in taken:
            file, suffix = f"{month}/{stem}-{suffix}.{extension}", suffix + 1
        self.media[media_id] = {
            "id": media_id,
            "file": file,
            "slug": file.rsplit("/", 1)[-1].rsplit(".", 1)[0],
            "title": stem,
            "alt_text": fields.get("alt_text", ""),
            "caption": fields.get("caption", ""),
            "description": fields.get("description", ""),
            "post": int(fields.get("post") or 0),
            "mime_type": info[0],
            "width": info[1],
            "height": info[2],
            "data": data,
            "date": now,
        }
        while len(self.media) > 200:  # uploaded bytes are held in memory: keep the newest
            self.media.popitem(last=False)
        view = self._media_view(self.media[media_id])
        location = f"{self.base_url}/wp-json/wp/v2/media/{media_id}"
        return self._json(201, view, [("Location", location)])

    def _media_view(self, item: dict[str, Any]) -> dict[str, Any]:
        source = f"{self.base_url}/wp-content/uploads/{item['file']}"
        return {
            "id": item["id"],
            "date": wp_date(item["date"]),
            "date_gmt": wp_date(item["date"]),
            "guid": {"rendered": source, "raw": source},
            "modified": wp_date(item["date"]),
            "modified_gmt": wp_date(item["date"]),
            "slug": item["slug"],
            "status": "inherit",
            "type": "attachment",
            "link": f"{self.base_url}/{item['slug']}/",
            "title": {"raw": item["title"], "rendered": html.escape(item["title"])},
            "author": self.user_id,
            "comment_status": "open",
            "ping_status": "closed",
            "template": "",
            "meta": [],
            "description": {"raw": item["description"], "rendered": autop(item["description"])},
            "caption": {"raw": item["caption"], "rendered": autop(item["caption"])},
            "alt_text": item["alt_text"],
            "media_type": "image",
            "mime_type": item["mime_type"],
            "media_details": {
                "width": item["width"],
                "height": item["height"],
                "file": item["file"],
                "filesize": len(item["data"]),
                "sizes": {},
                "image_meta": {},
            },
            "post": item["post"] or None,
            "source_url": source,
            "_links": {"self": [{"href": f"{self.base_url}/wp-json/wp/v2/media/{item['id']}"}]},
        }

    def _user_view(self, user: dict[str, Any], context: str) -> dict[str, Any]:
        digest = hashlib.md5(user["email"].encode()).hexdigest()
        view: dict[str, Any] = {
            "id": user["id"],
            "name": user["name"],
            "url": "",
            "description": "",
            "link": f"{self.base_url}/author/{user['username']}/",
            "slug": user["username"],
            "avatar_urls": {
                size: f"https://secure.gravatar.com/avatar/{digest}?s={size}&d=mm&r=g"
                for size in ("24", "48", "96")
            },
            "meta": [],
            "_links": {"self": [{"href": f"{self.base_url}/wp-json/wp/v2/users/{user['id']}"}]},
        }
        if context == "edit":
            view.update(
                username=user["username"],
                email=user["email"],
                first_name="",
                last_name="",
                nickname=user["username"],
                locale="sv_SE",
                roles=["administrator"],
                registered_date="2024-01-01T00:00:00+00:00",
                capabilities={name: True for name in ADMIN_CAPABILITIES},
                extra_capabilities={"administrator": True},
            )
        return view

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
