"""Shared by the store tests (SQLite in tests/store, PostgreSQL in tests/store/test_postgres.py)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image
from sqlalchemy import Connection, text

from desktop_app.domain.accounts import Account
from desktop_app.store.database import Store

START = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    """A clock the test moves by hand, so revision windows are checked without sleeping."""

    now: datetime = field(default=START)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def make_store(data_dir: Path, clock: FakeClock | None = None) -> Store:
    data_dir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{(data_dir / 'kanal.sqlite3').as_posix()}"
    store = Store(url, data_dir) if clock is None else Store(url, data_dir, clock=clock)
    store.migrate()
    return store


def image_bytes(colour: tuple[int, int, int] = (200, 30, 30), image_format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(buffer, format=image_format)
    return buffer.getvalue()


def write_png(path: Path, colour: tuple[int, int, int] = (200, 30, 30)) -> Path:
    path.write_bytes(image_bytes(colour))
    return path


def add_account(store: Store, network: str = "mastodon", handle: str = "@kommun") -> Account:
    with store.unit_of_work() as uow:
        return uow.accounts.add(
            network=network,
            display_name=f"Kommunen på {network}",
            handle=handle,
            base_url=f"https://{network}.example",
            remote_id=f"{network}-{handle}",
        )


# -- data written with raw SQL in the shape of each earlier schema revision ----------------------

# Each filler inserts rows the way that revision's code would have, and returns what must be
# readable at head. Adding revision 0003 means adding a filler for 0002 here: the migration test
# fails until every earlier revision has one.

ACCOUNT_ID = "0b6c3bd4-4a53-4d4c-9a43-0c7a1e0d0001"
DRAFT_ID = "0b6c3bd4-4a53-4d4c-9a43-0c7a1e0d0002"
TRASHED_ID = "0b6c3bd4-4a53-4d4c-9a43-0c7a1e0d0003"
ATTACHMENT_ID = "0b6c3bd4-4a53-4d4c-9a43-0c7a1e0d0004"
REVISION_ID = "0b6c3bd4-4a53-4d4c-9a43-0c7a1e0d0005"


@dataclass(frozen=True)
class Expected:
    draft_id: str
    title: str
    body: str
    variants: dict[str, str]
    targets: tuple[str, ...]
    attachment_ids: tuple[str, ...]
    author: str
    search_word: str  # a word of the body in other case, that search must find
    revisions_at_least: int
    # Checks of other tables' rows, run on the upgraded database.
    extra_checks: tuple[Callable[[Connection], None], ...] = ()


def _ts(moment: datetime, dialect: str) -> object:
    # SQLite stores naive UTC text; PostgreSQL takes the aware value.
    return moment.replace(tzinfo=None) if dialect == "sqlite" else moment


def fill_0001(connection: Connection) -> Expected:
    dialect = connection.dialect.name
    created = START - timedelta(days=3)
    connection.execute(
        text(
            "INSERT INTO accounts (id, network, display_name, handle, base_url, remote_id, "
            "status, rate_limited_until, avatar_url, created_at) VALUES (:id, 'mastodon', "
            "'Kommunen', '@kommun', 'https://mastodon.example', '42', 'working', NULL, '', :at)"
        ),
        {"id": ACCOUNT_ID, "at": _ts(created, dialect)},
    )
    body = "Vägarbete på Storgatan: ÅTGÄRDEN pågår till fredag. 100% klart då."
    for draft_id, state, body_text in (
        (DRAFT_ID, "draft", body),
        (TRASHED_ID, "trashed", "Gammal text"),
    ):
        connection.execute(
            text(
                "INSERT INTO drafts (id, title, body, variants, state, created_at, updated_at) "
                "VALUES (:id, :title, :body, :variants, :state, :created, :updated)"
            ),
            {
                "id": draft_id,
                "title": "Vägarbete",
                "body": body_text,
                "variants": json.dumps({"x": "Vägarbete på Storgatan"}),
                "state": state,
                "created": _ts(created, dialect),
                "updated": _ts(created + timedelta(hours=1), dialect),
            },
        )
    connection.execute(
        text("INSERT INTO draft_targets (draft_id, account_id, position) VALUES (:d, :a, 0)"),
        {"d": DRAFT_ID, "a": ACCOUNT_ID},
    )
    connection.execute(
        text(
            "INSERT INTO attachments (id, draft_id, stored_path, original_name, sha256, "
            "size_bytes, mime_type, alt_text, position, created_at) VALUES (:id, :d, "
            "'attachments/x.png', 'karta.png', :sha, 1234, 'image/png', 'Karta', 0, :at)"
        ),
        {"id": ATTACHMENT_ID, "d": DRAFT_ID, "sha": "ab" * 32, "at": _ts(created, dialect)},
    )
    return Expected(
        draft_id=DRAFT_ID,
        title="Vägarbete",
        body=body,
        variants={"x": "Vägarbete på Storgatan"},
        targets=(ACCOUNT_ID,),
        attachment_ids=(ATTACHMENT_ID,),
        author="",
        search_word="åtgärden",
        revisions_at_least=1,
    )


def fill_0002(connection: Connection) -> Expected:
    """0002's shape: author, schedule, search text and revisions exist."""
    dialect = connection.dialect.name
    expected = fill_0001(connection)
    connection.execute(
        text(
            "UPDATE drafts SET author = 'anna', scheduled_at = :at, search_text = :folded "
            "WHERE id = :id"
        ),
        {
            "id": DRAFT_ID,
            "at": _ts(START + timedelta(days=1), dialect),
            "folded": f"{expected.title}\n{expected.body}".casefold(),
        },
    )
    connection.execute(
        text(
            "INSERT INTO draft_revisions (id, draft_id, title, body, variants, created_at, "
            "saved_at) VALUES (:id, :d, 'Vägarbete', 'Första versionen', :v, :at, :at)"
        ),
        {"id": REVISION_ID, "d": DRAFT_ID, "v": json.dumps({}), "at": _ts(START, dialect)},
    )
    return Expected(
        draft_id=expected.draft_id,
        title=expected.title,
        body=expected.body,
        variants=expected.variants,
        targets=expected.targets,
        attachment_ids=expected.attachment_ids,
        author="anna",
        search_word=expected.search_word,
        revisions_at_least=1,
    )


INBOX_ITEM_ID = "6d7e8f90-0000-4000-8000-000000000031"
PUBLICATION_ID = "6d7e8f90-0000-4000-8000-000000000041"


def fill_0003_inbox(connection: Connection) -> Expected:
    """0003_inbox's shape: a citizen's mention and its sync cursor."""
    dialect = connection.dialect.name
    expected = fill_0002(connection)
    connection.execute(
        text(
            "INSERT INTO inbox_items (id, account_id, network, kind, remote_id, author_name, "
            "author_handle, author_avatar_url, text, html, url, created_at, first_seen_at, "
            "remote_state, state, flags) VALUES (:id, :a, 'mastodon', 'mention', '9001', "
            "'Karin Ek', '@karin', '', 'När plogas Storgatan?', '<p>När plogas Storgatan?</p>', "
            "'https://mastodon.example/@karin/9001', :at, :at, 'visible', 'new', '')"
        ),
        {"id": INBOX_ITEM_ID, "a": ACCOUNT_ID, "at": _ts(START, dialect)},
    )

    def inbox_item_survived(connection: Connection) -> None:
        row = connection.execute(
            text("SELECT text, state FROM inbox_items WHERE id = :id"), {"id": INBOX_ITEM_ID}
        ).one()
        assert tuple(row) == ("När plogas Storgatan?", "new")

    return _with_check(expected, inbox_item_survived)


def fill_0003_publications_audit(connection: Connection) -> Expected:
    """0003_publications_audit's shape: one publication sent to the draft's account."""
    dialect = connection.dialect.name
    expected = fill_0002(connection)
    connection.execute(
        text(
            "INSERT INTO publications (id, batch_id, draft_id, account_id, account_label, "
            "network, author, submitted_by, title, parts, media, state, attempts, generation, "
            "remote_ids, remote_url, failure_reason, created_at, updated_at, "
            "platform_scheduled, history_time, search_text) VALUES (:id, :batch, :d, :a, "
            "'@kommun', 'mastodon', 'anna', 'anna', '', :parts, '[]', 'sent', 1, 0, :remote, "
            "'https://mastodon.example/@kommun/1', '', :at, :at, :false, :at, 'vägarbete')"
        ),
        {
            "id": PUBLICATION_ID,
            "batch": PUBLICATION_ID,
            "d": DRAFT_ID,
            "a": ACCOUNT_ID,
            "parts": json.dumps(["Vägarbete på Storgatan"]),
            "remote": json.dumps(["1"]),
            "at": _ts(START, dialect),
            "false": False,
        },
    )

    def publication_survived(connection: Connection) -> None:
        row = connection.execute(
            text("SELECT state, remote_url FROM publications WHERE id = :id"),
            {"id": PUBLICATION_ID},
        ).one()
        assert tuple(row) == ("sent", "https://mastodon.example/@kommun/1")

    return _with_check(expected, publication_survived)


def _with_check(expected: Expected, check: Callable[[Connection], None]) -> Expected:
    return Expected(
        draft_id=expected.draft_id,
        title=expected.title,
        body=expected.body,
        variants=expected.variants,
        targets=expected.targets,
        attachment_ids=expected.attachment_ids,
        author=expected.author,
        search_word=expected.search_word,
        revisions_at_least=expected.revisions_at_least,
        extra_checks=(*expected.extra_checks, check),
    )


def fill_0004(connection: Connection) -> Expected:
    """0004's shape: an inbox item plus an unsealed two-event audit chain and its head."""
    return _fill_chain(
        connection, head_sql="INSERT INTO audit_head (id, seq, hash) VALUES (1, 2, :hash)"
    )


def fill_records_0001(connection: Connection) -> Expected:
    """records_0001's shape: the same chain, its head marking the two events as pre-seal."""
    return _fill_chain(
        connection,
        head_sql="INSERT INTO audit_head (id, seq, hash, legacy_seq) VALUES (1, 2, :hash, 2)",
    )


def _fill_chain(connection: Connection, *, head_sql: str) -> Expected:
    from desktop_app.domain.audit import chain_next

    dialect = connection.dialect.name
    expected = fill_0003_inbox(connection)
    previous = None
    for n in range(2):
        previous = chain_next(
            previous,
            id=f"00000000-0000-0000-0000-00000000000{n}",
            kind="edited",
            actor="anna",
            occurred_at=START,
            subject_type="draft",
            subject_id=DRAFT_ID,
            details={"n": n},
        )
        connection.execute(
            text(
                "INSERT INTO audit_events (id, seq, kind, actor, occurred_at, subject_type, "
                "subject_id, details, prev_hash, hash) VALUES (:id, :seq, 'edited', 'anna', :at, "
                "'draft', :d, :details, :prev, :hash)"
            ),
            {
                "id": previous.id,
                "seq": previous.seq,
                "at": _ts(START, dialect),
                "d": DRAFT_ID,
                "details": json.dumps({"n": n}),
                "prev": previous.prev_hash,
                "hash": previous.hash,
            },
        )
    assert previous is not None
    connection.execute(text(head_sql), {"hash": previous.hash})

    def chain_survived_as_legacy(connection: Connection) -> None:
        seq, legacy_seq = connection.execute(text("SELECT seq, legacy_seq FROM audit_head")).one()
        assert legacy_seq == 2 and seq >= 2  # records_0001 marks the old events as pre-seal

    return _with_check(expected, chain_survived_as_legacy)


FILLERS: dict[str, Callable[[Connection], Expected]] = {
    "0001": fill_0001,
    "0002": fill_0002,
    "0003_inbox": fill_0003_inbox,
    "0003_publications_audit": fill_0003_publications_audit,
    "0004": fill_0004,
    # 0005 renumbered the inbox by time and 0006 added its search column: 0004's shape still
    # fills them, and its inbox item is what both change.
    "0005_inbox_time_order": fill_0004,
    "0006_inbox_search_text": fill_0004,
    "records_0001": fill_records_0001,
    "records_0002": fill_records_0001,
    # records_0003 added tables of its own only.
    "records_0003": fill_records_0001,
    # The merge revision before the team's desk tables.
    "0007": fill_records_0001,
}
