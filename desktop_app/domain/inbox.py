"""The unified inbox: citizens' comments, mentions and replies, their states and views.

Plain data and pure rules, no I/O. "Newest" in the inbox means *first seen by Kanal*: items are
numbered (``seq``) in the order the sync stored them, which is what makes a newest-first list and
a newest-first full-text search fast at a million items (see ``store/inbox.py``). Items that
arrive in one page are stored oldest first, so within a sync the order follows the platform's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from desktop_app.domain.networks import Network
from desktop_app.domain.personal_data import PersonalDataKind


class InboxState(StrEnum):
    NEW = "new"
    READ = "read"
    ANSWERED = "answered"
    DONE = "done"
    HIDDEN = "hidden"
    DELETED = "deleted"


class InboxKind(StrEnum):
    COMMENT = "comment"
    MENTION = "mention"
    REPLY = "reply"


class RemoteState(StrEnum):
    """What the platform says about the item (mirrors networks.base.RemoteStatus)."""

    VISIBLE = "visible"
    HIDDEN = "hidden"
    HELD = "held"
    SPAM = "spam"
    DELETED = "deleted"


# Still waiting for an answer from the authority.
UNANSWERED_STATES = frozenset({InboxState.NEW, InboxState.READ})
# Shown in the default list; hidden and deleted items stay in the store (public records) and are
# listed when a filter asks for them.
DEFAULT_VISIBLE_STATES = frozenset(
    {InboxState.NEW, InboxState.READ, InboxState.ANSWERED, InboxState.DONE}
)


@dataclass(frozen=True)
class InboxItem:
    id: str  # UUID4
    seq: int  # local order of first sight; larger is newer
    account_id: str
    network: Network
    kind: InboxKind
    remote_id: str
    parent_remote_id: str | None
    root_post_remote_id: str | None
    author_name: str
    author_handle: str
    author_avatar_url: str
    text: str
    html: str  # sanitised (store/sanitize.py) before it was stored
    url: str
    created_at: datetime  # UTC, as the platform says
    remote_updated_at: datetime | None
    first_seen_at: datetime  # UTC, when Kanal stored it
    remote_state: RemoteState
    state: InboxState
    assigned_to: str | None
    answered_at: datetime | None
    answered_by: str | None
    flags: frozenset[PersonalDataKind] = field(default_factory=frozenset)

    @property
    def unanswered(self) -> bool:
        return self.state in UNANSWERED_STATES


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox list shows. Empty collections mean "any"."""

    account_ids: frozenset[str] = frozenset()
    networks: frozenset[Network] = frozenset()
    kinds: frozenset[InboxKind] = frozenset()
    states: frozenset[InboxState] = frozenset()  # empty: DEFAULT_VISIBLE_STATES
    unanswered: bool = False
    unanswered_older_than: timedelta | None = None  # implies unanswered
    assigned_to: str | None = None
    flagged_only: bool = False  # holds a personnummer or phone number
    created_from: datetime | None = None  # inclusive, UTC
    created_to: datetime | None = None  # exclusive, UTC
    search: str = ""

    def effective_states(self) -> frozenset[InboxState]:
        states = self.states or DEFAULT_VISIBLE_STATES
        if self.unanswered or self.unanswered_older_than is not None:
            states = states & UNANSWERED_STATES if self.states else UNANSWERED_STATES
        return states

    def created_before(self, now: datetime) -> datetime | None:
        """Upper bound on created_at combining the date range and the age condition."""
        bounds = [b for b in (self.created_to,) if b is not None]
        if self.unanswered_older_than is not None:
            bounds.append(now - self.unanswered_older_than)
        return min(bounds) if bounds else None

    def with_search(self, text: str) -> InboxFilter:
        return replace(self, search=text)


class SavedView(StrEnum):
    ALL = "all"
    UNANSWERED = "unanswered"
    UNANSWERED_OVER_24H = "unanswered_24h"
    ASSIGNED_TO_ME = "assigned_to_me"
    FLAGGED = "flagged"
    HIDDEN_AND_DELETED = "hidden_deleted"


UNANSWERED_LIMIT = timedelta(hours=24)


def saved_view_filter(view: SavedView, me: str) -> InboxFilter:
    """The filter behind each saved view in the sidebar."""
    if view is SavedView.UNANSWERED:
        return InboxFilter(unanswered=True)
    if view is SavedView.UNANSWERED_OVER_24H:
        return InboxFilter(unanswered_older_than=UNANSWERED_LIMIT)
    if view is SavedView.ASSIGNED_TO_ME:
        return InboxFilter(assigned_to=me)
    if view is SavedView.FLAGGED:
        return InboxFilter(flagged_only=True)
    if view is SavedView.HIDDEN_AND_DELETED:
        return InboxFilter(states=frozenset({InboxState.HIDDEN, InboxState.DELETED}))
    return InboxFilter()


def matches(item: InboxItem, inbox_filter: InboxFilter, now: datetime) -> bool:
    """The filter as a predicate (the store applies the same rules in SQL; tests compare)."""
    f = inbox_filter
    if f.account_ids and item.account_id not in f.account_ids:
        return False
    if f.networks and item.network not in f.networks:
        return False
    if f.kinds and item.kind not in f.kinds:
        return False
    if item.state not in f.effective_states():
        return False
    if f.assigned_to is not None and item.assigned_to != f.assigned_to:
        return False
    if f.flagged_only and not item.flags:
        return False
    if f.created_from is not None and item.created_at < f.created_from:
        return False
    before = f.created_before(now)
    return before is None or item.created_at < before


class InvalidInboxTransition(ValueError):
    pass


class InboxAction(StrEnum):
    MARK_READ = "mark_read"
    MARK_UNREAD = "mark_unread"
    ANSWER = "answer"
    DONE = "done"
    REOPEN = "reopen"
    HIDE = "hide"
    UNHIDE = "unhide"
    DELETE = "delete"


_TRANSITIONS: dict[InboxAction, tuple[frozenset[InboxState], InboxState]] = {
    InboxAction.MARK_READ: (frozenset({InboxState.NEW}), InboxState.READ),
    InboxAction.MARK_UNREAD: (frozenset({InboxState.READ}), InboxState.NEW),
    InboxAction.ANSWER: (
        frozenset({InboxState.NEW, InboxState.READ, InboxState.ANSWERED, InboxState.DONE}),
        InboxState.ANSWERED,
    ),
    InboxAction.DONE: (
        frozenset({InboxState.NEW, InboxState.READ, InboxState.ANSWERED}),
        InboxState.DONE,
    ),
    InboxAction.REOPEN: (frozenset({InboxState.DONE, InboxState.ANSWERED}), InboxState.READ),
    InboxAction.HIDE: (
        frozenset({InboxState.NEW, InboxState.READ, InboxState.ANSWERED, InboxState.DONE}),
        InboxState.HIDDEN,
    ),
    InboxAction.UNHIDE: (frozenset({InboxState.HIDDEN}), InboxState.READ),
    InboxAction.DELETE: (
        frozenset(
            {
                InboxState.NEW,
                InboxState.READ,
                InboxState.ANSWERED,
                InboxState.DONE,
                InboxState.HIDDEN,
            }
        ),
        InboxState.DELETED,
    ),
}


def next_state(current: InboxState, action: InboxAction) -> InboxState:
    """The state after a person's action; marking read an already-read item is a no-op."""
    allowed, target = _TRANSITIONS[action]
    if current is target and action in (InboxAction.MARK_READ, InboxAction.MARK_UNREAD):
        return current
    if current not in allowed:
        raise InvalidInboxTransition(f"cannot {action.value} an item that is {current.value}")
    return target


def state_after_remote_change(
    current: InboxState, before: RemoteState | None, after: RemoteState
) -> InboxState:
    """Follow what happened on the platform, only when the platform's status changed.

    Reacting only to a change keeps a local decision (an item hidden in Kanal on a platform that
    cannot hide) from being undone by every sync, and a deletion on the platform is kept as a
    record (state deleted), never removed.
    """
    if before is after:
        return current
    if after is RemoteState.DELETED:
        return InboxState.DELETED
    if after in (RemoteState.HIDDEN, RemoteState.SPAM):
        return InboxState.HIDDEN if current is not InboxState.DELETED else current
    if current is InboxState.HIDDEN and before in (RemoteState.HIDDEN, RemoteState.SPAM):
        return InboxState.READ
    return current


@dataclass(frozen=True)
class ResponseStats:
    """How one account is doing at answering citizens."""

    account_id: str
    unanswered: int
    oldest_unanswered_at: datetime | None

    def oldest_age(self, now: datetime) -> timedelta | None:
        if self.oldest_unanswered_at is None:
            return None
        return max(timedelta(0), now - self.oldest_unanswered_at)

    def overdue(self, now: datetime, limit: timedelta = UNANSWERED_LIMIT) -> bool:
        age = self.oldest_age(now)
        return age is not None and age > limit


def response_stats(account_id: str, items: Iterable[InboxItem]) -> ResponseStats:
    """The stats from items in memory (the store computes the same with one query)."""
    waiting = [i.created_at for i in items if i.account_id == account_id and i.unanswered]
    return ResponseStats(account_id, len(waiting), min(waiting) if waiting else None)


def format_age(age: timedelta) -> str:
    """A compact age for badges: "45 min", "5 h", "3 d"."""
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} d"


@dataclass(frozen=True)
class IncomingItem:
    """One item as fetched from a platform, before the store keeps it (HTML not yet sanitised)."""

    remote_id: str
    kind: InboxKind
    author_name: str
    author_handle: str
    author_avatar_url: str
    text: str
    html: str
    created_at: datetime  # UTC
    remote_updated_at: datetime | None
    parent_remote_id: str | None
    root_post_remote_id: str | None
    url: str
    remote_state: RemoteState = RemoteState.VISIBLE


@dataclass(frozen=True)
class PageResult:
    """What storing one fetched page changed."""

    new_ids: tuple[str, ...]
    updated_ids: tuple[str, ...]
    unchanged: int


@dataclass(frozen=True)
class RootPost:
    """The account's own post a conversation hangs under, when Kanal published it."""

    remote_id: str
    title: str
    text: str
    url: str
    author: str  # the staff member who wrote it
    sent_at: datetime | None
