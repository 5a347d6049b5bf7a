"""Publications' table and repository: the outbox and, once sent, the sent history.

A row is claimed by one outbox at a time (``claimed_by`` / ``claimed_until``) with a conditional
UPDATE, so the window and a ``kanal publish`` running at once never send the same publication
twice. The account is kept as id, network and handle (no foreign key): removing an account must
not remove the record of what was published through it.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.domain.networks import Network
from desktop_app.domain.publications import (
    FailureKind,
    Publication,
    PublicationMedia,
    PublicationNotFound,
    PublicationState,
    check_transition,
)
from desktop_app.store.base import Base
from desktop_app.store.types import UTCDateTime

if TYPE_CHECKING:
    from desktop_app.store.unit_of_work import UnitOfWork


class PublicationRow(Base):
    __tablename__ = "publications"
    __table_args__ = (
        Index("ix_publications_state_not_before", "state", "not_before"),
        Index("ix_publications_account_created", "account_id", "created_at"),
        Index("ix_publications_history_time", "history_time"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(36), index=True)
    draft_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("drafts.id", ondelete="SET NULL"), index=True
    )
    account_id: Mapped[str] = mapped_column(String(36))
    account_label: Mapped[str] = mapped_column(String(300))
    network: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(200))
    submitted_by: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    parts: Mapped[list[str]] = mapped_column(JSON)
    media: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer)
    generation: Mapped[int] = mapped_column(Integer)
    remote_ids: Mapped[list[str]] = mapped_column(JSON)
    remote_url: Mapped[str] = mapped_column(String(2000))
    failure_kind: Mapped[str | None] = mapped_column(String(20))
    failure_reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    platform_scheduled: Mapped[bool] = mapped_column(Boolean)
    # When the row belongs in the history: sent_at once sent, created_at before. Kept as a
    # column so the history's date filter and order use one index.
    history_time: Mapped[datetime] = mapped_column(UTCDateTime())
    search_text: Mapped[str] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


def _from_row(row: PublicationRow) -> Publication:
    return Publication(
        id=row.id,
        batch_id=row.batch_id,
        draft_id=row.draft_id,
        account_id=row.account_id,
        network=Network(row.network),
        author=row.author,
        submitted_by=row.submitted_by,
        title=row.title,
        parts=tuple(row.parts or ()),
        media=tuple(PublicationMedia(**item) for item in (row.media or ())),
        state=PublicationState(row.state),
        attempts=row.attempts,
        generation=row.generation,
        remote_ids=tuple(row.remote_ids or ()),
        remote_url=row.remote_url,
        failure_kind=FailureKind(row.failure_kind) if row.failure_kind else None,
        failure_reason=row.failure_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        not_before=row.not_before,
        first_attempt_at=row.first_attempt_at,
        sent_at=row.sent_at,
        scheduled_at=row.scheduled_at,
        platform_scheduled=row.platform_scheduled,
        account_label=row.account_label,
    )


def _fold(*texts: str) -> str:
    return "\n".join(texts).casefold()


@dataclass(frozen=True)
class NewPublication:
    """What the outbox decides before anything is sent."""

    draft_id: str
    account_id: str
    account_label: str
    network: Network
    author: str
    submitted_by: str
    title: str
    parts: tuple[str, ...]
    media: tuple[PublicationMedia, ...]
    not_before: datetime | None = None
    scheduled_at: datetime | None = None
    platform_scheduled: bool = False


@dataclass(frozen=True)
class HistoryFilter:
    since: datetime | None = None  # inclusive, UTC
    until: datetime | None = None  # exclusive, UTC
    account_id: str | None = None
    author: str | None = None
    search: str | None = None  # in the text, title, author or account
    states: tuple[PublicationState, ...] = ()


class PublicationRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._session = uow.session

    # -- creating ----------------------------------------------------------------------------

    def add_batch(
        self, items: Sequence[NewPublication], batch_id: str | None = None
    ) -> builtins.list[Publication]:
        now = self._uow.clock()
        batch = batch_id or str(uuid.uuid4())
        rows = [
            PublicationRow(
                id=str(uuid.uuid4()),
                batch_id=batch,
                draft_id=item.draft_id,
                account_id=item.account_id,
                account_label=item.account_label,
                network=item.network.value,
                author=item.author,
                submitted_by=item.submitted_by,
                title=item.title,
                parts=list(item.parts),
                media=[media.__dict__.copy() for media in item.media],
                state=PublicationState.QUEUED.value,
                attempts=0,
                generation=1,
                remote_ids=[],
                remote_url="",
                failure_kind=None,
                failure_reason="",
                created_at=now,
                updated_at=now,
                not_before=item.not_before,
                first_attempt_at=None,
                sent_at=None,
                scheduled_at=item.scheduled_at,
                platform_scheduled=item.platform_scheduled,
                history_time=now,
                search_text=_fold(item.title, *item.parts, item.author, item.account_label),
                claimed_by=None,
                claimed_until=None,
            )
            for item in items
        ]
        self._session.add_all(rows)
        self._session.flush()
        return [_from_row(row) for row in rows]

    # -- reading -----------------------------------------------------------------------------

    def get(self, publication_id: str) -> Publication | None:
        row = self._session.get(PublicationRow, publication_id)
        return None if row is None else _from_row(row)

    def require(self, publication_id: str) -> Publication:
        return _from_row(self._row(publication_id))

    def get_many(self, ids: Iterable[str]) -> builtins.list[Publication]:
        wanted = builtins.list(ids)
        if not wanted:
            return []
        rows = self._session.scalars(select(PublicationRow).where(PublicationRow.id.in_(wanted)))
        by_id = {row.id: _from_row(row) for row in rows}
        return [by_id[i] for i in wanted if i in by_id]

    def list_for_batch(self, batch_id: str) -> builtins.list[Publication]:
        rows = self._session.scalars(
            select(PublicationRow)
            .where(PublicationRow.batch_id == batch_id)
            .order_by(PublicationRow.created_at, PublicationRow.network, PublicationRow.id)
        )
        return [_from_row(row) for row in rows]

    def list_for_draft(self, draft_id: str) -> builtins.list[Publication]:
        rows = self._session.scalars(
            select(PublicationRow)
            .where(PublicationRow.draft_id == draft_id)
            .order_by(PublicationRow.created_at, PublicationRow.network, PublicationRow.id)
        )
        return [_from_row(row) for row in rows]

    def history(
        self, filters: HistoryFilter, limit: int | None = None, offset: int = 0
    ) -> builtins.list[Publication]:
        query = (
            select(PublicationRow)
            .where(*self._history_conditions(filters))
            .order_by(PublicationRow.history_time.desc(), PublicationRow.id)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return [_from_row(row) for row in self._session.scalars(query)]

    def count_history(self, filters: HistoryFilter) -> int:
        query = select(func.count()).select_from(PublicationRow)
        return int(self._session.scalar(query.where(*self._history_conditions(filters))) or 0)

    def count_open(self) -> int:
        open_states = [s.value for s in (PublicationState.QUEUED, PublicationState.SENDING)] + [
            PublicationState.UNKNOWN.value
        ]
        query = select(func.count()).where(PublicationRow.state.in_(open_states))
        return int(self._session.scalar(query) or 0)

    def due(
        self,
        now: datetime,
        exclude_accounts: Iterable[str] = (),
        limit: int = 100,
    ) -> builtins.list[Publication]:
        """Publications ready to be worked on now, oldest first, not claimed by a live outbox."""
        excluded = builtins.list(exclude_accounts)
        query = (
            select(PublicationRow)
            .where(
                PublicationRow.state.in_(
                    [PublicationState.QUEUED.value, PublicationState.UNKNOWN.value]
                ),
                or_(PublicationRow.not_before.is_(None), PublicationRow.not_before <= now),
                or_(PublicationRow.claimed_until.is_(None), PublicationRow.claimed_until < now),
            )
            .order_by(PublicationRow.created_at, PublicationRow.id)
            .limit(limit)
        )
        if excluded:
            query = query.where(PublicationRow.account_id.not_in(excluded))
        return [_from_row(row) for row in self._session.scalars(query)]

    def next_due_time(self, exclude_accounts: Iterable[str] = ()) -> datetime | None:
        """When the earliest waiting publication becomes due (None: nothing waits)."""
        excluded = builtins.list(exclude_accounts)
        query = select(func.min(PublicationRow.not_before)).where(
            PublicationRow.state.in_(
                [PublicationState.QUEUED.value, PublicationState.UNKNOWN.value]
            )
        )
        if excluded:
            query = query.where(PublicationRow.account_id.not_in(excluded))
        value = self._session.scalar(query)
        if value is None:
            return None
        # min() over a column bypasses the column type on SQLite: read back through it.
        return _as_utc(value)

    def sending(self) -> builtins.list[Publication]:
        rows = self._session.scalars(
            select(PublicationRow).where(PublicationRow.state == PublicationState.SENDING.value)
        )
        return [_from_row(row) for row in rows]

    def claims(self) -> builtins.list[tuple[str, str | None, datetime | None, str]]:
        """(id, claimed_by, claimed_until, state) of every claimed row, for recovery."""
        rows = self._session.execute(
            select(
                PublicationRow.id,
                PublicationRow.claimed_by,
                PublicationRow.claimed_until,
                PublicationRow.state,
            ).where(PublicationRow.claimed_by.is_not(None))
        ).all()
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def scheduled(self, now: datetime) -> builtins.list[Publication]:
        """Posts that will appear later: held locally or by the platform."""
        rows = self._session.scalars(
            select(PublicationRow)
            .where(
                PublicationRow.scheduled_at.is_not(None),
                PublicationRow.scheduled_at > now,
                or_(
                    PublicationRow.state == PublicationState.QUEUED.value,
                    and_(
                        PublicationRow.state == PublicationState.SENT.value,
                        PublicationRow.platform_scheduled.is_(True),
                    ),
                ),
            )
            .order_by(PublicationRow.scheduled_at, PublicationRow.id)
        )
        return [_from_row(row) for row in rows]

    # -- changing ----------------------------------------------------------------------------

    def claim(self, publication_id: str, owner: str, until: datetime, now: datetime) -> bool:
        """Take the row for ``owner`` unless another live outbox holds it (compare-and-set)."""
        result = self._session.execute(
            update(PublicationRow)
            .where(
                PublicationRow.id == publication_id,
                or_(
                    PublicationRow.claimed_by.is_(None),
                    PublicationRow.claimed_by == owner,
                    PublicationRow.claimed_until < now,
                ),
            )
            .values(claimed_by=owner, claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def release(self, publication_id: str, owner: str) -> None:
        self._session.execute(
            update(PublicationRow)
            .where(PublicationRow.id == publication_id, PublicationRow.claimed_by == owner)
            .values(claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )

    def force_release(self, publication_id: str) -> None:
        """Drop a dead outbox's claim (recovery only)."""
        self._session.execute(
            update(PublicationRow)
            .where(PublicationRow.id == publication_id)
            .values(claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )

    def transition(
        self,
        publication_id: str,
        state: PublicationState,
        **changes: Any,
    ) -> Publication:
        """Move to ``state`` (checked against the life cycle) and set the given fields."""
        row = self._row(publication_id)
        current = PublicationState(row.state)
        if current != state:
            check_transition(current, state)
        row.state = state.value
        self._apply(row, changes)
        return _from_row(row)

    def change(self, publication_id: str, **changes: Any) -> Publication:
        """Set fields without a state change (not-before time, remote ids of a thread, ...)."""
        row = self._row(publication_id)
        self._apply(row, changes)
        return _from_row(row)

    def _apply(self, row: PublicationRow, changes: dict[str, Any]) -> None:
        allowed = {
            "attempts",
            "generation",
            "remote_ids",
            "remote_url",
            "failure_kind",
            "failure_reason",
            "not_before",
            "first_attempt_at",
            "sent_at",
            "scheduled_at",
            "platform_scheduled",
            "parts",
            "media",
            "title",
            "submitted_by",
        }
        unknown = set(changes) - allowed
        if unknown:
            raise TypeError(f"cannot change {sorted(unknown)} of a publication")
        for key, value in changes.items():
            if key == "remote_ids" or key == "parts":
                value = builtins.list(value)
            elif key == "media":
                value = [m.__dict__.copy() for m in value]
            elif key == "failure_kind":
                value = None if value is None else FailureKind(value).value
            setattr(row, key, value)
        row.updated_at = self._uow.clock()
        if row.sent_at is not None:
            row.history_time = row.sent_at
        if "parts" in changes or "title" in changes:
            row.search_text = _fold(row.title, *row.parts, row.author, row.account_label)
        self._session.flush()

    def _row(self, publication_id: str) -> PublicationRow:
        row = self._session.get(PublicationRow, publication_id)
        if row is None:
            raise PublicationNotFound(f"no publication with id {publication_id}")
        return row

    @staticmethod
    def _history_conditions(filters: HistoryFilter) -> builtins.list[ColumnElement[bool]]:
        conditions: builtins.list[ColumnElement[bool]] = []
        if filters.since is not None:
            conditions.append(PublicationRow.history_time >= filters.since)
        if filters.until is not None:
            conditions.append(PublicationRow.history_time < filters.until)
        if filters.account_id:
            conditions.append(PublicationRow.account_id == filters.account_id)
        if filters.author:
            conditions.append(PublicationRow.author == filters.author)
        if filters.search:
            needle = filters.search.casefold().replace("\\", "\\\\")
            needle = needle.replace("%", "\\%").replace("_", "\\_")
            conditions.append(PublicationRow.search_text.like(f"%{needle}%", escape="\\"))
        if filters.states:
            conditions.append(PublicationRow.state.in_([s.value for s in filters.states]))
        return conditions


def _as_utc(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"expected a time, got {type(value).__name__}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
