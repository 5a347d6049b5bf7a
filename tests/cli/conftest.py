"""An emulator on loopback for the command-line tests that talk to platforms."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_app.sandbox.server import SandboxServer
from tests.support.sandbox import running_sandbox


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(quiet=True, seed=3) as server:
        yield server
