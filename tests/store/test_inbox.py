"""The inbox store: upsert by (account, remote id), edits, deletions, filters, search, figures."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from desktop_app.domain.inbox import (
    InboxFilter,
    InboxState,
    RemoteState,
    SavedView,
    matches,
    saved_view_filter,
)
from desktop_app.domain.networks import Network
from desktop_app.domain.personal_data import PersonalDataKind
from desktop_app.store.database import Store
from desktop_app.store.inbox import fts5_query
from tests.support.inbox import T0, add_account, incoming, store_items


def _all(store: Store, inbox_filter: InboxFilter | None = None, limit: int = 500) -> list:
    with store.unit_of_work(read_only=True) as uow:
        return uow.inbox.list(inbox_filter or InboxFilter(), T0 + timedelta(days=3), limit)


def test_page_and_cursor_are_stored_together_and_repeats_do_not_duplicate(store: Store) -> None:
    account = add_account(store, Network.X)
    page = [incoming(f"m{i}") for i in range(5)]
    with store.unit_of_work() as uow:
        first = uow.inbox.store_page(account.id, Network.X, page, cursor="c1")
    with store.unit_of_work() as uow:
        again = uow.inbox.store_page(account.id, Network.X, page, cursor="c2")
    assert len(first.new_ids) == 5 and again.new_ids == () and again.unchanged == 5
    with store.unit_of_work(read_only=True) as uow:
        assert uow.inbox.cursor(account.id) == "c2"
    assert len(_all(store)) == 5


def test_a_failed_unit_of_work_keeps_items_and_cursor_as_they_were(store: Store) -> None:
    account = add_account(store, Network.MASTODON)
    try:
        with store.unit_of_work() as uow:
            uow.inbox.store_page(account.id, Network.MASTODON, [incoming("1")], cursor="after-1")
            raise RuntimeError("crash before commit")
    except RuntimeError:
        pass
    with store.unit_of_work(read_only=True) as uow:
        assert uow.inbox.cursor(account.id) is None
    assert _all(store) == []


def test_items_are_listed_newest_first_by_the_time_the_citizen_wrote(store: Store) -> None:
    account = add_account(store, Network.FACEBOOK)
    store_items(store, account, [incoming("2"), incoming("1")])
    store_items(store, account, [incoming("0")])  # older, but seen later: still below
    assert [i.remote_id for i in _all(store)] == ["2", "1", "0"]


def test_one_sync_of_several_accounts_is_interleaved_by_time(store: Store) -> None:
    """A sync stores account by account; the list must not group them (the urgent one first)."""
    facebook = add_account(store, Network.FACEBOOK)
    x = add_account(store, Network.X)
    hours = {"fb-4": 4, "fb-16": 16, "fb-22": 22, "fb-10": 10}
    store_items(
        store, facebook, [incoming(r, created_at=T0 - timedelta(hours=h)) for r, h in hours.items()]
    )
    x_hours = {"x-1": 1, "x-6": 6, "x-30": 30}
    store_items(
        store, x, [incoming(r, created_at=T0 - timedelta(hours=h)) for r, h in x_hours.items()]
    )
    listed = [i.remote_id for i in _all(store)]
    assert listed == ["x-1", "fb-4", "x-6", "fb-10", "fb-16", "fb-22", "x-30"]
    with store.unit_of_work(read_only=True) as uow:
        hits = uow.inbox.search("plogas", T0, limit=3)
    assert [h.remote_id for h in hits] == ["x-1", "fb-4", "x-6"]


def test_items_written_in_the_same_millisecond_all_get_a_place(store: Store) -> None:
    account = add_account(store, Network.MASTODON)
    same = [incoming(f"same-{n}", created_at=T0) for n in range(5)]
    store_items(store, account, same[:3])
    store_items(store, account, same[3:])
    assert sorted(i.remote_id for i in _all(store)) == [f"same-{n}" for n in range(5)]


def test_an_edit_updates_text_html_and_search(store: Store) -> None:
    account = add_account(store, Network.WORDPRESS)
    store_items(store, account, [incoming("1", "Gatlampan är trasig")])
    store_items(store, account, [incoming("1", "Gatlampan lagad, tack!")])
    (item,) = _all(store)
    assert item.text == "Gatlampan lagad, tack!" and "lagad" in item.html
    assert _all(store, InboxFilter(search="trasig")) == []
    assert [i.remote_id for i in _all(store, InboxFilter(search="lagad"))] == ["1"]


def test_a_deletion_on_the_platform_keeps_the_item_with_its_content(store: Store) -> None:
    account = add_account(store, Network.FACEBOOK)
    store_items(store, account, [incoming("1", "Ursprunglig text")])
    store_items(store, account, [incoming("1", "", state=RemoteState.DELETED)])
    assert _all(store) == []  # not in the default list
    (kept,) = _all(store, saved_view_filter(SavedView.HIDDEN_AND_DELETED, "me"))
    assert kept.state is InboxState.DELETED and kept.text == "Ursprunglig text"
    assert [
        i.remote_id
        for i in _all(store, InboxFilter(search="ursprunglig", states=frozenset(InboxState)))
    ] == ["1"]


def test_html_is_sanitised_before_it_is_stored(store: Store) -> None:
    account = add_account(store, Network.WORDPRESS)
    hostile = (
        '<p onclick="x()">Hej<script>alert(1)</script>'
        '<img src="http://t.example/p.gif" onerror="y()"></p><a href="javascript:z()">länk</a>'
    )
    store_items(store, account, [incoming("1", "Hej", html=hostile)])
    (item,) = _all(store)
    for bad in ("script", "onclick", "onerror", "javascript", "alert"):
        assert bad not in item.html


def test_search_matches_author_and_word_prefixes_including_swedish_letters(store: Store) -> None:
    account = add_account(store, Network.X)
    store_items(
        store,
        account,
        [
            incoming("1", "Snöröjningen på Ågatan", author="Örjan Ek"),
            incoming("2", "Bussen var sen", author="Sara Berg"),
            incoming("3", "Årets budget", author="Per Ås"),
        ],
    )

    def found(q: str) -> list[str]:
        return sorted(i.remote_id for i in _all(store, InboxFilter(search=q)))

    assert found("snörö") == ["1"]
    assert found("ÅGATAN") == ["1"]
    assert found("örjan") == ["1"]
    assert found("buss sen") == ["2"]
    assert found("år") == ["3"]  # å is its own letter: "år" does not match "ar..."
    assert found('"NEAR(') == []  # FTS syntax typed by a user is just text
    assert fts5_query("a bc") == '"a" "bc"*'


def test_search_returns_the_newest_matches_first(store: Store) -> None:
    account = add_account(store, Network.X)
    for batch in range(3):
        store_items(store, account, [incoming(f"{batch}{i}", f"plogbil {batch}") for i in range(3)])
    with store.unit_of_work(read_only=True) as uow:
        hits = uow.inbox.search("plogbil", T0, limit=4)
    assert [h.text for h in hits] == ["plogbil 2"] * 3 + ["plogbil 1"]


def test_filters_agree_with_the_domain_predicate(store: Store) -> None:
    x = add_account(store, Network.X)
    fb = add_account(store, Network.FACEBOOK)
    store_items(
        store, x, [incoming(f"{i}", created_at=T0 - timedelta(hours=i * 10)) for i in range(6)]
    )
    store_items(store, fb, [incoming(f"{i}", "ring 070-123 45 67") for i in range(3)])
    items = _all(store)
    with store.unit_of_work() as uow:
        repo = uow.inbox
        repo.set_state(items[0].id, InboxState.DONE)
        repo.assign(items[1].id, "karin")
        repo.set_state(items[2].id, InboxState.HIDDEN)
    now = T0 + timedelta(days=3)
    everything = _all(store, InboxFilter(states=frozenset(InboxState)))
    for f in [
        InboxFilter(),
        InboxFilter(networks=frozenset({Network.X})),
        InboxFilter(account_ids=frozenset({fb.id})),
        saved_view_filter(SavedView.UNANSWERED, "karin"),
        saved_view_filter(SavedView.UNANSWERED_OVER_24H, "karin"),
        saved_view_filter(SavedView.ASSIGNED_TO_ME, "karin"),
        saved_view_filter(SavedView.FLAGGED, "karin"),
        saved_view_filter(SavedView.HIDDEN_AND_DELETED, "karin"),
        InboxFilter(created_from=T0 - timedelta(hours=25), created_to=T0),
    ]:
        expected = sorted(i.id for i in everything if matches(i, f, now))
        with store.unit_of_work(read_only=True) as uow:
            got = sorted(i.id for i in uow.inbox.list(f, now, 500))
        assert got == expected, f
    flagged = _all(store, saved_view_filter(SavedView.FLAGGED, "x"))
    assert {i.account_id for i in flagged} == {fb.id}
    assert all(PersonalDataKind.PHONE in i.flags for i in flagged)


def test_response_stats_count_unanswered_and_the_oldest(store: Store) -> None:
    x = add_account(store, Network.X)
    store_items(store, x, [incoming(f"{i}", created_at=T0 - timedelta(hours=i)) for i in range(4)])
    items = _all(store)
    oldest = min(items, key=lambda i: i.created_at)
    with store.unit_of_work() as uow:
        uow.inbox.record_answer(oldest.id, "karin", T0, "r-1")
    with store.unit_of_work(read_only=True) as uow:
        repo = uow.inbox
        (stats,) = repo.response_stats()
        answered = repo.require(oldest.id)
    assert stats.unanswered == 3
    assert stats.oldest_unanswered_at == T0 - timedelta(hours=2)
    assert stats.overdue(T0 + timedelta(hours=23)) and not stats.overdue(T0 + timedelta(hours=21))
    assert answered.state is InboxState.ANSWERED
    assert (answered.answered_by, answered.answered_at) == ("karin", T0)


def test_thread_holds_the_items_under_the_same_post_oldest_first(store: Store) -> None:
    account = add_account(store, Network.FACEBOOK)
    store_items(
        store,
        account,
        [incoming("1", root="p1"), incoming("2", root="p2"), incoming("3", root="p1", parent="1")],
    )
    with store.unit_of_work(read_only=True) as uow:
        repo = uow.inbox
        item = repo.find_remote(account.id, "3")
        assert item is not None
        assert [i.remote_id for i in repo.thread(item)] == ["1", "3"]


def test_the_search_index_follows_updates_and_deletes(store: Store) -> None:
    from sqlalchemy import delete, update

    from desktop_app.store.inbox import ITEMS

    account = add_account(store, Network.X)
    store_items(store, account, [incoming("1", "Gatlampan"), incoming("2", "Parkbänken")])
    with store.unit_of_work() as uow:
        uow.session.execute(update(ITEMS).where(ITEMS.c.remote_id == "1").values(text="Träd"))
        uow.session.execute(delete(ITEMS).where(ITEMS.c.remote_id == "2"))
    everything = frozenset(InboxState)
    assert _all(store, InboxFilter(search="gatlampan", states=everything)) == []
    assert _all(store, InboxFilter(search="parkbänken", states=everything)) == []
    assert [i.remote_id for i in _all(store, InboxFilter(search="träd"))] == ["1"]
    with store.engine.connect() as connection:
        check = connection.exec_driver_sql(
            "INSERT INTO inbox_fts(inbox_fts, rank) VALUES ('integrity-check', 1)"
        )
        check.close()


def test_the_inbox_migration_goes_down_and_up_again(store: Store) -> None:
    from sqlalchemy import inspect

    from desktop_app.store.migrations.runner import downgrade

    # First undo the merge revision, then the inbox branch alone.
    downgrade(store.engine, "0003_publications_audit", is_sqlite=True)
    downgrade(store.engine, "0003_inbox@-1", is_sqlite=True)
    assert store.current_revisions() == frozenset({"0003_publications_audit"})
    assert "inbox_items" not in inspect(store.engine).get_table_names()
    store.migrate()
    names = inspect(store.engine).get_table_names()
    assert {"inbox_items", "inbox_sync_cursors", "inbox_fts"} <= set(names)


def test_the_time_order_migration_renumbers_items_stored_in_first_seen_order(
    tmp_path: Path,
) -> None:
    """Items stored before 0005 (seq = first seen) are listed, paged and searched by time after."""
    from desktop_app.store.migrations.runner import upgrade

    data = tmp_path / "old"
    old = Store(f"sqlite:///{(data / 'kanal.sqlite3').as_posix()}", data)
    data.mkdir(parents=True, exist_ok=True)
    upgrade(old.engine, "0004", is_sqlite=True)
    with old.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO accounts (id, network, display_name, handle, base_url, remote_id, "
                "created_at, status, avatar_url) VALUES ('a1', 'x', 'Kommunen', 'kommunen', "
                "'https://x.example', 'me', '2026-11-01 00:00:00', 'working', '')"
            )
        )
        for seq, (remote_id, minutes) in enumerate([("late", 30), ("early", 5), ("mid", 10)], 1):
            connection.execute(
                text(
                    "INSERT INTO inbox_items (seq, id, account_id, network, kind, remote_id, "
                    "author_name, author_handle, author_avatar_url, text, html, url, created_at, "
                    "first_seen_at, remote_state, state, flags) VALUES (:seq, :id, 'a1', 'x', "
                    "'mention', :remote_id, 'Anna', 'anna', '', 'snöröjning', '', '', :created, "
                    "'2026-11-20 10:00:00', 'visible', 'new', '')"
                ),
                {
                    "seq": seq,
                    "id": f"id-{remote_id}",
                    "remote_id": remote_id,
                    "created": (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S"),
                },
            )
    old.migrate()
    assert [i.remote_id for i in _all(old)] == ["late", "mid", "early"]
    with old.unit_of_work(read_only=True) as uow:
        assert [h.remote_id for h in uow.inbox.search("snöröj", T0, limit=5)] == [
            "late",
            "mid",
            "early",
        ]
    old.dispose()
