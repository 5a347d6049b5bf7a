"""An emulator on loopback for the command-line tests that talk to platforms."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_app.sandbox.server import SandboxServer


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(
        host="127.0.0.1", port=0, seed=3, latency_ms=0, faults=[], public_rate=0.0
    )
    server.start()
    yield server
    server.stop()
