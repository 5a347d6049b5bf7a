"""Disposal by rule with legal hold (issue 13, item 3): a hold blocks part of a run, the chain
stays verifiable, and the disposal list is in the next export."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from desktop_app.cli.main import main
from desktop_app.domain.networks import Network
from tests.support.records import (
    add_account,
    data_dir,
    database,
    incoming,
    moderate,
    publish_post,
    receive,
    sealed_store,
    use_file_keyring,
)

DECISION = "KS 2026/123 § 4 (gallringsbeslut för sociala medier)"


def _cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = main(["--data-dir", str(data_dir(tmp_path)), *args, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else captured.err


def _item_ids(tmp_path: Path) -> set[str]:
    with sqlite3.connect(database(tmp_path)) as db:
        return {row[0] for row in db.execute("SELECT id FROM inbox_items")}


def test_a_legal_hold_blocks_part_of_a_disposal_and_the_list_is_in_the_next_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_file_keyring(monkeypatch)
    store = sealed_store(tmp_path)
    try:
        town = add_account(store, Network.MASTODON)
        school = add_account(store, Network.BLUESKY)
        town_items = receive(
            store, town, [incoming("t1", "Hej kommunen"), incoming("t2", "Dolt inlägg")]
        )
        school_items = receive(store, school, [incoming("s1", "Fråga om skolmaten")])
        moderate(store, town_items[1], "Dolt inlägg", note="personuppgifter")
    finally:
        store.dispose()

    assert _cli(tmp_path, capsys, "records", "dispose")[1]["remove"] == []  # keep everything
    code, rule = _cli(
        tmp_path, capsys, "records", "rules", "add", "--class", "received_items",
        "--keep-days", "7", "--decision", DECISION,
    )  # fmt: skip
    assert code == 0 and rule["decision_ref"] == DECISION
    code, _ = _cli(
        tmp_path, capsys, "records", "rules", "add", "--class", "moderated_items",
        "--keep-days", "7", "--decision", DECISION,
    )  # fmt: skip
    assert code == 0
    code, hold = _cli(
        tmp_path, capsys, "records", "hold", "add", "--account", school.id,
        "--reason", "Överklagande, mål 4711-26",
    )  # fmt: skip
    assert code == 0

    # A dry run shows what would go and what is held back, and changes nothing.
    code, plan = _cli(tmp_path, capsys, "records", "dispose")
    assert code == 0 and plan["dry_run"] is True
    assert {e["record_id"] for e in plan["remove"]} == set(town_items)
    assert {e["record_id"] for e in plan["held_back"]} == set(school_items)
    assert all(e["held_by"] == hold["id"] for e in plan["held_back"])
    assert _item_ids(tmp_path) == set(town_items) | set(school_items)

    code, done = _cli(tmp_path, capsys, "records", "dispose", "--yes")
    assert code == 0 and done["removed"] == 2 and done["held_back"] == 1
    assert _item_ids(tmp_path) == set(school_items)  # the held account's item stays
    with sqlite3.connect(database(tmp_path)) as db:
        (details,) = db.execute(
            "SELECT details FROM audit_events WHERE kind = 'hidden' AND subject_id = ?",
            (town_items[1],),
        ).fetchone()
    assert "Dolt inlägg" not in details and "_redacted" in details  # no content left behind

    code, report = _cli(tmp_path, capsys, "history", "verify")
    assert code == 0 and report["intact"] is True and report["sealed"] is True

    output = tmp_path / "after.json"
    code, _ = _cli(
        tmp_path, capsys, "history", "export", "--format", "json", "--output", str(output)
    )
    assert code == 0
    disposals = json.loads(output.read_text(encoding="utf-8"))["disposals"]
    assert len(disposals) == 1
    listed = disposals[0]
    assert {e["record_id"] for e in listed["entries"]} == set(town_items)
    assert {r["decision_ref"] for r in listed["rules"]} == {DECISION}
    assert listed["held_back"] == 1 and listed["actor"]
    assert all(len(e["content_sha256"]) == 64 for e in listed["entries"])


def test_bad_rules_and_holds_are_one_line_and_change_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_file_keyring(monkeypatch)
    sealed_store(tmp_path).dispose()
    for args in (
        ("records", "rules", "add", "--class", "everything", "--keep-days", "7",
         "--decision", DECISION),
        ("records", "rules", "add", "--class", "received_items", "--keep-days", "0",
         "--decision", DECISION),
        ("records", "rules", "add", "--class", "received_items", "--keep-days", "7",
         "--decision", " "),
        ("records", "hold", "add", "--reason", "x"),
        ("records", "hold", "release", "nope"),
    ):  # fmt: skip
        code = main(["--data-dir", str(data_dir(tmp_path)), *args])
        err = capsys.readouterr().err
        assert code != 0 and len(err.strip().splitlines()) == 1, args
    assert _cli(tmp_path, capsys, "records", "rules", "list")[1]["rules"] == []


def test_holds_on_a_single_item_and_on_a_date_range_block_only_what_they_cover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta

    from desktop_app.engine.records import disposal

    use_file_keyring(monkeypatch)
    store = sealed_store(tmp_path)
    try:
        account = add_account(store)
        kept, gone = receive(store, account, [incoming("a", "Behålls"), incoming("b", "Gallras")])
        [post] = publish_post(store, [account], "Inlägg från förvaltningen")
        with store.unit_of_work() as uow:
            for cls in ("received_items", "published_posts"):
                disposal.add_rule(
                    uow, record_class=cls, keep_days=1, decision_ref=DECISION, actor="it"
                )
            disposal.place_hold(uow, reason="begäran om allmän handling", actor="jurist",
                                item_id=kept)  # fmt: skip
            # A range from yesterday on holds today's post (the items are from 2026-11-20).
            disposal.place_hold(uow, reason="granskning", actor="jurist",
                                since=datetime.now(UTC) - timedelta(days=1))  # fmt: skip
        later = datetime.now(UTC) + timedelta(days=30)
        with store.unit_of_work(read_only=True) as uow:
            plan = disposal.plan(uow, later)
        assert {e.record_id for e in plan.entries} == {gone}
        assert {e.record_id for e in plan.held} == {kept, post}
        with store.unit_of_work() as uow:
            done = disposal.dispose(uow, "it", later)
        assert done.removed == 1 and done.held_back == 2
    finally:
        store.dispose()
