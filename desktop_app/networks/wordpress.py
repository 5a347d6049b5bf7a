"""WordPress over its REST API, with an application password (Basic auth).

The site URL is all the user gives; the API root comes from the ``Link: <…>;
rel="https://api.w.org/"`` header every page carries, which points at ``/wp-json/`` with pretty
permalinks and at ``/?rest_route=/`` without them. Exactly-once publishing rests on a slug derived
from the idempotency key: ``find_post`` searches ``?slug=`` before anything is sent again.
"""

from __future__ import annotations

import html
import re
import threading
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
from requests.auth import HTTPBasicAuth

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
    parse_time,
    require_time,
    short_hash,
    slugify,
    text_to_html,
)
from desktop_app.networks.http import HttpClient, decode_json, status_error
from desktop_app.networks.secure_url import require_secure
from desktop_app.secrets import AccountSecrets

PLATFORM = "WordPress"
API_REL = "https://api.w.org/"
PER_PAGE = 100
_LINK = re.compile(r"<([^>]*)>\s*;\s*rel=\"?([^\";]+)\"?")
_STATUS_OF = {
    "approved": RemoteStatus.VISIBLE,
    "approve": RemoteStatus.VISIBLE,
    "hold": RemoteStatus.HELD,
    "unapproved": RemoteStatus.HELD,
    "spam": RemoteStatus.SPAM,
    "trash": RemoteStatus.DELETED,
}
_ERROR_AUTH_CODES = frozenset(
    {"rest_not_logged_in", "invalid_username", "incorrect_password", "invalid_email"}
)


def parse_link_header(value: str) -> dict[str, str]:
    """``Link`` header → {rel: url} (first URL per rel)."""
    found: dict[str, str] = {}
    for url, rels in _LINK.findall(value or ""):
        for rel in rels.split():
            found.setdefault(rel, url)
    return found


def site_zone(index: Any) -> tzinfo:
    """The site's time zone from the REST index: ``timezone_string`` (a city, with its DST
    rules), else the fixed ``gmt_offset`` in hours, else UTC."""
    if isinstance(index, dict):
        name = str(index.get("timezone_string") or "")
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
        try:
            hours = float(index.get("gmt_offset") or 0)
        except (TypeError, ValueError):
            hours = 0.0
        if hours:
            return timezone(timedelta(hours=hours))
    return UTC


def local_after(newest: datetime, zone: tzinfo) -> str:
    """The ``after`` value for comments newer than ``newest`` (a UTC instant).

    WordPress turns ``after`` into the site's local wall-clock time and compares it with each
    comment's local ``comment_date`` (WP_Comment_Query's date_query column; the comparison is
    strict). So the value is the local wall-clock time of one second before ``newest``, sent
    without an offset (core reads an offset-less time as local). In the hour before clocks go
    back (the first pass through the repeated hour), later comments get smaller local times
    than this one; there the value goes back by the size of the shift, reading up to an hour
    again instead of losing comments.
    """
    local = (newest - timedelta(seconds=1)).astimezone(zone)
    wall = local.replace(tzinfo=None)
    first = wall.replace(tzinfo=zone, fold=0).utcoffset()
    second = wall.replace(tzinfo=zone, fold=1).utcoffset()
    if local.fold == 0 and first is not None and second is not None and first != second:
        wall -= abs(first - second)  # the first pass through a repeated hour
    return wall.strftime("%Y-%m-%dT%H:%M:%S")


def post_slug(post: PostRequest) -> str:
    """Readable and unique: the title's words plus a hash of the idempotency key."""
    base = slugify(post.title or post.text.split("\n", 1)[0], max_length=50) or "inlagg"
    return f"{base}-k{short_hash(post.idempotency_key, 10)}"


class WordPressConnector:
    """One WordPress user on one site."""

    network = Network.WORDPRESS

    def __init__(self, site_url: str, secrets: AccountSecrets, http: HttpClient) -> None:
        self.site_url = site_url.rstrip("/") + "/"
        self._secrets = secrets
        self._http = http
        self._api_root: str | None = None
        self._me: int | None = None
        self._zone: tzinfo | None = None
        self._horizon: datetime | None = None  # how far back the first sync reads
        self._lock = threading.Lock()
        username = secrets.require("username")
        password = secrets.require("application_password")
        http.add_secret(password)
        self._auth = HTTPBasicAuth(username, password)

    # -- plumbing -------------------------------------------------------------------------------

    def discover(self) -> str:
        """The REST API root, from the Link header of the site's front page."""
        with self._lock:
            if self._api_root:
                return self._api_root
            require_secure(self.site_url, PLATFORM)
            response = self._http.request("GET", self.site_url, platform=PLATFORM)
            links = parse_link_header(response.headers.get("Link", ""))
            root = links.get(API_REL)
            if not root:
                if response.status_code >= 500 or response.status_code == 429:
                    raise status_error(response, replay_safe=True, detail="", platform=PLATFORM)
                raise Rejected(
                    f"{self.site_url} does not announce a WordPress REST API (no Link header)",
                    "This address is not a WordPress site, or its REST API is switched off.",
                )
            api_root = urljoin(self.site_url, root)
            # The site may announce an http API root even when reached over https.
            require_secure(api_root, PLATFORM)
            self._api_root = api_root
            return self._api_root

    def _site_zone(self) -> tzinfo:
        """The site's time zone, read once from the REST index (public, no credentials)."""
        if self._zone is None:
            # Only the two fields: the whole index lists every route (hundreds of kilobytes).
            response = self._http.request(
                "GET",
                self.discover(),
                platform=PLATFORM,
                params={"_fields": "timezone_string,gmt_offset"},
            )
            if response.status_code != 200:
                raise self._error(response, True)
            self._zone = site_zone(self._json(response, True))
        return self._zone

    def endpoint(self, route: str) -> str:
        """The URL of ``/wp/v2/...`` in either permalink style."""
        root = self.discover()
        parts = urlsplit(root)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if "rest_route" in query:
            query["rest_route"] = "/" + route.lstrip("/")
            return urlunsplit(parts._replace(query=urlencode(query, safe="/")))
        return root.rstrip("/") + "/" + route.lstrip("/")

    def _call(
        self,
        method: str,
        route: str,
        *,
        replay_safe: bool | None = None,
        ok: tuple[int, ...] = (200, 201),
        **kwargs: Any,
    ) -> requests.Response:
        safe = (method in ("GET", "DELETE", "PUT")) if replay_safe is None else replay_safe
        response = self._http.request(
            method,
            self.endpoint(route),
            platform=PLATFORM,
            replay_safe=safe,
            auth=self._auth,
            **kwargs,
        )
        if response.status_code not in ok:
            raise self._error(response, safe)
        return response

    def _json(self, response: requests.Response, replay_safe: bool) -> Any:
        return decode_json(response, replay_safe=replay_safe, platform=PLATFORM)

    def _error(self, response: requests.Response, replay_safe: bool) -> NetworkError:
        try:
            body = response.json()
        except ValueError:
            body = None
        code = str(body.get("code", "")) if isinstance(body, dict) else ""
        message = html_to_text(str(body.get("message", ""))) if isinstance(body, dict) else ""
        if response.status_code == 401 or code in _ERROR_AUTH_CODES:
            return AuthExpired(
                f"WordPress refused the application password ({code or response.status_code}). "
                "Sign in again with a new application password."
            )
        if response.status_code in (400, 403, 404, 409, 410, 413, 415, 422):
            return Rejected(f"WordPress refused ({code or response.status_code})", message or code)
        return status_error(response, replay_safe=replay_safe, detail=code, platform=PLATFORM)

    def _my_id(self) -> int:
        if self._me is None:
            self.verify()
        assert self._me is not None
        return self._me

    # -- contract -------------------------------------------------------------------------------

    def verify(self) -> Identity:
        me = self._json(self._call("GET", "wp/v2/users/me", params={"context": "edit"}), True)
        if not isinstance(me, dict) or "id" not in me:
            raise TemporaryFailure("WordPress answered users/me without a user")
        self._me = int(me["id"])
        avatars = me.get("avatar_urls") or {}
        avatar = ""
        if isinstance(avatars, dict) and avatars:
            avatar = str(avatars.get("96") or avatars[sorted(avatars, key=str)[-1]])
        return Identity(
            remote_id=str(me["id"]),
            handle=str(me.get("username") or me.get("slug") or me.get("name", "")),
            display_name=str(me.get("name") or me.get("slug") or ""),
            avatar_url=avatar,
            profile_url=str(me.get("link") or self.site_url),
        )

    def _upload(self, path_name: str, mime_type: str, data: bytes, alt_text: str) -> dict[str, Any]:
        filename = re.sub(r"[^A-Za-z0-9._-]+", "_", path_name) or "bild"
        # An upload that fails half-way leaves at most an unused attachment: replay-safe.
        response = self._call(
            "POST",
            "wp/v2/media",
            replay_safe=True,
            data=data,
            headers={
                "Content-Type": mime_type,
                "Content-Disposition": f'attachment; filename="{filename}"',
            },
        )
        media = self._json(response, True)
        if not isinstance(media, dict) or "id" not in media:
            raise TemporaryFailure("WordPress answered the upload without a media id")
        if alt_text:
            updated = self._call(
                "POST", f"wp/v2/media/{media['id']}", replay_safe=True, json={"alt_text": alt_text}
            )
            media = self._json(updated, True)
        return dict(media)

    def publish(self, post: PostRequest) -> PublishedPost:
        if post.reply_to:
            raise Rejected(
                "a blog post cannot answer another post", "Svar på bloggen skrivs som kommentar."
            )
        uploaded = [
            self._upload(m.path.name, m.mime_type, m.path.read_bytes(), m.alt_text)
            for m in post.media
        ]
        content = text_to_html(post.text)
        if post.link:
            link = html.escape(post.link, quote=True)
            content += f'\n<p><a href="{link}">{link}</a></p>'
        for media, request in zip(uploaded, post.media, strict=True):
            source = html.escape(str(media.get("source_url", "")), quote=True)
            alt = html.escape(request.alt_text, quote=True)
            content += (
                f'\n<figure class="wp-block-image"><img src="{source}" alt="{alt}" '
                f'class="wp-image-{media["id"]}" /></figure>'
            )
        body: dict[str, Any] = {
            "title": post.title or post.text.split("\n", 1)[0][:80],
            "content": content,
            "slug": post_slug(post),
            "status": "publish",
        }
        if uploaded:
            body["featured_media"] = uploaded[0]["id"]
        if post.scheduled_at and post.scheduled_at > datetime.now(UTC):
            body["status"] = "future"
            body["date_gmt"] = post.scheduled_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        created = self._json(self._call("POST", "wp/v2/posts", replay_safe=False, json=body), False)
        return self._published(created)

    @staticmethod
    def _published(data: Any) -> PublishedPost:
        if not isinstance(data, dict) or "id" not in data:
            raise TemporaryFailure("WordPress answered without a post id")
        status = str(data.get("status", "publish"))
        return PublishedPost(
            remote_id=str(data["id"]),
            url=str(data.get("link", "")),
            published_at=parse_time(data.get("date_gmt")),
            scheduled=status == "future",
        )

    def find_post(self, post: PostRequest, since: datetime) -> PublishedPost | None:
        response = self._call(
            "GET",
            "wp/v2/posts",
            params={
                "slug": post_slug(post),
                "status": "publish,future,draft,pending,private",
                "context": "edit",
            },
        )
        found = self._json(response, True)
        if not isinstance(found, list) or not found:
            return None
        return self._published(found[0])

    def list_inbox(self, cursor: str | None) -> InboxPage:
        """Comments of every status the user may see, oldest first, one page per call.

        The cursor keeps the ``date_gmt`` of the newest comment seen (``since``, a UTC instant),
        the ids of the comments of that very second (``edge``) and the page within the current
        pass. ``after`` is sent as core compares it: as the site's local time (``local_after``),
        one second early because it is strict and a later comment can share the second; the
        ``edge`` ids are dropped, so a comment is returned once. Sites east and west of UTC
        neither read comments twice nor lose them (around the autumn DST shift up to an hour is
        read again rather than lost; the store upserts by id).
        """
        state = decode_cursor(cursor)
        page = int(state.get("page", 1))
        after = state.get("after_local") if page > 1 else self._after(state)
        params: dict[str, Any] = {
            "context": "edit",
            "status": "all",
            "orderby": "date_gmt",
            "order": "asc",
            "per_page": PER_PAGE,
            "page": page,
        }
        if after:
            params["after"] = after
        comments, total_pages = self._comment_page(params)
        me = self._my_id()
        since = parse_time(state.get("since"))
        edge = {str(i) for i in state.get("edge") or []}
        newest = parse_time(state.get("newest"))
        newest_edge = [str(i) for i in state.get("newest_edge") or []]
        items: list[RemoteItem] = []
        for comment in comments:
            if not isinstance(comment, dict):
                continue
            created = require_time(comment.get("date_gmt"))
            comment_id = str(comment.get("id"))
            if newest is None or created > newest:
                newest, newest_edge = created, [comment_id]
            elif created == newest and comment_id not in newest_edge:
                newest_edge.append(comment_id)
            if created == since and comment_id in edge:
                continue  # returned by the previous pass
            if int(comment.get("author") or 0) == me:
                continue  # our own replies are in the sent history, not the inbox
            items.append(self._item(comment))
        has_more = bool(comments) and page < total_pages
        if has_more:
            next_state: dict[str, Any] = {
                "since": state.get("since"),
                "edge": sorted(edge),
                "after_local": after,
                "page": page + 1,
                "newest": newest.isoformat() if newest else None,
                "newest_edge": newest_edge,
            }
        elif newest is None or (since is not None and newest <= since):
            next_state = {"since": state.get("since"), "edge": sorted(edge), "page": 1}
        else:
            next_state = {"since": newest.isoformat(), "edge": newest_edge, "page": 1}
        return InboxPage(tuple(items), encode_cursor(next_state), has_more)

    def _after(self, state: dict[str, Any]) -> str | None:
        since = parse_time(state.get("since"))
        if since is None and state.get("after"):
            # A cursor from an earlier version: a UTC time without a zone (parse_time reads a
            # zone-less time as UTC), already a second early.
            legacy = parse_time(state["after"])
            since = legacy + timedelta(seconds=1) if legacy else None
        if since is None:
            since = self._horizon  # the first sync reads back to the horizon, not all history
        if since is None:
            return None
        return local_after(since, self._site_zone())

    def set_horizon(self, since: datetime) -> None:
        """The first sync reads comments back to ``since`` (networks.common.WalksBack)."""
        self._horizon = since

    def _comment_page(self, params: dict[str, Any]) -> tuple[list[Any], int]:
        response = self._call("GET", "wp/v2/comments", params=params, ok=(200, 400))
        if response.status_code == 400:
            body = self._json(response, True)
            if isinstance(body, dict) and body.get("code") == "rest_comment_invalid_page_number":
                return [], 1
            raise self._error(response, True)
        loaded = self._json(response, True)
        total_pages = int(response.headers.get("X-WP-TotalPages", "1") or 1)
        return (loaded if isinstance(loaded, list) else []), total_pages

    def _item(self, comment: dict[str, Any]) -> RemoteItem:
        content = comment.get("content") or {}
        rendered = str(content.get("rendered", "")) if isinstance(content, dict) else ""
        raw = str(content.get("raw", "")) if isinstance(content, dict) else ""
        avatars = comment.get("author_avatar_urls") or {}
        avatar = ""
        if isinstance(avatars, dict) and avatars:
            avatar = str(avatars.get("96") or next(iter(avatars.values())))
        parent = int(comment.get("parent") or 0)
        post = str(comment.get("post", "")) or None
        return RemoteItem(
            remote_id=str(comment["id"]),
            kind=ItemKind.REPLY if parent else ItemKind.COMMENT,
            author_name=str(comment.get("author_name", "")),
            author_handle=str(comment.get("author_name", "")),
            author_avatar_url=avatar,
            text=html_to_text(rendered) if rendered else raw,
            html=rendered or html.escape(raw),
            created_at=require_time(comment.get("date_gmt")),
            updated_at=None,
            parent_remote_id=str(parent) if parent else post,
            root_post_remote_id=post,
            url=str(comment.get("link", "")),
            status=_STATUS_OF.get(str(comment.get("status", "approved")), RemoteStatus.VISIBLE),
        )

    def reply(self, item: RemoteItem, text: str, idempotency_key: str) -> PublishedPost:
        if not item.root_post_remote_id:
            raise Rejected("the comment has no post to answer under", "Kommentaren saknar inlägg.")
        body = {
            "post": int(item.root_post_remote_id),
            "parent": int(item.remote_id),
            "content": html.escape(text, quote=False),
        }
        created = self._json(
            self._call("POST", "wp/v2/comments", replay_safe=False, json=body), False
        )
        if not isinstance(created, dict) or "id" not in created:
            raise TemporaryFailure("WordPress answered without a comment id")
        return PublishedPost(
            remote_id=str(created["id"]),
            url=str(created.get("link", "")),
            published_at=parse_time(created.get("date_gmt")),
        )

    def moderate(self, item: RemoteItem, action: ModerationAction) -> None:
        route = f"wp/v2/comments/{item.remote_id}"
        if action is ModerationAction.DELETE:
            # Without force WordPress moves the comment to the trash: recoverable for 30 days.
            self._call("DELETE", route)
            return
        status = {
            ModerationAction.APPROVE: "approve",
            ModerationAction.UNHIDE: "approve",
            ModerationAction.HIDE: "hold",
            ModerationAction.SPAM: "spam",
        }[action]
        # Setting a status is idempotent: sending it twice leaves the same state.
        self._call("POST", route, replay_safe=True, json={"status": status})

    def delete_post(self, remote_id: str) -> None:
        self._call("DELETE", f"wp/v2/posts/{remote_id}")

    def limits(self) -> PlatformLimits:
        return PlatformLimits(
            max_text_length=None,
            max_media=10,
            max_image_bytes=8 * 1024 * 1024,
            image_types=("image/jpeg", "image/png", "image/gif", "image/webp"),
            supports_alt_text=True,
            supports_scheduling=True,
            moderation_actions=frozenset(ModerationAction),
        )

    def close(self) -> None:
        self._http.close()
