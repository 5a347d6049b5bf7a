"""Edges: a page's feed-type lists (time-based paging), photos and comments (cursor paging)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from desktop_app.sandbox.core import Request, Response, image_info, json_response, parse_iso
from desktop_app.sandbox.platforms.facebook.base import (
    Who,
    decode_cursor,
    encode_cursor,
    fb_time,
    top_fields,
)
from desktop_app.sandbox.platforms.facebook.nodes import FacebookNodes

Paged = tuple[list[dict[str, Any]], dict[str, Any]]
_TIME_PAGING_KEYS = ("until", "since", "__paging_token", "__previous")


def _sort_key(item: dict[str, Any]) -> tuple[float, int]:
    """Time, then the order of creation (the counter after the underscore)."""
    return float(item["created"]), int(str(item["id"]).rsplit("_", 1)[-1])


def _anchor(item: dict[str, Any]) -> str:
    """What a ``__paging_token`` names: a place in the time order, not an item."""
    created, counter = _sort_key(item)
    return encode_cursor(f"{created!r}:{counter}")


class FacebookEdges(FacebookNodes):
    """``/{object-id}/{edge}``."""

    # --- paging --------------------------------------------------------------------------------

    def _limit(self, req: Request) -> int | Response:
        limit_text = req.param("limit") or "25"
        if not limit_text.isdigit():
            return self._error("(#100) Param limit must be a number", 100)
        return max(1, min(100, int(limit_text)))

    def _page(
        self, req: Request, items: list[dict[str, Any]], node_id: str, edge: str, version: str
    ) -> Paged | Response:
        """Cursor paging: ``limit``, ``after``, ``before``; ``next`` only when more remain.

        A cursor names an item: once that item is deleted (or the world reset) the cursor is
        refused, as Graph refuses it.
        """
        limit = self._limit(req)
        if isinstance(limit, Response):
            return limit
        ids = [item["id"] for item in items]
        start = 0
        after, before = req.param("after"), req.param("before")
        if after:
            anchor = self._cursor_item(after)
            if anchor not in ids:
                return self._error("(#100) The after cursor is invalid", 100)
            start = ids.index(anchor) + 1
        elif before:
            anchor = self._cursor_item(before)
            if anchor not in ids:
                return self._error("(#100) The before cursor is invalid", 100)
            start = max(0, ids.index(anchor) - limit)
        chosen = items[start : start + limit]
        paging: dict[str, Any] = {}
        if chosen:
            paging["cursors"] = {
                "before": encode_cursor(f"{self.world}:{chosen[0]['id']}"),
                "after": encode_cursor(f"{self.world}:{chosen[-1]['id']}"),
            }
            keep = [(k, v[0]) for k, v in req.query.items() if k not in ("after", "before")]
            base = f"{self.base_url}/{version}/{node_id}/{edge}"
            if start + limit < len(items):
                after_pair = ("after", paging["cursors"]["after"])
                paging["next"] = f"{base}?{urlencode([*keep, after_pair])}"
            if start > 0:
                before_pair = ("before", paging["cursors"]["before"])
                paging["previous"] = f"{base}?{urlencode([*keep, before_pair])}"
        return chosen, paging

    def _cursor_item(self, cursor: str) -> str | None:
        """The item a cursor names; None for a cursor of another world (before a reset)."""
        world, _, item = (decode_cursor(cursor) or "").partition(":")
        return item if world == self.world else None

    def _time_page(
        self, req: Request, items: list[dict[str, Any]], node_id: str, edge: str, version: str
    ) -> Paged | Response:
        """Time-based paging of a newest-first list: ``next`` carries ``until`` and an opaque
        ``__paging_token`` (the last item's time and id), ``previous`` ``since``; no cursors."""
        limit = self._limit(req)
        if isinstance(limit, Response):
            return limit
        token = req.param("__paging_token")
        if token:
            stamp, _, counter = (decode_cursor(token) or "").partition(":")
            try:
                anchor = (float(stamp), int(counter))
            except ValueError:
                return self._error("(#100) Invalid paging token", 100)
            if req.param("__previous"):
                items = [i for i in items if _sort_key(i) > anchor][-limit:]
            else:
                items = [i for i in items if _sort_key(i) < anchor]
        chosen = items[:limit]
        paging: dict[str, Any] = {}
        if chosen:
            keep = [(k, v[0]) for k, v in req.query.items() if k not in _TIME_PAGING_KEYS]
            base = f"{self.base_url}/{version}/{node_id}/{edge}"
            first, last = chosen[0], chosen[-1]
            paging["previous"] = f"{base}?" + urlencode(
                [
                    *keep,
                    ("since", str(int(first["created"]))),
                    ("__paging_token", _anchor(first)),
                    ("__previous", "1"),
                ]
            )
            if len(items) > limit:
                paging["next"] = f"{base}?" + urlencode(
                    [
                        *keep,
                        ("until", str(int(last["created"]))),
                        ("__paging_token", _anchor(last)),
                    ]
                )
        return chosen, paging

    # --- the page's posts ----------------------------------------------------------------------

    def _feed_items(self, page_id: str, edge: str) -> list[dict[str, Any]]:
        if edge == "scheduled_posts":
            return [
                p
                for p in self.posts.values()
                if p["page_id"] == page_id and not p["published"] and p["scheduled"] is not None
            ]
        if edge in ("visitor_posts", "tagged"):
            return [p for p in self.posts.values() if p["page_id"] == page_id and p["visitor"]]
        return [
            p
            for p in self.posts.values()
            if p["page_id"] == page_id and p["published"] and (edge == "feed" or not p["visitor"])
        ]

    def _feed(self, req: Request, page_id: str, edge: str, who: Who, version: str) -> Response:
        if page_id not in self.pages:
            return self._no_object(page_id)
        if edge == "scheduled_posts" and who != ("page", page_id):
            return self._permission()
        items = sorted(self._feed_items(page_id, edge), key=_sort_key, reverse=True)
        since, until = req.param("since"), req.param("until")
        if since and since.isdigit():
            items = [p for p in items if int(p["created"]) >= int(since)]
        if until and until.isdigit():
            items = [p for p in items if int(p["created"]) <= int(until)]
        paged = self._time_page(req, items, page_id, edge, version)
        if isinstance(paged, Response):
            return paged
        chosen, paging = paged
        fields = top_fields(req.param("fields") or "") or ["created_time", "message", "id"]
        payload: dict[str, Any] = {"data": [self._post_view(p, fields) for p in chosen]}
        if paging:
            payload["paging"] = paging
        return json_response(200, payload)

    def _attached_photos(self, req: Request) -> list[str] | Response:
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
        return photo_ids

    def _schedule(self, req: Request, published: bool) -> float | Response | None:
        scheduled_text = req.param("scheduled_publish_time")
        if not scheduled_text:
            return None
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
        if not 600 <= scheduled - self.clock.now() <= 30 * 86400:
            return self._error(
                "(#100) The specified scheduled publish time is invalid.",
                100,
                user_title="Invalid Scheduled Publish Time",
                user_msg="The scheduled publish time must be 10 minutes to 30 days from now.",
            )
        return scheduled

    def _is_duplicate(self, page_id: str, message: str) -> bool:
        return any(
            p["message"] == message
            for p in self.posts.values()
            if p["page_id"] == page_id
            and not p["visitor"]
            and p["created"] > self.clock.now() - 86400
        )

    def _publish(self, req: Request, page_id: str, who: Who) -> Response:
        if page_id not in self.pages:
            return self._no_object(page_id, "post")
        if who != ("page", page_id):
            return self._permission()
        message = req.param("message") or ""
        link = req.param("link")
        photo_ids = self._attached_photos(req)
        if isinstance(photo_ids, Response):
            return photo_ids
        if not message and not link and not photo_ids:
            return self._error("(#100) Missing message or attachment", 100)
        published = (req.param("published") or "true").lower() not in ("false", "0")
        scheduled = self._schedule(req, published)
        if isinstance(scheduled, Response):
            return scheduled
        if message and self._is_duplicate(page_id, message):
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

    # --- photos --------------------------------------------------------------------------------

    def _photo(self, req: Request, page_id: str, who: Who) -> Response:
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
        if (req.param("published") or "true").lower() in ("false", "0"):
            return json_response(200, {"id": photo_id})
        post = self._insert_post(page_id, caption, None, photo_ids=[photo_id])
        return json_response(200, {"id": photo_id, "post_id": post["id"]})

    def _list_photos(self, req: Request, page_id: str, who: Who, version: str) -> Response:
        items = [
            {"id": p["id"], "created_time": fb_time(p["created"])}
            for p in reversed(self.photos.values())
        ]
        paged = self._page(req, items, page_id, "photos", version)
        if isinstance(paged, Response):
            return paged
        chosen, paging = paged
        return json_response(200, {"data": chosen, **({"paging": paging} if paging else {})})

    # --- comments ------------------------------------------------------------------------------

    def _comment_items(self, object_id: str, filter_: str) -> list[dict[str, Any]]:
        if filter_ != "stream":
            return [c for c in self.comments.values() if c["object_id"] == object_id]
        descendants: list[dict[str, Any]] = []
        frontier = {object_id}
        for comment in self.comments.values():  # insertion order: parents come first
            if comment["object_id"] in frontier:
                descendants.append(comment)
                frontier.add(comment["id"])
        return descendants

    def _list_comments(self, req: Request, object_id: str, who: Who, version: str) -> Response:
        if object_id not in self.posts and object_id not in self.comments:
            return self._no_object(object_id)
        items = self._comment_items(object_id, req.param("filter") or "toplevel")
        order = req.param("order") or "chronological"
        items.sort(key=_sort_key, reverse=order == "reverse_chronological")
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
        fields = top_fields(req.param("fields") or "") or ["created_time", "from", "message", "id"]
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

    def _comment(self, req: Request, object_id: str, who: Who) -> Response:
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
