"""Fixtures for the publishing engine: a sandbox on loopback, accounts in it, a store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.database import Store
from tests.support.engine import KEYRING_BACKEND, add_accounts, open_store


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", KEYRING_BACKEND)
    return tmp_path / "kanal-data"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(host="127.0.0.1", port=0, seed=5, hang_seconds=3.0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def accounts(sandbox: SandboxServer, data_dir: Path) -> dict[str, str]:
    return add_accounts(sandbox, data_dir)


@pytest.fixture
def store(data_dir: Path, accounts: dict[str, str]) -> Iterator[Store]:
    opened = open_store(data_dir)
    try:
        yield opened
    finally:
        opened.dispose()
