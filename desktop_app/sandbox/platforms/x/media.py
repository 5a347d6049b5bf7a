"""Media upload of the X emulator: one-shot images, chunked uploads with processing states."""

from __future__ import annotations

import base64
from typing import Any

from desktop_app.sandbox.core import Request, Response, image_info, json_response
from desktop_app.sandbox.platforms.x.base import XBase
from desktop_app.sandbox.platforms.x.common import (
    CATEGORY_KEY_PREFIX,
    CHECK_AFTER_S,
    CHUNKED_CATEGORIES,
    ONE_SHOT_CATEGORIES,
    PROCESSED_CATEGORIES,
    PROCESSING_STATES,
    PROGRESS,
    SIZE_LIMITS,
)


def _category_problem(category: str, media_type: str, allowed: tuple[str, ...]) -> str | None:
    """Why X would refuse this category for this media type here, or None."""
    if category not in allowed:
        return f"The `media_category` field must be one of [{', '.join(allowed)}]"
    if category.endswith("_gif") and media_type != "image/gif":
        return f"media_category {category} needs media_type image/gif, not {media_type!r}"
    if category.endswith("_image") and media_type == "image/gif" and allowed is ONE_SHOT_CATEGORIES:
        return "A GIF must be uploaded with the chunked upload as media_category tweet_gif"
    if category.endswith("_image") and media_type and not media_type.startswith("image/"):
        return f"media_category {category} does not take {media_type}"
    return None


# The upload operations are described by the v2.167 document, whose problem types live here.
UPLOAD_PROBLEMS = "https://api.x.com/2/problems"


class MediaMixin(XBase):
    """``/2/media/upload`` (one shot, initialize/append/finalize, status) and metadata.

    Categories are enforced as X documents them: the one-shot upload takes only
    ``MediaCategoryOneShot`` (tweet_image, dm_image, subtitles) and, as in API v2.159, no GIF;
    a GIF goes through the chunked upload as ``tweet_gif``. A finalized GIF is processed:
    ``pending`` then ``in_progress`` then ``succeeded``, one step per status poll or per
    ``check_after_secs`` of simulated time, and a post may use it only once it has succeeded.
    """

    def _new_media(self, owner: str, data: bytes, media_type: str, category: str) -> dict[str, Any]:
        media_id = self._next_id()
        info = image_info(data)
        item = {
            "id": media_id,
            "media_key": f"{CATEGORY_KEY_PREFIX.get(category, 3)}_{media_id}",
            "size": len(data),
            "type": info[0] if info else media_type,
            "width": info[1] if info else 0,
            "height": info[2] if info else 0,
            "owner": owner,
            "category": category,
            "chunks": {},
            "total": len(data),
            "state": "succeeded",
            "created": self.clock.now(),
            "finalized": None,
            "polls": 0,
        }
        self.media[media_id] = item
        while len(self.media) > 500:
            self.media.popitem(last=False)
        return item

    def _media_view(self, item: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": item["id"],
            "media_key": item["media_key"],
            "size": item["size"],
            "expires_after_secs": 86400,
        }
        if item["category"] in PROCESSED_CATEGORIES and item["finalized"] is not None:
            info: dict[str, Any] = {
                "state": item["state"],
                "progress_percent": PROGRESS[item["state"]],
            }
            if item["state"] in ("pending", "in_progress"):
                info["check_after_secs"] = CHECK_AFTER_S
            data["processing_info"] = info
        return {"data": data}

    def _upload_invalid(
        self, message: str, parameters: dict[str, list[str]] | None = None
    ) -> Response:
        return self._invalid(message, parameters, problems=UPLOAD_PROBLEMS)

    def _owned(self, media_id: str, user_id: str) -> dict[str, Any] | None:
        item = self.media.get(media_id)
        return item if item is not None and item["owner"] == user_id else None

    def _advance_processing(self, item: dict[str, Any]) -> None:
        """One step per poll, or per check_after_secs of simulated time, whichever is further."""
        if item["finalized"] is None or item["state"] in ("succeeded", "failed"):
            return
        item["polls"] += 1
        elapsed = self.clock.now() - item["finalized"]
        step = max(item["polls"], int(elapsed // CHECK_AFTER_S))
        state = PROCESSING_STATES[min(step, len(PROCESSING_STATES) - 1)]
        if state == "succeeded" and item.get("broken"):
            state = "failed"  # X decodes the file only while processing it
        item["state"] = state

    def _media_status(self, req: Request, user_id: str) -> Response:
        media_id = req.arg("media_id") or ""
        command = req.arg("command")
        if command is not None and command != "STATUS":
            return self._upload_invalid(
                f"The `command` query parameter value [{command}] is not one of [STATUS]",
                {"command": [command]},
            )
        item = self._owned(media_id, user_id)
        if item is None:
            return self._upload_invalid("media_id not found", {"media_id": [media_id]})
        self._advance_processing(item)
        return json_response(200, self._media_view(item))

    def _media_initialize(self, req: Request, user_id: str) -> Response:
        try:
            body = req.json()
        except (ValueError, UnicodeDecodeError):
            return self._upload_invalid("Request body is not valid JSON.")
        if not isinstance(body, dict):
            return self._upload_invalid("Request body must be a JSON object.")
        total = body.get("total_bytes")
        if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
            return self._upload_invalid("total_bytes is required", {"total_bytes": [str(total)]})
        category = str(body.get("media_category") or "tweet_image")
        media_type = str(body.get("media_type") or "")
        refused = _category_problem(category, media_type, CHUNKED_CATEGORIES)
        if refused:
            return self._upload_invalid(refused, {"media_category": [category]})
        limit = SIZE_LIMITS.get(category, SIZE_LIMITS["tweet_image"])
        if total > limit:
            return self._upload_invalid(
                f"File size exceeds {limit} bytes.", {"total_bytes": [str(total)]}
            )
        item = self._new_media(user_id, b"", media_type, category)
        item.update(state="pending", total=total, size=total, type=media_type)
        return json_response(200, self._media_view(item) | {})

    def _media_append(self, req: Request, media_id: str, user_id: str) -> Response:
        item = self._owned(media_id, user_id)
        if item is None:
            return self._upload_invalid("media id not found", {"id": [media_id]})
        if item["finalized"] is not None:
            return self._upload_invalid("The media has already been finalized.", {"id": [media_id]})
        form, files = req.form(), req.files()
        segment = (form.get("segment_index") or ["0"])[0]
        if files.get("media"):
            chunk = files["media"][0].data
        elif form.get("media"):
            chunk = base64.b64decode(form["media"][0])
        else:
            try:
                body = req.json()
                chunk = base64.b64decode(body["media"])
                segment = str(body.get("segment_index", 0))
            except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                return self._upload_invalid("media is required", {"media": [""]})
        if not segment.isdigit() or int(segment) > 999:
            return self._upload_invalid("segment_index must be 0-999", {"segment_index": [segment]})
        item["chunks"][int(segment)] = chunk
        return json_response(200, {"data": {"expires_at": int(self.clock.now() + 86400)}})

    def _media_finalize(self, media_id: str, user_id: str) -> Response:
        item = self._owned(media_id, user_id)
        if item is None:
            return self._upload_invalid("media id not found", {"id": [media_id]})
        if item["finalized"] is not None:
            return json_response(200, self._media_view(item))
        data = b"".join(item["chunks"][k] for k in sorted(item["chunks"]))
        if len(data) != item["total"]:
            return self._upload_invalid(
                f"File size mismatch: expected {item['total']} bytes, received {len(data)}"
            )
        info = image_info(data)
        if item["category"] == "tweet_gif" and (info is None or info[0] != "image/gif"):
            return self._upload_invalid("The media for media_category tweet_gif must be a GIF.")
        if info:
            item.update(type=info[0], width=info[1], height=info[2])
        item.update(size=len(data), chunks={}, finalized=self.clock.now(), polls=0)
        # A GIF without its trailer byte is cut short: processing will fail.
        item["broken"] = item["category"].endswith("_gif") and not data.endswith(b";")
        # Images are ready at once; GIFs and videos are processed before they can be posted.
        item["state"] = "pending" if item["category"] in PROCESSED_CATEGORIES else "succeeded"
        return json_response(200, self._media_view(item))

    def _media_metadata(self, req: Request, user_id: str) -> Response:
        """Alt text (and other metadata) for uploaded media."""
        try:
            body = req.json()
        except (ValueError, UnicodeDecodeError):
            return self._invalid("Request body is not valid JSON.")
        media_id = str(body.get("id", "")) if isinstance(body, dict) else ""
        item = self.media.get(media_id)
        if item is None or item["owner"] != user_id:
            return self._invalid("The media id is not valid.", {"id": [media_id]})
        metadata = body.get("metadata") or {}
        alt = metadata.get("alt_text") if isinstance(metadata, dict) else None
        if alt is not None:
            text = alt.get("text") if isinstance(alt, dict) else None
            if not isinstance(text, str) or len(text) > 1000:
                return self._invalid("metadata.alt_text.text must be at most 1000 characters")
            item["alt_text"] = text
        associated: dict[str, Any] = {}
        if "alt_text" in item:
            associated["alt_text"] = {"text": item["alt_text"]}
        return json_response(200, {"data": {"id": media_id, "associated_metadata": associated}})

    def _media_one_shot(self, req: Request, user_id: str) -> Response:
        data: bytes | None = None
        category = media_type = ""
        if req.content_type == "multipart/form-data":
            files, form = req.files(), req.form()
            if files.get("media"):
                data = files["media"][0].data
                media_type = files["media"][0].content_type
            elif form.get("media"):
                data = base64.b64decode(form["media"][0])
            category = (form.get("media_category") or [""])[0]
            media_type = (form.get("media_type") or [media_type])[0]
        else:
            try:
                body = req.json()
                data = base64.b64decode(body["media"])
                category = str(body.get("media_category", ""))
                media_type = str(body.get("media_type", ""))
            except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                data = None
        if not data:
            return self._upload_invalid("The `media` field is required.", {"media": [""]})
        info = image_info(data)
        if info is None:
            return self._upload_invalid("The media type is not supported for this category.")
        refused = _category_problem(category, info[0], ONE_SHOT_CATEGORIES)
        if refused:
            return self._upload_invalid(refused, {"media_category": [category]})
        if len(data) > 5 * 1024 * 1024:
            return self._upload_invalid("File size exceeds 5242880 bytes.")
        item = self._new_media(user_id, data, media_type, category)
        payload = self._media_view(item)
        payload["data"]["image"] = {
            "image_type": item["type"],
            "w": item["width"],
            "h": item["height"],
        }
        return json_response(200, payload)
