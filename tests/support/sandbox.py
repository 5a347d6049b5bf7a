"""The emulator as tests start it: on a free loopback port, stopped afterwards; and the data folder
whose keyring is the in-memory test backend.

Each test module picks its own seed (so its staged content is its own); ``quiet`` turns off the
emulator's latency, injected faults and citizens' spontaneous activity for tests that count exactly.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.sandbox.server import SandboxServer
from tests.support.engine import KEYRING_BACKEND


@contextlib.contextmanager
def running_sandbox(*, quiet: bool = False, **options: Any) -> Iterator[SandboxServer]:
    """A started emulator; ``options`` go to ``SandboxServer`` (seed, hang_seconds, ...)."""
    if quiet:
        options = {"latency_ms": 0, "faults": [], "public_rate": 0.0, **options}
    server = SandboxServer(host="127.0.0.1", port=0, **options)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def keyring_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder under ``tmp_path`` with the test keyring backend selected for this test."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", KEYRING_BACKEND)
    return tmp_path / "kanal-data"
