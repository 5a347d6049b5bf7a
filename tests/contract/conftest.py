"""Fixtures for the contract tests: the same WordPress tests run against the sandbox and against a
real WordPress (Debian's package, started by .ci/setup-wordpress.sh)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.wordpress import WordPressTarget

REAL_WORDPRESS_ENV = (
    "KANAL_TEST_WORDPRESS_URL",
    "KANAL_TEST_WORDPRESS_USER",
    "KANAL_TEST_WORDPRESS_APP_PASSWORD",
)


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Any]:
    """One sandbox for the whole run (the WordPress tests isolate themselves by unique content)."""
    from desktop_app.sandbox.server import SandboxServer

    server = SandboxServer(host="127.0.0.1", port=0, seed=1, latency_ms=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _sandbox_target(request: pytest.FixtureRequest) -> WordPressTarget:
    server = request.getfixturevalue("sandbox_server")
    wordpress = server.platforms()["wordpress"]
    credentials = wordpress["credentials"]
    return WordPressTarget(
        name="sandbox",
        site_url=str(wordpress["base_url"]).rstrip("/"),
        username=str(credentials["username"]),
        application_password=str(credentials["application_password"]),
    )


def _real_target() -> WordPressTarget:
    missing = [name for name in REAL_WORDPRESS_ENV if not os.environ.get(name)]
    if missing:
        message = (
            f"real WordPress not configured ({', '.join(missing)} unset); "
            'start one with: eval "$(.ci/setup-wordpress.sh)"'
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)  # CI must run the contract against the real thing, never skip it
        pytest.skip(message)
    return WordPressTarget(
        name="real",
        site_url=os.environ["KANAL_TEST_WORDPRESS_URL"].rstrip("/"),
        username=os.environ["KANAL_TEST_WORDPRESS_USER"],
        application_password=os.environ["KANAL_TEST_WORDPRESS_APP_PASSWORD"],
    )


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sandbox", id="sandbox"),
        pytest.param("real", id="real", marks=pytest.mark.wordpress),
    ],
)
def wordpress_target(request: pytest.FixtureRequest) -> Iterator[WordPressTarget]:
    """The WordPress under test: the sandbox's, or the real one named by KANAL_TEST_WORDPRESS_*."""
    target = _sandbox_target(request) if request.param == "sandbox" else _real_target()
    try:
        yield target
    finally:
        target.close()
