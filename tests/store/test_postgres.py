"""The same store on a real PostgreSQL (start one with `eval "$(.ci/setup-postgres.sh)"`).

Each test works in a schema of its own, dropped afterwards, so runs never see each other.
Skipped only outside CI when KANAL_TEST_POSTGRES_URL is unset; in CI a missing database fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from desktop_app.domain.drafts import DraftState
from desktop_app.domain.networks import Network
from desktop_app.store.database import Store
from desktop_app.store.migrations.runner import include_name_for, script_directory, upgrade
from desktop_app.store.models import complete_metadata
from tests.support.postgres import fresh_schema
from tests.support.store import FILLERS, FakeClock, add_account, write_png

pytestmark = pytest.mark.postgres


@pytest.fixture
def schema_url(postgres_url: str) -> Iterator[str]:
    with fresh_schema(postgres_url) as url:
        yield url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(schema_url: str, tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    store = Store(schema_url, tmp_path / "data", clock=clock)
    store.migrate()
    yield store
    store.dispose()


def test_migrations_reach_head_and_match_the_models(store: Store) -> None:
    assert store.current_revisions() == frozenset(script_directory().get_heads())
    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": include_name_for(connection)},
        )
        assert list(compare_metadata(context, complete_metadata())) == []


def test_draft_round_trip(store: Store, clock: FakeClock, tmp_path: Path) -> None:
    account = add_account(store, "bluesky", "@kommun.bsky.social")
    cet = timezone(timedelta(hours=1))
    body = "Plogbilarna är ute i natt 🚜🏽 " + "å" * 1_000_000
    with store.unit_of_work() as uow:
        draft = uow.drafts.create(
            body=body,
            title="Snöröjning",
            targets=[account.id],
            variants={"bluesky": "Plog 🚜"},
            scheduled_at=datetime(2026, 12, 1, 7, 30, tzinfo=cet),
            author="anna",
        )
        attachment = uow.attachments.add(draft.id, write_png(tmp_path / "karta.png"), "Karta")
    clock.advance(90)
    with store.unit_of_work() as uow:
        uow.drafts.update(draft.id, title="Snöröjning i natt")
    with store.unit_of_work(read_only=True) as uow:
        loaded = uow.drafts.require(draft.id)
        found = uow.drafts.list("SNÖRÖJNING")
        revisions = uow.revisions.list_for_draft(draft.id)
    assert loaded.body == body
    assert loaded.title == "Snöröjning i natt"
    assert loaded.variants == {Network.BLUESKY: "Plog 🚜"}
    assert loaded.target_account_ids == (account.id,)
    assert loaded.scheduled_at == datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
    assert loaded.attachments == (attachment,)
    assert loaded.updated_at == clock.now
    assert [d.id for d in found] == [draft.id]
    assert [r.title for r in revisions] == ["Snöröjning i natt", "Snöröjning"]

    with store.unit_of_work() as uow:
        copy = uow.drafts.duplicate(draft.id)
        uow.drafts.trash(draft.id)
    with store.unit_of_work() as uow:
        assert [d.id for d in uow.drafts.list()] == [copy.id]
        assert uow.drafts.count(include_trashed=True) == 2
        assert uow.drafts.restore(draft.id).state is DraftState.DRAFT
        uow.accounts.remove(account.id)
    with store.unit_of_work() as uow:
        assert uow.drafts.require(draft.id).target_account_ids == ()


def test_data_from_every_earlier_revision_survives(postgres_url: str, tmp_path: Path) -> None:
    heads = frozenset(script_directory().get_heads())
    scripts = script_directory().walk_revisions()
    earlier = sorted(s.revision for s in scripts if s.revision not in heads)
    assert earlier
    for revision in earlier:
        with fresh_schema(postgres_url) as url:
            check_upgrade_from(url, revision, heads, tmp_path / revision)


def check_upgrade_from(url: str, revision: str, heads: frozenset[str], data_dir: Path) -> None:
    store = Store(url, data_dir)
    try:
        upgrade(store.engine, revision, is_sqlite=False)
        with store.engine.begin() as connection:
            expected = FILLERS[revision](connection)
        store.migrate()
        assert store.current_revisions() == heads
        with store.unit_of_work() as uow:
            draft = uow.drafts.require(expected.draft_id)
            assert (draft.title, draft.body, draft.author) == (
                expected.title,
                expected.body,
                expected.author,
            )
            assert draft.target_account_ids == expected.targets
            assert [d.id for d in uow.drafts.list(expected.search_word)] == [expected.draft_id]
    finally:
        store.dispose()
