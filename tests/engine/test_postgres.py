"""The outbox and the audit trail on a real PostgreSQL (a department's shared database).

Skipped outside CI when KANAL_TEST_POSTGRES_URL is unset (`eval "$(.ci/setup-postgres.sh)"`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.domain.publications import PublicationState
from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.database import Store
from tests.support.engine import add_accounts, make_draft, post_text, posts_on, running_outbox
from tests.support.postgres import fresh_schema

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(
    data_dir: Path, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Store, dict[str, str]]]:
    url = os.environ.get("KANAL_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("KANAL_TEST_POSTGRES_URL is not set in CI; run .ci/setup-postgres.sh")
        pytest.skip('KANAL_TEST_POSTGRES_URL is not set (eval "$(.ci/setup-postgres.sh)")')
    with fresh_schema(url) as schema_url:
        monkeypatch.setenv("KANAL_DATABASE_URL", schema_url)
        accounts = add_accounts(sandbox, data_dir)
        monkeypatch.delenv("KANAL_DATABASE_URL")
        store = Store(schema_url, data_dir=data_dir)
        store.migrate()
        try:
            yield store, accounts
        finally:
            store.dispose()


def test_fan_out_with_lost_answers_and_the_hash_chain_on_postgresql(
    sandbox: SandboxServer, pg_store: tuple[Store, dict[str, str]]
) -> None:
    store, accounts = pg_store
    sandbox.set_faults(["POST /2/tweets:commit-drop", "POST /api/v1/statuses:commit-drop"])
    draft_id = make_draft(store, "Delad databas #3001", list(accounts.values()), title="Delad")
    with running_outbox(store) as outbox:
        result = outbox.submit(draft_id, "anna")
        done = outbox.wait_for([p.id for p in result.publications], timeout=30)
    assert {p.state for p in done} == {PublicationState.SENT}
    for network, posts in posts_on(sandbox).items():
        assert sum("#3001" in post_text(p) for p in posts) == 1, network
    with store.unit_of_work(read_only=True) as uow:
        count, problems = uow.audit.verify()
    # drafted + submitted + one published per account
    assert count == 2 + len(accounts) and problems == []
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3"))
    with store.unit_of_work(read_only=True) as uow:
        _count, problems = uow.audit.verify()
    assert [p.seq for p in problems][:1] == [3]
