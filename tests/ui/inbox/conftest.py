"""A real SQLite store, migrated to head, for the tests in this folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.store.database import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    data = tmp_path / "data"
    store = Store(f"sqlite:///{(data / 'kanal.sqlite3').as_posix()}", data)
    store.migrate()
    yield store
    store.dispose()
