"""The audit trail's hash chain: pure rules, the store's table, `kanal history verify`."""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop_app.cli.main import main
from desktop_app.domain.audit import (
    GENESIS_HASH,
    AuditEvent,
    canonical_json,
    chain_next,
    verify_chain,
)
from desktop_app.store.database import Store

T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def _chain(n: int) -> list[AuditEvent]:
    events: list[AuditEvent] = []
    previous = None
    for i in range(n):
        previous = chain_next(
            previous,
            id=f"e{i}",
            kind="published",
            actor="anna",
            occurred_at=T0 + timedelta(seconds=i),
            subject_type="publication",
            subject_id=f"p{i}",
            details={"network": "x", "n": i},
        )
        events.append(previous)
    return events


def test_each_event_carries_the_sha256_of_the_previous_canonical_event() -> None:
    events = _chain(3)
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == hashlib.sha256(canonical_json(before)).hexdigest()
        assert after.seq == before.seq + 1
    canonical = json.loads(canonical_json(events[1]))
    assert canonical["occurred_at"] == "2026-11-25T09:30:01.000000Z"
    assert canonical_json(events[1]) == canonical_json(replace(events[1], hash="whatever"))


def test_canonical_form_ignores_key_order_and_time_zone_spelling() -> None:
    a = chain_next(
        None,
        id="1",
        kind="k",
        actor="a",
        occurred_at=T0,
        subject_type="s",
        subject_id="x",
        details={"b": 1, "a": "ö"},
    )
    stockholm = T0.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Stockholm"))
    b = chain_next(
        None,
        id="1",
        kind="k",
        actor="a",
        occurred_at=stockholm,
        subject_type="s",
        subject_id="x",
        details={"a": "ö", "b": 1},
    )
    assert a.hash == b.hash


def test_intact_chain_verifies() -> None:
    events = _chain(5)
    assert verify_chain(events, (5, events[-1].hash)) == []


@pytest.mark.parametrize("field", ["actor", "kind", "subject_id"])
def test_an_edited_field_is_reported_at_that_event(field: str) -> None:
    events = _chain(5)
    events[2] = replace(events[2], **{field: "mallory"})
    problems = verify_chain(events, (5, events[-1].hash))
    assert [p.seq for p in problems] == [3, 4]  # changed itself, and the next one no longer follows


def test_an_edited_detail_with_a_recomputed_digest_still_breaks_the_link() -> None:
    events = _chain(4)
    forged = replace(events[1], details={"network": "x", "n": 99})
    events[1] = replace(forged, hash=hashlib.sha256(canonical_json(forged)).hexdigest())
    problems = verify_chain(events, (4, events[-1].hash))
    assert [p.seq for p in problems] == [3]


def test_removed_events_are_reported() -> None:
    events = _chain(5)
    middle_removed = events[:2] + events[3:]
    assert {p.seq for p in verify_chain(middle_removed, (5, events[-1].hash))} == {4}
    tail_removed = events[:4]
    problems = verify_chain(tail_removed, (5, events[-1].hash))
    assert [p.seq for p in problems] == [5]
    assert "missing" in problems[0].problem


def _store(tmp_path: Path) -> Store:
    """The store as Kanal opens it: its chain sealed with the keyring's key, as `kanal` does."""
    from desktop_app.engine.records.chain_keys import use_keyring_chain_key

    data = tmp_path / "kanal-data"
    store = Store(f"sqlite:///{data / 'kanal.sqlite3'}", data_dir=data)
    store.migrate("heads")
    use_keyring_chain_key(store)
    return store


def test_store_appends_a_chain_that_verifies_and_reads_back_identically(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        with store.unit_of_work() as uow:
            for i in range(3):
                uow.audit.append(
                    "published",
                    actor="Anna Öberg",
                    subject_type="publication",
                    subject_id=f"p{i}",
                    details={"text_sha256": "ab" * 32, "urls": ["https://example.se/å"], "n": i},
                )
        with store.unit_of_work(read_only=True) as uow:
            count, problems = uow.audit.verify()
            events = list(uow.audit.iter_all())
        assert (count, problems) == (3, [])
        assert [e.seq for e in events] == [1, 2, 3]
        assert events[0].actor == "Anna Öberg"
    finally:
        store.dispose()


def _cli(tmp_path: Path, *args: str) -> int:
    return main(["--data-dir", str(tmp_path / "kanal-data"), *args])


def test_history_verify_fails_after_one_event_row_is_edited_in_sqlite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _store(tmp_path)
    with store.unit_of_work() as uow:
        for i in range(4):
            uow.audit.append(
                "published",
                actor="anna",
                subject_type="publication",
                subject_id=f"p{i}",
                details={"n": i},
            )
    store.dispose()
    assert _cli(tmp_path, "history", "verify", "--json") == 0
    assert json.loads(capsys.readouterr().out)["intact"] is True

    with sqlite3.connect(tmp_path / "kanal-data" / "kanal.sqlite3") as db:
        db.execute("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2")
    assert _cli(tmp_path, "history", "verify", "--json") == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["intact"] is False
    assert report["problems"][0]["seq"] == 2
    assert "tampered" in captured.err


def test_history_verify_fails_after_one_event_row_is_deleted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _store(tmp_path)
    with store.unit_of_work() as uow:
        for i in range(3):
            uow.audit.append(
                "edited", actor="anna", subject_type="draft", subject_id="d", details={"n": i}
            )
    store.dispose()
    with sqlite3.connect(tmp_path / "kanal-data" / "kanal.sqlite3") as db:
        db.execute("DELETE FROM audit_events WHERE seq = 3")
    assert _cli(tmp_path, "history", "verify") == 1
    assert "missing" in capsys.readouterr().out
