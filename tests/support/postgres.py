"""A real PostgreSQL for the tests (start one with `eval "$(.ci/setup-postgres.sh)"`).

Skipped only outside CI when KANAL_TEST_POSTGRES_URL is unset; in CI a missing database fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text


@pytest.fixture
def postgres_url() -> str:
    url = os.environ.get("KANAL_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("KANAL_TEST_POSTGRES_URL is not set in CI; run .ci/setup-postgres.sh")
        pytest.skip('KANAL_TEST_POSTGRES_URL is not set (eval "$(.ci/setup-postgres.sh)")')
    return url


@contextmanager
def fresh_schema(postgres_url: str) -> Iterator[str]:
    """A URL whose connections use a new, empty schema; the schema is dropped afterwards."""
    schema = f"kanal_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_url else "?"
    try:
        yield f"{postgres_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
