"""Any Mastodon instance through its REST API, with an OAuth bearer token.

Every status is sent with an ``Idempotency-Key`` (the publication's key): Mastodon answers a
resend within an hour with the status it already created, so a retry can never post twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from desktop_app.domain.errors import AuthExpired, NetworkError, Rejected, TemporaryFailure
from desktop_app.domain.networks import Network
from desktop_app.networks.base import (
    Identity,
    InboxPage,
    ItemKind,
    ModerationAction,
    PlatformLimits,
    PostRequest,
    PublishedPost,
    RemoteItem,
    RemoteStatus,
)
from desktop_app.networks.common import (
    decode_cursor,
    encode_cursor,
    html_to_text,
    normalise_text,
    obj,
    parse_time,
    require_time,
)
from desktop_app.networks.http import HttpClient, decode_json, status_error
from desktop_app.secrets import AccountSecrets

log = logging.getLogger(__name__)

PLATFORM = "Mastodon"
DEFAULT_HORIZON_DAYS = 14.0  # the first sync's reach when the engine gives none
PAGE_SIZE = 40
SCHEDULED_PREFIX = "scheduled:"
SCOPES = ("read", "write")
# Processing is polled with growing pauses, bounded both in polls and in (real) seconds.
_MEDIA_POLLS = 12
_MEDIA_WAIT_SECONDS = 60.0
_MEDIA_FIRST_PAUSE_S = 0.25
_MEDIA_MAX_PAUSE_S = 5.0


def mastodon_error(response: requests.Response, *, replay_safe: bool) -> NetworkError:
    try:
        body = response.json()
    except ValueError:
        body = None
    detail = ""
    if isinstance(body, dict):
        detail = str(body.get("error_description") or body.get("error") or "")
    code = response.status_code
    if code == 401 or (code == 403 and _is_scope_refusal(detail)):
        return AuthExpired(f"Mastodon refused the token ({code}); sign in again")
    if code == 403:
        # Most 403s refuse one action (a blocked account, a locked thread, a disabled login);
        # signing in again would not help, so the person is shown Mastodon's own words.
        return Rejected(f"Mastodon refused ({code}): {detail}", detail or f"refused ({code})")
    if code in (400, 404, 409, 410, 413, 415, 422):
        return Rejected(f"Mastodon refused ({code}): {detail}", detail or f"refused ({code})")
    return status_error(response, replay_safe=replay_safe, detail=detail, platform=PLATFORM)


def _is_scope_refusal(detail: str) -> bool:
    """Mastodon's words when the token lacks a scope: only a new sign-in grants it."""
    return "outside the authorized scopes" in detail.lower()


def _max_id_of(url: str | None) -> str | None:
    """The ``max_id`` of a ``Link: rel="next"`` URL (Mastodon's way to page backwards)."""
    if not url:
        return None
    values = parse_qs(urlsplit(url).query).get("max_id")
    return values[0] if values else None


def _id_key(value: str) -> tuple[int, str]:
    """Mastodon ids are numeric strings in practice; compare numerically when they are."""
    return (int(value), "") if value.isdigit() else (0, value)


class MastodonConnector:
    """One account on one Mastodon instance."""

    network = Network.MASTODON

    def __init__(
        self,
        base_url: str,
        secrets: AccountSecrets,
        http: HttpClient,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.instance = base_url.rstrip("/")
        self._http = http
        self._token = secrets.require("access_token")
        http.add_secret(self._token)
        self._sleep = sleep
        self._me: dict[str, Any] | None = None
        self._max_characters = 500
        self._image_limit = 16 * 1024 * 1024
        self._horizon: datetime | None = None

    def _call(
        self,
        method: str,
        path: str,
        *,
        replay_safe: bool | None = None,
        ok: tuple[int, ...] = (200,),
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> tuple[Any, requests.Response]:
        safe = method in ("GET", "DELETE", "PUT") if replay_safe is None else replay_safe
        response = self._http.request(
            method,
            f"{self.instance}/{path.lstrip('/')}",
            platform=PLATFORM,
            replay_safe=safe,
            headers={**(headers or {}), "Authorization": f"Bearer {self._token}"},
            **kwargs,
        )
        if response.status_code not in ok:
            raise mastodon_error(response, replay_safe=safe)
        if not response.content:
            return {}, response
        return decode_json(response, replay_safe=safe, platform=PLATFORM), response

    def _user(self) -> dict[str, Any]:
        if self._me is None:
            self.verify()
        assert self._me is not None
        return self._me

    def verify(self) -> Identity:
        me, _ = self._call("GET", "api/v1/accounts/verify_credentials")
        if not isinstance(me, dict) or "id" not in me:
            raise TemporaryFailure("Mastodon answered verify_credentials without an account")
        self._me = me
        self._read_instance_limits()
        host = self.instance.split("://", 1)[-1].split("/", 1)[0]
        acct = str(me.get("acct") or me.get("username", ""))
        handle = f"@{acct}" if "@" in acct else f"@{acct}@{host}"
        return Identity(
            remote_id=str(me["id"]),
            handle=handle,
            display_name=str(me.get("display_name") or me.get("username", "")),
            avatar_url=str(me.get("avatar", "")),
            profile_url=str(me.get("url", "")),
        )

    def _read_instance_limits(self) -> None:
        """The instance's own limits (best effort: older servers lack /api/v2/instance)."""
        try:
            info, _ = self._call("GET", "api/v2/instance")
        except (Rejected, TemporaryFailure, AuthExpired):
            return
        config = info.get("configuration") if isinstance(info, dict) else None
        if not isinstance(config, dict):
            return
        statuses = config.get("statuses") or {}
        media = config.get("media_attachments") or {}
        if isinstance(statuses, dict) and isinstance(statuses.get("max_characters"), int):
            self._max_characters = statuses["max_characters"]
        if isinstance(media, dict) and isinstance(media.get("image_size_limit"), int):
            self._image_limit = media["image_size_limit"]

    def _upload(self, post: PostRequest) -> list[str]:
        ids: list[str] = []
        for media in post.media:
            with media.path.open("rb") as handle:
                body, _ = self._call(
                    "POST",
                    "api/v2/media",
                    replay_safe=True,  # an unattached upload is removed by the instance
                    ok=(200, 202),
                    data={"description": media.alt_text} if media.alt_text else {},
                    files={"file": (media.path.name, handle, media.mime_type)},
                )
            media_id = str(body.get("id"))
            if not body.get("url"):  # 202: the instance is still processing the file
                self._await_processing(media_id)
            ids.append(media_id)
        return ids

    def _await_processing(self, media_id: str) -> None:
        """Poll GET /api/v1/media/:id (206 while processing) until it has a URL, bounded."""
        pause = _MEDIA_FIRST_PAUSE_S
        deadline = time.monotonic() + _MEDIA_WAIT_SECONDS
        for _ in range(_MEDIA_POLLS):
            self._sleep(pause)
            body, response = self._call("GET", f"api/v1/media/{media_id}", ok=(200, 206))
            if response.status_code == 200 and isinstance(body, dict) and body.get("url"):
                return
            if time.monotonic() > deadline:
                break
            pause = min(_MEDIA_MAX_PAUSE_S, pause * 2)
        raise TemporaryFailure("Mastodon is still processing the image; try again in a minute")

    @staticmethod
    def _status_text(post: PostRequest) -> str:
        if post.link and post.link not in post.text:
            return f"{post.text.rstrip()}\n\n{post.link}"
        return post.text

    def publish(self, post: PostRequest) -> PublishedPost:
        body: dict[str, Any] = {"status": self._status_text(post)}
        media_ids = self._upload(post)
        if media_ids:
            body["media_ids"] = media_ids
        if post.reply_to:
            body["in_reply_to_id"] = post.reply_to
        # Mastodon schedules only at least five minutes ahead; nearer is sent right away.
        if post.scheduled_at and post.scheduled_at > datetime.now(UTC) + timedelta(minutes=5):
            body["scheduled_at"] = post.scheduled_at.astimezone(UTC).isoformat()
        return self._post_status(body, post.idempotency_key)

    def _post_status(self, body: dict[str, Any], key: str) -> PublishedPost:
        created, _ = self._call(
            "POST",
            "api/v1/statuses",
            replay_safe=False,
            json=body,
            headers={"Idempotency-Key": key},
        )
        if not isinstance(created, dict) or "id" not in created:
            raise TemporaryFailure("Mastodon answered without a status id")
        if "scheduled_at" in created and "content" not in created:
            return PublishedPost(
                SCHEDULED_PREFIX + str(created["id"]), "", parse_time(created["scheduled_at"]), True
            )
        return PublishedPost(
            str(created["id"]), str(created.get("url") or ""), parse_time(created.get("created_at"))
        )

    def find_post(self, post: PostRequest, since: datetime) -> PublishedPost | None:
        wanted = normalise_text(self._status_text(post))
        if "scheduled_at" in self._scheduled_body(post):
            scheduled, _ = self._call("GET", "api/v1/scheduled_statuses", params={"limit": 40})
            for entry in scheduled if isinstance(scheduled, list) else []:
                params = entry.get("params") if isinstance(entry, dict) else None
                if isinstance(params, dict) and normalise_text(str(params.get("text"))) == wanted:
                    return PublishedPost(
                        SCHEDULED_PREFIX + str(entry["id"]),
                        "",
                        parse_time(entry.get("scheduled_at")),
                        True,
                    )
        me = self._user()
        statuses, _ = self._call(
            "GET", f"api/v1/accounts/{me['id']}/statuses", params={"limit": PAGE_SIZE}
        )
        floor = since - timedelta(minutes=5)
        for status in statuses if isinstance(statuses, list) else []:
            if not isinstance(status, dict):
                continue
            created = require_time(status.get("created_at"))
            if created < floor:
                break
            text = html_to_text(str(status.get("content", "")))
            if normalise_text(text) == wanted and (
                not post.reply_to or str(status.get("in_reply_to_id")) == post.reply_to
            ):
                return PublishedPost(str(status["id"]), str(status.get("url") or ""), created)
        return None

    @staticmethod
    def _scheduled_body(post: PostRequest) -> dict[str, Any]:
        if post.scheduled_at and post.scheduled_at > datetime.now(UTC) + timedelta(minutes=5):
            return {"scheduled_at": post.scheduled_at}
        return {}

    def set_horizon(self, since: datetime) -> None:
        """How far back the first sync reads (see networks.common.WalksBack)."""
        self._horizon = since

    def list_inbox(self, cursor: str | None) -> InboxPage:
        """Mentions (and replies, which mention us), a page at a time.

        The first sync (no cursor) walks backwards from the newest notification with ``max_id``
        (the ``Link: rel="next"`` of each page) down to the horizon or the oldest one there is;
        later syncs walk forwards with ``min_id`` from the newest notification seen.
        """
        state = decode_cursor(cursor)
        if cursor is None or "back" in state:
            return self._walk_back(state)
        params: dict[str, Any] = {"types[]": "mention", "limit": PAGE_SIZE}
        if state.get("min_id"):
            params["min_id"] = state["min_id"]
        notifications, _ = self._call("GET", "api/v1/notifications", params=params)
        entries = [n for n in notifications if isinstance(n, dict)] if notifications else []
        newest = state.get("min_id")
        for entry in entries:
            note_id = str(entry.get("id"))
            if newest is None or _id_key(note_id) > _id_key(str(newest)):
                newest = note_id
        items = self._items(entries, None)
        has_more = bool(state.get("min_id")) and len(entries) >= PAGE_SIZE
        # An account without notifications yet resumes from the very start ("0"), so the first
        # ones ever to arrive are read in full.
        newest = newest or "0"
        return InboxPage(items, encode_cursor({"min_id": newest}), has_more)

    def _walk_back(self, state: dict[str, Any]) -> InboxPage:
        """One page of the first sync's walk back in time (newest first)."""
        horizon = parse_time(state.get("horizon")) or self._horizon
        horizon = horizon or datetime.now(UTC) - timedelta(days=DEFAULT_HORIZON_DAYS)
        params: dict[str, Any] = {"types[]": "mention", "limit": PAGE_SIZE}
        if state.get("back"):
            params["max_id"] = state["back"]
        notifications, response = self._call("GET", "api/v1/notifications", params=params)
        entries = [n for n in notifications if isinstance(n, dict)] if notifications else []
        top = state.get("top")
        for entry in entries:
            note_id = str(entry.get("id"))
            if top is None or _id_key(note_id) > _id_key(str(top)):
                top = note_id
        older = _max_id_of(response.links.get("next", {}).get("url"))
        if older is None and entries:
            older = str(entries[-1].get("id"))
        reached = any(require_time(e.get("created_at")) < horizon for e in entries)
        items = self._items(entries, horizon)
        if entries and older and not reached and older != state.get("back"):
            next_state = {"back": older, "top": top, "horizon": horizon.isoformat()}
            return InboxPage(items, encode_cursor(next_state), True)
        # Walked back far enough: from now on, forwards from the newest one seen.
        return InboxPage(items, encode_cursor({"min_id": top or "0"}), False)

    def _items(
        self, entries: list[dict[str, Any]], horizon: datetime | None
    ) -> tuple[RemoteItem, ...]:
        """The mentions among ``entries``; a malformed one is logged and skipped, never fatal."""
        my_id = str(self._user()["id"])
        items: list[RemoteItem] = []
        for entry in entries:
            status = entry.get("status")
            if entry.get("type") != "mention" or not isinstance(status, dict):
                continue
            if horizon is not None and require_time(entry.get("created_at")) < horizon:
                continue
            try:
                items.append(self._item(status, my_id))
            except (KeyError, TypeError, ValueError):
                log.warning("skipped a malformed Mastodon notification %s", entry.get("id"))
        items.sort(key=lambda i: i.created_at)
        return tuple(items)

    def _item(self, status: dict[str, Any], my_id: str) -> RemoteItem:
        account = obj(status.get("account"))
        content = str(status.get("content", ""))
        reply_to = status.get("in_reply_to_id")
        is_reply = bool(reply_to) and str(status.get("in_reply_to_account_id")) == my_id
        return RemoteItem(
            remote_id=str(status["id"]),
            kind=ItemKind.REPLY if is_reply else ItemKind.MENTION,
            author_name=str(account.get("display_name") or account.get("username", "")),
            author_handle="@" + str(account.get("acct", "")),
            author_avatar_url=str(account.get("avatar", "")),
            text=html_to_text(content),
            html=content,
            created_at=require_time(status.get("created_at")),
            updated_at=parse_time(status.get("edited_at")),
            parent_remote_id=str(reply_to) if reply_to else None,
            root_post_remote_id=None,
            url=str(status.get("url") or status.get("uri") or ""),
            status=RemoteStatus.VISIBLE,
        )

    def reply(self, item: RemoteItem, text: str, idempotency_key: str) -> PublishedPost:
        handle = item.author_handle
        if handle and handle.lower() not in text.lower():
            text = f"{handle} {text}"  # Mastodon delivers a reply only to those it mentions
        return self._post_status(
            {"status": text, "in_reply_to_id": item.remote_id}, idempotency_key
        )

    def moderate(self, item: RemoteItem, action: ModerationAction) -> None:
        raise Rejected(
            "Mastodon lets an account moderate only its own posts",
            "Mastodon kan inte dölja andras inlägg; rapportera till instansens moderatorer.",
        )

    def delete_post(self, remote_id: str) -> None:
        if remote_id.startswith(SCHEDULED_PREFIX):
            self._call("DELETE", f"api/v1/scheduled_statuses/{remote_id[len(SCHEDULED_PREFIX) :]}")
        else:
            self._call("DELETE", f"api/v1/statuses/{remote_id}")

    def limits(self) -> PlatformLimits:
        return PlatformLimits(
            max_text_length=self._max_characters,
            max_media=4,
            max_image_bytes=self._image_limit,
            image_types=("image/jpeg", "image/png", "image/gif", "image/webp"),
            supports_alt_text=True,
            supports_scheduling=True,
            moderation_actions=frozenset(),
        )

    def close(self) -> None:
        self._http.close()
