"""A Mastodon 4.x instance under ``/mastodon``: apps, OAuth, statuses, media, notifications.

``POST /api/v1/statuses`` honours ``Idempotency-Key`` for an hour (per user), as Mastodon does.
Paging is by the ``Link`` header (``max_id`` / ``min_id``); ``X-RateLimit-Reset`` is ISO 8601.
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from desktop_app.sandbox.core import (
    OWN_POSTS_PER_ACCOUNT,
    PUBLIC_ITEMS_PER_ACCOUNT,
    Request,
    Response,
    image_info,
    iso_z,
    json_response,
    parse_iso,
)
from desktop_app.sandbox.platforms.base import (
    Platform,
    StageError,
    consent_decision,
    consent_page,
    last_or_none,
    pkce_matches,
    redirect_allowed,
)
from desktop_app.sandbox.platforms.mastodon.routes import ROUTES

Handler = Callable[[Request, Any, "re.Match[str]", dict[str, Any]], Response]
OOB = "urn:ietf:wg:oauth:2.0:oob"
MAX_CHARS = 500
URL_RE = re.compile(r"https?://[^\s<>\"']+")
MENTION_RE = re.compile(r"(?<![\w/])@([A-Za-z0-9_]+)(?:@[\w.-]+)?")
LIMIT_PER_5MIN = 300
VAPID_KEY = (
    "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M="
)
IDEMPOTENCY_S = 3600
# Uploads are processed in the background, as Mastodon does for anything it cannot finish at
# once: POST /api/v2/media answers 202 with ``url: null`` and GET /api/v1/media/:id answers 206
# until the file is ready, after this many polls or this much simulated time, whichever first.
PROCESSING_POLLS = 2
PROCESSING_S = 30.0
NOT_PROCESSED = "Cannot attach files that have not finished processing. Try again in a moment!"


def _count(text: str) -> int:
    """Mastodon's length: URLs count 23, remote mentions by username, graphemes otherwise."""
    text = URL_RE.sub("x" * 23, text)
    text = re.sub(r"@([A-Za-z0-9_]+)@[\w.-]+", r"@\1", text)
    try:
        import grapheme

        return int(grapheme.length(text))
    except ImportError:  # pragma: no cover - grapheme is a Kanal dependency
        return len(text)


def _to_html(text: str) -> str:
    """A local status's text as Mastodon renders it: escaped, linkified, <p> and <br />."""
    escaped = html.escape(text, quote=False)

    def link(match: re.Match[str]) -> str:
        url = match.group(0)
        shown = url.split("://", 1)[1]
        return (
            f'<a href="{url}" target="_blank" rel="nofollow noopener" translate="no">'
            f'<span class="invisible">{url.split("://")[0]}://</span>'
            f'<span class="{"ellipsis" if len(shown) > 30 else ""}">{shown[:30]}</span>'
            f'<span class="invisible">{shown[30:]}</span></a>'
        )

    linked = URL_RE.sub(link, escaped)
    paragraphs = [p for p in re.split(r"\n\s*\n", linked) if p.strip()]
    return "".join("<p>" + p.replace("\n", "<br />") + "</p>" for p in paragraphs)


class Mastodon(Platform):
    name = "mastodon"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self._counter = 113_000_000_000_000_000 + (ctx.seed % 1000) * 1_000_000
        self.accounts: dict[str, dict[str, Any]] = {}
        self.by_username: dict[str, str] = {}
        self.statuses: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.scheduled: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.notifications: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.media: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.apps: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.idempotency: dict[tuple[str, str], tuple[float, Response]] = {}
        self.account_id = ""
        self.demo_token = ""
        self.demo_app = ""

    def _next(self) -> str:
        self._counter += 1 + (self._counter % 3)
        return str(self._counter)

    @property
    def domain(self) -> str:
        return self.base_url.split("://", 1)[-1]

    # --- demo world ----------------------------------------------------------------------------

    def _account(self, username: str, display_name: str, bot: bool = False) -> dict[str, Any]:
        if username.lower() in self.by_username:
            return self.accounts[self.by_username[username.lower()]]
        account_id = str(109_000_000_000_000_000 + len(self.accounts) * 1009 + self.ctx.seed)
        account = {"id": account_id, "username": username, "display_name": display_name, "bot": bot}
        self.accounts[account_id] = account
        self.by_username[username.lower()] = account_id
        return account

    def seed_demo(self) -> None:
        self.account_id = self._account("sandviken", "Sandvikens kommun")["id"]
        client_id = self.demo_secret("", 43)
        self.apps[client_id] = {
            "id": "1",
            "name": "Kanal (sandbox)",
            "website": None,
            "scopes": ["read", "write", "push"],
            "redirect_uris": [OOB],
            "client_id": client_id,
            "client_secret": self.demo_secret("", 43),
        }
        self.demo_app = client_id
        self.demo_token = self.demo_secret("", 43)
        self.tokens[self.demo_token] = {
            "account_id": self.account_id,
            "scopes": ["read", "write", "push"],
            "created_at": int(self.clock.now()),
        }
        start = self.clock.now() - 2 * 86400
        for index, text in enumerate(
            (
                "Nu börjar snöröjningen på villagatorna. Tack för ert tålamod!",
                "Biblioteket utökar öppettiderna i december.",
            )
        ):
            self._insert_status(self.account_id, text, at=start + index * 86400)

    def credentials(self) -> dict[str, Any]:
        return {"access_token": self.demo_token}

    def platform_info(self) -> dict[str, Any]:
        info = super().platform_info()
        app = self.apps.get(self.demo_app, {})
        info["client_id"] = app.get("client_id", "")
        info["client_secret"] = app.get("client_secret", "")
        info["account_id"] = self.account_id
        info["acct"] = "sandviken"
        return info

    # --- views ---------------------------------------------------------------------------------

    def _account_view(self, account: dict[str, Any], credential: bool = False) -> dict[str, Any]:
        statuses = sum(1 for s in self.statuses.values() if s["account_id"] == account["id"])
        url = f"{self.base_url}/@{account['username']}"
        view: dict[str, Any] = {
            "id": account["id"],
            "username": account["username"],
            "acct": account["username"],
            "display_name": account["display_name"],
            "locked": False,
            "bot": account["bot"],
            "discoverable": True,
            "indexable": True,
            "group": False,
            "created_at": "2023-01-10T00:00:00.000Z",
            "note": "",
            "url": url,
            "uri": f"{self.base_url}/users/{account['username']}",
            "avatar": f"{self.base_url}/avatars/original/missing.png",
            "avatar_static": f"{self.base_url}/avatars/original/missing.png",
            "header": f"{self.base_url}/headers/original/missing.png",
            "header_static": f"{self.base_url}/headers/original/missing.png",
            "followers_count": 0 if account["id"] != self.account_id else 3104,
            "following_count": 0,
            "statuses_count": statuses,
            "last_status_at": None,
            "emojis": [],
            "fields": [],
        }
        if credential:
            view["source"] = {
                "privacy": "public",
                "sensitive": False,
                "language": "sv",
                "indexable": True,
                "note": "",
                "fields": [],
                "follow_requests_count": 0,
            }
            view["role"] = {
                "id": "-99",
                "name": "",
                "permissions": "0",
                "color": "",
                "highlighted": False,
            }
        return view

    def _media_ready(self, item: dict[str, Any]) -> bool:
        return bool(
            item.get("polls", PROCESSING_POLLS) >= PROCESSING_POLLS
            or self.clock.now() >= item.get("uploaded", 0.0) + PROCESSING_S
        )

    def _media_view(self, item: dict[str, Any]) -> dict[str, Any]:
        ready = self._media_ready(item)
        return {
            "id": item["id"],
            "type": "image",
            "url": (
                f"{self.base_url}/system/media_attachments/{item['id']}/original.png"
                if ready
                else None
            ),
            "preview_url": f"{self.base_url}/system/media_attachments/{item['id']}/small.png",
            "remote_url": None,
            "preview_remote_url": None,
            "text_url": None,
            "meta": {
                "original": {
                    "width": item["width"],
                    "height": item["height"],
                    "size": f"{item['width']}x{item['height']}",
                    "aspect": item["width"] / item["height"] if item["height"] else 1,
                }
            },
            "description": item["description"],
            "blurhash": "UFBWY:8_0Jxv%hRjM{of00xu~qRj%MRjM{Rj",
        }

    def _status_view(self, status: dict[str, Any]) -> dict[str, Any]:
        account = self.accounts[status["account_id"]]
        mentions = [
            {
                "id": a["id"],
                "username": a["username"],
                "url": f"{self.base_url}/@{a['username']}",
                "acct": a["username"],
            }
            for a in (self.accounts[m] for m in status["mentions"] if m in self.accounts)
        ]
        replies = sum(1 for s in self.statuses.values() if s["in_reply_to_id"] == status["id"])
        return {
            "id": status["id"],
            "created_at": iso_z(status["created"], millis=True),
            "in_reply_to_id": status["in_reply_to_id"],
            "in_reply_to_account_id": status["in_reply_to_account_id"],
            "sensitive": status["sensitive"],
            "spoiler_text": status["spoiler_text"],
            "visibility": status["visibility"],
            "language": status["language"],
            "uri": f"{self.base_url}/users/{account['username']}/statuses/{status['id']}",
            "url": f"{self.base_url}/@{account['username']}/{status['id']}",
            "replies_count": replies,
            "reblogs_count": 0,
            "favourites_count": 0,
            "quotes_count": 0,
            "edited_at": None,
            "favourited": False,
            "reblogged": False,
            "muted": False,
            "bookmarked": False,
            "pinned": False,
            "content": status["content"],
            "filtered": [],
            "reblog": None,
            "application": {"name": status["application"], "website": None}
            if status["application"]
            else None,
            "account": self._account_view(account),
            "media_attachments": [
                self._media_view(self.media[m]) for m in status["media_ids"] if m in self.media
            ],
            "mentions": mentions,
            "tags": [
                {"name": t.lower(), "url": f"{self.base_url}/tags/{t.lower()}"}
                for t in re.findall(r"(?<!\w)#(\w+)", status["text"])
            ],
            "emojis": [],
            "card": None,
            "poll": None,
        }

    # --- data ----------------------------------------------------------------------------------

    def _insert_status(
        self,
        account_id: str,
        text: str,
        at: float | None = None,
        in_reply_to: str | None = None,
        media_ids: list[str] | None = None,
        visibility: str = "public",
        sensitive: bool = False,
        spoiler_text: str = "",
        language: str = "sv",
        application: str | None = None,
        public: bool = False,
        raw_html: str | None = None,
    ) -> dict[str, Any]:
        parent = self.statuses.get(in_reply_to or "")
        mentioned = [
            self.by_username[m.lower()]
            for m in MENTION_RE.findall(text)
            if m.lower() in self.by_username
        ]
        status: dict[str, Any] = {
            "id": self._next(),
            "account_id": account_id,
            "text": text,
            "content": raw_html if raw_html is not None else _to_html(text),
            "created": self.clock.now() if at is None else at,
            "in_reply_to_id": parent["id"] if parent else None,
            "in_reply_to_account_id": parent["account_id"] if parent else None,
            "media_ids": list(media_ids or []),
            "visibility": visibility,
            "sensitive": sensitive,
            "spoiler_text": spoiler_text,
            "language": language,
            "mentions": mentioned,
            "application": application,
            "public": public,
        }
        self.statuses[status["id"]] = status
        cap = PUBLIC_ITEMS_PER_ACCOUNT if public else OWN_POSTS_PER_ACCOUNT
        self.keep_bounded(f"statuses:{public}", status["id"], self.statuses, cap)
        for account in set(mentioned) | ({parent["account_id"]} if parent else set()):
            if account != account_id:
                self._notify(account, "mention", account_id, status["id"], status["created"])
        return status

    def _notify(self, to: str, kind: str, by: str, status_id: str | None, at: float) -> None:
        notification_id = self._next()
        self.notifications[notification_id] = {
            "id": notification_id,
            "to": to,
            "type": kind,
            "by": by,
            "status_id": status_id,
            "created": at,
        }
        self.keep_bounded(
            f"notifications:{to}", notification_id, self.notifications, PUBLIC_ITEMS_PER_ACCOUNT
        )
        while len(self.notifications) > 2 * PUBLIC_ITEMS_PER_ACCOUNT:  # all accounts together
            self.notifications.popitem(last=False)

    def _publish_due(self) -> None:
        now = self.clock.now()
        for scheduled_id, item in list(self.scheduled.items()):
            if item["at"] <= now:
                del self.scheduled[scheduled_id]
                params = item["params"]
                self._insert_status(
                    item["account_id"],
                    params["text"],
                    at=item["at"],
                    in_reply_to=params["in_reply_to_id"],
                    media_ids=item["media_ids"],
                    visibility=params["visibility"],
                    application=params["application"],
                )

    # --- errors and faults ---------------------------------------------------------------------

    @staticmethod
    def _error(status: int, message: str, description: str | None = None) -> Response:
        payload: dict[str, Any] = {"error": message}
        if description is not None:
            payload["error_description"] = description
        return json_response(status, payload)

    def _rate_headers(
        self, key: str, limit: int = LIMIT_PER_5MIN
    ) -> tuple[list[tuple[str, str]], bool]:
        limit, remaining, reset = self.ctx.rates.hit(("mastodon", key), limit, 300.0)
        headers = [
            ("X-RateLimit-Limit", str(limit)),
            ("X-RateLimit-Remaining", str(max(0, remaining))),
            ("X-RateLimit-Reset", iso_z(reset, millis=True)),
        ]
        return headers, remaining < 0

    def fault_response(self, kind: str, status: int | None, req: Request) -> Response:
        if kind == "expired-token":
            response = self._error(401, "The access token is invalid")
            response.headers.append(
                (
                    "WWW-Authenticate",
                    'Bearer realm="Doorkeeper", error="invalid_token", '
                    'error_description="The access token is invalid"',
                )
            )
            return response
        if kind == "ratelimit":
            reset = self.ctx.rates.exhaust(
                ("mastodon", req.bearer() or "anonymous"), LIMIT_PER_5MIN, 300.0
            )
            return json_response(
                429,
                {"error": "Too many requests"},
                [
                    ("X-RateLimit-Limit", str(LIMIT_PER_5MIN)),
                    ("X-RateLimit-Remaining", "0"),
                    ("X-RateLimit-Reset", iso_z(reset, millis=True)),
                ],
            )
        code = status or 500
        messages = {
            401: "The access token is invalid",
            403: "This action is not allowed",
            404: "Record not found",
            410: "Gone",
            422: "Validation failed",
            429: "Too many requests",
            503: "Service Unavailable",
        }
        if code >= 500 and code != 503:
            return Response(
                code,
                b"<html><body>We're sorry, but something went wrong.</body></html>",
                [("Content-Type", "text/html; charset=utf-8")],
            )
        return self._error(code, messages.get(code, "Error"))

    # --- routing -------------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        path = req.path.rstrip("/") or "/"
        if path == "/oauth/authorize":
            return self._authorize(req)
        if path == "/oauth/token" and req.method == "POST":
            return self._token(req)
        if path == "/oauth/revoke" and req.method == "POST":
            revoked = req.param("token") or ""
            self.tokens.pop(revoked, None)
            return json_response(200, {})
        if path == "/api/v1/apps" and req.method == "POST":
            return self._register_app(req)
        if path in ("/api/v1/instance", "/api/v2/instance") and req.method == "GET":
            return json_response(200, self._instance(path.endswith("v2/instance")))
        self._publish_due()
        token = self.tokens.get(req.bearer() or "")
        rate_key = req.bearer() or "anonymous"
        headers, exceeded = self._rate_headers(rate_key)
        if exceeded:
            return json_response(429, {"error": "Too many requests"}, headers)
        if token is None:
            response = self._error(401, "The access token is invalid")
        else:
            response = self._route(req, path, token)
        response.headers.extend(headers)
        return response

    def _route(self, req: Request, path: str, token: dict[str, Any]) -> Response:
        me = token["account_id"]
        for route in ROUTES:
            match = route.pattern.fullmatch(path)
            if match is None or route.method != req.method:
                continue
            if route.needs_user and me is None:
                return self._error(422, "This method requires an authenticated user")
            handler: Handler = getattr(self, route.handler)
            return handler(req, me, match, token)
        if me is None:
            return self._error(422, "This method requires an authenticated user")
        return self._error(404, "Record not found")

    # --- route handlers (see routes.py) ----------------------------------------------------------

    def _r_verify_credentials(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        return json_response(200, self._account_view(self.accounts[me], credential=True))

    def _r_app_credentials(
        self, req: Request, me: str | None, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        return json_response(
            200, {"name": "Kanal (sandbox)", "website": None, "scopes": token["scopes"]}
        )

    def _r_post_status(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        if not {"write", "write:statuses"} & set(token["scopes"]):
            return self._error(403, "This action is outside the authorized scopes")
        return self._post_status(req, me)

    def _r_get_status(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        status = self.statuses.get(match.group(1))
        if status is None:
            return self._error(404, "Record not found")
        return json_response(200, self._status_view(status))

    def _r_status_context(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        status = self.statuses.get(match.group(1))
        if status is None:
            return self._error(404, "Record not found")
        return self._context(status)

    def _r_delete_status(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        status = self.statuses.get(match.group(1))
        if status is None:
            return self._error(404, "Record not found")
        if status["account_id"] != me:
            return self._error(403, "This action is not allowed")
        view = self._status_view(status)
        view["text"] = status["text"]
        del self.statuses[status["id"]]
        return json_response(200, view)

    def _r_account_statuses(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        if match.group(1) not in self.accounts:
            return self._error(404, "Record not found")
        items = [s for s in self.statuses.values() if s["account_id"] == match.group(1)]
        return self._paged(req, items, self._status_view, match.group(0), 20, 40)

    def _r_relationship(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        if match.group(1) not in self.accounts:
            return self._error(404, "Record not found")
        action = match.group(2)
        return json_response(
            200,
            {
                "id": match.group(1),
                "following": False,
                "showing_reblogs": False,
                "notifying": False,
                "followed_by": False,
                "blocking": action == "block",
                "blocked_by": False,
                "muting": action == "mute",
                "muting_notifications": action == "mute",
                "requested": False,
                "domain_blocking": False,
                "endorsed": False,
                "note": "",
            },
        )

    def _r_notifications(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        return self._notifications(req, me)

    def _own_scheduled(self, me: str, scheduled_id: str) -> dict[str, Any] | None:
        item = self.scheduled.get(scheduled_id)
        return item if item is not None and item["account_id"] == me else None

    def _r_list_scheduled(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        items = [
            self._scheduled_view(k, v) for k, v in self.scheduled.items() if v["account_id"] == me
        ]
        return json_response(200, items)

    def _r_get_scheduled(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        item = self._own_scheduled(me, match.group(1))
        if item is None:
            return self._error(404, "Record not found")
        return json_response(200, self._scheduled_view(match.group(1), item))

    def _r_delete_scheduled(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        if self._own_scheduled(me, match.group(1)) is None:
            return self._error(404, "Record not found")
        del self.scheduled[match.group(1)]
        return json_response(200, {})

    def _r_put_scheduled(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        item = self._own_scheduled(me, match.group(1))
        if item is None:
            return self._error(404, "Record not found")
        try:
            when = parse_iso(req.param("scheduled_at") or "")
        except ValueError:
            return self._error(422, "Validation failed: Scheduled at is invalid")
        if when < self.clock.now() + 300:
            return self._error(
                422, "Validation failed: Scheduled at The scheduled date must be in the future"
            )
        item["at"] = when
        return json_response(200, self._scheduled_view(match.group(1), item))

    def _r_upload(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        return self._upload(req, me)

    def _own_media(self, me: str, media_id: str) -> dict[str, Any] | None:
        item = self.media.get(media_id)
        return item if item is not None and item["owner"] == me else None

    def _r_get_media(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        item = self._own_media(me, match.group(1))
        if item is None:
            return self._error(404, "Record not found")
        if not self._media_ready(item):
            item["polls"] = item.get("polls", 0) + 1
            return json_response(206, self._media_view(item))
        return json_response(200, self._media_view(item))

    def _r_put_media(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        item = self._own_media(me, match.group(1))
        if item is None:
            return self._error(404, "Record not found")
        if req.param("description") is not None:
            item["description"] = req.param("description")
        return json_response(200, self._media_view(item))

    def _r_report(
        self, req: Request, me: str, match: re.Match[str], token: dict[str, Any]
    ) -> Response:
        return json_response(
            200,
            {
                "id": self._next(),
                "action_taken": False,
                "category": "other",
                "comment": req.param("comment") or "",
                "forwarded": False,
                "created_at": iso_z(self.clock.now(), millis=True),
                "status_ids": req.form().get("status_ids[]", []),
                "target_account": self._account_view(
                    self.accounts.get(req.param("account_id") or "", self.accounts[me])
                ),
            },
        )

    def _instance(self, v2: bool) -> dict[str, Any]:
        configuration = {
            "statuses": {
                "max_characters": MAX_CHARS,
                "max_media_attachments": 4,
                "characters_reserved_per_url": 23,
            },
            "media_attachments": {
                "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp"],
                "image_size_limit": 16777216,
                "image_matrix_limit": 33177600,
                "video_size_limit": 103809024,
                "video_frame_rate_limit": 120,
                "video_matrix_limit": 8294400,
            },
        }
        if v2:
            return {
                "domain": self.domain,
                "title": "Sandlådan",
                "version": "4.4.0",
                "source_url": "https://github.com/mastodon/mastodon",
                "description": "Sandbox",
                "usage": {"users": {"active_month": 3}},
                "thumbnail": {"url": f"{self.base_url}/packs/media/images/preview.png"},
                "icon": [],
                "languages": ["sv"],
                "api_versions": {"mastodon": 6},
                "configuration": {
                    **configuration,
                    "urls": {"streaming": None, "status": None, "about": None},
                    "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
                    "polls": {
                        "max_options": 4,
                        "max_characters_per_option": 50,
                        "min_expiration": 300,
                        "max_expiration": 2629746,
                    },
                    "translation": {"enabled": False},
                },
                "registrations": {"enabled": False, "approval_required": False, "message": None},
                "contact": {"email": "sandladan@sandviken.example", "account": None},
                "rules": [],
            }
        return {
            "uri": self.domain,
            "title": "Sandlådan",
            "version": "4.4.0",
            "description": "Sandbox",
            "configuration": configuration,
            "registrations": False,
        }

    # --- OAuth ---------------------------------------------------------------------------------

    def _register_app(self, req: Request) -> Response:
        body: dict[str, Any]
        if req.content_type == "application/json":
            try:
                body = req.json()
            except (ValueError, UnicodeDecodeError):
                return self._error(422, "Validation failed: invalid JSON")
        else:
            body = {k: (v if k.endswith("[]") else v[0]) for k, v in req.form().items()}
        name = body.get("client_name")
        uris = body.get("redirect_uris") or body.get("redirect_uris[]")
        if isinstance(uris, str):
            uris = uris.split()
        if not name:
            return self._error(422, "Validation failed: Application name can't be blank")
        if not uris:
            return self._error(422, "Validation failed: Redirect URI can't be blank")
        client_id = self.fresh_secret("", 32)
        scopes = str(body.get("scopes") or "read").split()
        app: dict[str, Any] = {
            "id": str(len(self.apps) + 1),
            "name": str(name),
            "website": body.get("website"),
            "scopes": scopes,
            "redirect_uris": list(uris),
            "client_id": client_id,
            "client_secret": self.fresh_secret("", 32),
        }
        self.apps[client_id] = app
        return json_response(
            200,
            {
                "id": app["id"],
                "name": app["name"],
                "website": app["website"],
                "scopes": scopes,
                "redirect_uri": "\n".join(app["redirect_uris"]),
                "redirect_uris": app["redirect_uris"],
                "vapid_key": VAPID_KEY,
                "client_id": client_id,
                "client_secret": app["client_secret"],
                "client_secret_expires_at": 0,
            },
        )

    def _authorize(self, req: Request) -> Response:
        app = self.apps.get(req.arg("client_id") or "")
        redirect_uri = req.arg("redirect_uri") or ""
        if app is None or not redirect_allowed(redirect_uri, app["redirect_uris"]):
            page = (
                (
                    "<html><body><h2>An error has occurred</h2><p>The redirect uri included is not "
                    "valid.</p></body></html>"
                )
                if app
                else (
                    "<html><body><h2>An error has occurred</h2><p>Client authentication failed "
                    "due to "
                    "unknown client, no client authentication included, or unsupported "
                    "authentication "
                    "method.</p></body></html>"
                )
            )
            return Response(400, page.encode(), [("Content-Type", "text/html; charset=utf-8")])
        scopes = (req.arg("scope") or "read").split()
        if req.method == "GET":
            return consent_page("Mastodon", app["name"], scopes, "@sandviken")
        code = self.fresh_secret("", 32)
        self.codes[code] = {
            "client_id": app["client_id"],
            "redirect_uri": redirect_uri,
            "scopes": scopes,
            "challenge": req.arg("code_challenge"),
            "method": req.arg("code_challenge_method") or "S256",
            "expires": self.clock.now() + 600,
        }
        if redirect_uri == OOB:
            if (req.form().get("decision") or [""])[0] != "allow":
                return Response(
                    403, b"<html><body>Access denied</body></html>", [("Content-Type", "text/html")]
                )
            page = (
                "<html><body><p>Copy this code:</p>"
                f'<input class="oauth-code" value="{code}"></body></html>'
            )
            return Response(200, page.encode(), [("Content-Type", "text/html; charset=utf-8")])
        return consent_decision(req, redirect_uri, req.arg("state"), code)

    def _token(self, req: Request) -> Response:
        params = {k: v[0] for k, v in req.form().items()}
        if req.content_type == "application/json":
            try:
                params = {k: str(v) for k, v in req.json().items()}
            except (ValueError, AttributeError, UnicodeDecodeError):
                params = {}
        app = self.apps.get(params.get("client_id", ""))
        invalid_client = self._error(
            401,
            "invalid_client",
            "Client authentication failed due to unknown client, no client authentication "
            "included, or unsupported authentication method.",
        )
        if app is None or params.get("client_secret") != app["client_secret"]:
            return invalid_client
        grant = params.get("grant_type")
        if grant == "client_credentials":
            token = self.fresh_secret("", 32)
            scopes = params.get("scope", "read").split()
            self.tokens[token] = {
                "account_id": None,
                "scopes": scopes,
                "created_at": int(self.clock.now()),
            }
            return json_response(
                200,
                {
                    "access_token": token,
                    "token_type": "Bearer",
                    "scope": " ".join(scopes),
                    "created_at": int(self.clock.now()),
                },
            )
        if grant != "authorization_code":
            return self._error(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        code = self.codes.pop(params.get("code", ""), None)
        invalid_grant = self._error(
            400,
            "invalid_grant",
            "The provided authorization grant is invalid, expired, revoked, does not match the "
            "redirection URI used in the authorization request, or was issued to another client.",
        )
        if (
            code is None
            or code["client_id"] != app["client_id"]
            or code["expires"] < self.clock.now()
        ):
            return invalid_grant
        if params.get("redirect_uri") != code["redirect_uri"]:
            return invalid_grant
        if code["challenge"] and not pkce_matches(
            params.get("code_verifier", ""), code["challenge"], code["method"]
        ):
            return invalid_grant
        token = self.fresh_secret("", 32)
        self.tokens[token] = {
            "account_id": self.account_id,
            "scopes": code["scopes"],
            "created_at": int(self.clock.now()),
        }
        return json_response(
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "scope": " ".join(code["scopes"]),
                "created_at": int(self.clock.now()),
            },
        )

    # --- statuses ------------------------------------------------------------------------------

    def _post_status(self, req: Request, me: str) -> Response:
        key = req.headers.get("idempotency-key")
        now = self.clock.now()
        if key:
            self.idempotency = {
                k: v for k, v in self.idempotency.items() if v[0] > now - IDEMPOTENCY_S
            }
            cached = self.idempotency.get((me, key))
            if cached is not None:
                return Response(cached[1].status, cached[1].body, list(cached[1].headers))
        response = self._create_status(req, me)
        if key and response.status == 200:
            self.idempotency[(me, key)] = (
                now,
                Response(response.status, response.body, list(response.headers)),
            )
        return response

    def _create_status(self, req: Request, me: str) -> Response:
        params: dict[str, Any]
        if req.content_type == "application/json":
            try:
                loaded = req.json()
            except (ValueError, UnicodeDecodeError):
                return self._error(422, "Validation failed: invalid JSON")
            if not isinstance(loaded, dict):
                return self._error(422, "Validation failed: invalid JSON")
            params = loaded
            media_ids = [str(m) for m in params.get("media_ids") or []]
        else:
            form = req.form()
            params = {k: v[0] for k, v in form.items()}
            media_ids = form.get("media_ids[]", []) + form.get("media_ids", [])
        text = str(params.get("status") or "")
        if not text.strip() and not media_ids:
            return self._error(422, "Validation failed: Text can't be blank")
        if _count(text) > MAX_CHARS:
            return self._error(
                422, f"Validation failed: Text character limit of {MAX_CHARS} exceeded"
            )
        if len(media_ids) > 4:
            return self._error(422, "Validation failed: Media attachments too many attachments")
        for media_id in media_ids:
            item = self.media.get(media_id)
            if item is None or item["owner"] != me:
                return self._error(422, "Validation failed: Media attachments are invalid")
            if not self._media_ready(item):
                return self._error(422, NOT_PROCESSED)
        reply_to = params.get("in_reply_to_id")
        if reply_to and str(reply_to) not in self.statuses:
            return self._error(404, "Record not found")
        visibility = str(params.get("visibility") or "public")
        if visibility not in ("public", "unlisted", "private", "direct"):
            return self._error(422, "Validation failed: Visibility is not included in the list")
        scheduled_at = params.get("scheduled_at")
        if scheduled_at:
            try:
                when = parse_iso(str(scheduled_at))
            except ValueError:
                return self._error(422, "Validation failed: Scheduled at is invalid")
            if when < self.clock.now() + 300:
                return self._error(
                    422, "Validation failed: Scheduled at The scheduled date must be in the future"
                )
            scheduled_id = self._next()
            self.scheduled[scheduled_id] = {
                "account_id": me,
                "at": when,
                "media_ids": media_ids,
                "params": {
                    "text": text,
                    "in_reply_to_id": str(reply_to) if reply_to else None,
                    "visibility": visibility,
                    "application": "Kanal",
                    "sensitive": bool(params.get("sensitive")),
                    "spoiler_text": params.get("spoiler_text"),
                    "language": params.get("language"),
                    "poll": None,
                    "idempotency": None,
                    "with_rate_limit": False,
                    "media_ids": media_ids or None,
                    "scheduled_at": None,
                    "application_id": 1,
                },
            }
            return json_response(
                200, self._scheduled_view(scheduled_id, self.scheduled[scheduled_id])
            )
        status = self._insert_status(
            me,
            text,
            in_reply_to=str(reply_to) if reply_to else None,
            media_ids=media_ids,
            visibility=visibility,
            sensitive=str(params.get("sensitive")).lower() in ("true", "1"),
            spoiler_text=str(params.get("spoiler_text") or ""),
            language=str(params.get("language") or "sv"),
            application="Kanal",
        )
        return json_response(200, self._status_view(status))

    def _scheduled_view(self, scheduled_id: str, item: dict[str, Any]) -> dict[str, Any]:
        params = {k: v for k, v in item["params"].items()}
        return {
            "id": scheduled_id,
            "scheduled_at": iso_z(item["at"], millis=True),
            "params": params,
            "media_attachments": [
                self._media_view(self.media[m]) for m in item["media_ids"] if m in self.media
            ],
        }

    def _context(self, status: dict[str, Any]) -> Response:
        ancestors: list[dict[str, Any]] = []
        current = status
        while current["in_reply_to_id"] and current["in_reply_to_id"] in self.statuses:
            current = self.statuses[current["in_reply_to_id"]]
            ancestors.insert(0, current)
        descendants, frontier = [], {status["id"]}
        for candidate in self.statuses.values():
            if candidate["in_reply_to_id"] in frontier:
                descendants.append(candidate)
                frontier.add(candidate["id"])
        return json_response(
            200,
            {
                "ancestors": [self._status_view(s) for s in ancestors],
                "descendants": [self._status_view(s) for s in descendants],
            },
        )

    def _paged(
        self,
        req: Request,
        items: list[dict[str, Any]],
        view: Any,
        path: str,
        default: int,
        maximum: int,
    ) -> Response:
        limit_text = req.arg("limit") or str(default)
        limit = max(1, min(maximum, int(limit_text) if limit_text.isdigit() else default))
        max_id, since_id, min_id = req.arg("max_id"), req.arg("since_id"), req.arg("min_id")
        items = sorted(items, key=lambda i: int(i["id"]), reverse=True)
        if max_id and max_id.isdigit():
            items = [i for i in items if int(i["id"]) < int(max_id)]
        if since_id and since_id.isdigit():
            items = [i for i in items if int(i["id"]) > int(since_id)]
        if min_id and min_id.isdigit():
            items = [i for i in items if int(i["id"]) > int(min_id)][-limit:]
        chosen = items[:limit]
        headers: list[tuple[str, str]] = []
        if chosen:
            keep = [
                (k, v)
                for k, values in req.query.items()
                for v in values
                if k not in ("max_id", "since_id", "min_id")
            ]
            base = f"{self.base_url}{path}?"
            next_url = base + urlencode([*keep, ("max_id", chosen[-1]["id"])])
            prev_url = base + urlencode([*keep, ("min_id", chosen[0]["id"])])
            headers.append(("Link", f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'))
        return json_response(200, [view(i) for i in chosen], headers)

    def _notifications(self, req: Request, me: str) -> Response:
        types = req.args("types")
        exclude = req.args("exclude_types")
        items = [
            n
            for n in self.notifications.values()
            if n["to"] == me
            and (not types or n["type"] in types)
            and n["type"] not in exclude
            and (n["status_id"] is None or n["status_id"] in self.statuses)
        ]

        def view(n: dict[str, Any]) -> dict[str, Any]:
            payload = {
                "id": n["id"],
                "type": n["type"],
                "created_at": iso_z(n["created"], millis=True),
                "group_key": f"ungrouped-{n['id']}",
                "account": self._account_view(self.accounts[n["by"]]),
            }
            if n["status_id"]:
                payload["status"] = self._status_view(self.statuses[n["status_id"]])
            return payload

        return self._paged(req, items, view, "/api/v1/notifications", 40, 80)

    def _upload(self, req: Request, me: str) -> Response:
        files = req.files().get("file") or []
        if not files:
            return self._error(422, "Validation failed: File can't be blank")
        info = image_info(files[0].data)
        if info is None:
            return self._error(422, "Validation failed: File content type is invalid")
        media_id = self._next()
        self.media[media_id] = {
            "id": media_id,
            "owner": me,
            "width": info[1],
            "height": info[2],
            "description": req.param("description"),
            "size": len(files[0].data),
            "polls": 0,
            "uploaded": self.clock.now(),
        }
        while len(self.media) > 500:
            self.media.popitem(last=False)
        return json_response(202, self._media_view(self.media[media_id]))

    # --- control surface -----------------------------------------------------------------------

    def recent_post_ids(self) -> list[str]:
        return [s["id"] for s in self.statuses.values() if s["account_id"] == self.account_id][-10:]

    def stage_public(
        self,
        kind: str,
        account: str | None,
        author: str,
        text: str,
        post_id: str | None,
        in_reply_to: str | None,
        at: float | None = None,
    ) -> dict[str, Any]:
        target_id = self.account_id
        if account:
            target_id = (
                account
                if account in self.accounts
                else self.by_username.get(account.lstrip("@").lower(), "")
            )
            if not target_id:
                raise StageError(f"no Mastodon account {account!r}")
        username = (
            re.sub(r"[^A-Za-z0-9_]", "", author.replace(" ", "_")).lower()[:30] or "medborgare"
        )
        citizen = self._account(username, author)
        reply_to = None
        if kind == "reply":
            if not in_reply_to or in_reply_to not in self.statuses:
                raise StageError(f"no Mastodon status {in_reply_to!r} to reply to")
            reply_to = in_reply_to
        elif kind == "comment":
            reply_to = post_id or last_or_none(self.recent_post_ids())
            if reply_to is None or reply_to not in self.statuses:
                raise StageError(f"no Mastodon status {post_id!r} to comment on")
        target = self.accounts[target_id]
        mention = f"@{target['username']}"
        body = text if mention in text else f"{mention} {text}"
        status = self._insert_status(citizen["id"], body, at=at, in_reply_to=reply_to, public=True)
        return {
            "id": status["id"],
            "account": target_id,
            "author": author,
            "author_id": citizen["id"],
            "text": body,
            "post_id": post_id,
            "in_reply_to": reply_to,
            "created_at": iso_z(status["created"]),
        }

    def state(self) -> dict[str, Any]:
        return {
            "account": {"id": self.account_id, "acct": "sandviken"},
            "statuses": [
                {
                    "id": s["id"],
                    "account": self.accounts[s["account_id"]]["username"],
                    "text": s["text"],
                    "created_at": iso_z(s["created"]),
                    "in_reply_to_id": s["in_reply_to_id"],
                    "visibility": s["visibility"],
                    "media_ids": s["media_ids"],
                    "public": s["public"],
                }
                for s in self.statuses.values()
            ],
            "scheduled_statuses": [
                {"id": k, "scheduled_at": iso_z(v["at"]), "text": v["params"]["text"]}
                for k, v in self.scheduled.items()
            ],
            "notifications": len(self.notifications),
            "media": [
                {
                    "id": m["id"],
                    "description": m["description"],
                    "size": m["size"],
                    "processing": not self._media_ready(m),
                }
                for m in self.media.values()
            ],
        }
