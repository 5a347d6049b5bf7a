"""The audit trail's tables and repository: append-only events in a SHA-256 hash chain.

``audit_events`` holds the events; ``audit_head`` holds one row with the sequence number and
digest of the newest event, written in the same transaction as the event. Appending reads the
head under the write lock (SQLite's BEGIN IMMEDIATE, PostgreSQL's SELECT ... FOR UPDATE), so two
writers can never fork the chain. The repository has no update or delete: the only way to change
an event is to go around Kanal, and ``verify`` reports that.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.domain.audit import AuditEvent, ChainProblem, chain_next, verify_chain
from desktop_app.store.models import Base
from desktop_app.store.types import UTCDateTime

if TYPE_CHECKING:
    from desktop_app.store.unit_of_work import UnitOfWork


class AuditEventRow(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_subject", "subject_type", "subject_id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


def _event_from_row(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        seq=row.seq,
        kind=row.kind,
        actor=row.actor,
        occurred_at=row.occurred_at,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        details=dict(row.details or {}),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class AuditRepository:
    """Append and read the audit trail inside the caller's unit of work."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._session = uow.session

    def append(
        self,
        kind: str,
        *,
        actor: str,
        subject_type: str,
        subject_id: str,
        details: Mapping[str, Any] | None = None,
        occurred_at: datetime | None = None,
    ) -> AuditEvent:
        head = self._session.scalars(
            select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()
        ).first()
        previous: AuditEvent | None = None
        if head is not None and head.seq > 0:
            previous_row = self._session.scalars(
                select(AuditEventRow).where(AuditEventRow.seq == head.seq)
            ).first()
            if previous_row is not None:
                previous = _event_from_row(previous_row)
            else:
                # The newest event was removed behind Kanal's back: keep appending after the
                # head so the gap stays visible to ``verify``.
                previous = AuditEvent(
                    id="",
                    seq=head.seq,
                    kind="",
                    actor="",
                    occurred_at=self._uow.clock(),
                    subject_type="",
                    subject_id="",
                    hash=head.hash,
                )
        event = chain_next(
            previous,
            id=str(uuid.uuid4()),
            kind=str(kind),
            actor=actor,
            occurred_at=occurred_at or self._uow.clock(),
            subject_type=subject_type,
            subject_id=subject_id,
            details=details,
        )
        self._session.add(
            AuditEventRow(
                id=event.id,
                seq=event.seq,
                kind=event.kind,
                actor=event.actor,
                occurred_at=event.occurred_at,
                subject_type=event.subject_type,
                subject_id=event.subject_id,
                details=dict(event.details),
                prev_hash=event.prev_hash,
                hash=event.hash,
            )
        )
        if head is None:
            self._session.add(AuditHeadRow(id=1, seq=event.seq, hash=event.hash))
        else:
            head.seq = event.seq
            head.hash = event.hash
        self._session.flush()
        return event

    def iter_all(self, batch: int = 1000) -> Iterator[AuditEvent]:
        """Every event in chain order, read in batches (the chain can be long)."""
        last_seq = -1
        while True:
            rows = self._session.scalars(
                select(AuditEventRow)
                .where(AuditEventRow.seq > last_seq)
                .order_by(AuditEventRow.seq)
                .limit(batch)
            ).all()
            if not rows:
                return
            for row in rows:
                yield _event_from_row(row)
            last_seq = rows[-1].seq

    def list(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        subject_id: str | None = None,
        limit: int | None = None,
    ) -> builtins.list[AuditEvent]:
        query = select(AuditEventRow).order_by(AuditEventRow.seq)
        if since is not None:
            query = query.where(AuditEventRow.occurred_at >= since)
        if until is not None:
            query = query.where(AuditEventRow.occurred_at < until)
        if subject_id is not None:
            query = query.where(AuditEventRow.subject_id == subject_id)
        if limit is not None:
            query = query.limit(limit)
        return [_event_from_row(row) for row in self._session.scalars(query)]

    def head(self) -> tuple[int, str] | None:
        row = self._session.get(AuditHeadRow, 1)
        return None if row is None else (row.seq, row.hash)

    def verify(self) -> tuple[int, builtins.list[ChainProblem]]:
        """(number of events checked, problems found): an empty list means the chain is intact."""
        counted = 0

        def counting() -> Iterator[AuditEvent]:
            nonlocal counted
            for event in self.iter_all():
                counted += 1
                yield event

        problems = verify_chain(counting(), self.head())
        return counted, problems
