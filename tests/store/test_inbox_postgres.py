"""The inbox store on a real PostgreSQL: the same repository, search through tsvector."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.domain.inbox import InboxFilter, InboxState, RemoteState
from desktop_app.domain.networks import Network
from desktop_app.store.database import Store
from desktop_app.store.inbox import InboxPageQuery
from tests.support.inbox import T0, add_account, incoming
from tests.support.postgres import fresh_schema

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(postgres_url: str, tmp_path: Path) -> Iterator[Store]:
    with fresh_schema(postgres_url) as url:
        store = Store(url, tmp_path / "data")
        store.migrate()
        yield store
        store.dispose()


def test_upsert_search_and_figures_on_postgres(pg_store: Store) -> None:
    account = add_account(pg_store, Network.FACEBOOK)
    page = [
        incoming("1", "Snöröjningen på Ågatan", author="Örjan Ek"),
        incoming("2", "Bussen var sen", author="Sara Berg"),
        incoming("3", "Årets budget", author="Per Ås"),
    ]
    with pg_store.unit_of_work() as uow:
        first = uow.inbox.store_page(account.id, Network.FACEBOOK, page, cursor="c1")
    with pg_store.unit_of_work() as uow:
        again = uow.inbox.store_page(
            account.id,
            Network.FACEBOOK,
            [incoming("2", "", state=RemoteState.DELETED)],
            cursor="c2",
        )
    assert len(first.new_ids) == 3 and len(again.updated_ids) == 1
    now = T0 + timedelta(days=1)
    everything = frozenset(InboxState)
    with pg_store.unit_of_work(read_only=True) as uow:
        repo = uow.inbox
        assert repo.cursor(account.id) == "c2"

        def found(query: str) -> list[str]:
            return sorted(
                i.remote_id for i in repo.list(InboxFilter(search=query, states=everything), now)
            )

        assert found("snörö") == ["1"]
        assert found("ÅGATAN") == ["1"]
        assert found("örjan") == ["1"]
        assert found("buss sen") == ["2"]  # deleted, but kept and findable
        assert found("år") == ["3"]
        assert found("'&|!") == []
        (stats,) = repo.response_stats()
        assert stats.unanswered == 2
        # The repository's own search expression is the one the GIN index was built on.
        uow.session.execute(text("SET LOCAL enable_seqscan = off"))
        statement = repo._select_seqs(
            InboxPageQuery(InboxFilter(search="buss", states=everything)), now
        )
        compiled = statement.compile(
            dialect=uow.session.get_bind().dialect, compile_kwargs={"literal_binds": True}
        )
        plan = uow.session.execute(text(f"EXPLAIN {compiled}")).all()
    assert any("ix_inbox_items_search" in str(row) for row in plan), plan
