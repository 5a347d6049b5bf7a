"""The draft repository against a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop_app.domain.drafts import DraftLocked, DraftNotFound, DraftState, InvalidTransition
from desktop_app.domain.networks import Network
from desktop_app.store.database import Store
from desktop_app.store.drafts import MAX_REVISIONS_PER_DRAFT
from desktop_app.store.errors import UnknownAccount
from tests.support.store import START, FakeClock, add_account, make_store, write_png


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    store = make_store(tmp_path / "data", clock)
    yield store
    store.dispose()


def test_create_and_get_round_trip_everything(store: Store) -> None:
    account = add_account(store, "mastodon")
    stockholm = timezone(timedelta(hours=1))
    with store.unit_of_work() as uow:
        created = uow.drafts.create(
            body="Plogbilarna är ute i natt 🚜🏽",
            title="Snöröjning",
            targets=[account.id],
            variants={"x": "Plogbilarna ute", Network.BLUESKY: "Plog 🚜"},
            scheduled_at=datetime(2026, 12, 1, 7, 30, tzinfo=stockholm),
            author="anna",
        )
    with store.unit_of_work(read_only=True) as uow:
        loaded = uow.drafts.get(created.id)
    assert loaded == created
    assert loaded is not None
    assert loaded.body == "Plogbilarna är ute i natt 🚜🏽"
    assert loaded.variants == {Network.X: "Plogbilarna ute", Network.BLUESKY: "Plog 🚜"}
    assert loaded.target_account_ids == (account.id,)
    assert loaded.scheduled_at == datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
    assert loaded.scheduled_at.tzinfo is UTC
    assert loaded.state is DraftState.DRAFT
    assert loaded.author == "anna"
    assert loaded.created_at == START


def test_reopened_store_keeps_a_one_megabyte_body_intact(tmp_path: Path) -> None:
    body = ("Åsa skrev: 🇸🇪 汉字 \u200b\u202e" + "x" * 97) * 10_000  # > 1 MB of UTF-8
    assert len(body.encode("utf-8")) > 1_000_000
    first = make_store(tmp_path / "data")
    with first.unit_of_work() as uow:
        draft_id = uow.drafts.create(body=body).id
    first.dispose()
    second = make_store(tmp_path / "data")
    with second.unit_of_work(read_only=True) as uow:
        loaded = uow.drafts.require(draft_id)
        revisions = uow.revisions.list_for_draft(draft_id)
    second.dispose()
    assert loaded.body == body
    assert revisions[0].body == body


def test_a_time_without_zone_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="time zone"), store.unit_of_work() as uow:
        uow.drafts.create(body="x", scheduled_at=datetime(2026, 12, 1, 7, 30))
    with store.unit_of_work() as uow:
        assert uow.drafts.count() == 0


def test_unknown_target_account_is_refused_and_nothing_saved(store: Store) -> None:
    with pytest.raises(UnknownAccount, match="no-such-id"), store.unit_of_work() as uow:
        uow.drafts.create(body="x", targets=["no-such-id"])
    with store.unit_of_work() as uow:
        assert uow.drafts.count(include_trashed=True) == 0


def test_unknown_target_in_an_update_changes_nothing(store: Store) -> None:
    with store.unit_of_work() as uow:
        draft = uow.drafts.create(body="kept")
        with pytest.raises(UnknownAccount):
            uow.drafts.update(draft.id, body="lost?", targets=["no-such-id"])
        with pytest.raises(UnknownAccount):
            uow.drafts.create(body="half made?", targets=["no-such-id"])
    with store.unit_of_work() as uow:
        assert uow.drafts.require(draft.id).body == "kept"
        assert uow.drafts.count() == 1


def test_failed_unit_of_work_rolls_back(store: Store) -> None:
    with store.unit_of_work() as uow:
        draft_id = uow.drafts.create(body="before").id
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.drafts.update(draft_id, body="after")
        raise RuntimeError("crash in the middle")
    with store.unit_of_work() as uow:
        assert uow.drafts.require(draft_id).body == "before"


def test_update_without_a_change_writes_nothing(store: Store, clock: FakeClock) -> None:
    with store.unit_of_work() as uow:
        draft = uow.drafts.create(body="same", title="t")
    clock.advance(120)
    with store.unit_of_work() as uow:
        again = uow.drafts.update(draft.id, body="same", title="t", variants={}, targets=[])
        assert uow.revisions.count_for_draft(draft.id) == 1
    assert again.updated_at == draft.updated_at


def test_update_changes_only_what_is_given(store: Store, clock: FakeClock) -> None:
    account = add_account(store)
    later = START + timedelta(days=2)
    with store.unit_of_work() as uow:
        draft = uow.drafts.create(body="b", title="t", variants={"x": "v"}, scheduled_at=later)
    clock.advance(5)
    with store.unit_of_work() as uow:
        updated = uow.drafts.update(draft.id, targets=[account.id])
    assert updated.body == "b" and updated.title == "t"
    assert updated.variants == {Network.X: "v"}
    assert updated.scheduled_at == later
    assert updated.target_account_ids == (account.id,)
    assert updated.updated_at == START + timedelta(seconds=5)
    with store.unit_of_work() as uow:
        cleared = uow.drafts.update(draft.id, scheduled_at=None, variants={})
        # Within a minute of the first save, so folded into the first revision.
        [revision] = uow.revisions.list_for_draft(draft.id)
        assert revision.variants == {}
    assert cleared.scheduled_at is None
    assert cleared.variants == {}
    assert cleared.target_account_ids == (account.id,)


def test_targets_keep_their_order_and_can_be_replaced(store: Store) -> None:
    a = add_account(store, "mastodon")
    b = add_account(store, "bluesky")
    c = add_account(store, "x")
    with store.unit_of_work() as uow:
        draft = uow.drafts.create(body="b", targets=[c.id, a.id, c.id])
        assert draft.target_account_ids == (c.id, a.id)
        draft = uow.drafts.update(draft.id, targets=[a.id, b.id])
    with store.unit_of_work() as uow:
        assert uow.drafts.require(draft.id).target_account_ids == (a.id, b.id)


def test_autosave_every_two_seconds_coalesces_revisions(store: Store, clock: FakeClock) -> None:
    with store.unit_of_work() as uow:
        draft_id = uow.drafts.create(body="").id
    typed = ""
    for _ in range(300):  # ten minutes of typing, saved every 2 s
        clock.advance(2)
        typed += "a"
        with store.unit_of_work() as uow:
            uow.drafts.update(draft_id, body=typed)
    with store.unit_of_work() as uow:
        revisions = uow.revisions.list_for_draft(draft_id)
    # One revision per started minute, not 300.
    assert 10 <= len(revisions) <= 11
    assert revisions[0].body == typed
    assert revisions[0].saved_at == clock.now
    assert [r.created_at for r in revisions] == sorted(
        (r.created_at for r in revisions), reverse=True
    )


def test_revisions_are_capped_per_draft(store: Store, clock: FakeClock) -> None:
    with store.unit_of_work() as uow:
        draft_id = uow.drafts.create(body="0").id
    for n in range(1, MAX_REVISIONS_PER_DRAFT + 30):
        clock.advance(61)
        with store.unit_of_work() as uow:
            uow.drafts.update(draft_id, body=str(n))
    with store.unit_of_work() as uow:
        revisions = uow.revisions.list_for_draft(draft_id)
    assert len(revisions) == MAX_REVISIONS_PER_DRAFT
    assert revisions[0].body == str(MAX_REVISIONS_PER_DRAFT + 29)


def test_restore_revision_brings_old_content_back(store: Store, clock: FakeClock) -> None:
    with store.unit_of_work() as uow:
        draft_id = uow.drafts.create(body="first", title="one").id
    clock.advance(120)
    with store.unit_of_work() as uow:
        uow.drafts.update(draft_id, body="second", title="two")
        oldest = uow.revisions.list_for_draft(draft_id)[-1]
    with store.unit_of_work() as uow:
        restored = uow.drafts.restore_revision(draft_id, oldest.id)
    assert (restored.title, restored.body) == ("one", "first")


def test_list_is_newest_edit_first_and_paged(store: Store, clock: FakeClock) -> None:
    ids = []
    for n in range(5):
        clock.advance(1)
        with store.unit_of_work() as uow:
            ids.append(uow.drafts.create(body=f"draft {n}").id)
    clock.advance(1)
    with store.unit_of_work() as uow:
        uow.drafts.update(ids[0], body="edited last")
    with store.unit_of_work() as uow:
        order = [d.id for d in uow.drafts.list()]
        page = [d.id for d in uow.drafts.list(limit=2, offset=1)]
        total = uow.drafts.count()
    assert order == [ids[0], ids[4], ids[3], ids[2], ids[1]]
    assert page == [ids[4], ids[3]]
    assert total == 5


def test_search_is_case_insensitive_for_swedish_and_matches_all_words(store: Store) -> None:
    with store.unit_of_work() as uow:
        road = uow.drafts.create(title="Vägarbete", body="ÅTGÄRDEN på Storgatan pågår.").id
        uow.drafts.create(body="Snö i Övre Ljungby")
        percent = uow.drafts.create(body="Rabatt 100% på_bussen").id
    with store.unit_of_work() as uow:
        assert [d.id for d in uow.drafts.list("åtgärden")] == [road]
        assert [d.id for d in uow.drafts.list("vägARBETE storgatan")] == [road]
        assert uow.drafts.list("vägarbete ljungby") == []
        assert [d.id for d in uow.drafts.list("100%")] == [percent]
        assert [d.id for d in uow.drafts.list("på_b")] == [percent]
        assert uow.drafts.list("0_%") == []  # wildcards are literal
        assert uow.drafts.count("snö") == 1


def test_trash_restore_and_state_filters(store: Store) -> None:
    with store.unit_of_work() as uow:
        kept = uow.drafts.create(body="kept").id
        binned = uow.drafts.create(body="binned").id
        uow.drafts.trash(binned)
    with store.unit_of_work() as uow:
        assert [d.id for d in uow.drafts.list()] == [kept]
        assert {d.id for d in uow.drafts.list(include_trashed=True)} == {kept, binned}
        assert [d.id for d in uow.drafts.list(state=DraftState.TRASHED)] == [binned]
        assert uow.drafts.count(state="trashed") == 1
        restored = uow.drafts.restore(binned)
    assert restored.state is DraftState.DRAFT


def test_state_machine_is_enforced(store: Store) -> None:
    with store.unit_of_work() as uow:
        draft_id = uow.drafts.create(body="x").id
        uow.drafts.set_state(draft_id, DraftState.QUEUED)
    with pytest.raises(InvalidTransition), store.unit_of_work() as uow:
        uow.drafts.trash(draft_id)
    with pytest.raises(DraftLocked, match="queued"), store.unit_of_work() as uow:
        uow.drafts.update(draft_id, body="changed after queueing")
    with store.unit_of_work() as uow:
        draft = uow.drafts.require(draft_id)
        # An "update" that changes nothing is fine even when locked (autosave of an open view).
        assert uow.drafts.update(draft_id, body="x") == draft
    assert draft.state is DraftState.QUEUED and draft.body == "x"


def test_missing_draft(store: Store) -> None:
    with store.unit_of_work() as uow:
        assert uow.drafts.get("nope") is None
        with pytest.raises(DraftNotFound):
            uow.drafts.update("nope", body="x")
        with pytest.raises(DraftNotFound):
            uow.drafts.trash("nope")


def test_duplicate_copies_content_targets_and_images_but_not_the_schedule(
    store: Store, tmp_path: Path, clock: FakeClock
) -> None:
    account = add_account(store)
    image = write_png(tmp_path / "karta.png")
    with store.unit_of_work() as uow:
        source = uow.drafts.create(
            body="b",
            title="t",
            targets=[account.id],
            variants={"mastodon": "m"},
            scheduled_at=START + timedelta(days=1),
            author="anna",
        )
        uow.attachments.add(source.id, image, "En karta")
        uow.drafts.trash(source.id)
    clock.advance(3)
    with store.unit_of_work() as uow:
        copy = uow.drafts.duplicate(source.id, author="bertil")
    assert copy.id != source.id
    assert (copy.title, copy.body, copy.variants) == ("t", "b", {Network.MASTODON: "m"})
    assert copy.target_account_ids == (account.id,)
    assert copy.scheduled_at is None
    assert copy.state is DraftState.DRAFT
    assert copy.author == "bertil"
    assert copy.created_at == clock.now
    [copied] = copy.attachments
    assert copied.alt_text == "En karta"
    copied_file = store.attachment_path(copied)
    assert copied_file.read_bytes() == image.read_bytes()
    with store.unit_of_work() as uow:
        [original] = uow.attachments.list_for_draft(source.id)
    assert store.attachment_path(original) != copied_file


def test_delete_removes_the_draft_and_its_files(store: Store, tmp_path: Path) -> None:
    image = write_png(tmp_path / "bild.png")
    with store.unit_of_work() as uow:
        draft_id = uow.drafts.create(body="x").id
        attachment = uow.attachments.add(draft_id, image)
    stored = store.attachment_path(attachment)
    assert stored.exists()
    with store.unit_of_work() as uow:
        uow.drafts.delete(draft_id)
        assert stored.exists()  # not before the commit
    assert not stored.exists()
    with store.unit_of_work() as uow:
        assert uow.drafts.get(draft_id) is None
        assert uow.revisions.count_for_draft(draft_id) == 0
        assert uow.attachments.get(attachment.id) is None


def test_removing_an_account_removes_it_from_draft_targets(store: Store) -> None:
    a = add_account(store, "mastodon")
    b = add_account(store, "x")
    with store.unit_of_work() as uow:
        draft_id = uow.drafts.create(body="x", targets=[a.id, b.id]).id
        uow.accounts.remove(a.id)
    with store.unit_of_work() as uow:
        assert uow.drafts.require(draft_id).target_account_ids == (b.id,)
