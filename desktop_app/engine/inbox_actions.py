"""What people do with inbox items: answer, moderate, mark, assign.

Moderation is a record: the platform is asked first, then the item's new state and an audit event
(who, when, which reason, and the item's full content at that moment) are written in one unit of
work. A hidden or deleted item is never removed from the store. Where a platform cannot carry out
an action (X cannot hide a mention) the item is hidden in Kanal only, and the audit event says so.
No Qt here; the window calls these on a worker thread.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from desktop_app.domain.accounts import Account
from desktop_app.domain.audit import AuditKind
from desktop_app.domain.inbox import (
    InboxAction,
    InboxItem,
    InboxState,
    RemoteState,
    next_state,
)
from desktop_app.domain.moderation import ModerationDecision, ModerationKind
from desktop_app.networks.base import (
    ItemKind,
    ModerationAction,
    RemoteItem,
    RemoteStatus,
)

if TYPE_CHECKING:
    from desktop_app.engine.sync import ConnectorProvider
    from desktop_app.store.database import Store

SUBJECT_TYPE = "inbox_item"

AUDIT_KIND: dict[ModerationKind, str] = {
    ModerationKind.HIDE: AuditKind.HIDDEN,
    ModerationKind.UNHIDE: AuditKind.UNHIDDEN,
    ModerationKind.DELETE: AuditKind.DELETED,
    ModerationKind.APPROVE: AuditKind.APPROVED,
    ModerationKind.SPAM: AuditKind.MARKED_SPAM,
}
AUDIT_REPLIED = AuditKind.REPLIED
AUDIT_ASSIGNED = AuditKind.ASSIGNED
# A person's workflow changes (not sent to any platform). The audit trail stores kinds as plain
# strings; these have no AuditKind member yet.
AUDIT_STATE_KIND: dict[InboxAction, str] = {
    InboxAction.MARK_READ: "marked_read",
    InboxAction.MARK_UNREAD: "marked_unread",
    InboxAction.DONE: "marked_done",
    InboxAction.REOPEN: AuditKind.REOPENED,
}

# (local state after, platform state after)
_EFFECT: dict[ModerationKind, tuple[InboxState | None, RemoteState]] = {
    ModerationKind.HIDE: (InboxState.HIDDEN, RemoteState.HIDDEN),
    ModerationKind.UNHIDE: (InboxState.READ, RemoteState.VISIBLE),
    ModerationKind.DELETE: (InboxState.DELETED, RemoteState.DELETED),
    ModerationKind.APPROVE: (None, RemoteState.VISIBLE),
    ModerationKind.SPAM: (InboxState.HIDDEN, RemoteState.SPAM),
}


class ReplyTooLong(ValueError):
    pass


@dataclass(frozen=True)
class ModerationOutcome:
    item: InboxItem
    on_platform: bool  # False: the platform cannot do it; done in Kanal only
    audit_event_id: str


def remote_item_from(item: InboxItem) -> RemoteItem:
    """The connector's view of a stored item (what reply and moderate need)."""
    return RemoteItem(
        remote_id=item.remote_id,
        kind=ItemKind(item.kind.value),
        author_name=item.author_name,
        author_handle=item.author_handle,
        author_avatar_url=item.author_avatar_url,
        text=item.text,
        html=item.html,
        created_at=item.created_at,
        updated_at=item.remote_updated_at,
        parent_remote_id=item.parent_remote_id,
        root_post_remote_id=item.root_post_remote_id,
        url=item.url,
        status=RemoteStatus(item.remote_state.value),
    )


def content_snapshot(item: InboxItem) -> dict[str, Any]:
    """The item's full content as the audit trail keeps it."""
    return {
        "network": item.network.value,
        "account_id": item.account_id,
        "kind": item.kind.value,
        "remote_id": item.remote_id,
        "url": item.url,
        "author_name": item.author_name,
        "author_handle": item.author_handle,
        "created_at": item.created_at,
        "text": item.text,
        "html": item.html,
        "parent_remote_id": item.parent_remote_id,
        "root_post_remote_id": item.root_post_remote_id,
        "state_before": item.state.value,
        "flags": sorted(f.value for f in item.flags),
    }


# The store's modules are imported in the methods, on the thread that runs them: the window
# builds this object before its first frame, which must not wait for SQLAlchemy.


class InboxActions:
    """Every change people make to inbox items, each with its audit event in the same unit of
    work: answering and moderating through the account's connector, marking and assigning.

    ``store`` is the open store or a function that returns it (the window's services open the
    store on the database thread after the window is shown; this object exists before that).
    """

    def __init__(
        self,
        store: Store | Callable[[], Store],
        connectors: ConnectorProvider,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store_source = store
        self._connectors = connectors
        self._clock = clock

    @property
    def _store(self) -> Store:
        source = self._store_source
        return source() if callable(source) else source

    def _load(self, item_id: str) -> tuple[InboxItem, Account]:
        from desktop_app.store.inbox import UnknownInboxItem

        with self._store.unit_of_work(read_only=True) as uow:
            item = uow.inbox.require(item_id)
            account = uow.accounts.get(item.account_id)
        if account is None:
            raise UnknownInboxItem(f"the account of inbox item {item_id} is gone")
        return item, account

    def reply(self, item_id: str, text: str, actor: str) -> InboxItem:
        """Answer an item on its platform; records who answered and when."""
        from desktop_app.domain.text_rules import measure
        from desktop_app.store.audit import AuditRepository

        item, account = self._load(item_id)
        check = measure(account.network, text)
        if not text.strip() or not check.valid:
            raise ReplyTooLong(
                f"the reply is {check.length} long; {account.network.value} allows {check.limit}"
                if text.strip()
                else "the reply is empty"
            )
        # The same text for the same item is the same reply: a retry after a timeout must not
        # answer twice on platforms that honour idempotency keys.
        key = hashlib.sha256(f"{item.id}\n{text}".encode()).hexdigest()[:32]
        connector = self._connectors(account)
        try:
            posted = connector.reply(remote_item_from(item), text, key)
        finally:
            connector.close()
        now = self._clock()
        with self._store.unit_of_work() as uow:
            repo = uow.inbox
            repo.record_answer(item.id, actor, now, posted.remote_id)
            AuditRepository(uow).append(
                AUDIT_REPLIED,
                actor=actor,
                subject_type=SUBJECT_TYPE,
                subject_id=item.id,
                occurred_at=now,
                details={
                    "reply_text": text,
                    "reply_remote_id": posted.remote_id,
                    "reply_url": posted.url,
                    "item": content_snapshot(item),
                },
            )
            return repo.require(item.id)

    def moderate(self, item_id: str, decision: ModerationDecision) -> ModerationOutcome:
        """Carry out a moderation decision on the platform and record it."""
        from desktop_app.store.audit import AuditRepository

        item, account = self._load(item_id)
        action = ModerationAction(decision.kind.value)
        local_state, remote_state = _EFFECT[decision.kind]
        connector = self._connectors(account)
        try:
            supported = action in connector.limits().moderation_actions
            if supported:
                connector.moderate(remote_item_from(item), action)
        finally:
            connector.close()
        with self._store.unit_of_work() as uow:
            repo = uow.inbox
            state = local_state or item.state
            # Unsupported on the platform: the platform's state stays as it was.
            repo.record_moderation(item.id, state, remote_state if supported else None)
            event = AuditRepository(uow).append(
                AUDIT_KIND[decision.kind],
                actor=decision.actor,
                subject_type=SUBJECT_TYPE,
                subject_id=item.id,
                occurred_at=decision.decided_at,
                details={
                    "action": decision.kind.value,
                    "reason": decision.reason.value,
                    "reason_text": decision.reason_text,
                    "note": decision.note,
                    "on_platform": supported,
                    "item": content_snapshot(item),
                },
            )
            return ModerationOutcome(repo.require(item.id), supported, event.id)

    def change_state(self, item_id: str, action: InboxAction, actor: str) -> InboxItem:
        """A person's workflow change (read, unread, done, reopen); no platform is asked.

        Marking read what is already read changes nothing and records nothing; a change the
        item's state does not allow raises ``InvalidInboxTransition``."""
        changed = self._change_state(item_id, action, actor, only_from=None)
        assert changed is not None
        return changed

    def opened(self, item_id: str, actor: str) -> InboxItem | None:
        """A person opened the item: a new one becomes read (recorded); None if it was not
        new any more (read, answered, or hidden meanwhile: nothing changes)."""
        return self._change_state(
            item_id, InboxAction.MARK_READ, actor, only_from=frozenset({InboxState.NEW})
        )

    def _change_state(
        self,
        item_id: str,
        action: InboxAction,
        actor: str,
        only_from: frozenset[InboxState] | None,
    ) -> InboxItem | None:
        from desktop_app.store.audit import AuditRepository

        if action not in AUDIT_STATE_KIND:
            raise ValueError(f"{action.value} is not a workflow change")
        with self._store.unit_of_work() as uow:
            repo = uow.inbox
            item = repo.require(item_id)
            if only_from is not None and item.state not in only_from:
                return None
            state = next_state(item.state, action)
            if state is item.state:
                return item
            repo.set_state(item.id, state)
            AuditRepository(uow).append(
                AUDIT_STATE_KIND[action],
                actor=actor,
                subject_type=SUBJECT_TYPE,
                subject_id=item.id,
                occurred_at=self._clock(),
                details={
                    "action": action.value,
                    "state_before": item.state.value,
                    "state_after": state.value,
                },
            )
            return repo.require(item.id)

    def assign(self, item_id: str, person: str | None, actor: str) -> InboxItem:
        """Give an item to a person (None: to nobody); records who did it and when."""
        from desktop_app.store.audit import AuditRepository

        with self._store.unit_of_work() as uow:
            repo = uow.inbox
            before = repo.require(item_id).assigned_to
            repo.assign(item_id, person)
            AuditRepository(uow).append(
                AUDIT_ASSIGNED,
                actor=actor,
                subject_type=SUBJECT_TYPE,
                subject_id=item_id,
                occurred_at=self._clock(),
                details={"assigned_to": person, "assigned_before": before},
            )
            return repo.require(item_id)
