"""The desk's side of the team: changes waiting to reach the team store, and the local copy of
what the team decided (who submitted, approved, rejected, published; notes; conflicts).

These tables live in the desk's own SQLite, so a change made offline is written in the same
unit of work as the draft it concerns and is pushed when the team store is reachable again.
Nothing here holds a secret.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.store.base import Base, new_id
from desktop_app.store.types import UTCDateTime

if TYPE_CHECKING:
    from desktop_app.store.unit_of_work import UnitOfWork


class TeamPendingRow(Base):
    """One change made on this desk and not yet accepted by the team store (oldest first)."""

    __tablename__ = "team_pending"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TeamLocalStateRow(Base):
    """Small facts of this desk's membership: its desk id, the last team sequence it has seen."""

    __tablename__ = "team_local_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class TeamDraftMetaRow(Base):
    """The team's facts about one draft, as last seen on this desk."""

    __tablename__ = "team_draft_meta"

    draft_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # Team sequence of the content this desk's copy is based on (0: never shared).
    base_seq: Mapped[int] = mapped_column(Integer, default=0)
    submitted_by: Mapped[str] = mapped_column(String(200), default="")
    approved_by: Mapped[str] = mapped_column(String(200), default="")
    rejected_by: Mapped[str] = mapped_column(String(200), default="")
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    published_by: Mapped[str] = mapped_column(String(200), default="")


class TeamConflictRow(Base):
    """Two texts of one draft written apart; kept until a person chooses."""

    __tablename__ = "team_conflicts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    draft_id: Mapped[str] = mapped_column(String(36), index=True)
    local_title: Mapped[str] = mapped_column(Text)
    local_body: Mapped[str] = mapped_column(Text)
    remote_title: Mapped[str] = mapped_column(Text)
    remote_body: Mapped[str] = mapped_column(Text)
    remote_actor: Mapped[str] = mapped_column(String(200))
    remote_seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class TeamMemberCacheRow(Base):
    """The team's members as last pulled, so roles are checked offline too."""

    __tablename__ = "team_members_cache"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    roles: Mapped[str] = mapped_column(String(200))


class TeamNoteRow(Base):
    __tablename__ = "team_notes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    draft_id: Mapped[str] = mapped_column(String(36), index=True)
    author: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class PendingChange:
    change_id: str
    kind: str
    entity_id: str
    actor: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class DraftTeamFacts:
    draft_id: str
    base_seq: int
    submitted_by: str
    approved_by: str
    rejected_by: str
    reject_reason: str
    published_by: str


@dataclass(frozen=True)
class Conflict:
    id: str
    draft_id: str
    local_title: str
    local_body: str
    remote_title: str
    remote_body: str
    remote_actor: str
    remote_seq: int
    created_at: datetime


@dataclass(frozen=True)
class Note:
    id: str
    draft_id: str
    author: str
    text: str
    created_at: datetime


class TeamLocalRepository:
    """This desk's pending team changes and its copy of the team's facts."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._session = uow.session

    # -- pending changes ---------------------------------------------------------------------

    def enqueue(
        self, kind: str, entity_id: str, actor: str, payload: Mapping[str, Any]
    ) -> PendingChange:
        """Record a change for the team, in the caller's transaction."""
        row = TeamPendingRow(
            change_id=new_id(),
            kind=kind,
            entity_id=entity_id,
            actor=actor,
            payload=dict(payload),
            created_at=self._uow.clock(),
        )
        self._session.add(row)
        self._session.flush()
        return _pending(row)

    def pending(self, limit: int = 500) -> builtins.list[PendingChange]:
        rows = self._session.scalars(
            select(TeamPendingRow).order_by(TeamPendingRow.id).limit(limit)
        )
        return [_pending(row) for row in rows]

    def count_pending(self) -> int:
        return len(builtins.list(self._session.scalars(select(TeamPendingRow.id))))

    def has_pending_for(self, entity_id: str, kind: str) -> bool:
        query = select(TeamPendingRow.id).where(
            TeamPendingRow.entity_id == entity_id, TeamPendingRow.kind == kind
        )
        return self._session.scalar(query.limit(1)) is not None

    def forget(self, change_ids: builtins.list[str]) -> None:
        """Drop changes the team store has accepted."""
        if change_ids:
            self._session.execute(
                delete(TeamPendingRow).where(TeamPendingRow.change_id.in_(change_ids))
            )

    # -- small state -------------------------------------------------------------------------

    def get_state(self, key: str, default: str = "") -> str:
        row = self._session.get(TeamLocalStateRow, key)
        return default if row is None else row.value

    def set_state(self, key: str, value: str) -> None:
        row = self._session.get(TeamLocalStateRow, key)
        if row is None:
            self._session.add(TeamLocalStateRow(key=key, value=value))
        else:
            row.value = value
        self._session.flush()

    # -- team facts about drafts -------------------------------------------------------------

    def facts(self, draft_id: str) -> DraftTeamFacts:
        row = self._session.get(TeamDraftMetaRow, draft_id)
        if row is None:
            return DraftTeamFacts(draft_id, 0, "", "", "", "", "")
        return _facts(row)

    def facts_for(self, draft_ids: builtins.list[str]) -> dict[str, DraftTeamFacts]:
        if not draft_ids:
            return {}
        rows = self._session.scalars(
            select(TeamDraftMetaRow).where(TeamDraftMetaRow.draft_id.in_(draft_ids))
        )
        return {row.draft_id: _facts(row) for row in rows}

    def update_facts(self, draft_id: str, **changes: Any) -> None:
        row = self._session.get(TeamDraftMetaRow, draft_id)
        if row is None:
            row = TeamDraftMetaRow(
                draft_id=draft_id,
                base_seq=0,
                submitted_by="",
                approved_by="",
                rejected_by="",
                reject_reason="",
                published_by="",
            )
            self._session.add(row)
        for key, value in changes.items():
            setattr(row, key, value)
        self._session.flush()

    # -- conflicts, notes, members -----------------------------------------------------------

    def add_conflict(
        self,
        draft_id: str,
        local: tuple[str, str],
        remote: tuple[str, str],
        remote_actor: str,
        remote_seq: int,
    ) -> Conflict:
        row = TeamConflictRow(
            id=new_id(),
            draft_id=draft_id,
            local_title=local[0],
            local_body=local[1],
            remote_title=remote[0],
            remote_body=remote[1],
            remote_actor=remote_actor,
            remote_seq=remote_seq,
            created_at=self._uow.clock(),
            resolved_by=None,
        )
        self._session.add(row)
        self._session.flush()
        return _conflict(row)

    def open_conflicts(self, draft_id: str | None = None) -> builtins.list[Conflict]:
        query = select(TeamConflictRow).where(TeamConflictRow.resolved_by.is_(None))
        if draft_id is not None:
            query = query.where(TeamConflictRow.draft_id == draft_id)
        return [
            _conflict(row)
            for row in self._session.scalars(query.order_by(TeamConflictRow.created_at))
        ]

    def resolve_conflicts(self, draft_id: str, by: str) -> None:
        for row in self._session.scalars(
            select(TeamConflictRow).where(
                TeamConflictRow.draft_id == draft_id, TeamConflictRow.resolved_by.is_(None)
            )
        ):
            row.resolved_by = by
        self._session.flush()

    def add_note(self, note_id: str, draft_id: str, author: str, text: str, at: datetime) -> None:
        if self._session.get(TeamNoteRow, note_id) is None:
            self._session.add(
                TeamNoteRow(id=note_id, draft_id=draft_id, author=author, text=text, created_at=at)
            )
            self._session.flush()

    def notes(self, draft_id: str) -> builtins.list[Note]:
        rows = self._session.scalars(
            select(TeamNoteRow)
            .where(TeamNoteRow.draft_id == draft_id)
            .order_by(TeamNoteRow.created_at)
        )
        return [Note(r.id, r.draft_id, r.author, r.text, r.created_at) for r in rows]

    def replace_members(self, members: Mapping[str, str]) -> None:
        self._session.execute(delete(TeamMemberCacheRow))
        for name, roles in members.items():
            self._session.add(TeamMemberCacheRow(name=name, roles=roles))
        self._session.flush()

    def members(self) -> dict[str, str]:
        return {r.name: r.roles for r in self._session.scalars(select(TeamMemberCacheRow))}


def _pending(row: TeamPendingRow) -> PendingChange:
    return PendingChange(
        row.change_id, row.kind, row.entity_id, row.actor, dict(row.payload), row.created_at
    )


def _facts(row: TeamDraftMetaRow) -> DraftTeamFacts:
    return DraftTeamFacts(
        row.draft_id,
        row.base_seq,
        row.submitted_by,
        row.approved_by,
        row.rejected_by,
        row.reject_reason,
        row.published_by,
    )


def _conflict(row: TeamConflictRow) -> Conflict:
    return Conflict(
        row.id,
        row.draft_id,
        row.local_title,
        row.local_body,
        row.remote_title,
        row.remote_body,
        row.remote_actor,
        row.remote_seq,
        row.created_at,
    )


def create_draft_copy(
    uow: UnitOfWork,
    draft_id: str,
    title: str,
    body: str,
    author: str,
    account_ids: builtins.list[str],
) -> None:
    """A colleague's draft arriving on this desk: same id, the team's text, local targets."""
    from desktop_app.store.drafts import DraftRow, DraftTargetRow, _fold

    now = uow.clock()
    row = DraftRow(
        id=draft_id,
        title=title,
        body=body,
        variants={},
        state="draft",
        author=author,
        scheduled_at=None,
        search_text=_fold(title, body),
        created_at=now,
        updated_at=now,
    )
    row.attachments = []
    row.targets = [
        DraftTargetRow(draft_id=draft_id, account_id=account_id, position=position)
        for position, account_id in enumerate(account_ids)
    ]
    uow.session.add(row)
    uow.session.flush()
    uow.revisions.record(row, now)


def shared_unpublished(uow: UnitOfWork) -> builtins.list[str]:
    """Drafts known to the team whose publication this desk has not reported yet."""
    query = select(TeamDraftMetaRow.draft_id).where(TeamDraftMetaRow.published_by == "")
    return builtins.list(uow.session.scalars(query))
