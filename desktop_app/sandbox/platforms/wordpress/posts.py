"""Posts of the WordPress emulator: list, create, read, edit, trash and delete."""

from __future__ import annotations

import html
from typing import Any

from desktop_app.sandbox.core import OWN_POSTS_PER_ACCOUNT, Request, Response
from desktop_app.sandbox.platforms.wordpress.base import WordPressBase
from desktop_app.sandbox.platforms.wordpress.common import (
    POST_ORDERBY,
    POST_STATUSES,
    autop,
    local_bound,
    local_key,
    parse_gmt,
    parse_local,
    sanitize_title,
    wp_date,
    wp_local,
)


def _beyond(local: str, bound: str, newer: bool) -> bool:
    """``local > bound`` for ``after``, ``local < bound`` for ``before`` (string order)."""
    return local > bound if newer else local < bound


class PostsMixin(WordPressBase):
    """``/wp/v2/posts`` and ``/wp/v2/posts/:id``."""

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
            # date_gmt is UTC; date is the site's local time unless it carries an offset.
            if body.get("date_gmt"):
                post["date_gmt"] = parse_gmt(str(body["date_gmt"]))
            elif body.get("date"):
                post["date_gmt"] = parse_local(str(body["date"]))
            else:
                post["date_gmt"] = None
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
            "date": wp_local(when),
            # A draft without a date answers with the shim WordPress computes from post_date.
            "date_gmt": wp_date(when),
            "guid": {"rendered": f"{self.base_url}/?p={post['id']}"},
            "modified": wp_local(post["modified"]),
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
            return self._create_post(req, user)
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
            return self._edit_post(req, post, user)
        if method == "DELETE":
            return self._delete_post(req, post, user)
        return None

    def _create_post(self, req: Request, user: dict[str, Any] | None) -> Response:
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

    def _edit_post(
        self, req: Request, post: dict[str, Any], user: dict[str, Any] | None
    ) -> Response:
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

    def _delete_post(
        self, req: Request, post: dict[str, Any], user: dict[str, Any] | None
    ) -> Response:
        if user is None:
            return self._error(
                401, "rest_cannot_delete", "Sorry, you are not allowed to delete this post."
            )
        previous = self._post_view(post, "edit")
        if (req.arg("force") or "").lower() in ("1", "true"):
            del self.posts[post["id"]]
            return self._json(200, {"deleted": True, "previous": previous})
        if post["status"] == "trash":
            return self._error(410, "rest_already_trashed", "The post has already been deleted.")
        post["status"] = "trash"
        return self._json(200, self._post_view(post, "edit"))

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
                    local_bound(str(value))
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
        for name, newer in (("after", True), ("before", False)):
            value = req.arg(name)
            if value:
                # As core: the bound in local time against post_date (local), strictly.
                try:
                    bound = local_bound(value)
                except ValueError:
                    return self._invalid_param(name, "Invalid date.")
                items = [p for p in items if _beyond(local_key(self._post_time(p)), bound, newer)]
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
