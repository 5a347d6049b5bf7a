"""Single Graph objects (user, page, post, comment, photo): read, change, delete, views."""

from __future__ import annotations

from typing import Any

from desktop_app.sandbox.core import Request, Response, json_response
from desktop_app.sandbox.platforms.facebook.base import Who, fb_time, top_fields
from desktop_app.sandbox.platforms.facebook.oauth import FacebookOAuth

_POST_DEFAULT = ["created_time", "message", "id"]
_COMMENT_DEFAULT = ["created_time", "from", "message", "id"]


class FacebookNodes(FacebookOAuth):
    """``/{object-id}`` for every kind of object the emulator keeps."""

    def _post_of(self, object_id: str) -> dict[str, Any] | None:
        while object_id in self.comments:
            object_id = self.comments[object_id]["object_id"]
        return self.posts.get(object_id)

    def _node(self, req: Request, method: str, object_id: str, who: Who) -> Response:
        fields = top_fields(req.param("fields") or "")
        if object_id == self.user.get("id") and who[0] == "user":
            if method != "GET":
                return self._no_object(object_id, method.lower())
            return json_response(200, {"name": self.user["name"], "id": self.user["id"]})
        if object_id in self.pages:
            if method != "GET":
                return self._no_object(object_id, method.lower())
            return json_response(200, self._page_view(object_id, fields, who))
        if object_id in self.posts:
            return self._post_node(req, method, object_id, fields, who)
        if object_id in self.comments:
            return self._comment_node(req, method, object_id, fields, who)
        if object_id in self.photos and method == "GET":
            photo = self.photos[object_id]
            view = {
                "id": object_id,
                "created_time": fb_time(photo["created"]),
                "name": photo["caption"],
                "alt_text": photo["alt_text"],
            }
            return json_response(200, view)
        return self._no_object(object_id, method.lower())

    def _page_view(self, page_id: str, fields: list[str], who: Who) -> dict[str, Any]:
        page = self.pages[page_id]
        view: dict[str, Any] = {"name": page["name"], "id": page_id}
        for field in fields:
            if field == "category":
                view["category"] = page["category"]
            elif field == "link":
                view["link"] = f"https://www.facebook.com/{page_id}"
            elif field == "fan_count":
                view["fan_count"] = 8412
            elif field == "picture":
                view["picture"] = {
                    "data": {
                        "url": f"{self.base_url}/pictures/{page_id}.png",
                        "is_silhouette": False,
                        "height": 50,
                        "width": 50,
                    }
                }
        return view

    def _post_node(
        self, req: Request, method: str, object_id: str, fields: list[str], who: Who
    ) -> Response:
        post = self.posts[object_id]
        if method == "GET":
            if not post["published"] and who != ("page", post["page_id"]):
                return self._no_object(object_id)
            return json_response(200, self._post_view(post, fields or _POST_DEFAULT))
        if who != ("page", post["page_id"]):
            return self._permission()
        if method == "DELETE":
            del self.posts[object_id]
            for cid in [c for c in self.comments if self._post_of(c) is None]:
                self.comments.pop(cid, None)
            return json_response(200, {"success": True})
        if req.param("message") is not None:
            post["message"] = req.param("message")
            post["updated"] = self.clock.now()
        if req.param("is_hidden") is not None:
            post["is_hidden"] = req.param("is_hidden") == "true"
        return json_response(200, {"success": True})

    def _comment_node(
        self, req: Request, method: str, object_id: str, fields: list[str], who: Who
    ) -> Response:
        comment = self.comments[object_id]
        owner = self._post_of(object_id)
        page_id = owner["page_id"] if owner else ""
        if method == "GET":
            return json_response(200, self._comment_view(comment, fields or _COMMENT_DEFAULT, who))
        if who != ("page", page_id):
            return self._error("(#200) Permissions error", 200, status=403)
        if method == "DELETE":
            self._delete_comment(object_id)
            return json_response(200, {"success": True})
        if req.param("is_hidden") is not None:
            if comment["from"]["id"] == page_id:
                return self._error("(#100) The page cannot hide its own comments", 100)
            comment["is_hidden"] = req.param("is_hidden") in ("true", "1")
        if req.param("message") is not None:
            if comment["from"]["id"] != page_id:
                return self._error("(#200) Permissions error", 200, status=403)
            comment["message"] = req.param("message")
        return json_response(200, {"success": True})

    def _delete_comment(self, comment_id: str) -> None:
        children = [cid for cid, c in self.comments.items() if c["object_id"] == comment_id]
        for child in children:
            self._delete_comment(child)
        self.comments.pop(comment_id, None)

    def _post_view(self, post: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        page_id, _, story = post["id"].partition("_")
        values: dict[str, Any] = {
            "id": post["id"],
            "message": post["message"] or None,
            "created_time": fb_time(post["created"]),
            "updated_time": fb_time(post["updated"]),
            "permalink_url": f"https://www.facebook.com/{page_id}/posts/{story}",
            "is_published": post["published"],
            "scheduled_publish_time": (
                int(post["scheduled"]) if post["scheduled"] is not None else None
            ),
            "from": dict(post["from"]),
            "is_hidden": post["is_hidden"],
            "link": post["link"] or None,
            "status_type": "added_photos" if post["photo_ids"] else "mobile_status_update",
            "full_picture": (
                f"{self.base_url}/pictures/{post['photo_ids'][0]}.png"
                if post["photo_ids"]
                else None
            ),
        }
        view = {f: values[f] for f in fields if values.get(f) is not None}
        view.setdefault("id", post["id"])
        return view

    def _comment_view(self, comment: dict[str, Any], fields: list[str], who: Who) -> dict[str, Any]:
        post = self._post_of(comment["id"])
        page_token = post is not None and who == ("page", post["page_id"])
        page_id, _, story = (post["id"] if post else "_").partition("_")
        parent = self.comments.get(comment["object_id"])
        values: dict[str, Any] = {
            "id": comment["id"],
            "message": comment["message"],
            "created_time": fb_time(comment["created"]),
            "from": dict(comment["from"]) if page_token else None,
            "is_hidden": comment["is_hidden"],
            "parent": (
                {
                    "created_time": fb_time(parent["created"]),
                    "message": parent["message"],
                    "id": parent["id"],
                }
                if parent is not None
                else None
            ),
            "comment_count": sum(
                1 for c in self.comments.values() if c["object_id"] == comment["id"]
            ),
            "like_count": 0,
            "can_hide": page_token and comment["from"]["id"] != page_id,
            "can_remove": page_token,
            "permalink_url": (
                f"https://www.facebook.com/{page_id}/posts/{story}/"
                f"?comment_id={comment['id'].split('_')[-1]}"
            ),
        }
        view = {f: values[f] for f in fields if values.get(f) is not None}
        view.setdefault("id", comment["id"])
        return view
