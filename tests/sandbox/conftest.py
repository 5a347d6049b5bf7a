"""Fixtures for the sandbox tests: a fresh emulator per test, plain HTTP sessions to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from desktop_app.sandbox.server import SandboxServer
from tests.support.x_openapi import XContract


@pytest.fixture
def sb() -> Iterator[SandboxServer]:
    server = SandboxServer(host="127.0.0.1", port=0, seed=7, hang_seconds=5.0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    session.trust_env = False  # loopback only, whatever proxy the machine has
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def x_contract(sb: SandboxServer) -> Iterator[XContract]:
    """Every X response of the test is validated against the X OpenAPI document."""
    contract = XContract(x_base=f"{sb.base_url}/x")
    yield contract
    contract.assert_valid()


@pytest.fixture
def x_http(x_contract: XContract) -> Iterator[requests.Session]:
    session = x_contract.session()
    try:
        yield session
    finally:
        session.close()
