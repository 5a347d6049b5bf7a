"""Drafts with their targets and revisions: rows and repositories.

Every method works inside the caller's unit of work (no commits here) and returns the frozen
dataclasses of ``desktop_app.domain``, never ORM objects.

Design choices:
* Per-network variants are one JSON column on ``drafts`` (``{"x": "...", "mastodon": "..."}``):
  they are always read and written together with the draft, are few (one per network), and are
  never queried on their own, so a child table would only add a join to every load and a
  diff-and-sync to every autosave. Revisions snapshot them the same way.
* Target accounts are a child table (``draft_targets``) instead: they reference ``accounts``, so
  the database keeps them consistent (removing an account removes it from every draft) and later
  features can ask "which drafts go to this account" with an index.
* ``search_text`` holds the case-folded title and body, kept by the repository, so a search for
  "ÅTGÄRD" finds "åtgärd" on SQLite (whose LIKE folds ASCII only) and on PostgreSQL alike.
* Listing 100,000 drafts newest-first uses the ``updated_at`` index; a state filter uses
  ``(state, updated_at)``. Attachments and revisions live in their own tables and are loaded only
  for the rows of the requested page.
"""

from __future__ import annotations

import builtins
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, Literal

from sqlalchemy import (
    JSON,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from desktop_app.domain.audit import AuditKind
from desktop_app.domain.drafts import (
    Draft,
    DraftLocked,
    DraftNotFound,
    DraftRevision,
    DraftState,
    check_transition,
)
from desktop_app.domain.networks import Network, parse_network
from desktop_app.store.accounts import AccountRow
from desktop_app.store.attachments import AttachmentRow, attachment_from_row
from desktop_app.store.base import Base, deleter, new_id, require_aware, unique
from desktop_app.store.errors import UnknownAccount
from desktop_app.store.types import UTCDateTime

if TYPE_CHECKING:
    from desktop_app.store.unit_of_work import UnitOfWork


class DraftRow(Base):
    __tablename__ = "drafts"
    __table_args__ = (
        Index("ix_drafts_updated_at", "updated_at"),
        Index("ix_drafts_state_updated_at", "state", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    variants: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(200), server_default="")
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    search_text: Mapped[str] = mapped_column(Text, server_default="", deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    targets: Mapped[list[DraftTargetRow]] = relationship(
        back_populates="draft",
        order_by="DraftTargetRow.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
    )
    attachments: Mapped[list[AttachmentRow]] = relationship(
        back_populates="draft",
        order_by="AttachmentRow.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
    )


class DraftTargetRow(Base):
    __tablename__ = "draft_targets"

    draft_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    draft: Mapped[DraftRow] = relationship(back_populates="targets", lazy="raise")


class RevisionRow(Base):
    __tablename__ = "draft_revisions"
    __table_args__ = (Index("ix_draft_revisions_draft_id_created_at", "draft_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    draft_id: Mapped[str] = mapped_column(String(36), ForeignKey("drafts.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    variants: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class _Unset(Enum):
    UNSET = "unset"


UNSET: Final = _Unset.UNSET
"""Marks an ``update`` argument that was not given (``None`` may be a real value)."""

Unset = Literal[_Unset.UNSET]

VariantsInput = Mapping[Network, str] | Mapping[str, str]
"""Per-network texts keyed by ``Network`` or by a network name such as ``"x"``."""

# Autosave runs every couple of seconds while someone types. Saves that fall within this window
# of a revision's start are folded into that revision, and at most MAX_REVISIONS_PER_DRAFT are
# kept (the oldest go first), so an afternoon of typing leaves a readable history, not thousands.
REVISION_COALESCE_WINDOW = timedelta(seconds=60)
MAX_REVISIONS_PER_DRAFT = 200

# Content can no longer change once a draft is handed to the outbox or published.
LOCKED_STATES = frozenset({DraftState.QUEUED, DraftState.PUBLISHED})

DEFAULT_PAGE_SIZE = 100

# The audit event a person's move of a draft writes. Moves into and out of the outbox (queued,
# published, back to draft after a partial failure) are left out: the outbox writes its own
# events for those (submitted, published, failed) in the same unit of work.
_STATE_EVENTS: Final[dict[DraftState, AuditKind]] = {
    DraftState.IN_REVIEW: AuditKind.SUBMITTED_FOR_REVIEW,
    DraftState.APPROVED: AuditKind.APPROVED,
    DraftState.REJECTED: AuditKind.REJECTED,
    DraftState.TRASHED: AuditKind.DELETED,
}
_REOPENED_FROM: Final = frozenset({DraftState.IN_REVIEW, DraftState.APPROVED, DraftState.REJECTED})

AUDIT_SUBJECT_DRAFT: Final = "draft"
UNKNOWN_ACTOR: Final = "unknown"


def _fold(title: str, body: str) -> str:
    return f"{title}\n{body}".casefold()


def _normalise_variants(variants: VariantsInput | None) -> dict[str, str]:
    if not variants:
        return {}
    result: dict[str, str] = {}
    for key, text in variants.items():
        network = key if isinstance(key, Network) else parse_network(key)
        if not isinstance(text, str):
            raise TypeError(f"the variant for {network.value} must be text")
        result[network.value] = text
    # Stored in a fixed order, so equal variants compare and serialise equally.
    return {n.value: result[n.value] for n in Network if n.value in result}


def _variants_from_json(stored: Mapping[str, Any] | None) -> dict[Network, str]:
    result: dict[Network, str] = {}
    for key, text in (stored or {}).items():
        try:
            result[Network(key)] = str(text)
        except ValueError:
            continue  # a network this version no longer knows: ignored, kept in the row
    return result


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _audit_details(
    row: DraftRow, state_from: str | None, state_to: str | None, **extra: Any
) -> dict[str, Any]:
    """What an audit event says about a draft: its title and digests of its content.

    The texts themselves stay in the drafts; the digests let an archivist show later that a
    given text is the one that was written, submitted or approved.
    """
    details: dict[str, Any] = {
        "title": row.title,
        "body_sha256": _sha256(row.body),
        "variants_sha256": {network: _sha256(text) for network, text in row.variants.items()},
        "attachments_sha256": [a.sha256 for a in row.attachments],
        "state_from": state_from,
        "state_to": state_to,
    }
    details.update(extra)
    return details


def _draft_from_row(row: DraftRow) -> Draft:
    return Draft(
        id=row.id,
        title=row.title,
        body=row.body,
        variants=_variants_from_json(row.variants),
        target_account_ids=tuple(t.account_id for t in row.targets),
        scheduled_at=row.scheduled_at,
        state=DraftState(row.state),
        author=row.author,
        created_at=row.created_at,
        updated_at=row.updated_at,
        attachments=tuple(attachment_from_row(a) for a in row.attachments),
    )


def _revision_from_row(row: RevisionRow) -> DraftRevision:
    return DraftRevision(
        id=row.id,
        draft_id=row.draft_id,
        title=row.title,
        body=row.body,
        variants=_variants_from_json(row.variants),
        created_at=row.created_at,
        saved_at=row.saved_at,
    )


class RevisionRepository:
    """The history of a draft's content (title, body, variants), newest first."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._session = uow.session

    def list_for_draft(
        self, draft_id: str, limit: int | None = None
    ) -> builtins.list[DraftRevision]:
        query = (
            select(RevisionRow)
            .where(RevisionRow.draft_id == draft_id)
            .order_by(RevisionRow.created_at.desc(), RevisionRow.saved_at.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        return [_revision_from_row(row) for row in self._session.scalars(query)]

    def count_for_draft(self, draft_id: str) -> int:
        query = select(func.count()).where(RevisionRow.draft_id == draft_id)
        return int(self._session.scalar(query) or 0)

    def get(self, revision_id: str) -> DraftRevision | None:
        row = self._session.get(RevisionRow, revision_id)
        return None if row is None else _revision_from_row(row)

    def record(self, draft: DraftRow, now: datetime) -> str | None:
        """Snapshot the draft's content, folding it into the latest revision if that is recent.

        Returns the id of the new revision, or None when the save was folded into the latest.
        """
        latest = self._session.scalars(
            select(RevisionRow)
            .where(RevisionRow.draft_id == draft.id)
            .order_by(RevisionRow.created_at.desc(), RevisionRow.saved_at.desc())
            .limit(1)
        ).first()
        if latest is not None and now - latest.created_at < REVISION_COALESCE_WINDOW:
            latest.title = draft.title
            latest.body = draft.body
            latest.variants = dict(draft.variants)
            latest.saved_at = now
            return None
        revision_id = new_id()
        self._session.add(
            RevisionRow(
                id=revision_id,
                draft_id=draft.id,
                title=draft.title,
                body=draft.body,
                variants=dict(draft.variants),
                created_at=now,
                saved_at=now,
            )
        )
        self._session.flush()
        self._prune(draft.id)
        return revision_id

    def _prune(self, draft_id: str) -> None:
        surplus = select(RevisionRow.id).where(RevisionRow.draft_id == draft_id)
        surplus = surplus.order_by(RevisionRow.created_at.desc(), RevisionRow.saved_at.desc())
        old_ids = builtins.list(
            self._session.scalars(surplus.offset(MAX_REVISIONS_PER_DRAFT).limit(1000))
        )
        if old_ids:
            self._session.execute(delete(RevisionRow).where(RevisionRow.id.in_(old_ids)))


class DraftRepository:
    """Drafts with their targets, per-network variants, attachments and revision history."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._session = uow.session

    # -- reading -----------------------------------------------------------------------------

    def get(self, draft_id: str) -> Draft | None:
        row = self._load(draft_id)
        return None if row is None else _draft_from_row(row)

    def require(self, draft_id: str) -> Draft:
        """Like ``get`` but raises ``DraftNotFound``."""
        return _draft_from_row(self._row(draft_id))

    def list(
        self,
        search: str | None = None,
        include_trashed: bool = False,
        state: DraftState | str | None = None,
        limit: int | None = DEFAULT_PAGE_SIZE,
        offset: int = 0,
    ) -> builtins.list[Draft]:
        """One page of drafts, most recently edited first.

        ``search`` matches every word, case-insensitively, in the title or body. Trashed drafts
        are left out unless ``include_trashed`` or ``state=DraftState.TRASHED``. Targets and
        attachments are fetched for the rows of this page only (two extra queries, not one per
        row); revisions are never loaded here.
        """
        query = (
            select(DraftRow)
            .where(*self._filters(search, include_trashed, state))
            .order_by(DraftRow.updated_at.desc(), DraftRow.id.desc())
            .offset(offset)
            .options(selectinload(DraftRow.targets), selectinload(DraftRow.attachments))
        )
        if limit is not None:
            query = query.limit(limit)
        return [_draft_from_row(row) for row in self._session.scalars(query)]

    def count(
        self,
        search: str | None = None,
        include_trashed: bool = False,
        state: DraftState | str | None = None,
    ) -> int:
        query = select(func.count()).select_from(DraftRow)
        query = query.where(*self._filters(search, include_trashed, state))
        return int(self._session.scalar(query) or 0)

    # -- writing -----------------------------------------------------------------------------

    def create(
        self,
        body: str = "",
        title: str = "",
        targets: Sequence[str] = (),
        variants: VariantsInput | None = None,
        scheduled_at: datetime | None = None,
        author: str = "",
        actor: str | None = None,
        audit_extra: Mapping[str, Any] | None = None,
    ) -> Draft:
        """A new draft in state ``draft``, with its first revision and a ``drafted`` event.

        ``actor`` is who did it (default: the author); ``audit_extra`` adds to the event's details.
        """
        self._check_accounts_exist(unique(targets))  # before anything is added
        now = self._uow.clock()
        row = DraftRow(
            id=new_id(),
            title=title,
            body=body,
            variants=_normalise_variants(variants),
            state=DraftState.DRAFT.value,
            author=author,
            scheduled_at=require_aware(scheduled_at, "scheduled_at"),
            search_text=_fold(title, body),
            created_at=now,
            updated_at=now,
        )
        row.targets = []
        row.attachments = []
        self._session.add(row)
        self._set_targets(row, targets)
        self._session.flush()
        revision_id = self._uow.revisions.record(row, now)
        self._audit(
            AuditKind.DRAFTED,
            row,
            actor,
            _audit_details(
                row, None, row.state, revision_id=revision_id, **dict(audit_extra or {})
            ),
        )
        return _draft_from_row(row)

    def update(
        self,
        draft_id: str,
        *,
        title: str | Unset = UNSET,
        body: str | Unset = UNSET,
        variants: VariantsInput | Unset = UNSET,
        targets: Sequence[str] | Unset = UNSET,
        scheduled_at: datetime | Unset | None = UNSET,
        actor: str | None = None,
    ) -> Draft:
        """Change what is given; leave the rest. Cheap to call on every autosave.

        Nothing is written when nothing changed. A change of title, body or variants also records
        a revision (coalesced, see ``REVISION_COALESCE_WINDOW``); only a new revision writes an
        ``edited`` event, so autosaving every second keeps the audit trail readable. Raises
        ``DraftNotFound``, and ``DraftLocked`` for a queued or published draft.
        """
        row = self._row(draft_id)
        new_variants = None if variants is UNSET else _normalise_variants(variants)
        new_targets = None if targets is UNSET else unique(targets)
        if scheduled_at is not UNSET:
            require_aware(scheduled_at, "scheduled_at")
        content_changed = (
            (title is not UNSET and title != row.title)
            or (body is not UNSET and body != row.body)
            or (new_variants is not None and new_variants != row.variants)
        )
        other_changed = (
            new_targets is not None and new_targets != [t.account_id for t in row.targets]
        ) or (scheduled_at is not UNSET and scheduled_at != row.scheduled_at)
        if not (content_changed or other_changed):
            return _draft_from_row(row)
        self._check_editable(row)
        if new_targets is not None:
            self._check_accounts_exist(new_targets)  # before anything is changed

        now = self._uow.clock()
        if title is not UNSET:
            row.title = title
        if body is not UNSET:
            row.body = body
        if new_variants is not None:
            row.variants = new_variants
        if new_targets is not None:
            self._set_targets(row, new_targets)
        if scheduled_at is not UNSET:
            row.scheduled_at = scheduled_at
        row.search_text = _fold(row.title, row.body)
        row.updated_at = now
        self._session.flush()
        if content_changed:
            revision_id = self._uow.revisions.record(row, now)
            if revision_id is not None:
                self._audit(
                    AuditKind.EDITED,
                    row,
                    actor,
                    _audit_details(row, row.state, row.state, revision_id=revision_id),
                )
        return _draft_from_row(row)

    def restore_revision(self, draft_id: str, revision_id: str, actor: str | None = None) -> Draft:
        """Put an earlier revision's title, body and variants back (itself a new change)."""
        revision = self._session.get(RevisionRow, revision_id)
        if revision is None or revision.draft_id != draft_id:
            raise DraftNotFound(f"draft {draft_id} has no revision {revision_id}")
        return self.update(
            draft_id,
            title=revision.title,
            body=revision.body,
            variants=dict(revision.variants),
            actor=actor,
        )

    def duplicate(
        self, draft_id: str, author: str | None = None, actor: str | None = None
    ) -> Draft:
        """A fresh draft with the same content, targets and attachments, not scheduled."""
        source = self._row(draft_id)
        copy = self.create(
            body=source.body,
            title=source.title,
            targets=[t.account_id for t in source.targets],
            variants=_variants_from_json(source.variants),
            scheduled_at=None,
            author=source.author if author is None else author,
            actor=actor,
            audit_extra={"duplicated_from": draft_id},
        )
        copy_row = self._row(copy.id)
        for attachment in source.attachments:
            copy_row.attachments.append(self._uow.attachments.copy_row(attachment, copy.id))
        self._session.flush()
        return _draft_from_row(copy_row)

    def set_state(self, draft_id: str, state: DraftState | str, actor: str | None = None) -> Draft:
        """Move the draft through its life cycle; ``InvalidTransition`` if the move is not allowed.

        Setting the state it already has is a no-op. A person's move (review, approval,
        rejection, trash, restore) is written to the audit trail; see ``_STATE_EVENTS``.
        """
        row = self._row(draft_id)
        target = DraftState(state)
        current = DraftState(row.state)
        if target == current:
            return _draft_from_row(row)
        check_transition(current, target)
        row.state = target.value
        row.updated_at = self._uow.clock()
        self._session.flush()
        kind = _STATE_EVENTS.get(target)
        if target == DraftState.DRAFT and current == DraftState.TRASHED:
            kind = AuditKind.RESTORED
        elif target == DraftState.DRAFT and current in _REOPENED_FROM:
            kind = AuditKind.REOPENED
        if kind is not None:
            self._audit(kind, row, actor, _audit_details(row, current.value, target.value))
        return _draft_from_row(row)

    def trash(self, draft_id: str, actor: str | None = None) -> Draft:
        return self.set_state(draft_id, DraftState.TRASHED, actor)

    def restore(self, draft_id: str, actor: str | None = None) -> Draft:
        """Bring a trashed draft back as a plain draft."""
        return self.set_state(draft_id, DraftState.DRAFT, actor)

    def delete(self, draft_id: str, actor: str | None = None) -> None:
        """Remove the draft for good (emptying the trash); its files go once this commits."""
        row = self._row(draft_id)
        self._audit(
            AuditKind.DELETED, row, actor, _audit_details(row, row.state, None, permanent=True)
        )
        paths = [self._uow.data_dir / a.stored_path for a in row.attachments]
        self._session.delete(row)
        self._session.flush()
        for path in paths:
            self._uow.after_commit(deleter(path))

    # -- helpers for the other repositories --------------------------------------------------

    def editable_row(self, draft_id: str) -> DraftRow:
        """The draft's row, for a change made through another repository.

        Raises ``DraftNotFound`` or ``DraftLocked``; the caller sets ``updated_at`` once its
        change is certain.
        """
        row = self._row(draft_id)
        self._check_editable(row)
        return row

    # -- internals ---------------------------------------------------------------------------

    def _audit(
        self, kind: AuditKind, row: DraftRow, actor: str | None, details: Mapping[str, Any]
    ) -> None:
        """Append the event in this unit of work, so it stands or falls with the change."""
        self._uow.audit.append(
            kind,
            actor=actor or row.author or UNKNOWN_ACTOR,
            subject_type=AUDIT_SUBJECT_DRAFT,
            subject_id=row.id,
            details=details,
        )

    def _load(self, draft_id: str) -> DraftRow | None:
        return self._session.scalars(
            select(DraftRow)
            .where(DraftRow.id == draft_id)
            .options(selectinload(DraftRow.targets), selectinload(DraftRow.attachments))
        ).first()

    def _row(self, draft_id: str) -> DraftRow:
        row = self._load(draft_id)
        if row is None:
            raise DraftNotFound(f"no draft with id {draft_id}")
        return row

    @staticmethod
    def _check_editable(row: DraftRow) -> None:
        if DraftState(row.state) in LOCKED_STATES:
            raise DraftLocked(
                f"this draft is {row.state.replace('_', ' ')} and can no longer be changed; "
                "duplicate it to write a new version"
            )

    def _check_accounts_exist(self, account_ids: Sequence[str]) -> None:
        if not account_ids:
            return
        query = select(AccountRow.id).where(AccountRow.id.in_(account_ids))
        known = set(self._session.scalars(query))
        missing = [a for a in account_ids if a not in known]
        if missing:
            raise UnknownAccount(f"no account with id {', '.join(missing)}")

    def _set_targets(self, row: DraftRow, account_ids: Iterable[str]) -> None:
        wanted = unique(account_ids)
        self._check_accounts_exist(wanted)
        existing = {t.account_id: t for t in row.targets}
        for target in builtins.list(row.targets):
            if target.account_id not in wanted:
                row.targets.remove(target)
        ordered: builtins.list[DraftTargetRow] = []
        for position, account_id in enumerate(wanted):
            target_row = existing.get(account_id)
            if target_row is None:
                target_row = DraftTargetRow(account_id=account_id, position=position)
            else:
                target_row.position = position
            ordered.append(target_row)
        row.targets = ordered

    @staticmethod
    def _filters(
        search: str | None, include_trashed: bool, state: DraftState | str | None
    ) -> builtins.list[ColumnElement[bool]]:
        conditions: builtins.list[ColumnElement[bool]] = []
        if state is not None:
            conditions.append(DraftRow.state == DraftState(state).value)
        elif not include_trashed:
            conditions.append(DraftRow.state != DraftState.TRASHED.value)
        for word in (search or "").casefold().split():
            conditions.append(DraftRow.search_text.contains(word, autoescape=True))
        return conditions
