"""The department's team store on PostgreSQL: members, the ordered change log, the current
state of shared drafts, publications, inbox state and publication claims.

Separate from the desk's own database (its own URL and its own SQLAlchemy metadata). The schema
is versioned by hand (``SCHEMA_VERSION`` in ``team_settings``) rather than by a second Alembic
tree: it has one version so far, it is created whole by ``kanal team init``, and a desk refuses
a store of another version instead of half-understanding it. The first change of the schema
should move it to its own Alembic script directory with its own version table.

The change log's ``seq`` is a ``bigserial`` assigned by the server; pushes take one advisory
lock, so sequence order is commit order and a desk pulling "everything after N" never skips a
change committed late. Nothing here holds a secret: accounts appear by public identity only.
"""

from __future__ import annotations

import builtins
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Computed,
    DateTime,
    Index,
    MetaData,
    String,
    Text,
    create_engine,
    func,
    select,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR, insert
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import NullPool

from desktop_app.store.base import NAMING_CONVENTION

SCHEMA_VERSION = 1
CONNECT_TIMEOUT_S = 3
# A search with at least this many matches walks the newest rows first (see search_history).
_DENSE_MATCHES = 1000
# Any constant: the one lock that orders pushes.
_PUSH_LOCK = 1_414_000_014


class TeamStoreUnavailable(Exception):
    """The team store cannot be reached now; work goes on locally and is pushed later."""


class TeamStoreMissing(Exception):
    """The team store has no (or another version of the) schema; ``kanal team init`` makes it."""


class TeamBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SettingRow(TeamBase):
    __tablename__ = "team_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class MemberRow(TeamBase):
    __tablename__ = "team_members"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    roles: Mapped[str] = mapped_column(String(200))  # comma-separated Role values
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ChangeRow(TeamBase):
    """The team's log and audit trail: every shared change, in the order the server took it."""

    __tablename__ = "team_changes"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(36), unique=True)
    desk: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(200), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # on the desk
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # SHA-256 over the previous change's hash and this change: editing or removing a change
    # behind Kanal's back breaks the chain (``TeamStore.verify``).
    chain: Mapped[str] = mapped_column(String(64), server_default="")


class TeamDraftRow(TeamBase):
    """A shared draft as the team sees it now (the log's latest word on it)."""

    __tablename__ = "team_drafts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), index=True)
    author: Mapped[str] = mapped_column(String(200))
    submitted_by: Mapped[str] = mapped_column(String(200), default="")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    approved_by: Mapped[str] = mapped_column(String(200), default="")
    rejected_by: Mapped[str] = mapped_column(String(200), default="")
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    published_by: Mapped[str] = mapped_column(String(200), default="")
    content_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)


class PublicationRow(TeamBase):
    """Sent history of the whole team: one row per post per account."""

    __tablename__ = "team_publications"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    draft_id: Mapped[str] = mapped_column(String(36), index=True)
    account_key: Mapped[str] = mapped_column(String(300))
    network: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    remote_url: Mapped[str] = mapped_column(String(2000), default="")
    drafted_by: Mapped[str] = mapped_column(String(200), default="")
    approved_by: Mapped[str] = mapped_column(String(200), default="")
    published_by: Mapped[str] = mapped_column(String(200), default="")
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # Stored, so a search never re-parses texts while walking the newest rows.
    search: Mapped[Any] = mapped_column(
        TSVECTOR, Computed("to_tsvector('simple', text)", persisted=True)
    )
    __table_args__ = (Index("ix_team_publications_search", "search", postgresql_using="gin"),)


class InboxStateRow(TeamBase):
    """Who read, answered, is answering, was assigned or hid an inbox item."""

    __tablename__ = "team_inbox_state"
    item_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    read_by: Mapped[str] = mapped_column(String(200), default="")
    answered_by: Mapped[str] = mapped_column(String(200), default="")
    answering_by: Mapped[str] = mapped_column(String(200), default="")
    assigned_to: Mapped[str] = mapped_column(String(200), default="")
    hidden_by: Mapped[str] = mapped_column(String(200), default="")


class ClaimRow(TeamBase):
    """Which desk sends a post to an account: one claim, so one post, across every desk."""

    __tablename__ = "team_claims"
    publication_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    account_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    desk: Mapped[str] = mapped_column(String(64))
    claimed_by: Mapped[str] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The primary key is the unique (publication, account) pair.


@dataclass(frozen=True)
class TeamChange:
    seq: int
    change_id: str
    desk: str
    actor: str
    kind: str
    entity_id: str
    payload: dict[str, Any]
    conflict: bool
    made_at: datetime


@dataclass(frozen=True)
class Pushed:
    change_id: str
    seq: int
    conflict: bool


@dataclass(frozen=True)
class QueuedDraft:
    """One entry of the review queue."""

    id: str
    title: str
    body: str
    author: str
    submitted_by: str
    submitted_at: datetime | None
    conflict: bool


@dataclass(frozen=True)
class OutgoingChange:
    change_id: str
    kind: str
    entity_id: str
    actor: str
    payload: Mapping[str, Any]
    made_at: datetime


class TeamStore:
    """One department's team store. Every failure to reach it is ``TeamStoreUnavailable``."""

    def __init__(
        self, url: str, connect_timeout_s: int = CONNECT_TIMEOUT_S, *, pooled: bool = True
    ) -> None:
        self.url = url
        options: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
        self.engine = create_engine(
            url,
            pool_pre_ping=pooled,
            connect_args={"connect_timeout": connect_timeout_s},
            **options,
        )

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except OperationalError as error:
            raise TeamStoreUnavailable(_reason(error)) from None

    # -- schema ------------------------------------------------------------------------------

    def create_schema(self, admin: str) -> bool:
        """Create the tables and the first administrator; ``False`` if the team existed."""
        try:
            TeamBase.metadata.create_all(self.engine)
        except OperationalError as error:
            raise TeamStoreUnavailable(_reason(error)) from None
        with self.session() as session:
            if session.get(SettingRow, "schema_version") is not None:
                return False
            session.add(SettingRow(key="schema_version", value=str(SCHEMA_VERSION)))
            session.add(SettingRow(key="approval_required", value="true"))
            session.add(MemberRow(name=admin, roles="admin,publisher", added_by=admin))
        return True

    def check_schema(self, session: Session) -> None:
        try:
            row = session.get(SettingRow, "schema_version")
        except OperationalError:
            raise
        except DBAPIError:
            raise TeamStoreMissing("the team store has no team yet; run: kanal team init") from None
        if row is None or row.value != str(SCHEMA_VERSION):
            raise TeamStoreMissing(
                "the team store was made by another version of Kanal; update Kanal on this desk"
            )

    # -- members and settings ----------------------------------------------------------------

    def members(self) -> dict[str, str]:
        with self.session() as session:
            self.check_schema(session)
            return {
                r.name: r.roles for r in session.scalars(select(MemberRow).order_by(MemberRow.name))
            }

    def put_member(self, name: str, roles: str, by: str) -> None:
        with self.session() as session:
            self.check_schema(session)
            row = session.get(MemberRow, name)
            if row is None:
                session.add(MemberRow(name=name, roles=roles, added_by=by))
            else:
                row.roles = roles

    def approval_required(self) -> bool:
        with self.session() as session:
            self.check_schema(session)
            row = session.get(SettingRow, "approval_required")
            return row is None or row.value == "true"

    # -- the change log ----------------------------------------------------------------------

    def push(self, desk: str, changes: Sequence[OutgoingChange]) -> builtins.list[Pushed]:
        """Add the changes in order; a change already there (same id) is not added twice."""
        results: builtins.list[Pushed] = []
        with self.session() as session:
            self.check_schema(session)
            session.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PUSH_LOCK})
            for change in changes:
                existing = session.scalar(
                    select(ChangeRow).where(ChangeRow.change_id == change.change_id)
                )
                if existing is not None:
                    results.append(Pushed(change.change_id, existing.seq, existing.conflict))
                    continue
                row = ChangeRow(
                    change_id=change.change_id,
                    desk=desk,
                    actor=change.actor,
                    kind=change.kind,
                    entity_id=change.entity_id,
                    payload=dict(change.payload),
                    conflict=False,
                    made_at=change.made_at,
                )
                session.add(row)
                session.flush()
                row.conflict = _apply(session, row)
                previous = session.scalar(
                    select(ChangeRow.chain)
                    .where(ChangeRow.seq < row.seq)
                    .order_by(ChangeRow.seq.desc())
                    .limit(1)
                )
                row.chain = chain_hash(previous or "", row)
                results.append(Pushed(change.change_id, row.seq, row.conflict))
        return results

    def changes_since(self, seq: int, limit: int = 1000) -> builtins.list[TeamChange]:
        with self.session() as session:
            self.check_schema(session)
            rows = session.scalars(
                select(ChangeRow).where(ChangeRow.seq > seq).order_by(ChangeRow.seq).limit(limit)
            )
            return [_change(row) for row in rows]

    def verify(self, batch: int = 5000) -> tuple[int, int | None]:
        """Recompute the change log's chain: (changes checked, first broken sequence or None)."""
        checked, previous, last = 0, "", 0
        while True:
            with self.session() as session:
                self.check_schema(session)
                rows = builtins.list(
                    session.scalars(
                        select(ChangeRow)
                        .where(ChangeRow.seq > last)
                        .order_by(ChangeRow.seq)
                        .limit(batch)
                    )
                )
            if not rows:
                return checked, None
            for row in rows:
                if row.chain != chain_hash(previous, row):
                    return checked, row.seq
                previous, last = row.chain, row.seq
                checked += 1

    def review_queue(self) -> builtins.list[QueuedDraft]:
        """Drafts waiting for a publisher, oldest submission first."""
        with self.session() as session:
            self.check_schema(session)
            rows = session.scalars(
                select(TeamDraftRow)
                .where(TeamDraftRow.state == "in_review")
                .order_by(TeamDraftRow.submitted_at, TeamDraftRow.id)
            )
            return [
                QueuedDraft(
                    r.id, r.title, r.body, r.author, r.submitted_by, r.submitted_at, r.conflict
                )
                for r in rows
            ]

    def inbox_state(self, item_keys: Sequence[str]) -> dict[str, dict[str, str]]:
        """Who read, is answering, answered, was assigned or hid each item (known ones only)."""
        with self.session() as session:
            self.check_schema(session)
            rows = session.scalars(
                select(InboxStateRow).where(InboxStateRow.item_key.in_(list(item_keys)))
            )
            return {
                r.item_key: {
                    "read_by": r.read_by,
                    "answered_by": r.answered_by,
                    "answering_by": r.answering_by,
                    "assigned_to": r.assigned_to,
                    "hidden_by": r.hidden_by,
                }
                for r in rows
            }

    # -- claims ------------------------------------------------------------------------------

    def claim(self, publication_key: str, account_key: str, desk: str, actor: str) -> bool:
        """``True`` if this desk holds (now or already) the right to send this post there."""
        with self.session() as session:
            self.check_schema(session)
            session.execute(
                insert(ClaimRow)
                .values(
                    publication_key=publication_key,
                    account_key=account_key,
                    desk=desk,
                    claimed_by=actor,
                )
                .on_conflict_do_nothing()
            )
            owner = session.scalar(
                select(ClaimRow.desk).where(
                    ClaimRow.publication_key == publication_key,
                    ClaimRow.account_key == account_key,
                )
            )
            return owner == desk

    # -- history -----------------------------------------------------------------------------

    def search_history(self, words: str, limit: int = 50) -> builtins.list[dict[str, Any]]:
        """Newest publications whose text has every word.

        Two plans, chosen by a capped count: a frequent word walks the time index newest first
        and stops at ``limit`` matches; a rare one (the planner cannot tell) reads its few
        matches from the GIN index and sorts them, instead of walking years of rows.
        """
        columns = (
            "key, draft_id, network, text, drafted_by, approved_by, published_by, published_at"
        )
        matches = "search @@ plainto_tsquery('simple', :words)"
        probe = sql_text(
            f"SELECT count(*) FROM (SELECT 1 FROM team_publications WHERE {matches}"
            " LIMIT :cap) AS m"
        )
        dense = sql_text(
            f"SELECT {columns} FROM team_publications WHERE {matches}"
            " ORDER BY published_at DESC LIMIT :limit"
        )
        sparse = sql_text(
            f"SELECT {columns} FROM (SELECT {columns} FROM team_publications WHERE {matches}"
            " OFFSET 0) AS m ORDER BY published_at DESC LIMIT :limit"
        )
        params = {"words": words, "limit": limit, "cap": _DENSE_MATCHES}
        with self.session() as session:
            count = int(session.scalar(probe, params) or 0)
            query = dense if count >= _DENSE_MATCHES else sparse
            return [dict(r._mapping) for r in session.execute(query, params)]

    def history(self, limit: int = 100) -> builtins.list[dict[str, Any]]:
        """The team's sent history, newest first, naming drafter, approver and publisher."""
        with self.session() as session:
            self.check_schema(session)
            rows = session.scalars(
                select(PublicationRow).order_by(PublicationRow.published_at.desc()).limit(limit)
            )
            return [
                {
                    "draft_id": r.draft_id,
                    "account": r.account_key,
                    "network": r.network,
                    "text": r.text,
                    "url": r.remote_url,
                    "drafted_by": r.drafted_by,
                    "approved_by": r.approved_by,
                    "published_by": r.published_by,
                    "published_at": r.published_at,
                }
                for r in rows
            ]

    def size_bytes(self) -> int:
        names = [t.name for t in TeamBase.metadata.sorted_tables]
        with self.session() as session:
            return int(
                sum(
                    session.scalar(sql_text("SELECT pg_total_relation_size(:t)"), {"t": name}) or 0
                    for name in names
                )
            )


def _apply(session: Session, row: ChangeRow) -> bool:
    """Keep the current-state tables in step with the log; ``True`` marks a conflict."""
    if row.kind.startswith("draft."):
        return _apply_draft(session, row, _draft_row(session, row))
    if row.kind == "inbox.state":
        _apply_inbox(session, row)
    return False


def _draft_row(session: Session, row: ChangeRow) -> TeamDraftRow:
    draft = session.get(TeamDraftRow, row.entity_id, with_for_update=True)
    if draft is None:
        draft = TeamDraftRow(
            id=row.entity_id,
            title="",
            body="",
            state="draft",
            author=str(row.payload.get("author", row.actor)),
            submitted_by="",
            approved_by="",
            rejected_by="",
            reject_reason="",
            published_by="",
            content_seq=0,
            conflict=False,
        )
        session.add(draft)
    return draft


def _apply_draft(session: Session, row: ChangeRow, draft: TeamDraftRow) -> bool:
    payload = row.payload
    if row.kind == "draft.saved":
        return _apply_text(row, draft)
    if row.kind == "draft.submitted":
        draft.state = "in_review"
        draft.submitted_by = row.actor
        draft.submitted_at = row.made_at
    elif row.kind == "draft.approved":
        draft.state = "approved"
        draft.approved_by = row.actor
    elif row.kind == "draft.rejected":
        draft.state = "rejected"
        draft.rejected_by = row.actor
        draft.reject_reason = str(payload.get("reason", ""))
    elif row.kind == "draft.published":
        draft.state = "published"
        draft.published_by = row.actor
        for post in payload.get("posts", []):
            session.execute(
                insert(PublicationRow)
                .values(
                    key=f"{row.entity_id}:{post['account_key']}",
                    draft_id=row.entity_id,
                    account_key=post["account_key"],
                    network=post["network"],
                    text=post["text"],
                    remote_url=post.get("remote_url", ""),
                    drafted_by=draft.author,
                    approved_by=draft.approved_by,
                    published_by=row.actor,
                    published_at=row.made_at,
                )
                .on_conflict_do_nothing()
            )
    return False


def _apply_text(row: ChangeRow, draft: TeamDraftRow) -> bool:
    payload = row.payload
    if draft.content_seq and int(payload.get("base_seq", 0)) < draft.content_seq:
        # Written apart from the text the team has: both stay in the log, the team's current
        # text is not overwritten, and a person chooses.
        draft.conflict = True
        return True
    changed = (draft.title, draft.body) != (payload.get("title"), payload.get("body"))
    if changed and draft.state == "approved":
        draft.state = "draft"  # the approval was for the earlier text
        draft.approved_by = ""
    draft.title = str(payload.get("title", ""))
    draft.body = str(payload.get("body", ""))
    draft.content_seq = row.seq
    if payload.get("resolves_conflict"):
        draft.conflict = False
    return False


def _apply_inbox(session: Session, row: ChangeRow) -> None:
    state = session.get(InboxStateRow, row.entity_id)
    if state is None:
        state = InboxStateRow(
            item_key=row.entity_id,
            read_by="",
            answered_by="",
            answering_by="",
            assigned_to="",
            hidden_by="",
        )
        session.add(state)
    for field in ("read_by", "answered_by", "answering_by", "assigned_to", "hidden_by"):
        if field in row.payload:
            setattr(state, field, str(row.payload[field]))


def chain_hash(previous: str, row: ChangeRow) -> str:
    """SHA-256 of the previous hash and the change in a canonical JSON form."""
    canonical = json.dumps(
        {
            "seq": row.seq,
            "change_id": row.change_id,
            "desk": row.desk,
            "actor": row.actor,
            "kind": row.kind,
            "entity_id": row.entity_id,
            "payload": row.payload,
            "conflict": bool(row.conflict),
            "made_at": row.made_at.astimezone(UTC).isoformat(),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(f"{previous}\n{canonical}".encode()).hexdigest()


def _change(row: ChangeRow) -> TeamChange:
    return TeamChange(
        row.seq,
        row.change_id,
        row.desk,
        row.actor,
        row.kind,
        row.entity_id,
        dict(row.payload),
        row.conflict,
        row.made_at,
    )


def _reason(error: DBAPIError) -> str:
    first = str(error.orig or error).strip().splitlines()
    return f"the team store cannot be reached ({first[0] if first else 'no answer'})"
