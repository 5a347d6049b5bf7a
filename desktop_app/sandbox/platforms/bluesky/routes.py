"""The XRPC methods the emulated PDS serves: NSID -> (procedure or query, handler, auth).

A procedure is POST and a query GET, as XRPC says; a method without auth is answered before
any token is looked at. Handlers are methods of ``Bluesky``: ``(req, did)`` with auth,
``(req, host)`` without.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Method:
    procedure: bool  # POST; a query is GET
    handler: str
    auth: bool = True


METHODS: dict[str, Method] = {
    "com.atproto.server.createSession": Method(True, "_create_session", auth=False),
    "com.atproto.server.refreshSession": Method(True, "_refresh_session", auth=False),
    "com.atproto.identity.resolveHandle": Method(False, "_resolve_handle", auth=False),
    "com.atproto.server.deleteSession": Method(True, "_deleteSession"),
    "com.atproto.server.getSession": Method(False, "_getSession"),
    "com.atproto.repo.createRecord": Method(True, "_createRecord"),
    "com.atproto.repo.putRecord": Method(True, "_putRecord"),
    "com.atproto.repo.deleteRecord": Method(True, "_deleteRecord"),
    "com.atproto.repo.uploadBlob": Method(True, "_uploadBlob"),
    "com.atproto.repo.getRecord": Method(False, "_getRecord"),
    "com.atproto.repo.listRecords": Method(False, "_listRecords"),
    "app.bsky.notification.updateSeen": Method(True, "_updateSeen"),
    "app.bsky.notification.listNotifications": Method(False, "_listNotifications"),
    "app.bsky.notification.getUnreadCount": Method(False, "_getUnreadCount"),
    "app.bsky.feed.getAuthorFeed": Method(False, "_getAuthorFeed"),
    "app.bsky.feed.getPostThread": Method(False, "_getPostThread"),
    "app.bsky.feed.getPosts": Method(False, "_getPosts"),
    "app.bsky.actor.getProfile": Method(False, "_getProfile"),
}
