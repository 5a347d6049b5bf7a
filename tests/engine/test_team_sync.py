"""TeamSync and the team store on a real PostgreSQL: idempotent pushes, ordered pulls, two
offline edits of one draft that both survive, and claims that let one desk send a post."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text as sql_text

from desktop_app.domain.team import NotAllowed
from desktop_app.engine.team import SyncCounts, TeamSyncLoop
from desktop_app.store.team_store import (
    OutgoingChange,
    PublicationRow,
    TeamStore,
    TeamStoreUnavailable,
)
from tests.support.team import Desk, desk, team_url, unreachable_url

__all__ = ["team_url"]  # fixture


def _team(tmp_path: Path, team_url: str) -> tuple[Desk, Desk]:
    pia = desk(tmp_path, team_url, "pia")
    dan = desk(tmp_path, team_url, "dan")
    pia.json("team", "init")
    pia.json("team", "member", "add", "dan", "--role", "drafter")
    dan.json("team", "sync")
    return pia, dan


def test_two_offline_edits_of_one_draft_both_survive_until_a_person_chooses(
    tmp_path: Path, team_url: str
) -> None:
    pia, dan = _team(tmp_path, team_url)
    draft_id = dan.json("draft", "new", "--text", "Simhallen stänger")["id"]
    dan.json("draft", "submit", draft_id)
    pia.json("team", "sync")

    offline = unreachable_url()
    with dan.engine(offline) as (service, sync):
        service.edit(draft_id, body="Simhallen stänger fredag")
        with pytest.raises(TeamStoreUnavailable):
            sync.sync()
    with pia.engine(offline) as (service, _sync):
        service.edit(draft_id, body="Simhallen stänger 12-14 maj")

    with dan.engine() as (_service, sync):
        assert sync.sync().conflicts == 0  # first back: its text becomes the team's
    with pia.engine() as (service, sync):
        counts = sync.sync()
        assert counts.conflicts == 1
        (conflict,) = service.conflicts(draft_id)
        assert conflict.local_body == "Simhallen stänger 12-14 maj"
        assert conflict.remote_body == "Simhallen stänger fredag"
        assert conflict.remote_actor == "dan"
        with pytest.raises(NotAllowed, match="choose one first"):
            service.approve(draft_id)
    with dan.engine() as (service, sync):
        assert sync.sync().conflicts == 1  # pia's text arrives as a conflict, not over dan's
        (conflict,) = service.conflicts(draft_id)
        assert conflict.local_body == "Simhallen stänger fredag"
        assert conflict.remote_body == "Simhallen stänger 12-14 maj"
    assert pia.json("draft", "show", draft_id)["body"] == "Simhallen stänger 12-14 maj"
    assert dan.json("draft", "show", draft_id)["body"] == "Simhallen stänger fredag"

    with pia.engine() as (service, sync):
        service.resolve_conflict(draft_id, "", "Simhallen stänger fredag 12 maj")
        sync.sync()
        assert service.conflicts(draft_id) == []
    with dan.engine() as (service, sync):
        sync.sync()
        assert service.conflicts(draft_id) == []
    assert dan.json("draft", "show", draft_id)["body"] == "Simhallen stänger fredag 12 maj"

    # The team's log keeps every text that was written.
    team = TeamStore(team_url, pooled=False)
    try:
        bodies = [c.payload["body"] for c in team.changes_since(0) if c.kind == "draft.saved"]
    finally:
        team.dispose()
    assert {"Simhallen stänger fredag", "Simhallen stänger 12-14 maj"} <= set(bodies)


def test_a_push_repeated_after_a_lost_answer_is_added_once(team_url: str) -> None:
    team = TeamStore(team_url, pooled=False)
    try:
        team.create_schema("pia")
        change = OutgoingChange(
            "0b1c2d3e-0000-4000-8000-000000000001",
            "draft.note",
            "draft-1",
            "pia",
            {"note_id": "n1", "text": "Kolla datumet"},
            datetime.now(UTC),
        )
        first = team.push("desk-a", [change])
        again = team.push("desk-a", [change])
        assert first == again
        assert [c.change_id for c in team.changes_since(0)] == [change.change_id]
        assert [c.seq for c in team.changes_since(first[0].seq)] == []
    finally:
        team.dispose()


def test_one_claim_per_post_and_account_across_desks(team_url: str) -> None:
    team = TeamStore(team_url, pooled=False)
    try:
        team.create_schema("pia")
        assert team.claim("draft-1", "x:https://x.test:42", "desk-a", "pia") is True
        assert team.claim("draft-1", "x:https://x.test:42", "desk-b", "pelle") is False
        assert team.claim("draft-1", "x:https://x.test:42", "desk-a", "pia") is True  # retry
        assert team.claim("draft-1", "mastodon:https://m.test:7", "desk-b", "pelle") is True
    finally:
        team.dispose()


def test_an_unreachable_team_store_is_one_clear_error() -> None:
    team = TeamStore(unreachable_url(), connect_timeout_s=2, pooled=False)
    try:
        with pytest.raises(TeamStoreUnavailable, match="cannot be reached"):
            team.members()
    finally:
        team.dispose()


def test_history_search_finds_the_newest_matches_of_frequent_and_rare_words(
    team_url: str,
) -> None:
    team = TeamStore(team_url, pooled=False)
    try:
        team.create_schema("pia")
        start = datetime(2026, 1, 1, tzinfo=UTC)
        with team.session() as session:
            session.add_all(
                PublicationRow(
                    key=f"p{n}",
                    draft_id=f"d{n}",
                    account_key="x:https://x.test:42",
                    network="x",
                    text=f"Kommunen informerar {'gata17' if n % 500 == 7 else 'torget'}",
                    published_at=start + timedelta(minutes=n),
                )
                for n in range(1500)
            )
        frequent = team.search_history("kommunen", limit=5)
        assert [r["key"] for r in frequent] == ["p1499", "p1498", "p1497", "p1496", "p1495"]
        rare = team.search_history("GATA17", limit=5)
        assert [r["key"] for r in rare] == ["p1007", "p507", "p7"]
        assert team.search_history("kommunen gata17 torget") == []
    finally:
        team.dispose()


def test_who_answers_an_inbox_item_reaches_the_other_desks(tmp_path: Path, team_url: str) -> None:
    pia, dan = _team(tmp_path, team_url)
    item = "mastodon:https://social.example:kommun:9001"
    with dan.engine(unreachable_url()) as (service, _sync):
        service.mark_inbox(item, read_by="dan", answering_by="dan")  # offline
        with pytest.raises(ValueError, match="unknown inbox state"):
            service.mark_inbox(item, liked_by="dan")
    with dan.engine() as (_service, sync):
        assert sync.sync().pushed == 1
    with pia.engine() as (service, _sync):
        team = service.team()
        assert team.inbox_state([item])[item]["answering_by"] == "dan"
        service.mark_inbox(item, assigned_to="dan")
    with pia.engine() as (_service, sync):
        assert sync.sync().pushed == 1
    team = TeamStore(team_url, pooled=False)
    try:
        shown = team.inbox_state([item, "x:unknown:1"])
    finally:
        team.dispose()
    assert shown == {
        item: {
            "read_by": "dan",
            "answered_by": "",
            "answering_by": "dan",
            "assigned_to": "dan",
            "hidden_by": "",
        }
    }


def test_the_team_log_is_a_chain_that_shows_where_it_was_edited(
    tmp_path: Path, team_url: str
) -> None:
    pia, dan = _team(tmp_path, team_url)
    draft_id = dan.json("draft", "new", "--text", "Badplatsen öppnar")["id"]
    dan.json("draft", "submit", draft_id)
    pia.json("team", "sync")
    pia.json("draft", "approve", draft_id)
    team = TeamStore(team_url, pooled=False)
    try:
        assert team.verify() == (3, None)
        with team.session() as session:
            session.execute(
                sql_text("UPDATE team_changes SET actor = 'pia' WHERE kind = 'draft.submitted'")
            )
        checked, broken = team.verify()
        assert (checked, broken) == (1, 2)
    finally:
        team.dispose()


def test_the_sync_loop_brings_a_submission_to_the_other_desk_and_survives_offline(
    tmp_path: Path, team_url: str
) -> None:
    pia, dan = _team(tmp_path, team_url)
    draft_id = dan.json("draft", "new", "--text", "Loppis på torget")["id"]
    with dan.engine(unreachable_url()) as (service, sync):
        offline: list[str] = []
        loop = TeamSyncLoop(sync, interval_s=0.05, on_offline=offline.append)
        loop.start()
        service.submit(draft_id)
        loop.poke()
        _wait_for(lambda: len(offline) >= 2)
        loop.stop()
        assert "cannot be reached" in offline[0]
    with dan.engine() as (_service, dan_sync), pia.engine() as (pia_service, pia_sync):
        rounds: list[SyncCounts] = []
        loops = [
            TeamSyncLoop(dan_sync, interval_s=0.05),
            TeamSyncLoop(pia_sync, interval_s=0.05, on_synced=rounds.append),
        ]
        for loop in loops:
            loop.start()
        try:
            _wait_for(lambda: [i.draft.id for i in pia_service.review_queue()] == [draft_id])
        finally:
            for loop in loops:
                loop.stop()
        assert rounds and pia_service.review_queue()[0].submitted_by == "dan"


def _wait_for(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_text_changed_after_approval_needs_approval_again_on_every_desk(
    tmp_path: Path, team_url: str
) -> None:
    pia, dan = _team(tmp_path, team_url)
    draft_id = dan.json("draft", "new", "--text", "Tömning av slam vecka 12")["id"]
    dan.json("draft", "submit", draft_id)
    pia.json("team", "sync")
    pia.json("draft", "approve", draft_id)
    dan.json("team", "sync")
    assert dan.json("draft", "show", draft_id)["state"] == "approved"
    with dan.engine() as (service, sync):
        assert service.edit(draft_id, body="Tömning av slam vecka 13").state.value == "draft"
        sync.sync()
    pia.json("team", "sync")
    assert pia.json("draft", "show", draft_id)["state"] == "draft"
    assert pia.json("draft", "show", draft_id)["body"] == "Tömning av slam vecka 13"
    code, _out, err = pia.kanal("publish", draft_id)
    assert code == 1 and "approval" in err
