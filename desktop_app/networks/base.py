"""The one contract every platform connector keeps.

The engine publishes, syncs and moderates through this surface only, so adding a platform is
adding one module. Every method raises only the errors of ``desktop_app.domain.errors``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from desktop_app.domain.networks import Network
from desktop_app.networks.health import AccountHealth, generic_check


@dataclass(frozen=True)
class Identity:
    """Who the credentials belong to, as the platform says."""

    remote_id: str
    handle: str
    display_name: str
    avatar_url: str
    profile_url: str


@dataclass(frozen=True)
class MediaUpload:
    path: Path
    mime_type: str
    alt_text: str


@dataclass(frozen=True)
class PostRequest:
    text: str
    idempotency_key: str  # stable across retries of the same publication
    title: str | None = None  # blogs only
    media: tuple[MediaUpload, ...] = ()
    reply_to: str | None = None  # the platform's id of the post or comment answered
    link: str | None = None
    scheduled_at: datetime | None = None  # UTC; the platform's own scheduling where it has one
    language: str = "sv"  # BCP 47 tag of the text (Bluesky's ``langs``); Swedish by default


@dataclass(frozen=True)
class PublishedPost:
    remote_id: str
    url: str
    published_at: datetime | None  # UTC
    scheduled: bool = False


class ItemKind(StrEnum):
    COMMENT = "comment"
    MENTION = "mention"
    REPLY = "reply"


class RemoteStatus(StrEnum):
    VISIBLE = "visible"
    HIDDEN = "hidden"
    HELD = "held"  # awaiting approval (WordPress)
    SPAM = "spam"
    DELETED = "deleted"


@dataclass(frozen=True)
class RemoteItem:
    """One citizen's comment, mention or reply as the platform reports it."""

    remote_id: str
    kind: ItemKind
    author_name: str
    author_handle: str
    author_avatar_url: str
    text: str  # plain text
    html: str  # the platform's HTML, unsanitised; the store sanitises before keeping it
    created_at: datetime  # UTC
    updated_at: datetime | None
    parent_remote_id: str | None  # the comment or post this answers
    root_post_remote_id: str | None  # the account's own post the thread hangs under
    url: str
    status: RemoteStatus = RemoteStatus.VISIBLE


@dataclass(frozen=True)
class InboxPage:
    items: tuple[RemoteItem, ...]
    cursor: str | None  # opaque; pass back to list_inbox to resume after this page
    has_more: bool  # another page is ready now (not: new items may come later)


class ModerationAction(StrEnum):
    HIDE = "hide"
    UNHIDE = "unhide"
    DELETE = "delete"
    APPROVE = "approve"
    SPAM = "spam"


@dataclass(frozen=True)
class PlatformLimits:
    max_text_length: int | None
    max_media: int
    max_image_bytes: int
    image_types: tuple[str, ...] = field(default=("image/jpeg", "image/png"))
    supports_alt_text: bool = True
    supports_scheduling: bool = False
    moderation_actions: frozenset[ModerationAction] = frozenset()


class Connector(Protocol):
    """One account on one platform."""

    network: Network

    def verify(self) -> Identity: ...

    def publish(self, post: PostRequest) -> PublishedPost: ...

    def find_post(self, post: PostRequest, since: datetime) -> PublishedPost | None:
        """Whether an earlier attempt of ``post`` reached the platform (exactly-once)."""
        ...

    def list_inbox(self, cursor: str | None) -> InboxPage: ...

    def reply(self, item: RemoteItem, text: str, idempotency_key: str) -> PublishedPost: ...

    def moderate(self, item: RemoteItem, action: ModerationAction) -> None: ...

    def delete_post(self, remote_id: str) -> None: ...

    def limits(self) -> PlatformLimits: ...

    def close(self) -> None: ...


def check_account(
    connector: Connector, responses: Sequence[Mapping[str, str]] = ()
) -> AccountHealth:
    """The connector's own ``check()`` when it has one; otherwise the default: verify the
    identity and report what the platform said, with the rate-limit headroom of the answers'
    headers (``responses``, collected by the caller's HTTP client). Connectors override it by
    defining ``check``."""
    own = getattr(connector, "check", None)
    if callable(own):
        result = own()
        if isinstance(result, AccountHealth):
            return result
    return generic_check(connector.verify, responses)
