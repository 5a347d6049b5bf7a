"""The store calls the window makes, as plain functions run on the database thread.

Nothing here touches Qt: each function takes the store and plain data and returns domain
objects, so the widgets only decide what to show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.domain.accounts import Account
from desktop_app.domain.drafts import Attachment, Draft, DraftState
from desktop_app.domain.networks import Network
from desktop_app.domain.publications import Publication, PublicationState
from desktop_app.ui.targets import NETWORK_TARGET_PREFIX

if TYPE_CHECKING:
    from desktop_app.store.database import Store


@dataclass
class DraftRef:
    """The id of the draft a composer edits; None until the first save creates it.

    Written only on the database thread (jobs run one after another there), so a save queued
    before the creating save has finished still updates the same draft.
    """

    id: str | None = None


@dataclass(frozen=True)
class DraftSnapshot:
    """Everything the composer shows, at one moment."""

    title: str
    body: str
    variants: Mapping[Network, str]
    target_ids: tuple[str, ...]
    scheduled_at: datetime | None  # UTC
    alt_texts: Mapping[str, str] = field(default_factory=dict)  # attachment id -> alt text


@dataclass(frozen=True)
class DraftPage:
    drafts: list[Draft]
    total: int


def save_draft(store: Store, ref: DraftRef, snapshot: DraftSnapshot, author: str) -> Draft:
    """Create the draft on first save, update it afterwards; one transaction."""
    with store.unit_of_work() as uow:
        if ref.id is None:
            draft = uow.drafts.create(
                title=snapshot.title,
                body=snapshot.body,
                variants=dict(snapshot.variants),
                targets=account_targets(snapshot.target_ids),
                scheduled_at=snapshot.scheduled_at,
                author=author,
            )
        else:
            draft = uow.drafts.update(
                ref.id,
                title=snapshot.title,
                body=snapshot.body,
                variants=dict(snapshot.variants),
                targets=account_targets(snapshot.target_ids),
                scheduled_at=snapshot.scheduled_at,
                actor=author or None,
            )
        for attachment_id, alt_text in snapshot.alt_texts.items():
            uow.attachments.set_alt_text(attachment_id, alt_text)
    # Only once committed: a failed first save must be retried as a create.
    ref.id = draft.id
    return draft


def account_targets(target_ids: Sequence[str]) -> list[str]:
    """The targets the store keeps: real account ids only.

    A network chosen before any account exists (``network:x``) steers the counters in the
    window; the store's targets reference accounts, so such a choice is not written.
    """
    return [t for t in target_ids if not t.startswith(NETWORK_TARGET_PREFIX)]


def load_draft(store: Store, draft_id: str) -> Draft | None:
    with store.unit_of_work(read_only=True) as uow:
        return uow.drafts.get(draft_id)


def list_accounts(store: Store) -> list[Account]:
    with store.unit_of_work(read_only=True) as uow:
        return list(uow.accounts.list())


def attach_file(
    store: Store, ref: DraftRef, snapshot: DraftSnapshot, author: str, path: Path
) -> Attachment:
    """Copy the file into the data folder as an attachment, creating the draft if need be."""
    if ref.id is None:
        save_draft(store, ref, snapshot, author)
    assert ref.id is not None
    with store.unit_of_work() as uow:
        return uow.attachments.add(ref.id, path)


def remove_attachment(store: Store, attachment_id: str) -> str:
    with store.unit_of_work() as uow:
        uow.attachments.remove(attachment_id)
    return attachment_id


def page_of_drafts(store: Store, search: str, trashed: bool, offset: int, limit: int) -> DraftPage:
    """One page of drafts, newest change first, and how many match in all."""
    state = DraftState.TRASHED if trashed else None
    with store.unit_of_work(read_only=True) as uow:
        total = uow.drafts.count(search=search or None, state=state, include_trashed=trashed)
        drafts = uow.drafts.list(
            search=search or None,
            state=state,
            include_trashed=trashed,
            offset=offset,
            limit=limit,
        )
        return DraftPage(drafts=list(drafts), total=total)


def duplicate_draft(store: Store, draft_id: str, actor: str) -> Draft:
    with store.unit_of_work() as uow:
        return uow.drafts.duplicate(draft_id, actor=actor)


def trash_draft(store: Store, draft_id: str, actor: str) -> str:
    with store.unit_of_work() as uow:
        uow.drafts.trash(draft_id, actor=actor)
    return draft_id


def restore_draft(store: Store, draft_id: str, actor: str) -> str:
    with store.unit_of_work() as uow:
        uow.drafts.restore(draft_id, actor=actor)
    return draft_id


def refused_publications(store: Store, draft_id: str) -> list[Publication]:
    """Each account's latest attempt of this draft, where that attempt failed.

    The composer shows their reasons next to the draft; pressing Publish again sends only to
    these accounts, since the outbox skips the ones that already have the post.
    """
    with store.unit_of_work(read_only=True) as uow:
        publications = uow.publications.list_for_draft(draft_id)
    latest: dict[str, Publication] = {}
    for publication in publications:  # oldest first, so the newest attempt wins
        latest[publication.account_id] = publication
    return [p for p in latest.values() if p.state is PublicationState.FAILED]
