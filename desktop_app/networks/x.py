"""X through API v2, as the user: OAuth 2.0 (PKCE, refreshed) or OAuth 1.0a user context.

OAuth 2.0 access tokens last two hours and every refresh returns a *new* refresh token while
the old one stops working, so the rotation is written to the keyring with care:

1. before using the new tokens, the refresh token just spent is kept as ``previous_refresh_token``;
2. the new refresh token is written, then the new access token (each write is one keyring entry,
   so a crash leaves either the old or the new value, never half of one);
3. the first call that succeeds with the new access token proves them; only then is
   ``previous_refresh_token`` deleted.

A crash anywhere leaves a refresh token in the keyring: the new one if it was written, otherwise
the old one, and ``previous_refresh_token`` is tried when the current one is refused.
"""

from __future__ import annotations

import base64
import html
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from requests_oauthlib import OAuth1

from desktop_app.domain.errors import (
    AuthExpired,
    NetworkError,
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
from desktop_app.networks.http import HttpClient, decode_json, rate_limit_until, status_error
from desktop_app.networks.secure_url import require_secure
from desktop_app.secrets import AccountSecrets

PLATFORM = "X"
DEFAULT_API_ROOT = "https://api.x.com"
# tweet.moderate.write: hiding replies (PUT /2/tweets/:id/hidden) needs it.
SCOPES = (
    "tweet.read",
    "tweet.write",
    "users.read",
    "offline.access",
    "media.write",
    "tweet.moderate.write",
)
TWEET_FIELDS = "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,entities"
USER_FIELDS = "username,name,profile_image_url"
_REFRESH_MARGIN = timedelta(minutes=2)
# A new access token can be refused for a moment right after a refresh (it has not reached
# every X front end yet): wait this long and try once more before asking anyone to sign in.
_FRESH_TOKEN_RETRY_S = 1.0
# Chunked uploads (animated GIFs): X takes appends of up to 5 MB; a 3 MiB chunk stays below that
# in base64 too. Processing is polled with the check_after_secs X gives, never longer than this.
CHUNK_BYTES = 3 * 1024 * 1024
MAX_PROCESSING_WAIT_S = 120.0
_DEFAULT_CHECK_AFTER_S = 1.0
# 403 problem types that mean the token or the app lacks a permission (sign in again / fix the
# app); any other 403 is X refusing this one action, shown with X's reason.
_PERMISSION_PROBLEMS = (
    "/2/problems/unsupported-authentication",
    "/2/problems/oauth1-permissions",
    "/2/problems/client-forbidden",
)
_LEADING_MENTIONS = re.compile(r"^(?:@\w+\s+)+")


def authorize_url_for(api_root: str) -> str:
    """Where the user consents: x.com for the real API, the same host for an emulator."""
    root = api_root.rstrip("/")
    if root in ("https://api.x.com", "https://api.twitter.com"):
        return "https://x.com/i/oauth2/authorize"
    return f"{root}/i/oauth2/authorize"


def token_url_for(api_root: str) -> str:
    return f"{api_root.rstrip('/')}/2/oauth2/token"


def x_error(response: requests.Response, *, replay_safe: bool) -> NetworkError:
    """An X problem+json (or legacy ``errors[]``) body as one of the shared errors."""
    try:
        body = response.json()
    except ValueError:
        body = None
    detail = ""
    if isinstance(body, dict):
        detail = str(body.get("detail") or body.get("title") or "")
        errors = body.get("errors")
        if not detail and isinstance(errors, list) and errors and isinstance(errors[0], dict):
            detail = str(errors[0].get("message") or errors[0].get("detail") or "")
    code = response.status_code
    problem_type = str(body.get("type", "")) if isinstance(body, dict) else ""
    if code == 403 and problem_type.endswith(_PERMISSION_PROBLEMS):
        return AuthExpired(
            f"X: this sign-in lacks a permission Kanal needs ({detail or problem_type}). "
            "Sign in to X again; if it persists, check the X app's permissions (read and write)."
        )
    if code == 429:
        until = rate_limit_until(response.headers)
        return RateLimited(f"X is rate-limiting this account ({code})", until)
    if code == 403 and "duplicate" in detail.lower():
        # X's own words; the window says in the user's language what a duplicate means.
        return Rejected("X refused the post as a duplicate of an earlier one", detail)
    if code in (400, 403, 404, 409, 413, 422):
        return Rejected(f"X refused ({code}): {detail}", detail or f"X refused ({code})")
    return status_error(response, replay_safe=replay_safe, detail=detail, platform=PLATFORM)


def _media_id(body: Any) -> str:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or not data.get("id"):
        raise TemporaryFailure("X answered the media upload without an id")
    return str(data["id"])


def _rewind(kwargs: dict[str, Any]) -> None:
    """Put file streams back at their start so the same request can be sent again."""
    for value in (kwargs.get("files") or {}).values():
        stream: Any = value[1] if isinstance(value, tuple) else None
        if hasattr(stream, "seek"):
            stream.seek(0)


def expanded_text(tweet: dict[str, Any]) -> str:
    """A tweet's text with t.co links replaced by the URLs we sent, entities unescaped."""
    text = html.unescape(str(tweet.get("text", "")))
    entities = obj(tweet.get("entities"))
    for url in entities.get("urls", []) if isinstance(entities, dict) else []:
        if isinstance(url, dict) and url.get("url") and url.get("expanded_url"):
            text = text.replace(str(url["url"]), str(url["expanded_url"]))
    return text


def comparable(text: str) -> str:
    return normalise_text(_LEADING_MENTIONS.sub("", text.strip()))


def _x_time(moment: datetime | None) -> str | None:
    """X's RFC 3339 form, in UTC, whole seconds."""
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class XConnector:
    """One X user, posting with OAuth 2.0 user tokens or OAuth 1.0a keys."""

    network = Network.X

    def __init__(
        self,
        base_url: str,
        secrets: AccountSecrets,
        http: HttpClient,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_root = (base_url or DEFAULT_API_ROOT).rstrip("/")
        self._secrets = secrets
        self._http = http
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.RLock()
        self._me: dict[str, Any] | None = None
        self._horizon: datetime | None = None  # how far back the first sync reads
        self._oauth1: OAuth1 | None = None
        consumer_key = secrets.get("consumer_key")
        if consumer_key:
            consumer_secret = secrets.require("consumer_secret")
            token = secrets.require("access_token")
            token_secret = secrets.require("access_token_secret")
            for value in (consumer_secret, token, token_secret):
                http.add_secret(value)
            self._oauth1 = OAuth1(
                consumer_key,
                client_secret=consumer_secret,
                resource_owner_key=token,
                resource_owner_secret=token_secret,
                signature_type="auth_header",
            )
        else:
            self._client_id = secrets.require("client_id")
            self._access_token = secrets.require("access_token")
            http.add_secret(self._access_token)
            http.add_secret(secrets.get("refresh_token"))
            http.add_secret(secrets.get("previous_refresh_token"))
        self._unproven = secrets.get("previous_refresh_token") is not None
        # Read once: the keyring is not free to ask (D-Bus, Credential Manager) on every call.
        self._expires_at = parse_time(secrets.get("access_expires_at"))

    # -- OAuth 2.0 tokens -----------------------------------------------------------------------

    def _expired(self) -> bool:
        expires = self._expires_at
        return expires is not None and self._clock() + _REFRESH_MARGIN >= expires

    def refresh(self) -> None:
        """Spend the refresh token for new tokens, saving them as described in the module doc."""
        with self._lock:
            current = self._secrets.get("refresh_token")
            previous = self._secrets.get("previous_refresh_token")
            candidates = [t for t in (current, previous) if t]
            candidates = list(dict.fromkeys(candidates))
            if not candidates:
                raise AuthExpired("X: no refresh token is stored; sign in again")
            require_secure(token_url_for(self.api_root), PLATFORM)
            last: NetworkError | None = None
            for spent in candidates:
                # A lost answer here is not a user's post that might exist: it is a temporary
                # failure (the kept tokens are tried again, or the user signs in again).
                response = self._http.request(
                    "POST",
                    token_url_for(self.api_root),
                    platform=PLATFORM,
                    replay_safe=True,
                    data={
                        "grant_type": "refresh_token",
                        "refresh_token": spent,
                        "client_id": self._client_id,
                    },
                )
                if response.status_code in (400, 401):
                    last = AuthExpired("X refused the refresh token; sign in again")
                    continue
                if response.status_code != 200:
                    raise x_error(response, replay_safe=True)
                body = decode_json(response, replay_safe=True, platform=PLATFORM)
                if not isinstance(body, dict) or not body.get("access_token"):
                    raise TemporaryFailure("X answered the token refresh without a token")
                self.save_tokens(body, spent)
                return
            assert last is not None
            raise last

    def save_tokens(self, body: dict[str, Any], spent: str | None) -> None:
        """Write a token response to the keyring: the old refresh token survives until proven."""
        access = str(body["access_token"])
        new_refresh = str(body.get("refresh_token") or spent or "")
        self._http.add_secret(access)
        self._http.add_secret(new_refresh)
        if spent:
            self._secrets.set("previous_refresh_token", spent)
            self._unproven = True
        if new_refresh:
            self._secrets.set("refresh_token", new_refresh)
        self._secrets.set("access_token", access)
        expires_in = body.get("expires_in")
        if isinstance(expires_in, int | float):
            expires = self._clock() + timedelta(seconds=float(expires_in))
            self._secrets.set("access_expires_at", expires.isoformat())
            self._expires_at = expires
        self._access_token = access

    def _proven(self) -> None:
        if self._unproven:
            with self._lock:
                self._secrets.delete("previous_refresh_token")
                self._unproven = False

    # -- plumbing -------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        replay_safe: bool | None = None,
        ok: tuple[int, ...] = (200, 201),
        **kwargs: Any,
    ) -> Any:
        safe = method in ("GET", "DELETE", "PUT") if replay_safe is None else replay_safe
        url = f"{self.api_root}/{path.lstrip('/')}"
        require_secure(url, PLATFORM)
        if self._oauth1 is not None:
            response = self._http.request(
                method, url, platform=PLATFORM, replay_safe=safe, auth=self._oauth1, **kwargs
            )
            if response.status_code == 401:
                raise AuthExpired("X refused the OAuth 1.0a keys; enter them again")
            return self._result(response, safe, ok)
        refreshed = False
        if self._expired():
            self.refresh()
            refreshed = True
        extra_headers = dict(kwargs.pop("headers", None) or {})
        retried_fresh = False
        while True:
            headers = {**extra_headers, "Authorization": f"Bearer {self._access_token}"}
            response = self._http.request(
                method, url, platform=PLATFORM, replay_safe=safe, headers=headers, **kwargs
            )
            if response.status_code != 401:
                result = self._result(response, safe, ok)
                self._proven()
                return result
            # A refused token means nothing was done, so sending again is safe.
            if not refreshed:
                self.refresh()
                refreshed = True
            elif not retried_fresh:
                # Just refreshed and still refused: new tokens can take a moment to be honoured
                # everywhere. One more try before the account is marked as needing sign-in.
                retried_fresh = True
                self._sleep(_FRESH_TOKEN_RETRY_S)
            else:
                raise AuthExpired("X refused the new access token; sign in again")
            _rewind(kwargs)

    def _result(self, response: requests.Response, safe: bool, ok: tuple[int, ...]) -> Any:
        if response.status_code not in ok:
            raise x_error(response, replay_safe=safe)
        if response.status_code == 204 or not response.content:
            return {}
        return decode_json(response, replay_safe=safe, platform=PLATFORM)

    def _user(self) -> dict[str, Any]:
        if self._me is None:
            self.verify()
        assert self._me is not None
        return self._me

    def _tweet_url(self, tweet_id: str, username: str | None = None) -> str:
        name = username or str(self._user().get("username", "i"))
        return f"https://x.com/{name}/status/{tweet_id}"

    # -- contract -------------------------------------------------------------------------------

    def verify(self) -> Identity:
        body = self._call("GET", "2/users/me", params={"user.fields": USER_FIELDS})
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or "id" not in data:
            raise TemporaryFailure("X answered users/me without a user")
        self._me = data
        username = str(data.get("username", ""))
        return Identity(
            remote_id=str(data["id"]),
            handle=f"@{username}",
            display_name=str(data.get("name", username)),
            avatar_url=str(data.get("profile_image_url", "")),
            profile_url=f"https://x.com/{username}",
        )

    def _upload(self, post: PostRequest) -> list[str]:
        ids: list[str] = []
        for media in post.media:
            if media.mime_type == "image/gif":
                media_id = self._upload_chunked(media.path.read_bytes(), media.mime_type)
            else:
                media_id = self._upload_image(media.path.name, media.path, media.mime_type)
            if media.alt_text:
                self._call(
                    "POST",
                    "2/media/metadata",
                    replay_safe=True,
                    json={"id": media_id, "metadata": {"alt_text": {"text": media.alt_text}}},
                )
            ids.append(media_id)
        return ids

    def _upload_image(self, name: str, path: Any, mime_type: str) -> str:
        """A still image in one request (``tweet_image`` is in both OpenAPI documents)."""
        with path.open("rb") as handle:
            body = self._call(
                "POST",
                "2/media/upload",
                replay_safe=True,  # an unused upload expires on its own
                data={"media_category": "tweet_image", "media_type": mime_type},
                files={"media": (name, handle, mime_type)},
            )
        return _media_id(body)

    def _upload_chunked(self, data: bytes, mime_type: str) -> str:
        """An animated GIF: initialize, append the chunks, finalize, then wait for processing.

        ``tweet_gif`` is accepted only by the chunked endpoints in every published version of
        the API, so GIFs always take this path.
        """
        started = self._call(
            "POST",
            "2/media/upload/initialize",
            replay_safe=True,
            json={"media_type": mime_type, "total_bytes": len(data), "media_category": "tweet_gif"},
        )
        media_id = _media_id(started)
        for index, offset in enumerate(range(0, len(data), CHUNK_BYTES)):
            # JSON with the chunk in base64: the form both OpenAPI documents describe without
            # ambiguity (a multipart segment_index is text, which the documents type as integer).
            chunk = base64.b64encode(data[offset : offset + CHUNK_BYTES]).decode("ascii")
            self._call(
                "POST",
                f"2/media/upload/{media_id}/append",
                replay_safe=True,
                json={"media": chunk, "segment_index": index},
            )
        finished = self._call("POST", f"2/media/upload/{media_id}/finalize", replay_safe=True)
        self._await_processing(media_id, finished)
        return media_id

    def _await_processing(self, media_id: str, answer: Any) -> None:
        """Poll the upload status as X asks (check_after_secs) until it succeeds or fails."""
        waited = 0.0
        while True:
            data = obj(answer.get("data")) if isinstance(answer, dict) else {}
            info = obj(data.get("processing_info"))
            state = str(info.get("state") or "succeeded")
            if state == "succeeded":
                return
            if state == "failed":
                # The published schema gives no detail beyond the state (v1.1 sent an error).
                error = obj(info.get("error"))
                detail = str(error.get("message") or error.get("name") or "")
                raise Rejected(
                    f"X could not process the GIF ({detail or 'processing failed'})",
                    "X kunde inte behandla GIF-filen; kontrollera att den går att öppna. / "
                    "X could not process the GIF; check that the file opens."
                    + (f" ({detail})" if detail else ""),
                )
            delay = info.get("check_after_secs")
            pause = float(delay) if isinstance(delay, int | float) else _DEFAULT_CHECK_AFTER_S
            pause = max(0.0, pause)
            if waited + pause > MAX_PROCESSING_WAIT_S:
                raise TemporaryFailure(
                    f"X was still processing the GIF after {int(waited)} s; try again later"
                )
            self._sleep(pause)
            waited += pause
            answer = self._call(
                "GET", "2/media/upload", params={"command": "STATUS", "media_id": media_id}
            )

    @staticmethod
    def _text(post: PostRequest) -> str:
        if post.link and post.link not in post.text:
            return f"{post.text.rstrip()} {post.link}"
        return post.text

    def publish(self, post: PostRequest) -> PublishedPost:
        if post.scheduled_at and post.scheduled_at > datetime.now(UTC) + timedelta(minutes=1):
            raise Rejected(
                "X's API cannot schedule posts", "X kan inte schemalägga; Kanal skickar i tid."
            )
        body: dict[str, Any] = {"text": self._text(post)}
        media_ids = self._upload(post)
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        if post.reply_to:
            body["reply"] = {"in_reply_to_tweet_id": post.reply_to}
        return self._create(body)

    def _create(self, body: dict[str, Any]) -> PublishedPost:
        created = self._call("POST", "2/tweets", replay_safe=False, json=body, ok=(200, 201))
        data = created.get("data") if isinstance(created, dict) else None
        if not isinstance(data, dict) or not data.get("id"):
            raise TemporaryFailure("X answered without a post id")
        tweet_id = str(data["id"])
        return PublishedPost(tweet_id, self._tweet_url(tweet_id), datetime.now(UTC))

    def find_post(self, post: PostRequest, since: datetime) -> PublishedPost | None:
        """Match the account's own recent posts by text (X has no idempotency key)."""
        me = self._user()
        wanted = comparable(self._text(post))
        start = (since - timedelta(minutes=5)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        params: dict[str, Any] = {
            "max_results": 100,
            "start_time": start,
            "tweet.fields": TWEET_FIELDS,
        }
        for _ in range(5):
            body = self._call("GET", f"2/users/{me['id']}/tweets", params=params)
            for tweet in body.get("data") or [] if isinstance(body, dict) else []:
                if not isinstance(tweet, dict):
                    continue
                if comparable(expanded_text(tweet)) != wanted:
                    continue
                replied = [
                    r.get("id")
                    for r in tweet.get("referenced_tweets") or []
                    if isinstance(r, dict) and r.get("type") == "replied_to"
                ]
                if post.reply_to and post.reply_to not in replied:
                    continue
                return PublishedPost(
                    str(tweet["id"]),
                    self._tweet_url(str(tweet["id"])),
                    parse_time(tweet.get("created_at")),
                )
            meta = body.get("meta") if isinstance(body, dict) else None
            token = meta.get("next_token") if isinstance(meta, dict) else None
            if not token:
                break
            params["pagination_token"] = token
        return None

    def list_inbox(self, cursor: str | None) -> InboxPage:
        """Mentions newer than ``since_id``, newest first, following ``pagination_token``."""
        state = decode_cursor(cursor)
        me = self._user()
        params: dict[str, Any] = {
            "max_results": 100,
            "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": USER_FIELDS,
        }
        if state.get("since_id"):
            params["since_id"] = state["since_id"]
        elif state.get("start") or self._horizon is not None:
            # The first sync reads back to the horizon, page by page (X keeps start_time on
            # every page of one walk); later syncs continue from since_id.
            params["start_time"] = state.get("start") or _x_time(self._horizon)
        if state.get("token"):
            params["pagination_token"] = state["token"]
        body = self._call("GET", f"2/users/{me['id']}/mentions", params=params)
        meta = obj(body.get("meta"))
        includes = obj(body.get("includes"))
        users = {
            str(u.get("id")): u for u in includes.get("users", []) or [] if isinstance(u, dict)
        }
        newest = state.get("newest")
        if meta.get("newest_id") and (not newest or int(meta["newest_id"]) > int(newest)):
            newest = str(meta["newest_id"])
        items = tuple(
            self._item(t, users, str(me["id"]))
            for t in body.get("data") or []
            if isinstance(t, dict) and str(t.get("author_id")) != str(me["id"])
        )
        next_token = meta.get("next_token")
        if next_token:
            next_state = {"since_id": state.get("since_id"), "token": next_token, "newest": newest}
            if params.get("start_time"):
                next_state["start"] = params["start_time"]
        else:
            next_state = {"since_id": newest or state.get("since_id")}
        return InboxPage(items, encode_cursor(next_state), bool(next_token))

    def set_horizon(self, since: datetime) -> None:
        """The first sync reads mentions back to ``since`` (networks.common.WalksBack)."""
        self._horizon = since

    def _item(self, tweet: dict[str, Any], users: dict[str, Any], my_id: str) -> RemoteItem:
        author = users.get(str(tweet.get("author_id")), {})
        username = str(author.get("username", ""))
        replied = next(
            (
                str(r.get("id"))
                for r in tweet.get("referenced_tweets") or []
                if isinstance(r, dict) and r.get("type") == "replied_to"
            ),
            None,
        )
        is_reply = replied is not None and str(tweet.get("in_reply_to_user_id")) == my_id
        text = expanded_text(tweet)
        return RemoteItem(
            remote_id=str(tweet["id"]),
            kind=ItemKind.REPLY if is_reply else ItemKind.MENTION,
            author_name=str(author.get("name", username)),
            author_handle=f"@{username}" if username else str(tweet.get("author_id", "")),
            author_avatar_url=str(author.get("profile_image_url", "")),
            text=text,
            html=html.escape(text).replace("\n", "<br>"),
            created_at=require_time(tweet.get("created_at")),
            updated_at=None,
            parent_remote_id=replied,
            root_post_remote_id=str(tweet.get("conversation_id") or "") or None,
            url=self._tweet_url(str(tweet["id"]), username or "i"),
            status=RemoteStatus.VISIBLE,
        )

    def reply(self, item: RemoteItem, text: str, idempotency_key: str) -> PublishedPost:
        return self._create({"text": text, "reply": {"in_reply_to_tweet_id": item.remote_id}})

    def moderate(self, item: RemoteItem, action: ModerationAction) -> None:
        if action not in (ModerationAction.HIDE, ModerationAction.UNHIDE):
            raise Rejected(
                f"X has no {action.value} for other people's posts",
                "På X kan svar bara döljas eller visas igen.",
            )
        hidden = action is ModerationAction.HIDE
        self._call("PUT", f"2/tweets/{item.remote_id}/hidden", json={"hidden": hidden})

    def delete_post(self, remote_id: str) -> None:
        self._call("DELETE", f"2/tweets/{remote_id}")

    def limits(self) -> PlatformLimits:
        return PlatformLimits(
            max_text_length=280,
            max_media=4,
            max_image_bytes=5 * 1024 * 1024,
            image_types=("image/jpeg", "image/png", "image/gif", "image/webp"),
            supports_alt_text=True,
            supports_scheduling=False,
            moderation_actions=frozenset({ModerationAction.HIDE, ModerationAction.UNHIDE}),
        )

    def close(self) -> None:
        self._http.close()
