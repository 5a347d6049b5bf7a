"""The emulated instance's REST routes: method, path pattern, handler, whether a user is needed.

One table instead of one long chain of ``if``s: adding an endpoint is adding a line, and each
handler (a method of ``Mastodon`` named here) does one thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: str  # the name of a Mastodon method (req, me, match, token) -> Response
    needs_user: bool = True  # an app-only token gets 422 here


def _route(method: str, pattern: str, handler: str, needs_user: bool = True) -> Route:
    return Route(method, re.compile(pattern), handler, needs_user)


ROUTES: tuple[Route, ...] = (
    _route("GET", r"/api/v1/accounts/verify_credentials", "_r_verify_credentials"),
    _route("GET", r"/api/v1/apps/verify_credentials", "_r_app_credentials", needs_user=False),
    _route("POST", r"/api/v1/statuses", "_r_post_status"),
    _route("GET", r"/api/v1/statuses/(\d+)", "_r_get_status"),
    _route("GET", r"/api/v1/statuses/(\d+)/context", "_r_status_context"),
    _route("DELETE", r"/api/v1/statuses/(\d+)", "_r_delete_status"),
    _route("GET", r"/api/v1/accounts/(\d+)/statuses", "_r_account_statuses"),
    _route("POST", r"/api/v1/accounts/(\d+)/(mute|block|unmute|unblock)", "_r_relationship"),
    _route("GET", r"/api/v1/notifications", "_r_notifications"),
    _route("GET", r"/api/v1/scheduled_statuses", "_r_list_scheduled"),
    _route("GET", r"/api/v1/scheduled_statuses/(\d+)", "_r_get_scheduled"),
    _route("DELETE", r"/api/v1/scheduled_statuses/(\d+)", "_r_delete_scheduled"),
    _route("PUT", r"/api/v1/scheduled_statuses/(\d+)", "_r_put_scheduled"),
    _route("POST", r"/api/v2/media", "_r_upload"),
    _route("GET", r"/api/v1/media/(\d+)", "_r_get_media"),
    _route("PUT", r"/api/v1/media/(\d+)", "_r_put_media"),
    _route("POST", r"/api/v1/reports", "_r_report"),
)
