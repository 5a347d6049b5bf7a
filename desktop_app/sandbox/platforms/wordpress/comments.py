"""Comments of the WordPress emulator: list (as core filters and orders), create, moderate."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from desktop_app.sandbox.core import PUBLIC_ITEMS_PER_ACCOUNT, Request, Response
from desktop_app.sandbox.platforms.wordpress.base import WordPressBase
from desktop_app.sandbox.platforms.wordpress.common import (
    COMMENT_ORDERBY,
    COMMENT_STATUS_OUT,
    autop,
    kses_comment,
    local_bound,
    local_key,
    wp_date,
    wp_local,
)


class CommentsMixin(WordPressBase):
    """``/wp/v2/comments`` and ``/wp/v2/comments/:id``."""

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
            "date": wp_local(comment["date"]),
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
            return self._edit_comment(req, comment, user)
        if method == "DELETE":
            return self._delete_comment(req, comment, user)
        return None

    def _edit_comment(
        self, req: Request, comment: dict[str, Any], user: dict[str, Any] | None
    ) -> Response:
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

    def _delete_comment(
        self, req: Request, comment: dict[str, Any], user: dict[str, Any] | None
    ) -> Response:
        if user is None:
            return self._error(
                401, "rest_cannot_delete", "Sorry, you are not allowed to delete this comment."
            )
        previous = self._comment_view(comment, "edit")
        if (req.arg("force") or "").lower() in ("1", "true"):
            del self.comments[comment["id"]]
            return self._json(200, {"deleted": True, "previous": previous})
        if comment["status"] == "trash":
            return self._error(410, "rest_already_trashed", "The comment has already been trashed.")
        comment["status"] = "trash"
        return self._json(200, self._comment_view(comment, "edit"))

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
                # As WP_Comment_Query's date_query: the bound in the site's local time against
                # comment_date (local), strictly; not against comment_date_gmt.
                try:
                    bound = local_bound(value)
                except ValueError:
                    return self._invalid_param(name, "Invalid date.")
                items = [
                    c
                    for c in items
                    if (local_key(c["date"]) > bound if newer else local_key(c["date"]) < bound)
                ]
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
