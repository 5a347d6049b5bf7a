"""Alembic migrations: data from every earlier revision survives, and the models match head."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from desktop_app.domain.networks import Network
from desktop_app.store.base import complete_metadata
from desktop_app.store.database import Store
from desktop_app.store.migrations import head_revisions
from desktop_app.store.migrations.runner import (
    downgrade,
    include_name_for,
    script_directory,
    upgrade,
)
from tests.support.store import FILLERS, Expected

SCRIPTS = script_directory()
HEADS = frozenset(SCRIPTS.get_heads())
ALL_REVISIONS = [script.revision for script in SCRIPTS.walk_revisions()]
EARLIER_REVISIONS = sorted(r for r in ALL_REVISIONS if r not in HEADS)


def new_store(tmp_path: Path) -> Store:
    data = tmp_path / "data"
    return Store(f"sqlite:///{(data / 'kanal.sqlite3').as_posix()}", data)


def check_survived(store: Store, expected: Expected) -> None:
    with store.unit_of_work() as uow:
        draft = uow.drafts.require(expected.draft_id)
        assert draft.title == expected.title
        assert draft.body == expected.body
        assert {n.value: t for n, t in draft.variants.items()} == expected.variants
        assert draft.target_account_ids == expected.targets
        assert tuple(a.id for a in draft.attachments) == expected.attachment_ids
        assert draft.author == expected.author
        assert draft.created_at.tzinfo is not None
        found = [d.id for d in uow.drafts.list(expected.search_word)]
        assert expected.draft_id in found
        assert uow.revisions.count_for_draft(expected.draft_id) >= expected.revisions_at_least
        account = uow.accounts.get(expected.targets[0])
        assert account is not None and account.network is Network.MASTODON
        # The migrated database keeps working for new writes, too.
        updated = uow.drafts.update(expected.draft_id, body=expected.body + " Uppdaterad.")
        assert updated.body.endswith("Uppdaterad.")
    with store.engine.connect() as connection:
        for check in expected.extra_checks:
            check(connection)


def test_the_quick_head_check_agrees_with_alembic() -> None:
    assert head_revisions() == HEADS


def test_every_earlier_revision_has_sample_data() -> None:
    """A new revision makes its parent 'earlier': add a filler for it in store_helpers.py."""
    missing = [r for r in EARLIER_REVISIONS if r not in FILLERS]
    assert missing == []


@pytest.mark.parametrize("revision", EARLIER_REVISIONS)
def test_data_from_an_earlier_revision_survives_the_upgrade(tmp_path: Path, revision: str) -> None:
    store = new_store(tmp_path)
    upgrade(store.engine, revision, is_sqlite=True)
    assert store.current_revisions() == {revision}
    with store.engine.begin() as connection:
        expected = FILLERS[revision](connection)
    store.migrate()
    assert store.current_revisions() == HEADS
    check_survived(store, expected)
    store.dispose()


def test_downgrading_a_table_rebuild_keeps_child_rows(tmp_path: Path) -> None:
    """0002's downgrade rebuilds ``drafts``; foreign keys must not cascade-delete the children."""
    store = new_store(tmp_path)
    upgrade(store.engine, "0002", is_sqlite=True)
    with store.engine.begin() as connection:
        FILLERS["0002"](connection)
    downgrade(store.engine, "0001", is_sqlite=True)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM draft_targets")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM attachments")).scalar() == 1
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.dispose()


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": include_name_for(connection)},
        )
        return list(compare_metadata(context, complete_metadata()))


def test_models_match_the_migrated_schema(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    store.migrate()
    assert schema_differences(store.engine) == []
    store.dispose()


def test_sqlite_connection_settings(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    store.migrate()
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 15_000
    assert (store.data_dir / "kanal.sqlite3").exists()
    store.dispose()


def test_migrate_twice_is_harmless(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    store.migrate()
    with store.unit_of_work() as uow:
        draft_id = uow.drafts.create(body="kvar").id
    store.migrate()
    store.dispose()
    again = new_store(tmp_path)
    again.migrate()
    with again.unit_of_work() as uow:
        assert uow.drafts.require(draft_id).body == "kvar"
    again.dispose()
