"""Listing stays fast with 100,000 drafts: ordered by an index, loading only the page."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, text

from desktop_app.store.database import Store
from desktop_app.store.drafts import DraftRow, RevisionRow
from tests.support.store import START, make_store

DRAFTS = 100_000


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = make_store(tmp_path_factory.mktemp("big") / "data")
    rows: list[dict[str, Any]] = [
        {
            "id": str(uuid.UUID(int=n)),
            "title": f"Utkast {n}",
            "body": f"Text nummer {n} om snöröjning och vägarbete"
            + (" Ålö" if n % 1000 == 0 else ""),
            "variants": {},
            "state": "trashed" if n % 10 == 0 else "draft",
            "author": "anna",
            "scheduled_at": None,
            "search_text": f"utkast {n}\ntext nummer {n} om snöröjning och vägarbete"
            + (" ålö" if n % 1000 == 0 else ""),
            "created_at": START,
            "updated_at": START + timedelta(seconds=n),
        }
        for n in range(DRAFTS)
    ]
    with store.engine.begin() as connection:
        connection.execute(insert(DraftRow), rows)
        connection.execute(
            insert(RevisionRow),
            [
                {
                    "id": str(uuid.uuid4()),
                    "draft_id": r["id"],
                    "title": r["title"],
                    "body": r["body"],
                    "variants": json.dumps({}),
                    "created_at": START,
                    "saved_at": START,
                }
                for r in rows[:20_000]
            ],
        )
    yield store
    store.dispose()


def test_newest_page_comes_from_the_index(big_store: Store) -> None:
    with big_store.engine.connect() as connection:
        plan = " | ".join(
            str(row[-1])
            for row in connection.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT * FROM drafts WHERE state != 'trashed' "
                    "ORDER BY updated_at DESC, id DESC LIMIT 50"
                )
            )
        )
    assert "ix_drafts_updated_at" in plan
    # Ties on the same instant may be sorted by id, but the rows are never all sorted.
    assert "TEMP B-TREE FOR ORDER BY" not in plan


def test_listing_a_page_is_fast_and_loads_only_that_page(big_store: Store) -> None:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.strip().upper() != "BEGIN":
            statements.append(statement)

    event.listen(big_store.engine, "before_cursor_execute", record)
    try:
        started = time.perf_counter()
        with big_store.unit_of_work(read_only=True) as uow:
            page = uow.drafts.list(limit=50)
            total = uow.drafts.count()
        elapsed = time.perf_counter() - started
    finally:
        event.remove(big_store.engine, "before_cursor_execute", record)
    assert [d.title for d in page[:2]] == [f"Utkast {DRAFTS - 1}", f"Utkast {DRAFTS - 2}"]
    assert len(page) == 50
    assert total == DRAFTS - DRAFTS // 10
    # The page, its targets, its attachments, the count: no per-row queries, no revisions.
    assert len(statements) <= 4
    assert not any("draft_revisions" in s for s in statements)
    assert elapsed < 10.0  # only a pathological plan; the speed itself is bench/startup.py's


def test_search_over_100k_drafts(big_store: Store) -> None:
    started = time.perf_counter()
    with big_store.unit_of_work(read_only=True) as uow:
        found = uow.drafts.list("ÅLÖ", include_trashed=True, limit=500)
    elapsed = time.perf_counter() - started
    assert len(found) == DRAFTS // 1000
    assert elapsed < 10.0  # only a pathological plan (a scan per keystroke); not a speed figure
