"""Bluesky (AT Protocol) through the account's PDS, signed in with an app password.

Exactly-once: every post is written with a record key derived from the idempotency key, so a
retry after a lost answer either finds the record (``getRecord``) or the repository refuses a
second record under the same key. Links and mentions become facets with UTF-8 *byte* offsets.
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import re
import threading
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from PIL import Image, UnidentifiedImageError

from desktop_app.domain.errors import AuthExpired, NetworkError, Rejected, TemporaryFailure
from desktop_app.domain.networks import Network
from desktop_app.domain.platforms import platform
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
from desktop_app.networks.common import decode_cursor, encode_cursor, obj, parse_time, require_time
from desktop_app.networks.http import HttpClient, decode_json, status_error
from desktop_app.networks.link_card import fetch_card, fetch_image
from desktop_app.secrets import AccountSecrets

log = logging.getLogger(__name__)

PLATFORM = "Bluesky"
POST_COLLECTION = "app.bsky.feed.post"
PAGE_SIZE = 50
# Threads under mentions are read for replies (see list_inbox): at most this many, this recent.
WATCHED_THREADS = 20
WATCHED_DAYS = 14
THREAD_DEPTH = 10
_NOTHING_SEEN = "1970-01-01T00:00:00+00:00"
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_TID_EPOCH_US = 1_704_067_200_000_000  # 2024-01-01T00:00:00Z in microseconds
_URL = re.compile(r"https?://[^\s<>\"']+")
_MENTION = re.compile(
    r"(?<![\w@.])@((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)"
)
_SESSION_ERRORS = frozenset({"ExpiredToken", "InvalidToken", "AuthenticationRequired"})
# Hashtags as the official client detects them: after a space or at the start, "#" or "＃",
# up to the next space; trailing punctuation is not part of the tag, and a tag of digits only
# is no tag. Python's re has no \p{P}, so punctuation is judged by unicodedata (see tag_spans).
_TAG = re.compile(r"(?:^|(?<=\s))[#\uff03]([^\s\u00ad\u2060\u200a-\u200d\u20e2]+)")
TAG_MAX_GRAPHEMES = 64  # app.bsky.richtext.facet#tag: maxGraphemes 64, maxLength 640
# app.bsky.embed.images#image maxSize, from the platform facts (2,000,000 bytes: "May be up
# to 2 MB, formerly limited to 1 MB").
MAX_IMAGE_BYTES = platform(Network.BLUESKY).media.max_image_bytes
# app.bsky.embed.external#external thumb: maxSize 1000000.
MAX_THUMB_BYTES = 1_000_000
DEFAULT_LANGUAGE = "sv"


def tid_for(idempotency_key: str) -> str:
    """A valid TID record key that is the same for every attempt of one publication.

    TIDs are 64-bit (top bit 0: 53 bits of microseconds, 10 bits of clock id) in sortable
    base32. The time part is a hash of the key placed within ~12 days after 2024-01-01, so the
    key is stable, well-formed and practically unique; ``createdAt`` carries the real time.
    """
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).digest()
    micros = _TID_EPOCH_US + int.from_bytes(digest[:5], "big")
    clock_id = int.from_bytes(digest[5:7], "big") & 0x3FF
    value = (micros << 10) | clock_id
    chars = [_TID_ALPHABET[(value >> (5 * i)) & 0x1F] for i in range(12, -1, -1)]
    return "".join(chars)


def _byte_span(text: str, start: int, end: int) -> dict[str, int]:
    return {
        "byteStart": len(text[:start].encode("utf-8")),
        "byteEnd": len(text[:end].encode("utf-8")),
    }


def link_spans(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)]'\"")
        found.append((match.start(), match.start() + len(url), url))
    return found


def tag_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, tag without "#") of each hashtag, in characters."""
    found = []
    for match in _TAG.finditer(text):
        tag = match.group(1)
        while tag and unicodedata.category(tag[-1]).startswith("P"):
            tag = tag[:-1]
        if not tag or all(c.isdigit() or unicodedata.category(c).startswith("P") for c in tag):
            continue
        if _grapheme_count(tag) > TAG_MAX_GRAPHEMES:
            continue
        start = match.start()
        found.append((start, start + 1 + len(tag), tag))
    return found


def _grapheme_count(text: str) -> int:
    import grapheme

    return int(grapheme.length(text))


def aspect_ratio(data: bytes) -> dict[str, int] | None:
    """An image's width and height (``app.bsky.embed.defs#aspectRatio``), None when unreadable."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return {"width": width, "height": height} if width > 0 and height > 0 else None


def pds_endpoint(did_doc: object) -> str | None:
    """The ``#atproto_pds`` service of a DID document: the account's own PDS."""
    services = did_doc.get("service") if isinstance(did_doc, dict) else None
    for service in services if isinstance(services, list) else []:
        if not isinstance(service, dict):
            continue
        if (
            str(service.get("id", "")).endswith("#atproto_pds")
            and service.get("type") == "AtprotoPersonalDataServer"
        ):
            endpoint = str(service.get("serviceEndpoint") or "").rstrip("/")
            parts = urlsplit(endpoint)
            loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
            if parts.scheme == "https" or (parts.scheme == "http" and loopback):
                return endpoint
    return None


def mention_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(1).lower()) for m in _MENTION.finditer(text)]


def split_at_uri(uri: str) -> tuple[str, str, str]:
    """``at://did/collection/rkey`` → (did, collection, rkey)."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3:
        raise Rejected(f"not a record address: {uri}", "Ogiltig Bluesky-adress.")
    return parts[0], parts[1], parts[2]


class BlueskyConnector:
    """One Bluesky account on its PDS."""

    network = Network.BLUESKY

    def __init__(
        self,
        base_url: str,
        secrets: AccountSecrets,
        http: HttpClient,
        web: HttpClient | None = None,
    ) -> None:
        # Sign-in goes to the service the account was added with (the entryway, bsky.social by
        # default); everything else to the account's own PDS, which the session's DID
        # document names (remembered with the session).
        self.entryway = (base_url or "https://bsky.social").rstrip("/")
        self.pds = (secrets.get("pds") or self.entryway).rstrip("/")
        self._secrets = secrets
        self._http = http
        self._web = web  # for link cards: short timeouts, no retries, never the session's token
        self._lock = threading.RLock()
        self._identifier = secrets.require("identifier")
        self._password = secrets.require("app_password")
        http.add_secret(self._password)
        self._access = secrets.get("access_jwt")
        self._refresh = secrets.get("refresh_jwt")
        http.add_secret(self._access)
        http.add_secret(self._refresh)
        self._did = secrets.get("did")
        self._handle: str | None = None
        self._horizon: datetime | None = None

    # -- session --------------------------------------------------------------------------------

    def _xrpc(self, nsid: str, host: str | None = None) -> str:
        return f"{host or self.pds}/xrpc/{nsid}"

    @staticmethod
    def _error_name(response: requests.Response) -> tuple[str, str]:
        try:
            body = response.json()
        except ValueError:
            return "", ""
        if not isinstance(body, dict):
            return "", ""
        return str(body.get("error", "")), str(body.get("message", ""))

    def _error(self, response: requests.Response, replay_safe: bool) -> NetworkError:
        name, message = self._error_name(response)
        code = response.status_code
        if name in _SESSION_ERRORS or code == 401:
            return AuthExpired(f"Bluesky refused the sign-in ({name or code}); sign in again")
        if code == 429:
            return status_error(response, replay_safe=replay_safe, detail=name, platform=PLATFORM)
        if code in (400, 404, 409, 413, 415):
            return Rejected(f"Bluesky refused ({name or code}): {message}", message or name)
        return status_error(response, replay_safe=replay_safe, detail=name, platform=PLATFORM)

    def _store_session(self, body: Any) -> None:
        if not isinstance(body, dict) or not body.get("accessJwt"):
            raise TemporaryFailure("Bluesky answered the sign-in without a session")
        self._access = str(body["accessJwt"])
        self._refresh = str(body.get("refreshJwt") or self._refresh or "")
        self._http.add_secret(self._access)
        self._http.add_secret(self._refresh)
        self._did = str(body.get("did") or self._did or "")
        self._handle = str(body.get("handle") or self._handle or "") or None
        own = pds_endpoint(body.get("didDoc"))
        if own and own != self.pds:
            log.info("Bluesky account %s lives on its own PDS %s", self._did, own)
            self.pds = own
        # The refresh token first: with it a crash before the access token is saved costs nothing.
        self._secrets.set("refresh_jwt", self._refresh)
        self._secrets.set("access_jwt", self._access)
        self._secrets.set("did", self._did)
        self._secrets.set("pds", self.pds)

    def create_session(self) -> None:
        with self._lock:
            response = self._http.request(
                "POST",
                self._xrpc("com.atproto.server.createSession", self.entryway),
                platform=PLATFORM,
                replay_safe=True,  # a second session is harmless
                json={"identifier": self._identifier, "password": self._password},
            )
            if response.status_code != 200:
                name, _ = self._error_name(response)
                if response.status_code in (400, 401) and name != "RateLimitExceeded":
                    raise AuthExpired(
                        f"Bluesky refused the app password ({name or response.status_code})"
                    )
                raise self._error(response, True)
            self._store_session(decode_json(response, replay_safe=True, platform=PLATFORM))

    def refresh_session(self) -> None:
        """A new access token from the refresh token; a new sign-in when that has expired too."""
        with self._lock:
            if not self._refresh:
                self.create_session()
                return
            response = self._http.request(
                "POST",
                self._xrpc("com.atproto.server.refreshSession"),
                platform=PLATFORM,
                replay_safe=True,
                headers={"Authorization": f"Bearer {self._refresh}"},
            )
            if response.status_code == 200:
                self._store_session(decode_json(response, replay_safe=True, platform=PLATFORM))
                return
            name, _ = self._error_name(response)
            if name in _SESSION_ERRORS or response.status_code in (400, 401):
                self.create_session()
                return
            raise self._error(response, True)

    def _call(
        self,
        method: str,
        nsid: str,
        *,
        replay_safe: bool | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        safe = method == "GET" if replay_safe is None else replay_safe
        if not self._access:
            self.create_session()
        for attempt in (0, 1):
            response = self._http.request(
                method,
                self._xrpc(nsid),
                platform=PLATFORM,
                replay_safe=safe,
                headers={**(headers or {}), "Authorization": f"Bearer {self._access}"},
                **kwargs,
            )
            if response.status_code == 200:
                return decode_json(response, replay_safe=safe, platform=PLATFORM)
            name, _ = self._error_name(response)
            if attempt == 0 and (name in _SESSION_ERRORS or response.status_code == 401):
                # The call was refused for its token: nothing was done, so resending is safe.
                if name == "ExpiredToken":
                    self.refresh_session()
                else:
                    self.create_session()
                continue
            raise self._error(response, safe)
        raise AssertionError("unreachable")  # pragma: no cover

    def _my_did(self) -> str:
        if not self._did:
            self.create_session()
        assert self._did
        return self._did

    # -- contract -------------------------------------------------------------------------------

    def verify(self) -> Identity:
        session = self._call("GET", "com.atproto.server.getSession")
        if not isinstance(session, dict) or not session.get("did"):
            raise TemporaryFailure("Bluesky answered getSession without an account")
        self._did = str(session["did"])
        handle = str(session.get("handle", ""))
        self._handle = handle
        display_name, avatar = handle, ""
        try:
            profile = self._call("GET", "app.bsky.actor.getProfile", params={"actor": self._did})
            if isinstance(profile, dict):
                display_name = str(profile.get("displayName") or handle)
                avatar = str(profile.get("avatar", ""))
        except (Rejected, TemporaryFailure):
            pass  # the profile decorates; the session already proves the sign-in works
        return Identity(
            remote_id=self._did,
            handle=f"@{handle}",
            display_name=display_name,
            avatar_url=avatar,
            profile_url=f"https://bsky.app/profile/{handle}",
        )

    def facets(self, text: str) -> list[dict[str, Any]]:
        """Link, hashtag and mention facets (UTF-8 byte offsets); a handle that does not
        resolve to a DID stays plain text."""
        result: list[dict[str, Any]] = []
        for start, end, tag in tag_spans(text):
            result.append(
                {
                    "index": _byte_span(text, start, end),
                    "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}],
                }
            )
        for start, end, url in link_spans(text):
            result.append(
                {
                    "index": _byte_span(text, start, end),
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
                }
            )
        for start, end, handle in mention_spans(text):
            try:
                resolved = self._call(
                    "GET", "com.atproto.identity.resolveHandle", params={"handle": handle}
                )
            except Rejected:
                continue
            did = resolved.get("did") if isinstance(resolved, dict) else None
            if did:
                result.append(
                    {
                        "index": _byte_span(text, start, end),
                        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
                    }
                )
        return sorted(result, key=lambda f: f["index"]["byteStart"])

    def _upload(self, post: PostRequest) -> list[dict[str, Any]]:
        images = []
        for media in post.media:
            data = media.path.read_bytes()
            if len(data) > MAX_IMAGE_BYTES:
                raise Rejected(
                    f"the image {media.path.name} is larger than Bluesky's {MAX_IMAGE_BYTES} bytes",
                    f"Bilden är större än Blueskys gräns på {MAX_IMAGE_BYTES // 1_000_000} MB.",
                )
            image: dict[str, Any] = {
                "image": self._upload_blob(data, media.mime_type),
                "alt": media.alt_text or "",
            }
            ratio = aspect_ratio(data)
            if ratio is not None:
                image["aspectRatio"] = ratio  # without it, clients show a square crop
            images.append(image)
        return images

    def _upload_blob(self, data: bytes, mime_type: str) -> dict[str, Any]:
        body = self._call(
            "POST",
            "com.atproto.repo.uploadBlob",
            replay_safe=True,  # an unreferenced blob is garbage-collected
            data=data,
            headers={"Content-Type": mime_type},
        )
        blob = body.get("blob") if isinstance(body, dict) else None
        if not isinstance(blob, dict):
            raise TemporaryFailure("Bluesky answered the upload without a blob")
        return blob

    def _link_card(self, text: str) -> dict[str, Any] | None:
        """``app.bsky.embed.external`` for the first link: read from that page only."""
        links = link_spans(text)
        if not links:
            return None
        url = links[0][2]
        web = self._web_client()
        card = fetch_card(web, url)
        if card is None:
            return None
        external: dict[str, Any] = {
            "uri": card.url,
            "title": card.title,
            "description": card.description,
        }
        if card.image_url:
            image = fetch_image(web, card.image_url, MAX_THUMB_BYTES)
            if image is not None:
                external["thumb"] = self._upload_blob(*image)
        return {"$type": "app.bsky.embed.external", "external": external}

    def _web_client(self) -> HttpClient:
        if self._web is None:
            self._web = HttpClient(max_retries=0)
        return self._web

    def _reply_refs(self, target_uri: str) -> dict[str, Any]:
        did, collection, rkey = split_at_uri(target_uri)
        parent = self._call(
            "GET",
            "com.atproto.repo.getRecord",
            params={"repo": did, "collection": collection, "rkey": rkey},
        )
        if not isinstance(parent, dict) or not parent.get("cid"):
            raise Rejected("the post answered no longer exists", "Inlägget finns inte längre.")
        parent_ref = {"uri": str(parent.get("uri") or target_uri), "cid": str(parent["cid"])}
        value = obj(parent.get("value"))
        reply = obj(value.get("reply"))
        root = reply.get("root") if isinstance(reply.get("root"), dict) else parent_ref
        return {"root": root, "parent": parent_ref}

    def _create(self, record: dict[str, Any], key: str) -> PublishedPost:
        did = self._my_did()
        rkey = tid_for(key)
        try:
            created = self._call(
                "POST",
                "com.atproto.repo.createRecord",
                replay_safe=False,
                json={"repo": did, "collection": POST_COLLECTION, "rkey": rkey, "record": record},
            )
        except Rejected:
            # Our own key already taken means an earlier attempt got through: that is the post.
            existing = self._get_own(rkey)
            if existing is not None:
                return existing
            raise
        uri = str(created.get("uri") or f"at://{did}/{POST_COLLECTION}/{rkey}")
        return PublishedPost(uri, self._web_url(uri), parse_time(record.get("createdAt")))

    def _web_url(self, uri: str) -> str:
        _, _, rkey = split_at_uri(uri)
        return f"https://bsky.app/profile/{self._handle or self._did}/post/{rkey}"

    def _get_own(self, rkey: str) -> PublishedPost | None:
        did = self._my_did()
        try:
            found = self._call(
                "GET",
                "com.atproto.repo.getRecord",
                params={"repo": did, "collection": POST_COLLECTION, "rkey": rkey},
            )
        except Rejected:
            return None  # RecordNotFound
        if not isinstance(found, dict) or not found.get("uri"):
            return None
        value = obj(found.get("value"))
        uri = str(found["uri"])
        return PublishedPost(uri, self._web_url(uri), parse_time(value.get("createdAt")))

    def _record(
        self, text: str, images: list[dict[str, Any]], language: str = DEFAULT_LANGUAGE
    ) -> dict[str, Any]:
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": text,
            "createdAt": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "langs": [language or DEFAULT_LANGUAGE],  # feeds and translation go by this
        }
        facets = self.facets(text)
        if facets:
            record["facets"] = facets
        if images:
            record["embed"] = {"$type": "app.bsky.embed.images", "images": images}
        else:
            card = self._link_card(text)
            if card is not None:
                record["embed"] = card
        return record

    @staticmethod
    def _text(post: PostRequest) -> str:
        if post.link and post.link not in post.text:
            return f"{post.text.rstrip()}\n{post.link}"
        return post.text

    def publish(self, post: PostRequest) -> PublishedPost:
        if post.scheduled_at and post.scheduled_at > datetime.now(UTC) + timedelta(minutes=1):
            raise Rejected("Bluesky cannot schedule posts", "Bluesky kan inte schemalägga.")
        record = self._record(self._text(post), self._upload(post), post.language)
        if post.reply_to:
            record["reply"] = self._reply_refs(post.reply_to)
        return self._create(record, post.idempotency_key)

    def find_post(self, post: PostRequest, since: datetime) -> PublishedPost | None:
        return self._get_own(tid_for(post.idempotency_key))

    def list_inbox(self, cursor: str | None) -> InboxPage:
        """Mentions, replies and quotes newest first, down to the newest one seen last time.

        Bluesky notifies the authors of a reply's parent and thread root only, so a citizen
        answering a citizen under a post that mentioned the account notifies nobody here. A pass
        therefore ends by reading the threads under the most recent mentions
        (``app.bsky.feed.getPostThread``), one per call, for replies newer than those seen.
        """
        state = decode_cursor(cursor)
        watched = _watched(state)
        if state.get("threads"):
            return self._thread_page(state, watched)
        seen = parse_time(state.get("seen"))
        top = parse_time(state.get("top"))
        horizon = parse_time(state.get("horizon"))
        if seen is None and horizon is None:  # the first sync walks back to the horizon
            horizon = self._horizon or datetime.now(UTC) - timedelta(days=WATCHED_DAYS)
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if state.get("page"):
            params["cursor"] = state["page"]
        body = self._call("GET", "app.bsky.notification.listNotifications", params=params)
        notes = [n for n in body.get("notifications", []) if isinstance(n, dict)]
        reached_seen = False
        items: list[RemoteItem] = []
        for note in notes:
            indexed = require_time(note.get("indexedAt"))
            if (seen is not None and indexed <= seen) or (
                horizon is not None and indexed < horizon
            ):
                reached_seen = True
                continue
            top = indexed if top is None or indexed > top else top
            item = self._safe_item(note)
            if item is not None:
                items.append(item)
            if note.get("reason") == "mention" and note.get("uri"):
                watched.setdefault(str(note["uri"]), [indexed.isoformat(), _NOTHING_SEEN])
        watched = _recent_threads(watched)
        next_page = body.get("cursor")
        # The end is a missing cursor, not a short page: the AppView drops notifications it
        # cannot show (deleted, blocked) after choosing a page, so pages may come back short.
        has_more = bool(next_page) and not reached_seen and next_page != state.get("page")
        if has_more:
            new_state: dict[str, Any] = {
                "seen": seen.isoformat() if seen else None,
                "top": top.isoformat() if top else None,
                "page": next_page,
                "watch": watched,
            }
            if horizon is not None:
                new_state["horizon"] = horizon.isoformat()
        else:
            # With nothing seen yet, later syncs still read everything that arrives from now on.
            newest = top or seen or datetime(1970, 1, 1, tzinfo=UTC)
            new_state = {"seen": newest.isoformat(), "watch": watched}
            if watched:
                new_state["threads"] = list(watched)
                has_more = True
        return InboxPage(tuple(items), encode_cursor(new_state), has_more)

    def _safe_item(self, note: dict[str, Any]) -> RemoteItem | None:
        """A mention, reply or quote as an item; a malformed one is logged and skipped."""
        if note.get("reason") not in ("mention", "reply", "quote"):
            return None
        try:
            return self._item(note)
        except (KeyError, TypeError, ValueError):
            log.warning("skipped a malformed Bluesky notification %s", note.get("uri"))
            return None

    def set_horizon(self, since: datetime) -> None:
        """How far back the first sync reads (see networks.common.WalksBack)."""
        self._horizon = since

    def _thread_page(self, state: dict[str, Any], watched: dict[str, list[str]]) -> InboxPage:
        """Replies by others under one watched mention, newer than the newest seen there."""
        queue = [str(uri) for uri in state.get("threads") or []]
        uri = queue.pop(0)
        items: list[RemoteItem] = []
        if uri in watched:
            try:
                body = self._call(
                    "GET",
                    "app.bsky.feed.getPostThread",
                    params={"uri": uri, "depth": THREAD_DEPTH, "parentHeight": 0},
                )
            except Rejected:
                body = None  # the mention was deleted (NotFound): stop watching its thread
                del watched[uri]
            if body is not None:
                newest = require_time(watched[uri][1])
                me = self._my_did()
                for post in _thread_posts(obj(body.get("thread")), uri):
                    indexed = require_time(post.get("indexedAt"))
                    if indexed <= require_time(watched[uri][1]):
                        continue
                    newest = max(newest, indexed)
                    if str(obj(post.get("author")).get("did", "")) != me:
                        items.append(self._item({**post, "reason": "reply"}))
                watched[uri][1] = newest.isoformat()
        new_state = {k: v for k, v in state.items() if k != "threads"}
        new_state["watch"] = watched
        if queue:
            new_state["threads"] = queue
        return InboxPage(tuple(items), encode_cursor(new_state), bool(queue))

    @staticmethod
    def _item(note: dict[str, Any]) -> RemoteItem:
        author = obj(note.get("author"))
        record = obj(note.get("record"))
        reply = obj(record.get("reply"))
        parent = obj(reply.get("parent"))
        root = obj(reply.get("root"))
        text = str(record.get("text", ""))
        uri = str(note.get("uri", ""))
        handle = str(author.get("handle", ""))
        rkey = uri.rsplit("/", 1)[-1]
        return RemoteItem(
            remote_id=uri,
            kind=ItemKind.REPLY if note.get("reason") == "reply" else ItemKind.MENTION,
            author_name=str(author.get("displayName") or handle),
            author_handle=f"@{handle}",
            author_avatar_url=str(author.get("avatar", "")),
            text=text,
            html=html.escape(text).replace("\n", "<br>"),
            created_at=require_time(record.get("createdAt") or note.get("indexedAt")),
            updated_at=None,
            parent_remote_id=str(parent["uri"]) if parent.get("uri") else None,
            root_post_remote_id=str(root["uri"]) if root.get("uri") else None,
            url=f"https://bsky.app/profile/{handle}/post/{rkey}",
            status=RemoteStatus.VISIBLE,
        )

    def reply(self, item: RemoteItem, text: str, idempotency_key: str) -> PublishedPost:
        record = self._record(text, [])
        record["reply"] = self._reply_refs(item.remote_id)
        return self._create(record, idempotency_key)

    def moderate(self, item: RemoteItem, action: ModerationAction) -> None:
        raise Rejected(
            "Bluesky moderation is not offered for this account",
            "Bluesky kan inte dölja andras inlägg härifrån.",
        )

    def delete_post(self, remote_id: str) -> None:
        did, collection, rkey = split_at_uri(remote_id)
        self._call(
            "POST",
            "com.atproto.repo.deleteRecord",
            replay_safe=True,  # deleting twice leaves the same state
            json={"repo": did, "collection": collection, "rkey": rkey},
        )

    def limits(self) -> PlatformLimits:
        return PlatformLimits(
            max_text_length=300,
            max_media=4,
            max_image_bytes=MAX_IMAGE_BYTES,
            image_types=("image/jpeg", "image/png", "image/webp"),
            supports_alt_text=True,
            supports_scheduling=False,
            moderation_actions=frozenset(),
        )

    def close(self) -> None:
        self._http.close()
        if self._web is not None:
            self._web.close()


def _watched(state: dict[str, Any]) -> dict[str, list[str]]:
    """{mention uri: [mentioned at, newest reply seen at]} from the cursor, oldest first."""
    raw = state.get("watch")
    watched: dict[str, list[str]] = {}
    for uri, times in raw.items() if isinstance(raw, dict) else ():
        if isinstance(times, list) and len(times) == 2 and all(parse_time(t) for t in times):
            watched[str(uri)] = [str(times[0]), str(times[1])]
    return watched


def _recent_threads(watched: dict[str, list[str]]) -> dict[str, list[str]]:
    """The most recent mentions only, so a pass costs a bounded number of calls."""
    horizon = datetime.now(UTC) - timedelta(days=WATCHED_DAYS)
    recent = sorted(
        ((uri, times) for uri, times in watched.items() if require_time(times[0]) >= horizon),
        key=lambda entry: entry[1][0],
    )
    return dict(recent[-WATCHED_THREADS:])


def _thread_posts(node: dict[str, Any], root_uri: str) -> list[dict[str, Any]]:
    """Every post below ``root_uri`` in a getPostThread answer (not-found or blocked: skipped)."""
    found: list[dict[str, Any]] = []
    pending = [node]
    while pending:
        current = pending.pop()
        post = obj(current.get("post"))
        if post.get("uri") and str(post["uri"]) != root_uri:
            found.append(post)
        pending.extend(r for r in current.get("replies") or [] if isinstance(r, dict))
    return found
