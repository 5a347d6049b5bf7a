"""Inbox items, sync cursors and full-text search.

Design (why it is fast at a million items):

* ``inbox_items.seq`` is an ``INTEGER PRIMARY KEY`` - on SQLite the table's rowid - that encodes
  the time the citizen wrote (``created_at`` in milliseconds, shifted left by 12 bits, plus a
  tie-breaker; see ``time_key``). "Newest" in the inbox therefore means newest by the platform's
  time across every account, and the list is still ``ORDER BY seq DESC`` straight off the
  primary key, paging ``seq < last_seen``: the order people expect at first-seen order's speed.
* ``inbox_fts`` is an external-content FTS5 table over ``author_name``, ``author_handle`` and
  ``text`` whose rowid *is* ``seq`` (kept by triggers, created in the migration). FTS5 returns a
  match in rowid order natively, so "the newest 50 matches" is ``ORDER BY inbox_fts.rowid DESC
  LIMIT 50`` with the FTS table driving the join: it stops after 50 hits instead of collecting
  every match and sorting by a time column (measured ~1 ms vs ~200 ms at 1M items, see
  bench/inbox.py). Words match by prefix, so instant search works while typing.
* The tokenizer keeps å, ä and ö as letters of their own (``remove_diacritics 0``): in Swedish
  "år" (year) and "ar" are different words.
* On PostgreSQL there is no FTS5; search uses a ``to_tsvector('simple', ...)`` expression
  (indexed with GIN by the migration) with prefix terms, ordered by ``seq`` the same way.

One repository instance lives inside one unit of work; it never commits.
"""

from __future__ import annotations

import builtins
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
    update,
)
from sqlalchemy import (
    cast as cast_,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.domain.inbox import (
    UNANSWERED_STATES,
    InboxFilter,
    InboxItem,
    InboxKind,
    InboxState,
    IncomingItem,
    PageResult,
    RemoteState,
    ResponseStats,
    RootPost,
    state_after_remote_change,
)
from desktop_app.domain.networks import Network
from desktop_app.domain.personal_data import PersonalDataKind, personal_data_flags
from desktop_app.domain.search_text import search_document, searchable
from desktop_app.store.base import Base
from desktop_app.store.publications import PublicationRow
from desktop_app.store.records_inbox import record_inbox_page
from desktop_app.store.sanitize import safe_item_html
from desktop_app.store.types import UTCDateTime

if TYPE_CHECKING:
    from desktop_app.store.unit_of_work import UnitOfWork

DEFAULT_STREAM = "inbox"
FTS_TABLE = "inbox_fts"

# SQLite's INTEGER PRIMARY KEY is the rowid only when spelled exactly INTEGER; PostgreSQL gets a
# BIGINT identity so a department's shared store never runs out.
SeqType = BigInteger().with_variant(Integer(), "sqlite")


# Low bits of seq left for items written in the same millisecond (4,096 of them).
TIME_KEY_BITS = 12


def time_key(created_at: datetime) -> int:
    """The first seq an item written at ``created_at`` may take (before ties are broken)."""
    return int(created_at.timestamp() * 1000) << TIME_KEY_BITS


class InboxItemRow(Base):
    __tablename__ = "inbox_items"
    __table_args__ = (
        UniqueConstraint("account_id", "remote_id", name="uq_inbox_items_account_remote"),
        Index("ix_inbox_items_id", "id", unique=True),
        Index("ix_inbox_items_state_seq", "state", "seq"),
        Index("ix_inbox_items_state_account_created", "state", "account_id", "created_at"),
        Index("ix_inbox_items_thread", "account_id", "root_post_remote_id", "created_at"),
        Index("ix_inbox_items_assigned_seq", "assigned_to", "seq"),
    )

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36))
    account_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("accounts.id", ondelete="CASCADE")
    )
    network: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    remote_id: Mapped[str] = mapped_column(String(300))
    parent_remote_id: Mapped[str | None] = mapped_column(String(300))
    root_post_remote_id: Mapped[str | None] = mapped_column(String(300))
    author_name: Mapped[str] = mapped_column(String(300))
    author_handle: Mapped[str] = mapped_column(String(300))
    author_avatar_url: Mapped[str] = mapped_column(String(2000))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    remote_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    remote_state: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    assigned_to: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by: Mapped[str | None] = mapped_column(String(200))
    reply_remote_id: Mapped[str | None] = mapped_column(String(300))
    flags: Mapped[str] = mapped_column(String(100), server_default="")
    # What search covers: author and text with format characters removed (domain/search_text.py).
    search_text: Mapped[str] = mapped_column(Text, server_default="")


class InboxCursorRow(Base):
    """Where each account's sync resumes, per stream (one connector may page several streams)."""

    __tablename__ = "inbox_sync_cursors"

    account_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    stream: Mapped[str] = mapped_column(String(50), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


ITEMS = cast(Table, InboxItemRow.__table__)
CURSORS = cast(Table, InboxCursorRow.__table__)
_FTS = table(FTS_TABLE, column("rowid"))
# A literal, not a bound parameter: the expression must equal the GIN index's on PostgreSQL.

# Columns needed to build an InboxItem, in a fixed order.
_ITEM_COLUMNS = [ITEMS.c[name] for name in (
    "seq", "id", "account_id", "network", "kind", "remote_id", "parent_remote_id",
    "root_post_remote_id", "author_name", "author_handle", "author_avatar_url", "text", "html",
    "url", "created_at", "remote_updated_at", "first_seen_at", "remote_state", "state",
    "assigned_to", "answered_at", "answered_by", "flags",
)]  # fmt: skip


# What an upsert compares against.
_UPSERT_COLUMNS = [ITEMS.c[name] for name in (
    "seq", "id", "remote_id", "text", "html", "author_name", "author_handle",
    "author_avatar_url", "parent_remote_id", "root_post_remote_id", "url", "remote_updated_at",
    "remote_state", "state",
)]  # fmt: skip


class UnknownInboxItem(LookupError):
    pass


def _flags_to_text(flags: Iterable[PersonalDataKind]) -> str:
    return ",".join(sorted(f.value for f in flags))


def _flags_from_text(value: str) -> frozenset[PersonalDataKind]:
    return frozenset(PersonalDataKind(v) for v in value.split(",") if v)


def _item_from_row(row: Any) -> InboxItem:
    return InboxItem(
        seq=row.seq,
        id=row.id,
        account_id=row.account_id,
        network=Network(row.network),
        kind=InboxKind(row.kind),
        remote_id=row.remote_id,
        parent_remote_id=row.parent_remote_id,
        root_post_remote_id=row.root_post_remote_id,
        author_name=row.author_name,
        author_handle=row.author_handle,
        author_avatar_url=row.author_avatar_url,
        text=row.text,
        html=row.html,
        url=row.url,
        created_at=row.created_at,
        remote_updated_at=row.remote_updated_at,
        first_seen_at=row.first_seen_at,
        remote_state=RemoteState(row.remote_state),
        state=InboxState(row.state),
        assigned_to=row.assigned_to,
        answered_at=row.answered_at,
        answered_by=row.answered_by,
        flags=_flags_from_text(row.flags),
    )


_TOKEN = re.compile(r"\w+", re.UNICODE)


def search_terms(query: str) -> list[str]:
    """The words of a search box's text, case-folded; punctuation only separates words.

    Normalised like the indexed column, so a pasted zero-width space does not split a word.
    """
    return [t.casefold() for t in _TOKEN.findall(searchable(query))][:16]


def fts5_query(query: str) -> str | None:
    """An FTS5 MATCH expression: every word must occur, each as a prefix (instant search).

    Words are quoted, so FTS5 syntax typed by a user ("AND", "NEAR", quotes, '*') is just text.
    """
    terms = search_terms(query)
    if not terms:
        return None
    # One letter alone is matched as a whole word: as a prefix it would match most of the store.
    return " ".join(f'"{t}"*' if len(t) > 1 else f'"{t}"' for t in terms)


def tsquery_text(query: str) -> str | None:
    """The PostgreSQL to_tsquery equivalent of ``fts5_query``."""
    terms = search_terms(query)
    if not terms:
        return None
    return " & ".join(f"{t}:*" for t in terms)


@dataclass(frozen=True)
class InboxPageQuery:
    """A page of ids in inbox order (newest first seen first)."""

    inbox_filter: InboxFilter
    before_seq: int | None = None  # continue after the last row already shown
    after_seq: int | None = None  # only items newer than this (new arrivals)
    limit: int = 200


class InboxRepository:
    """Inbox items, their sync cursors, states, search and response-time figures."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._session = uow.session
        self._is_sqlite = self._session.get_bind().dialect.name == "sqlite"

    # -- sync ---------------------------------------------------------------------------------

    def cursor(self, account_id: str, stream: str = DEFAULT_STREAM) -> str | None:
        return self._session.execute(
            select(CURSORS.c.cursor).where(
                CURSORS.c.account_id == account_id, CURSORS.c.stream == stream
            )
        ).scalar_one_or_none()

    def set_cursor(self, account_id: str, cursor: str | None, stream: str = DEFAULT_STREAM) -> None:
        now = self._uow.clock()
        result = self._session.execute(
            update(CURSORS)
            .where(CURSORS.c.account_id == account_id, CURSORS.c.stream == stream)
            .values(cursor=cursor, updated_at=now)
        )
        changed = cast(CursorResult[Any], result).rowcount
        if not changed:
            self._session.execute(
                CURSORS.insert().values(
                    account_id=account_id, stream=stream, cursor=cursor, updated_at=now
                )
            )

    def store_page(
        self,
        account_id: str,
        network: Network,
        items: Sequence[IncomingItem],
        *,
        cursor: str | None,
        stream: str = DEFAULT_STREAM,
        advance_cursor: bool = True,
    ) -> PageResult:
        """Upsert one fetched page by (account, remote id) and move the cursor, together.

        Called inside one unit of work per page: a crash before the commit leaves both the
        items and the cursor as they were, so the next sync fetches the page again and the
        upsert makes the repeat harmless.
        """
        latest: dict[str, IncomingItem] = {}
        for item in items:  # a page may repeat an item (edited while paging); the last wins
            latest[item.remote_id] = item
        existing = self._existing(account_id, list(latest))

        now = self._uow.clock()
        inserts: list[dict[str, Any]] = []
        updated_ids: list[str] = []
        unchanged = 0
        # Oldest first, so that ties within one millisecond keep the platform's order.
        for item in sorted(latest.values(), key=lambda i: (i.created_at, i.remote_id)):
            html = safe_item_html(item.html, item.text)
            old = existing.get(item.remote_id)
            if old is None:
                inserts.append(_new_item_row(account_id, network, item, html, now))
                continue
            changes = _changes_to(old, item, html)
            if changes:
                self._session.execute(update(ITEMS).where(ITEMS.c.seq == old.seq).values(changes))
                updated_ids.append(old.id)
            else:
                unchanged += 1
        new_ids = [row["id"] for row in inserts]
        if inserts:
            self._assign_time_keys(inserts)
            self._session.execute(ITEMS.insert(), inserts)
        if advance_cursor:
            self.set_cursor(account_id, cursor, stream)
        # Each item's content hash (as received, and after a change) into the audit chain.
        record_inbox_page(self._uow, account_id, new_ids, updated_ids)
        return PageResult(tuple(new_ids), tuple(updated_ids), unchanged)

    def _assign_time_keys(self, inserts: list[dict[str, Any]]) -> None:
        """Give each new row the free seq nearest above its time key (ties move up by one)."""
        buckets = sorted({time_key(row["created_at"]) for row in inserts})
        taken: set[int] = set()
        for start in range(0, len(buckets), 200):
            ranges = [
                ITEMS.c.seq.between(bucket, bucket + (1 << TIME_KEY_BITS) - 1)
                for bucket in buckets[start : start + 200]
            ]
            taken.update(self._session.execute(select(ITEMS.c.seq).where(or_(*ranges))).scalars())
        for row in inserts:
            seq = time_key(row["created_at"])
            while seq in taken:
                seq += 1
            taken.add(seq)
            row["seq"] = seq

    def _existing(self, account_id: str, remote_ids: list[str]) -> dict[str, Any]:
        """The stored columns the upsert compares, by remote id, read in chunks of 500."""
        existing: dict[str, Any] = {}
        for chunk_start in range(0, len(remote_ids), 500):
            chunk = remote_ids[chunk_start : chunk_start + 500]
            rows = self._session.execute(
                select(*_UPSERT_COLUMNS).where(
                    ITEMS.c.account_id == account_id, ITEMS.c.remote_id.in_(chunk)
                )
            ).all()
            existing.update({row.remote_id: row for row in rows})
        return existing

    # -- reading ------------------------------------------------------------------------------

    def get(self, item_id: str) -> InboxItem | None:
        row = self._session.execute(select(*_ITEM_COLUMNS).where(ITEMS.c.id == item_id)).first()
        return _item_from_row(row) if row is not None else None

    def require(self, item_id: str) -> InboxItem:
        item = self.get(item_id)
        if item is None:
            raise UnknownInboxItem(f"no inbox item {item_id}")
        return item

    def find_remote(self, account_id: str, remote_id: str) -> InboxItem | None:
        row = self._session.execute(
            select(*_ITEM_COLUMNS).where(
                ITEMS.c.account_id == account_id, ITEMS.c.remote_id == remote_id
            )
        ).first()
        return _item_from_row(row) if row is not None else None

    def get_many(self, seqs: Sequence[int]) -> dict[int, InboxItem]:
        """Items by seq (the list model's ids); missing ones are left out."""
        found: dict[int, InboxItem] = {}
        for start in range(0, len(seqs), 500):
            chunk = list(seqs[start : start + 500])
            for row in self._session.execute(select(*_ITEM_COLUMNS).where(ITEMS.c.seq.in_(chunk))):
                found[row.seq] = _item_from_row(row)
        return found

    def page_seqs(self, query: InboxPageQuery, now: datetime) -> builtins.list[int]:
        """Seqs of the next page in inbox order (the list model fetches rows for these lazily)."""
        statement = self._select_seqs(query, now)
        return [int(seq) for seq in self._session.execute(statement).scalars()]

    def list(
        self, inbox_filter: InboxFilter, now: datetime, limit: int = 50
    ) -> builtins.list[InboxItem]:
        """The newest ``limit`` items matching the filter (and its search text), newest first."""
        seqs = self.page_seqs(InboxPageQuery(inbox_filter, limit=limit), now)
        items = self.get_many(seqs)
        return [items[s] for s in seqs if s in items]

    def search(
        self, query: str, now: datetime, limit: int = 50, inbox_filter: InboxFilter | None = None
    ) -> builtins.list[InboxItem]:
        """The newest ``limit`` (first seen) items whose author or text match ``query``."""
        base = inbox_filter or InboxFilter()
        return self.list(base.with_search(query), now, limit)

    def thread(self, item: InboxItem, limit: int = 200) -> builtins.list[InboxItem]:
        """The conversation an item belongs to: same account and root post, oldest first."""
        if item.root_post_remote_id is None:
            condition = ITEMS.c.seq == item.seq
            if item.parent_remote_id is not None:
                condition = (ITEMS.c.seq == item.seq) | (
                    (ITEMS.c.account_id == item.account_id)
                    & (ITEMS.c.remote_id == item.parent_remote_id)
                )
        else:
            condition = and_(
                ITEMS.c.account_id == item.account_id,
                ITEMS.c.root_post_remote_id == item.root_post_remote_id,
            )
        rows = self._session.execute(
            select(*_ITEM_COLUMNS)
            .where(condition)
            .order_by(ITEMS.c.created_at, ITEMS.c.seq)
            .limit(limit)
        )
        return [_item_from_row(r) for r in rows]

    def root_post(self, item: InboxItem) -> RootPost | None:
        """The post the item's conversation hangs under, if Kanal published it (sent history)."""
        root = item.root_post_remote_id
        if not root:
            return None
        # The sent history belongs to publishing; the inbox only reads it.
        table = cast(Table, PublicationRow.__table__)
        needle = json.dumps(root)  # as the id appears inside the JSON list
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._session.execute(
            select(
                table.c.remote_ids,
                table.c.title,
                table.c.parts,
                table.c.remote_url,
                table.c.author,
                table.c.sent_at,
            )
            .where(
                table.c.account_id == item.account_id,
                cast_(table.c.remote_ids, Text).like(pattern, escape="\\"),
            )
            .limit(5)
        ).all()
        for row in rows:
            if root in (row.remote_ids or []):
                return RootPost(
                    remote_id=root,
                    title=row.title or "",
                    text="\n\n".join(row.parts or []),
                    url=row.remote_url or "",
                    author=row.author or "",
                    sent_at=row.sent_at,
                )
        return None

    def count_new(self) -> int:
        """Unread items (the tray icon's number)."""
        return int(
            self._session.execute(
                select(func.count()).where(ITEMS.c.state == InboxState.NEW.value)
            ).scalar_one()
        )

    def response_stats(self) -> builtins.list[ResponseStats]:
        """Per account: how many items wait for an answer and since when the oldest has."""
        rows = self._session.execute(
            select(ITEMS.c.account_id, func.count(), func.min(ITEMS.c.created_at))
            .where(ITEMS.c.state.in_([s.value for s in UNANSWERED_STATES]))
            .group_by(ITEMS.c.account_id)
        ).all()
        stats = []
        for account_id, count, oldest in rows:
            # min() keeps the column's type, so the value arrives as an aware UTC datetime.
            stats.append(ResponseStats(account_id, int(count), oldest))
        return stats

    # -- changes by people ----------------------------------------------------------------------

    def set_state(self, item_id: str, state: InboxState) -> None:
        self._update(item_id, state=state.value)

    def assign(self, item_id: str, person: str | None) -> None:
        self._update(item_id, assigned_to=person)

    def record_answer(
        self, item_id: str, who: str, at: datetime, reply_remote_id: str | None
    ) -> None:
        """Answering from Kanal records who answered and when (the response-time figures)."""
        self._update(
            item_id,
            state=InboxState.ANSWERED.value,
            answered_by=who,
            answered_at=at,
            reply_remote_id=reply_remote_id,
        )

    def record_moderation(
        self, item_id: str, state: InboxState, remote_state: RemoteState | None
    ) -> None:
        values: dict[str, Any] = {"state": state.value}
        if remote_state is not None:
            values["remote_state"] = remote_state.value
        self._update(item_id, **values)

    def _update(self, item_id: str, **values: Any) -> None:
        result = self._session.execute(update(ITEMS).where(ITEMS.c.id == item_id).values(**values))
        changed = cast(CursorResult[Any], result).rowcount
        if not changed:
            raise UnknownInboxItem(f"no inbox item {item_id}")

    # -- query building -------------------------------------------------------------------------

    def _select_seqs(self, query: InboxPageQuery, now: datetime) -> Select[Any]:
        f = query.inbox_filter
        conditions: list[ColumnElement[bool]] = []
        states = f.effective_states()
        if set(states) != set(InboxState):
            state_column: ColumnElement[str] = ITEMS.c.state
            if self._is_sqlite and len(states) > 1:
                # ``+state``: not through ix_inbox_items_state_seq, which cannot give several
                # states in seq order (SQLite then sorts every match: 129 ms at 1M items);
                # walking the primary key newest first and filtering stops after one page.
                state_column = literal_column(f"+{ITEMS.name}.state", String())
            conditions.append(state_column.in_(sorted(s.value for s in states)))
        if f.account_ids:
            conditions.append(ITEMS.c.account_id.in_(sorted(f.account_ids)))
        if f.networks:
            conditions.append(ITEMS.c.network.in_(sorted(n.value for n in f.networks)))
        if f.kinds:
            conditions.append(ITEMS.c.kind.in_(sorted(k.value for k in f.kinds)))
        if f.assigned_to is not None:
            conditions.append(ITEMS.c.assigned_to == f.assigned_to)
        if f.flagged_only:
            conditions.append(ITEMS.c.flags != "")
        if f.created_from is not None:
            conditions.append(ITEMS.c.created_at >= f.created_from)
        before = f.created_before(now)
        if before is not None:
            conditions.append(ITEMS.c.created_at < before)

        fts = fts5_query(f.search) if self._is_sqlite else None
        if fts is not None:
            # The FTS table drives: it yields matches in descending rowid (= seq) order and the
            # LIMIT stops it early; the item row is looked up by primary key per match.
            order_key: ColumnElement[Any] = _FTS.c.rowid
            statement = (
                select(ITEMS.c.seq)
                .select_from(_FTS.join(ITEMS, ITEMS.c.seq == _FTS.c.rowid))
                .where(literal_column(FTS_TABLE).op("MATCH")(fts))
            )
        else:
            order_key = ITEMS.c.seq
            statement = select(ITEMS.c.seq)
            tsquery = tsquery_text(f.search) if not self._is_sqlite else None
            if tsquery is not None:
                document = func.to_tsvector(
                    literal_column("'simple'::regconfig"), ITEMS.c.search_text
                )
                statement = statement.where(
                    document.op("@@")(
                        func.to_tsquery(literal_column("'simple'::regconfig"), tsquery)
                    )
                )
            elif f.search.strip() and not search_terms(f.search):
                return select(ITEMS.c.seq).where(text("1 = 0"))
        if query.before_seq is not None:
            conditions.append(order_key < query.before_seq)
        if query.after_seq is not None:
            conditions.append(order_key > query.after_seq)
        return statement.where(*conditions).order_by(order_key.desc()).limit(query.limit)


def _new_item_row(
    account_id: str, network: Network, item: IncomingItem, html: str | None, now: datetime
) -> dict[str, Any]:
    """The row of an item seen for the first time."""
    state = state_after_remote_change(InboxState.NEW, None, item.remote_state)
    if item.remote_state is RemoteState.VISIBLE:
        state = InboxState.NEW
    return {
        "id": str(uuid.uuid4()),
        "account_id": account_id,
        "network": network.value,
        "kind": item.kind.value,
        "remote_id": item.remote_id,
        "parent_remote_id": item.parent_remote_id,
        "root_post_remote_id": item.root_post_remote_id,
        "author_name": item.author_name,
        "author_handle": item.author_handle,
        "author_avatar_url": item.author_avatar_url,
        "text": item.text,
        "html": html,
        "url": item.url,
        "created_at": item.created_at,
        "remote_updated_at": item.remote_updated_at,
        "first_seen_at": now,
        "remote_state": item.remote_state.value,
        "state": state.value,
        "assigned_to": None,
        "answered_at": None,
        "answered_by": None,
        "reply_remote_id": None,
        "flags": _flags_to_text(personal_data_flags(item.text)),
        "search_text": search_document(item.author_name, item.author_handle, item.text),
    }


def _changes_to(old: Any, item: IncomingItem, html: str | None) -> dict[str, Any]:
    """The columns a fetched item changes on its stored row (empty: nothing changed)."""
    changes: dict[str, Any] = {}
    old_remote = RemoteState(old.remote_state)
    if item.remote_state is RemoteState.DELETED:
        # A deleted item is kept as it was last seen: platforms report deletions with the
        # content blanked, and the record is what the authority must keep.
        if old_remote is not RemoteState.DELETED:
            changes["remote_state"] = item.remote_state.value
            changes["state"] = InboxState.DELETED.value
        return changes
    if item.text != old.text:
        changes["text"] = item.text
        changes["flags"] = _flags_to_text(personal_data_flags(item.text))
    if html != old.html:
        changes["html"] = html
    for name in (
        "author_name", "author_handle", "author_avatar_url", "parent_remote_id",
        "root_post_remote_id", "url", "remote_updated_at",
    ):  # fmt: skip
        value = getattr(item, name)
        if value != getattr(old, name) and not (name == "url" and not value):
            changes[name] = value
    if {"text", "author_name", "author_handle"} & changes.keys():
        changes["search_text"] = search_document(
            changes.get("author_name", old.author_name),
            changes.get("author_handle", old.author_handle),
            changes.get("text", old.text),
        )
    if item.remote_state is not old_remote:
        changes["remote_state"] = item.remote_state.value
        new_state = state_after_remote_change(InboxState(old.state), old_remote, item.remote_state)
        if new_state.value != old.state:
            changes["state"] = new_state.value
    return changes
