"""Fixtures for connector tests: a real sandbox over loopback, an in-memory keyring."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_app.networks.http import HttpClient
from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore
from tests.support.memory_keyring import MemoryKeyring
from tests.support.networks import fast_http, png_bytes
from tests.support.sandbox import running_sandbox


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(quiet=True, seed=7) as server:
        yield server


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def secret_store(keyring_backend: MemoryKeyring) -> SecretStore:
    return SecretStore(keyring_backend)


@pytest.fixture
def http_factory() -> Callable[[], HttpClient]:
    return fast_http


@pytest.fixture
def image_file(tmp_path: Path) -> Path:
    path = tmp_path / "snoröjning.png"
    path.write_bytes(png_bytes())
    return path
