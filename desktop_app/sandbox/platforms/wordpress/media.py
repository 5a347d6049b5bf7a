"""Media of the WordPress emulator: raw-body and multipart uploads, edits, deletion."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from desktop_app.sandbox.core import Request, Response, image_info
from desktop_app.sandbox.platforms.wordpress.base import WordPressBase
from desktop_app.sandbox.platforms.wordpress.common import (
    SITE_ZONE,
    UPLOAD_TYPES,
    autop,
    sanitize_title,
    wp_date,
    wp_local,
)


class MediaMixin(WordPressBase):
    """``/wp/v2/media`` and ``/wp/v2/media/:id``."""

    def _media(
        self, req: Request, method: str, media_id: int | None, user: dict[str, Any] | None
    ) -> Response | None:
        if media_id is None and method == "GET":
            return self._list_media(req)
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
            return self._edit_media(req, item, user)
        if method == "DELETE":
            return self._delete_media(req, item, user)
        return None

    def _list_media(self, req: Request) -> Response:
        items = sorted(self.media.values(), key=lambda m: m["id"], reverse=True)
        paged = self._paging(req, items, "/wp/v2/media", "rest_post_invalid_page_number")
        if isinstance(paged, Response):
            return paged
        chosen, headers = paged
        return self._json(200, [self._media_view(m) for m in chosen], headers)

    def _edit_media(
        self, req: Request, item: dict[str, Any], user: dict[str, Any] | None
    ) -> Response:
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

    def _delete_media(
        self, req: Request, item: dict[str, Any], user: dict[str, Any] | None
    ) -> Response:
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
        del self.media[item["id"]]
        return self._json(200, {"deleted": True, "previous": previous})

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
        month = datetime.fromtimestamp(now, SITE_ZONE).strftime("%Y/%m")
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
            "date": wp_local(item["date"]),
            "date_gmt": wp_date(item["date"]),
            "guid": {"rendered": source, "raw": source},
            "modified": wp_local(item["date"]),
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
