"""Fixtures for the publishing engine: a sandbox on loopback, accounts in it, a store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.database import Store
from tests.support.engine import add_accounts, open_store
from tests.support.sandbox import keyring_data_dir, running_sandbox


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return keyring_data_dir(tmp_path, monkeypatch)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(seed=5, hang_seconds=3.0) as server:
        yield server


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
