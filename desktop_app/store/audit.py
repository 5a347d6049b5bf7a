"""The audit trail's tables and repository: append-only events in a SHA-256 hash chain.

``audit_events`` holds the events; ``audit_head`` holds one row with the sequence number and
digest of the newest event, written in the same transaction as the event. Appending reads the
head under the write lock (SQLite's BEGIN IMMEDIATE, PostgreSQL's SELECT ... FOR UPDATE), so two
writers can never fork the chain. The repository has no update or delete: the only way to change
an event is to go around Kanal, and ``verify`` reports that.

Seals (see ``domain.audit``): when a chain key is bound to the store (``bind_chain_keys``, done by
the composition root with the OS keyring), every appended event and the head are sealed with
it, and ``verify`` checks the seals too. Without a key the chain is still appended and checked
publicly; ``verify`` then says the seals could not be checked. A missing head row is reported by
``verify`` and never stops an audited action: the next event continues after the newest event
found and records in its own (sealed) details that the head was gone.
"""

from __future__ import annotations

import builtins
import logging
import threading
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import JSON, BigInteger, Index, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.domain.audit import (
    AuditEvent,
    ChainHead,
    ChainKey,
    ChainProblem,
    chain_next,
    event_seal,
    head_seal,
    verify_chain,
    verify_seals,
)
from desktop_app.store.base import Base
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
    seal: Mapped[str | None] = mapped_column(String(100))
    # 1: written before records_0001 (details hashed inline); 2: details through their SHA-256.
    format: Mapped[int] = mapped_column(Integer, server_default="1")


class AuditHeadRow(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    # Events 1..legacy_seq were written before this store's chain was sealed (older Kanal).
    legacy_seq: Mapped[int] = mapped_column(BigInteger, server_default="0")
    seal: Mapped[str | None] = mapped_column(String(100))


log = logging.getLogger(__name__)

HEAD_MISSING_DETAIL = "chain_head_was_missing"


class ChainKeys(Protocol):
    """Where the chain key comes from (the OS keyring in the app, a fixed key in tests)."""

    def current(self) -> ChainKey | None:
        """The key to seal with (created on first use); None when it cannot be had."""


_bound_keys: dict[str, ChainKeys] = {}
_bound_lock = threading.Lock()


def _url_key(url: Any) -> str:
    return str(url.render_as_string(hide_password=True))


def bind_chain_keys(engine: Any, keys: ChainKeys | None) -> None:
    """Seal the chain of the database behind ``engine`` (a Store's engine) with ``keys``."""
    with _bound_lock:
        if keys is None:
            _bound_keys.pop(_url_key(engine.url), None)
        else:
            _bound_keys[_url_key(engine.url)] = keys


def chain_keys_for(session: Any) -> ChainKeys | None:
    bind = session.get_bind()
    with _bound_lock:
        return _bound_keys.get(_url_key(bind.url))


@dataclass(frozen=True)
class VerifyReport:
    """What ``verify`` found: problems empty means intact; ``sealed`` says whether the keyed
    seals were checked (a key was available) or only the public chain."""

    events: int
    problems: builtins.list[ChainProblem]
    sealed: bool
    head: ChainHead | None
    note: str = ""


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
        seal=row.seal,
        format=int(row.format or 1),
    )


class AuditRepository:
    """Append and read the audit trail inside the caller's unit of work."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._session = uow.session

    def _key(self) -> ChainKey | None:
        keys = chain_keys_for(self._session)
        if keys is None:
            return None
        try:
            return keys.current()
        except Exception:  # a keyring that fails must never stop an audited action
            log.warning("the audit chain key could not be read; event left unsealed")
            return None

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
        extra: dict[str, Any] = {}
        newest = self._session.scalars(
            select(AuditEventRow).order_by(AuditEventRow.seq.desc()).limit(1)
        ).first()
        if head is not None and head.seq > 0:
            previous_row = self._session.scalars(
                select(AuditEventRow).where(AuditEventRow.seq == head.seq)
            ).first()
            if previous_row is not None and (newest is None or newest.seq <= head.seq):
                previous = _event_from_row(previous_row)
            elif newest is not None and newest.seq > head.seq:
                # Events beyond the head: appended around Kanal. Continue after them so the
                # unique sequence holds; ``verify`` reports the head mismatch and the seals.
                previous = _event_from_row(newest)
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
        elif head is None and newest is not None:
            # The head row was deleted: carry on after the newest event (never a crash) and
            # say so in this event, under its seal, so the removal stays on record.
            previous = _event_from_row(newest)
            extra[HEAD_MISSING_DETAIL] = True
        merged = {**dict(details or {}), **extra}
        event = chain_next(
            previous,
            id=str(uuid.uuid4()),
            kind=str(kind),
            actor=actor,
            occurred_at=occurred_at or self._uow.clock(),
            subject_type=subject_type,
            subject_id=subject_id,
            details=merged,
        )
        key = self._key()
        if key is not None:
            event = replace(event, seal=event_seal(key, event.hash))
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
                seal=event.seal,
                format=event.format,
            )
        )
        if head is None:
            head = AuditHeadRow(id=1, seq=event.seq, hash=event.hash, legacy_seq=0)
            self._session.add(head)
        head.seq = event.seq
        head.hash = event.hash
        if key is not None:
            head.seal = head_seal(key, head.seq, head.hash, head.legacy_seq or 0)
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

    def adopt_unsealed_chain(self, key: ChainKey) -> int:
        """Sealing starts now: an unsealed chain's events 1..head are marked as written before
        it (``legacy_seq``) and its head is sealed. Only for a key this machine has just made
        (the first Kanal on a desk whose keyring was not there before): with a key that already
        existed, an unsealed head is a rewritten one and stays reported. Returns legacy_seq."""
        head = self._session.get(AuditHeadRow, 1)
        if head is None or head.seal:
            return 0 if head is None else int(head.legacy_seq or 0)
        head.legacy_seq = head.seq
        head.seal = head_seal(key, head.seq, head.hash, head.legacy_seq)
        self._session.flush()
        return int(head.legacy_seq)

    def chain_head(self) -> ChainHead | None:
        """The head row as it is stored (with its seal): what exports print as the anchor."""
        row = self._session.get(AuditHeadRow, 1)
        if row is None:
            return None
        return ChainHead(row.seq, row.hash, int(row.legacy_seq or 0), row.seal)

    def find_hash(self, event_hash: str) -> AuditEvent | None:
        """The event whose digest is ``event_hash`` (checking an exported anchor)."""
        row = self._session.scalars(
            select(AuditEventRow).where(AuditEventRow.hash == event_hash.lower())
        ).first()
        return None if row is None else _event_from_row(row)

    def verify(self) -> tuple[int, builtins.list[ChainProblem]]:
        """(number of events checked, problems found): an empty list means the chain is intact."""
        report = self.verify_report()
        return report.events, report.problems

    def verify_report(self, *, records_present: int = 0) -> VerifyReport:
        """Check the public chain, the head and (with a key) every seal.

        ``records_present``: how many records (publications, inbox items) the store holds; an
        empty trail beside existing records means the trail was removed.
        """
        head = self.chain_head()
        events = list(self.iter_all())
        problems = verify_chain(events, None if head is None else (head.seq, head.hash))
        newest = events[-1].seq if events else 0
        if head is None and events:
            problems.append(ChainProblem(newest, "the chain head is missing: it was deleted"))
        if head is None and not events and records_present:
            problems.append(
                ChainProblem(
                    0,
                    f"the audit trail is empty although the store holds {records_present} "
                    "records: the trail was removed",
                )
            )
        for event in events:
            if event.details.get(HEAD_MISSING_DETAIL):
                problems.append(
                    ChainProblem(
                        event.seq, "was written after the chain head had been deleted outside Kanal"
                    )
                )
        keys = chain_keys_for(self._session)
        key: ChainKey | None = None
        note = ""
        if keys is None:
            note = "no chain key is set up here: only the public hash chain was checked"
        else:
            try:
                key = keys.current()
            except Exception as error:
                note = f"the chain key could not be read ({type(error).__name__})"
            if key is None and not note:
                note = "the chain key is not available: only the public hash chain was checked"
        if key is not None:
            problems.extend(verify_seals(events, head, key))
        problems.sort(key=lambda p: p.seq)
        return VerifyReport(len(events), problems, key is not None, head, note)

    def redact(self, event_ids: builtins.list[str], disposal_id: str) -> tuple[int, int]:
        """Replace the details of these events by their digest (disposal); format 1 events are
        left as they are. Returns (redacted, left because they predate redaction)."""
        from desktop_app.domain.audit import is_redacted, redacted_details

        done = kept = 0
        for start in range(0, len(event_ids), 500):
            chunk = event_ids[start : start + 500]
            rows = self._session.scalars(select(AuditEventRow).where(AuditEventRow.id.in_(chunk)))
            for row in rows:
                details = dict(row.details or {})
                if is_redacted(details):
                    continue
                if int(row.format or 1) < 2:
                    kept += 1
                    continue
                row.details = redacted_details(details, disposal_id)
                done += 1
        self._session.flush()
        return done, kept

    def events_about(self, subject_ids: builtins.list[str]) -> builtins.list[AuditEvent]:
        """Every event whose subject is one of these ids (batched)."""
        found: builtins.list[AuditEvent] = []
        for start in range(0, len(subject_ids), 500):
            chunk = subject_ids[start : start + 500]
            query = select(AuditEventRow).where(AuditEventRow.subject_id.in_(chunk))
            found.extend(_event_from_row(row) for row in self._session.scalars(query))
        return found

    def count(self) -> int:
        return int(self._session.scalar(select(func.count()).select_from(AuditEventRow)) or 0)
