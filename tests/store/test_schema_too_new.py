"""A database migrated by a newer Kanal is refused with a message, and left untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.store.errors import SchemaTooNew
from desktop_app.store.migrations import head_revisions, known_revisions
from tests.support.store import make_store


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    store = make_store(tmp_path / "data")
    try:
        with store.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'zz_future_0001'"))
        with pytest.raises(SchemaTooNew, match=r"newer version of Kanal \(schema zz_future_0001\)"):
            store.migrate()
        assert store.current_revisions() == {"zz_future_0001"}
    finally:
        store.dispose()


def test_every_head_is_a_known_revision() -> None:
    assert head_revisions() <= known_revisions()
