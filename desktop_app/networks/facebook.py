"""A Facebook Page through the Graph API (version configurable, default v25.0).

The user signs in once (``signin.FacebookSignIn``, which exchanges the one-hour token for a 60-day
one); the keyring keeps that *user* token and the connector takes the page's own token from it
through ``/me/accounts`` (cached in the keyring too, fetched again when Graph answers 190). A page
token taken with a long-lived user token does not expire, but any token may be invalidated.

Graph API errors carry numeric codes that map to the taxonomy: only a token that no longer works
(102, 190) or a missing permission asks for a new sign-in; other permission errors (10, 200-299)
refuse one action. ``paging`` is opaque: lists follow ``paging.next`` until it is missing (feed-type
edges page by time, comments by cursor), and a comment cursor Graph no longer accepts is replaced
by a walk from the newest comment's second. Tokens travel in the query, so only https (loopback
excepted).
"""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from desktop_app.domain.errors import (
    AuthExpired,
    NetworkError,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    TemporaryFailure,
)
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
    normalise_text,
    obj,
    parse_time,
    require_time,
)
from desktop_app.networks.health import (
    SIGN_IN_AGAIN,
    AccountHealth,
    Finding,
    Severity,
    usage_finding,
    usage_percent,
)
from desktop_app.networks.http import HttpClient, decode_json, rate_limit_until, status_error
from desktop_app.secrets import AccountSecrets

PLATFORM = "Facebook"
DEFAULT_GRAPH_VERSION = "v25.0"
DEFAULT_GRAPH_ROOT = "https://graph.facebook.com"
# The permissions Kanal needs on the page (pages_show_list only lists the pages).
NEEDED_SCOPES = (
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_engagement",
    "pages_read_user_content",
)
RECENT_POSTS = 25  # the page's posts whose comments the inbox follows
_RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613, *range(80001, 80015)})
# Only a token that no longer works means "sign in again" (Meta: 102 and 190 with its subcodes
# 458-467). 10 and 200-299 are permission errors, often a refusal of one action ("(#200)
# Permissions error" on someone else's comment): those are refusals, except when the message
# names a permission the sign-in did not grant, which a new sign-in can fix.
_AUTH_CODES = frozenset({102, 190})
_PERMISSION_CODES = frozenset({10, *range(200, 300)})
_MISSING_PERMISSION = re.compile(
    r"\b(pages_[a-z_]+|publish_[a-z_]+|manage_pages)\b|not (been )?granted|has not authorized",
    re.IGNORECASE,
)
_TRANSIENT_CODES = frozenset({1, 2})
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_COMMENT_FIELDS = "id,message,created_time,from,parent,permalink_url,is_hidden"
_VISITOR_POST_FIELDS = "id,message,created_time,updated_time,from,permalink_url,is_hidden"


def require_https(url: str) -> None:
    """Tokens travel in the query string (``access_token=``): never over plain http to a real
    host. Loopback (the emulator, a local proxy) is the one exception."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and (host in _LOOPBACK_HOSTS or host.startswith("127.")):
        return
    raise Rejected(
        f"refusing to send a Facebook token to {parts.scheme}://{host} without https",
        f"Adressen {url} använder inte https; Facebook-token skickas bara krypterat. "
        f"Use an https:// address (e.g. {DEFAULT_GRAPH_ROOT}/{DEFAULT_GRAPH_VERSION}).",
    )


class ObjectGone(Rejected):
    """The object is deleted (or never existed): Graph's 100 with subcode 33."""


class InvalidCursor(Rejected):
    """Graph no longer knows the item a paging cursor names (deleted, or a reset emulator)."""


def split_graph_url(base_url: str) -> tuple[str, str]:
    """``https://graph.facebook.com/v25.0`` → (root, version); no version → the default."""
    base = base_url.rstrip("/") or DEFAULT_GRAPH_ROOT
    match = re.search(r"/(v\d+\.\d+)$", base)
    if match:
        return base[: match.start()], match.group(1)
    return base, DEFAULT_GRAPH_VERSION


def graph_error(response: requests.Response, *, replay_safe: bool) -> NetworkError:
    """A Graph API error body (or a bare status) as one of the shared errors."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return status_error(response, replay_safe=replay_safe, detail="", platform=PLATFORM)
    code = int(error.get("code") or 0)
    subcode = error.get("error_subcode")
    message = str(error.get("message", ""))
    user_message = str(error.get("error_user_msg") or error.get("error_user_title") or "")
    label = f"Graph API error {code}" + (f"/{subcode}" if subcode else "")
    if code in _AUTH_CODES:
        return AuthExpired(f"Facebook: the sign-in no longer works; sign in again ({label})")
    if code in _PERMISSION_CODES:
        if _MISSING_PERMISSION.search(message):
            return AuthExpired(
                f"Facebook: the sign-in lacks a permission; sign in again and grant it ({label})"
            )
        return Rejected(f"Facebook refused ({label})", user_message or message or label)
    if code in _RATE_LIMIT_CODES:
        return RateLimited(f"Facebook is rate-limiting this page ({label})", usage_until(response))
    if code in _TRANSIENT_CODES or error.get("is_transient") is True:
        if replay_safe:
            return TemporaryFailure(f"Facebook: temporary problem ({label})")
        return OutcomeUnknown(f"Facebook: temporary problem ({label}) — it may have been done")
    if code == 506:
        # Facebook's own words; the window explains a duplicate in the user's language.
        return Rejected(
            f"Facebook refused a duplicate post ({label})",
            message or f"Duplicate status message ({label})",
        )
    if code == 368:
        return Rejected(
            f"Facebook blocked the action for policy reasons ({label})",
            user_message or message or "Facebook blocked this for policy reasons.",
        )
    if response.status_code >= 500:
        return status_error(response, replay_safe=replay_safe, detail=label, platform=PLATFORM)
    if code == 100 and subcode == 33:
        return ObjectGone(f"Facebook: the object no longer exists ({label})", message)
    if code == 100 and "cursor" in message.lower():
        return InvalidCursor(f"Facebook refused a paging cursor ({label})", message)
    return Rejected(f"Facebook refused ({label})", user_message or message or label)


def usage_until(response: requests.Response, now: datetime | None = None) -> datetime:
    """When a throttled page may call again, from the Graph API's usage headers."""
    now = now or datetime.now(UTC)
    minutes = 0.0
    saturated = False
    buc = response.headers.get("X-Business-Use-Case-Usage")
    if buc:
        try:
            parsed = json.loads(buc)
        except ValueError:
            parsed = {}
        for entries in parsed.values() if isinstance(parsed, dict) else ():
            for entry in entries if isinstance(entries, list) else ():
                if isinstance(entry, dict):
                    minutes = max(minutes, float(entry.get("estimated_time_to_regain_access") or 0))
                    saturated |= any(
                        float(entry.get(k) or 0) >= 100
                        for k in ("call_count", "total_cputime", "total_time")
                    )
    for header in ("X-App-Usage", "X-Page-Usage", "X-Ad-Account-Usage"):
        raw = response.headers.get(header)
        if not raw:
            continue
        try:
            usage = json.loads(raw)
        except ValueError:
            continue
        if isinstance(usage, dict):
            saturated |= any(
                float(usage.get(k) or 0) >= 100
                for k in ("call_count", "total_cputime", "total_time")
            )
    if minutes > 0:
        return now + timedelta(minutes=minutes)
    if "Retry-After" in response.headers:
        return rate_limit_until(response.headers, now)
    # Usage is a rolling one-hour window: at 100 % nothing frees up for a while.
    return now + timedelta(minutes=60 if saturated else 5)


class FacebookConnector:
    """One Facebook Page, posted to with the page's own token."""

    network = Network.FACEBOOK

    def __init__(
        self, base_url: str, page_id: str | None, secrets: AccountSecrets, http: HttpClient
    ) -> None:
        self.root, self.version = split_graph_url(base_url or DEFAULT_GRAPH_ROOT)
        require_https(self.root)
        self.page_id = page_id or None
        self._secrets = secrets
        self._http = http
        self._lock = threading.Lock()
        self._user_token = secrets.require("access_token")
        http.add_secret(self._user_token)
        self._page_token = secrets.get("page_access_token")
        http.add_secret(self._page_token)
        self._page: dict[str, Any] | None = None

    # -- plumbing -------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"{self.root}/{self.version}/{path.lstrip('/')}"

    def _send(
        self,
        method: str,
        path: str,
        token: str,
        *,
        replay_safe: bool,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
    ) -> requests.Response:
        query = dict(params or {})
        query["access_token"] = token
        url = self.url(path)
        if path.startswith("http"):  # a paging.next URL: it may carry a token of its own
            require_https(path)
            url = _without_token(path)
        return self._http.request(
            method,
            url,
            platform=PLATFORM,
            replay_safe=replay_safe,
            params=query,
            data=data,
            files=files,
        )

    def _page_call(
        self,
        method: str,
        path: str,
        *,
        replay_safe: bool | None = None,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
    ) -> Any:
        """A call with the page token; a 190 fetches a fresh page token once and tries again."""
        safe = method in ("GET", "DELETE") if replay_safe is None else replay_safe
        for attempt in (0, 1):
            token = self._ensure_page_token(force=attempt == 1)
            response = self._send(
                method, path, token, replay_safe=safe, params=params, data=data, files=files
            )
            if response.status_code < 400:
                body = decode_json(response, replay_safe=safe, platform=PLATFORM)
                if isinstance(body, dict) and isinstance(body.get("error"), dict):
                    raise graph_error(response, replay_safe=safe)
                return body
            error = graph_error(response, replay_safe=safe)
            # A refused token means the call was not carried out, so sending it again is safe.
            if isinstance(error, AuthExpired) and attempt == 0 and _code(response) == 190:
                continue
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    def _accounts(self) -> list[dict[str, Any]]:
        """The user's pages with their tokens, following ``paging.next``."""
        pages: list[dict[str, Any]] = []
        url: str | None = self.url("me/accounts")
        params: dict[str, Any] | None = {
            "fields": "id,name,access_token,tasks,link,picture",
            "limit": 100,
        }
        for _ in range(20):
            if url is None:
                break
            response = self._send("GET", url, self._user_token, replay_safe=True, params=params)
            if response.status_code >= 400:
                raise graph_error(response, replay_safe=True)
            body = decode_json(response, replay_safe=True, platform=PLATFORM)
            data = body.get("data") if isinstance(body, dict) else None
            pages.extend(p for p in data or [] if isinstance(p, dict))
            paging = body.get("paging") if isinstance(body, dict) else None
            url = paging.get("next") if isinstance(paging, dict) else None
            params = None  # the next URL carries every parameter (except the token, re-added)
        return pages

    def pages(self) -> list[dict[str, str]]:
        """The pages this user may post to (id, name), for choosing one at sign-in."""
        return [{"id": str(p.get("id")), "name": str(p.get("name", ""))} for p in self._accounts()]

    def _ensure_page_token(self, force: bool = False) -> str:
        with self._lock:
            if self._page_token and not force:
                return self._page_token
            pages = self._accounts()
            if not pages:
                raise Rejected(
                    "this Facebook user manages no page",
                    "Kontot administrerar ingen Facebooksida. The account manages no Page.",
                )
            if self.page_id is None:
                if len(pages) > 1:
                    names = ", ".join(f"{p.get('name')} ({p.get('id')})" for p in pages)
                    raise Rejected(
                        "choose a page", f"The user manages several pages; choose one: {names}"
                    )
                self.page_id = str(pages[0]["id"])
            page = next((p for p in pages if str(p.get("id")) == self.page_id), None)
            if page is None or not page.get("access_token"):
                raise AuthExpired(
                    f"Facebook: the user no longer manages page {self.page_id}; sign in again"
                )
            self._page = page
            token = str(page["access_token"])
            self._http.add_secret(token)
            if token != self._page_token:
                self._secrets.set("page_access_token", token)
            self._page_token = token
            return token

    # -- contract -------------------------------------------------------------------------------

    def verify(self) -> Identity:
        self._ensure_page_token(force=True)
        page = self._page or {}
        picture = page.get("picture")
        avatar = ""
        if isinstance(picture, dict):
            data = picture.get("data", picture)
            avatar = str(data.get("url", "")) if isinstance(data, dict) else ""
        elif isinstance(picture, str):
            avatar = picture
        page_id = str(page.get("id", self.page_id))
        return Identity(
            remote_id=page_id,
            handle=page_id,
            display_name=str(page.get("name", "")),
            avatar_url=avatar,
            profile_url=str(page.get("link") or f"https://www.facebook.com/{page_id}"),
        )

    def _page_id(self) -> str:
        if self.page_id is None:
            self._ensure_page_token()
        assert self.page_id is not None
        return self.page_id

    @staticmethod
    def _message(post: PostRequest) -> str:
        if post.link and post.media:  # a photo post has no link card: the link goes in the text
            return f"{post.text.rstrip()}\n\n{post.link}"
        return post.text

    def publish(self, post: PostRequest) -> PublishedPost:
        if post.reply_to:
            raise Rejected("use reply() to answer a comment", "Svar skrivs som kommentar.")
        page = self._page_id()
        message = self._message(post)
        schedule: dict[str, Any] = {}
        if post.scheduled_at and post.scheduled_at > datetime.now(UTC):
            schedule = {
                "published": "false",
                "scheduled_publish_time": int(post.scheduled_at.timestamp()),
            }
        if len(post.media) == 1:
            media = post.media[0]
            fields: dict[str, Any] = {"caption": message, **schedule}
            if media.alt_text:
                fields["alt_text_custom"] = media.alt_text
            with media.path.open("rb") as handle:
                created = self._page_call(
                    "POST",
                    f"{page}/photos",
                    replay_safe=False,
                    data=fields,
                    files={"source": (media.path.name, handle, media.mime_type)},
                )
            post_id = str(created.get("post_id") or created.get("id"))
            return self._published(post_id, bool(schedule))
        body: dict[str, Any] = {"message": message, **schedule}
        if post.link and not post.media:
            body["link"] = post.link
        for index, media in enumerate(post.media):
            # Unpublished photos first, then one feed post that attaches them all. An orphan
            # unpublished photo is invisible, so these uploads are replay-safe.
            photo_fields: dict[str, Any] = {"published": "false"}
            if schedule:
                photo_fields["temporary"] = "true"
            if media.alt_text:
                photo_fields["alt_text_custom"] = media.alt_text
            with media.path.open("rb") as handle:
                photo = self._page_call(
                    "POST",
                    f"{page}/photos",
                    replay_safe=True,
                    data=photo_fields,
                    files={"source": (media.path.name, handle, media.mime_type)},
                )
            body[f"attached_media[{index}]"] = json.dumps({"media_fbid": str(photo["id"])})
        created = self._page_call("POST", f"{page}/feed", replay_safe=False, data=body)
        return self._published(str(created.get("id")), bool(schedule))

    def _published(self, post_id: str, scheduled: bool) -> PublishedPost:
        url = f"https://www.facebook.com/{post_id}"
        published_at: datetime | None = None if scheduled else datetime.now(UTC)
        try:  # the permalink is nice to have; the post exists whatever this look-up says
            details = self._page_call(
                "GET", post_id, params={"fields": "id,permalink_url,created_time"}
            )
            url = str(details.get("permalink_url") or url)
            published_at = parse_time(details.get("created_time")) or published_at
        except (TemporaryFailure, Rejected, OutcomeUnknown, RateLimited):
            pass
        return PublishedPost(post_id, url, None if scheduled else published_at, scheduled)

    def find_post(self, post: PostRequest, since: datetime) -> PublishedPost | None:
        page = self._page_id()
        wanted = normalise_text(self._message(post))
        feed = self._page_call(
            "GET",
            f"{page}/feed",
            params={
                "fields": "id,message,created_time,permalink_url",
                "since": int((since - timedelta(minutes=5)).timestamp()),
                "limit": 100,
            },
        )
        for entry in feed.get("data", []) if isinstance(feed, dict) else []:
            if isinstance(entry, dict) and normalise_text(str(entry.get("message", ""))) == wanted:
                return PublishedPost(
                    str(entry["id"]),
                    str(entry.get("permalink_url") or f"https://www.facebook.com/{entry['id']}"),
                    parse_time(entry.get("created_time")),
                )
        if post.scheduled_at:
            scheduled = self._page_call(
                "GET",
                f"{page}/scheduled_posts",
                params={"fields": "id,message,scheduled_publish_time", "limit": 100},
            )
            for entry in scheduled.get("data", []) if isinstance(scheduled, dict) else []:
                message = normalise_text(str(entry.get("message", "")))
                if isinstance(entry, dict) and message == wanted:
                    return PublishedPost(
                        str(entry["id"]), f"https://www.facebook.com/{entry['id']}", None, True
                    )
        return None

    def list_inbox(self, cursor: str | None) -> InboxPage:
        """Comments under the page's recent posts, then visitors' posts on the page.

        A pass first walks the recent posts, one page of one post's comments per call: each
        post's comments are read in chronological order and resumed from the ``after`` cursor
        kept per post (Graph cursors point at an item, so new comments arrive after it). Then it
        reads the posts visitors wrote on the page (``/{page-id}/visitor_posts``, newest first)
        since the newest one seen before. The last page of a pass is the one without ``next``.
        """
        state = decode_cursor(cursor)
        if state.get("stage") == "visitors":
            return self._visitor_page(state)
        page = self._page_id()
        afters: dict[str, str] = dict(state.get("after") or {})
        since: dict[str, int] = dict(state.get("since") or {})
        queue: list[str] = list(state.get("queue") or [])
        if not queue:
            feed = self._page_call(
                "GET", f"{page}/feed", params={"fields": "id,created_time", "limit": RECENT_POSTS}
            )
            queue = [
                str(e["id"])
                for e in (feed.get("data", []) if isinstance(feed, dict) else [])
                if isinstance(e, dict) and "id" in e
            ]
            afters = {k: v for k, v in afters.items() if k in queue}
            since = {k: v for k, v in since.items() if k in queue}
        if not queue:
            return self._visitor_page({**state, "after": afters, "since": since, "queue": []})
        post_id = queue[0]
        body, resumed = self._comments_page(post_id, afters.get(post_id), since.get(post_id))
        data = [c for c in body.get("data", []) if isinstance(c, dict)]
        paging = obj(body.get("paging"))
        cursors = obj(paging.get("cursors"))
        if data and cursors.get("after"):
            afters[post_id] = str(cursors["after"])
        elif resumed:
            afters.pop(post_id, None)  # the next pass reads from `since` until a cursor comes
        for comment in data:
            stamp = parse_time(comment.get("created_time"))
            if stamp is not None:
                since[post_id] = max(int(stamp.timestamp()), int(since.get(post_id, 0)))
        if not paging.get("next"):
            queue.pop(0)
        items = tuple(
            self._item(c, post_id) for c in data if str((c.get("from") or {}).get("id", "")) != page
        )
        next_state = {**state, "after": afters, "since": since, "queue": queue}
        if not queue:
            next_state["stage"] = "visitors"
        # Visitors' posts come after the comments, so a pass always has a next page here.
        return InboxPage(items, encode_cursor(next_state), True)

    def _comments_page(
        self, post_id: str, after: str | None, since: int | None
    ) -> tuple[dict[str, Any], bool]:
        """One page of a post's comments after ``after``; (answer, whether it had to re-walk).

        When Graph refuses the cursor (its comment was deleted, say), the walk starts again
        from the second of the newest comment seen (``since``, inclusive), so comments that
        came later still arrive; the few already read again are upserted harmlessly.
        """
        params: dict[str, Any] = {
            "fields": _COMMENT_FIELDS,
            "filter": "stream",
            "order": "chronological",
            "limit": 100,
        }
        resumed = False
        if after:
            try:
                body = self._page_call(
                    "GET", f"{post_id}/comments", params={**params, "after": after}
                )
                return (body if isinstance(body, dict) else {}), False
            except InvalidCursor:
                resumed = True
        if isinstance(since, int):
            params["since"] = since
        try:
            body = self._page_call("GET", f"{post_id}/comments", params=params)
        except ObjectGone:
            return {}, True  # the post was deleted while the pass was under way: skip it
        return (body if isinstance(body, dict) else {}), resumed

    def _visitor_page(self, state: dict[str, Any]) -> InboxPage:
        """One page of visitors' posts on the page, newer than the newest seen in earlier passes.

        ``since`` is the creation second of the newest visitor post seen; ``seen`` its ids (Graph
        compares ``since`` inclusively, at whole seconds). ``paging`` is opaque: a walk follows
        ``paging.next`` as given (feed-type edges page by time, not by cursor) until it is
        missing, keeping the link (without its token) and the newest second it met (``top``).
        """
        page = self._page_id()
        walk = obj(state.get("visitors"))
        since = walk.get("since")
        seen = [str(i) for i in walk.get("seen") or []]
        top = walk.get("top", since)
        top_ids = [str(i) for i in walk.get("top_ids", seen)]
        body = self._visitor_answer(page, since, walk.get("next"))
        data = [p for p in body.get("data", []) if isinstance(p, dict) and p.get("id")]
        items = []
        for post in data:
            post_id = str(post["id"])
            second = int(require_time(post.get("created_time")).timestamp())
            if not isinstance(top, int) or second > top:
                top, top_ids = second, [post_id]
            elif second == top and post_id not in top_ids:
                top_ids.append(post_id)
            if post_id not in seen:
                items.append(self._visitor_item(post))
        next_url = obj(body.get("paging")).get("next")
        next_state = dict(state)
        if data and isinstance(next_url, str) and next_url:
            next_state["visitors"] = {
                "since": since,
                "seen": seen,
                "next": _without_token(next_url),
                "top": top,
                "top_ids": top_ids,
            }
            return InboxPage(tuple(items), encode_cursor(next_state), True)
        next_state["visitors"] = {"since": top, "seen": top_ids}
        next_state.pop("stage", None)
        return InboxPage(tuple(items), encode_cursor(next_state), False)

    def _visitor_answer(self, page: str, since: Any, next_url: Any) -> dict[str, Any]:
        """The first page since ``since``, or the page ``next_url`` names."""
        params: dict[str, Any] = {"fields": _VISITOR_POST_FIELDS, "limit": 100}
        if isinstance(since, int):
            params["since"] = since
        if isinstance(next_url, str) and next_url:
            try:
                body = self._page_call("GET", next_url)
                return body if isinstance(body, dict) else {}
            except Rejected:
                pass  # the link no longer works: walk again from the newest (upserts are harmless)
        body = self._page_call("GET", f"{page}/visitor_posts", params=params)
        return body if isinstance(body, dict) else {}

    @staticmethod
    def _visitor_item(post: dict[str, Any]) -> RemoteItem:
        """A visitor's post on the page: a mention of the page, not under any post of its own."""
        author = obj(post.get("from"))
        message = str(post.get("message", ""))
        escaped = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return RemoteItem(
            remote_id=str(post["id"]),
            kind=ItemKind.MENTION,
            author_name=str(author.get("name", "")),
            author_handle=str(author.get("id", "")),
            author_avatar_url="",
            text=message,
            html=escaped.replace("\n", "<br>"),
            created_at=require_time(post.get("created_time")),
            updated_at=parse_time(post.get("updated_time")),
            parent_remote_id=None,
            root_post_remote_id=None,
            url=str(post.get("permalink_url", "")),
            status=RemoteStatus.HIDDEN if post.get("is_hidden") else RemoteStatus.VISIBLE,
        )

    @staticmethod
    def _item(comment: dict[str, Any], post_id: str) -> RemoteItem:
        author = obj(comment.get("from"))
        picture = author.get("picture")
        avatar = ""
        if isinstance(picture, dict):
            data = picture.get("data", picture)
            avatar = str(data.get("url", "")) if isinstance(data, dict) else ""
        parent = comment.get("parent")
        parent_id = str(parent.get("id")) if isinstance(parent, dict) and parent.get("id") else None
        message = str(comment.get("message", ""))
        escaped = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return RemoteItem(
            remote_id=str(comment["id"]),
            kind=ItemKind.REPLY if parent_id else ItemKind.COMMENT,
            author_name=str(author.get("name", "")),
            author_handle=str(author.get("id", "")),
            author_avatar_url=avatar,
            text=message,
            html=escaped.replace("\n", "<br>"),
            created_at=require_time(comment.get("created_time")),
            updated_at=None,
            parent_remote_id=parent_id or post_id,
            root_post_remote_id=post_id,
            url=str(comment.get("permalink_url", "")),
            status=RemoteStatus.HIDDEN if comment.get("is_hidden") else RemoteStatus.VISIBLE,
        )

    def reply(self, item: RemoteItem, text: str, idempotency_key: str) -> PublishedPost:
        created = self._page_call(
            "POST", f"{item.remote_id}/comments", replay_safe=False, data={"message": text}
        )
        comment_id = str(created.get("id"))
        return PublishedPost(
            comment_id,
            str(created.get("permalink_url") or f"https://www.facebook.com/{comment_id}"),
            parse_time(created.get("created_time")) or datetime.now(UTC),
        )

    def moderate(self, item: RemoteItem, action: ModerationAction) -> None:
        if action is ModerationAction.DELETE:
            self._page_call("DELETE", item.remote_id)
        elif action in (ModerationAction.HIDE, ModerationAction.UNHIDE):
            hidden = "true" if action is ModerationAction.HIDE else "false"
            self._page_call("POST", item.remote_id, replay_safe=True, data={"is_hidden": hidden})
        else:
            raise Rejected(
                f"Facebook has no {action.value} for comments",
                "Facebook har bara dölj, visa och radera för kommentarer.",
            )

    def delete_post(self, remote_id: str) -> None:
        self._page_call("DELETE", remote_id)

    def limits(self) -> PlatformLimits:
        return PlatformLimits(
            max_text_length=63206,
            max_media=10,
            max_image_bytes=4 * 1024 * 1024,
            image_types=("image/jpeg", "image/png", "image/gif"),
            supports_alt_text=True,
            supports_scheduling=True,
            moderation_actions=frozenset(
                {ModerationAction.HIDE, ModerationAction.UNHIDE, ModerationAction.DELETE}
            ),
        )

    def check(self) -> AccountHealth:
        """Token validity and expiry (``debug_token``), the permissions Kanal needs, the page
        name and the rate-limit headroom (``X-App-Usage``/``X-Page-Usage``)."""
        findings: list[Finding] = []
        debug = self._debug_token()
        valid = bool(debug.get("is_valid"))
        expires_at = _epoch(debug.get("expires_at"))
        granted = tuple(str(s) for s in debug.get("scopes") or [])
        missing = tuple(s for s in NEEDED_SCOPES if s not in granted)
        findings.append(_token_finding(valid, debug, expires_at))
        if valid:
            findings.append(_scope_finding(missing))
        name, percent = "", None
        if valid:
            try:
                identity = self.verify()
                name = identity.display_name
                response = self._send(
                    "GET",
                    self._page_id(),
                    self._ensure_page_token(),
                    replay_safe=True,
                    params={"fields": "id,name"},
                )
                percent = usage_percent(
                    response.headers, ("X-App-Usage", "X-Page-Usage", "X-Business-Use-Case-Usage")
                )
                findings.append(Finding("identity", Severity.OK, f"Posting as the page {name}."))
                findings.append(usage_finding(percent))
            except NetworkError as error:
                reason = getattr(error, "reason", None) or error.message
                findings.append(Finding("identity", Severity.PROBLEM, reason, SIGN_IN_AGAIN))
        return AccountHealth(
            name=name,
            token_valid=valid,
            expires_at=expires_at,
            granted_scopes=granted,
            missing_scopes=missing,
            usage_percent=percent,
            findings=tuple(findings),
        )

    def _debug_token(self) -> dict[str, Any]:
        """What Graph says about the stored user token (asked with that token itself)."""
        response = self._send(
            "GET",
            f"{self.root}/{self.version}/debug_token",
            self._user_token,
            replay_safe=True,
            params={"input_token": self._user_token},
        )
        if response.status_code >= 400:
            error = graph_error(response, replay_safe=True)
            if isinstance(error, AuthExpired):
                return {"is_valid": False, "error": {"message": error.message}}
            if not isinstance(error, Rejected):
                raise error
            # debug_token takes a user token only from a developer of the app: ask the user's
            # own permissions instead (no expiry then).
            return {"is_valid": True, "scopes": self._granted_permissions(), "expires_at": None}
        body = decode_json(response, replay_safe=True, platform=PLATFORM)
        return obj(obj(body).get("data"))

    def _granted_permissions(self) -> list[str]:
        response = self._send("GET", self.url("me/permissions"), self._user_token, replay_safe=True)
        if response.status_code >= 400:
            raise graph_error(response, replay_safe=True)
        body = decode_json(response, replay_safe=True, platform=PLATFORM)
        return [
            str(p.get("permission"))
            for p in obj(body).get("data") or []
            if isinstance(p, dict) and p.get("status") == "granted"
        ]

    def close(self) -> None:
        self._http.close()


def _epoch(value: Any) -> datetime | None:
    """``expires_at`` of debug_token: epoch seconds, 0 meaning never."""
    if isinstance(value, int) and value > 0:
        return datetime.fromtimestamp(value, UTC)
    return None


def _token_finding(valid: bool, debug: dict[str, Any], expires_at: datetime | None) -> Finding:
    if not valid:
        reason = str(obj(debug.get("error")).get("message") or "the token no longer works")
        return Finding("token", Severity.PROBLEM, f"Facebook: {reason}", SIGN_IN_AGAIN)
    if expires_at is None:
        return Finding("expiry", Severity.OK, "Facebook reports no expiry for the sign-in.")
    left = expires_at - datetime.now(UTC)
    when = f"{expires_at:%Y-%m-%d %H:%M} UTC"
    if left < timedelta(days=1):
        return Finding(
            "expiry",
            Severity.PROBLEM,
            f"The sign-in is a short-lived token and expires {when}.",
            "Enter the Meta app's secret and sign in again, so Kanal gets a 60-day token.",
        )
    if left < timedelta(days=14):
        return Finding("expiry", Severity.WARNING, f"The sign-in expires {when}.", SIGN_IN_AGAIN)
    return Finding("expiry", Severity.OK, f"The sign-in is valid until {when}.")


def _scope_finding(missing: tuple[str, ...]) -> Finding:
    if not missing:
        return Finding("permissions", Severity.OK, "Every permission Kanal needs is granted.")
    return Finding(
        "permissions",
        Severity.PROBLEM,
        f"Permissions not granted: {', '.join(missing)}.",
        "Sign in again and allow every permission; a live Meta app needs them approved in "
        "App Review first (see docs/platforms.md).",
    )


def _without_token(url: str) -> str:
    """A paging link as kept in a cursor: never with a token in it."""
    parts = urlsplit(url)
    kept = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"
    ]
    return urlunsplit(parts._replace(query=urlencode(kept)))


def _code(response: requests.Response) -> int:
    try:
        body = response.json()
    except ValueError:
        return 0
    error = body.get("error") if isinstance(body, dict) else None
    return int(error.get("code") or 0) if isinstance(error, dict) else 0
