"""Tamper evidence that survives a person holding the database file (issue 13, item 1).

Each test builds a sealed chain through the store, tampers with a copy of the SQLite file by
plain SQL (no key: the key is in the keyring), and runs `kanal history verify` on it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_app.cli.main import main
from desktop_app.domain.audit import AuditEvent, chain_next
from desktop_app.store.database import Store
from tests.support.records import (
    add_account,
    data_dir,
    incoming,
    receive,
    sealed_store,
    sql,
    use_file_keyring,
)

T_LEGACY = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)  # SQLite keeps the UTC wall clock


@pytest.fixture(autouse=True)
def _keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    use_file_keyring(monkeypatch)


def _build(tmp_path: Path, events: int = 5) -> None:
    store = sealed_store(tmp_path)
    try:
        account = add_account(store)
        receive(store, account, [incoming("c1", "Hej!"), incoming("c2", "När plogas det?")])
        with store.unit_of_work() as uow:
            for i in range(events - 1):
                uow.audit.append(
                    "edited", actor="anna", subject_type="draft", subject_id="d1", details={"n": i}
                )
    finally:
        store.dispose()


def _verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, object], str]:
    code = main(["--data-dir", str(data_dir(tmp_path)), "history", "verify", "--json", *extra])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def _events(tmp_path: Path) -> list[AuditEvent]:
    store = Store(
        f"sqlite:///{(data_dir(tmp_path) / 'kanal.sqlite3').as_posix()}", data_dir(tmp_path)
    )
    try:
        with store.unit_of_work(read_only=True) as uow:
            return list(uow.audit.iter_all())
    finally:
        store.dispose()


def test_an_untouched_sealed_chain_is_intact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(tmp_path)
    code, report, _ = _verify(tmp_path, capsys)
    assert (code, report["intact"], report["sealed"], report["events"]) == (0, True, True, 5)
    assert all(e.seal for e in _events(tmp_path))


def test_cutting_events_off_the_end_and_deleting_the_head_is_detected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(tmp_path)
    sql(tmp_path, "DELETE FROM audit_events WHERE seq > 3", "DELETE FROM audit_head")
    code, report, err = _verify(tmp_path, capsys)
    assert code == 1 and report["intact"] is False
    assert any("head is missing" in p["problem"] for p in report["problems"])  # type: ignore[union-attr, index]
    assert "tampered" in err


def test_deleting_the_head_alone_is_detected_and_later_actions_do_not_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(tmp_path)
    sql(tmp_path, "DELETE FROM audit_head")
    code, report, _ = _verify(tmp_path, capsys)
    assert code == 1
    # The next audited action continues the chain instead of an IntegrityError ...
    store = sealed_store(tmp_path)
    try:
        with store.unit_of_work() as uow:
            event = uow.audit.append("edited", actor="anna", subject_type="draft", subject_id="d1")
        assert event.seq == 6
    finally:
        store.dispose()
    # ... and the deleted head stays on record, under that event's seal.
    code, report, _ = _verify(tmp_path, capsys)
    assert code == 1
    problems = report["problems"]
    assert isinstance(problems, list)
    assert any(p["seq"] == 6 and "head had been deleted" in p["problem"] for p in problems)


def test_emptying_the_trail_and_the_head_is_detected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(tmp_path)
    sql(tmp_path, "DELETE FROM audit_events", "DELETE FROM audit_head")
    code, report, _ = _verify(tmp_path, capsys)
    assert code == 1
    assert "trail was removed" in json.dumps(report)


def test_editing_an_event_and_recomputing_the_public_chain_is_detected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(tmp_path)
    events = _events(tmp_path)
    rebuilt: list[AuditEvent] = []
    previous: AuditEvent | None = None
    for event in events:  # the public algorithm, with event 2 rewritten
        actor = "mallory" if event.seq == 2 else event.actor
        previous = chain_next(
            previous,
            id=event.id,
            kind=event.kind,
            actor=actor,
            occurred_at=event.occurred_at,
            subject_type=event.subject_type,
            subject_id=event.subject_id,
            details=event.details,
        )
        rebuilt.append(previous)
    statements = [
        f"UPDATE audit_events SET actor = '{e.actor}', prev_hash = '{e.prev_hash}', "
        f"hash = '{e.hash}' WHERE seq = {e.seq}"
        for e in rebuilt
    ]
    last = rebuilt[-1]
    statements.append(f"UPDATE audit_head SET seq = {last.seq}, hash = '{last.hash}'")
    sql(tmp_path, *statements)
    code, report, _ = _verify(tmp_path, capsys)
    assert code == 1
    problems = report["problems"]
    assert isinstance(problems, list)
    assert {p["seq"] for p in problems} >= {2, 3, 4, 5}  # every rewritten seal fails
    # Stripping the seals as well does not help: unsealed events after the legacy mark fail.
    sql(tmp_path, "UPDATE audit_events SET seal = NULL", "UPDATE audit_head SET seal = NULL")
    assert _verify(tmp_path, capsys)[0] == 1


def test_appending_a_forged_event_is_detected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(tmp_path)
    last = _events(tmp_path)[-1]
    forged = chain_next(
        replace(last, seal=None),
        id="forged",
        kind="published",
        actor="anna",
        occurred_at=last.occurred_at,
        subject_type="publication",
        subject_id="never-published",
    )
    sql(
        tmp_path,
        "INSERT INTO audit_events (id, seq, kind, actor, occurred_at, subject_type, subject_id, "
        f"details, prev_hash, hash) VALUES ('forged', {forged.seq}, 'published', 'anna', "
        f"'2026-11-20 10:00:00.000000', 'publication', 'never-published', '{{}}', "
        f"'{forged.prev_hash}', '{forged.hash}')",
        f"UPDATE audit_head SET seq = {forged.seq}, hash = '{forged.hash}'",
    )
    code, report, _ = _verify(tmp_path, capsys)
    assert code == 1
    assert any(p["seq"] == 6 for p in report["problems"])  # type: ignore[union-attr, index]


def test_each_inbox_item_content_hash_is_in_the_chain_as_received_and_after_a_change(
    tmp_path: Path,
) -> None:
    store = sealed_store(tmp_path)
    try:
        account = add_account(store)
        [item_id] = receive(store, account, [incoming("c9", "Första versionen")])
        receive(store, account, [incoming("c9", "Redigerad på plattformen")])
        with store.unit_of_work(read_only=True) as uow:
            received = [e for e in uow.audit.iter_all() if e.kind == "received"]
    finally:
        store.dispose()
    assert len(received) == 2
    first = received[0].details["received"][item_id]
    second = received[1].details["changed"][item_id]
    assert len(first) == 64 and first != second


def test_an_exported_head_is_checked_as_an_anchor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(tmp_path)
    export = tmp_path / "export.json"
    assert (
        main(
            [
                "--data-dir",
                str(data_dir(tmp_path)),
                "history",
                "export",
                "--format",
                "json",
                "--output",
                str(export),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert _verify(tmp_path, capsys, "--anchor", str(export))[0] == 0
    head = json.loads(export.read_text(encoding="utf-8"))["audit_chain_head"]
    # Cut the chain back before the exported head and make it consistent again: the anchor
    # (and the missing head) still tell.
    sql(
        tmp_path,
        f"DELETE FROM audit_events WHERE seq >= {head['seq']}",
        "DELETE FROM audit_head",
    )
    code, report, _ = _verify(tmp_path, capsys, "--anchor", f"{head['seq']}:{head['hash']}")
    assert code == 1
    assert report["anchor"]["problems"]  # type: ignore[index]


def test_a_bad_anchor_is_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(tmp_path)
    code = main(
        ["--data-dir", str(data_dir(tmp_path)), "history", "verify", "--anchor", "nonsense"]
    )
    err = capsys.readouterr().err
    assert code != 0 and len(err.strip().splitlines()) == 1


def test_a_chain_from_before_sealing_is_migrated_and_continues_sealed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app.domain.audit import digest
    from desktop_app.engine.records.chain_keys import use_keyring_chain_key
    from desktop_app.store.migrations.runner import upgrade

    data = data_dir(tmp_path)
    store = Store(f"sqlite:///{(data / 'kanal.sqlite3').as_posix()}", data)
    upgrade(store.engine, "0004", is_sqlite=True)
    previous: AuditEvent | None = None
    legacy: list[AuditEvent] = []
    for n in range(3):  # format 1: what Kanal wrote before records_0001
        event = chain_next(
            previous,
            id=f"legacy-{n}",
            kind="edited",
            actor="anna",
            occurred_at=T_LEGACY,
            subject_type="draft",
            subject_id="d1",
            details={"n": n},
        )
        event = replace(event, format=1)
        previous = replace(event, hash=digest(event))
        legacy.append(previous)
    store.dispose()
    sql(
        tmp_path,
        *[
            "INSERT INTO audit_events (id, seq, kind, actor, occurred_at, subject_type, "
            f"subject_id, details, prev_hash, hash) VALUES ('{e.id}', {e.seq}, 'edited', 'anna', "
            f"'2026-01-05 10:00:00.000000', 'draft', 'd1', '{json.dumps(dict(e.details))}', "
            f"'{e.prev_hash}', '{e.hash}')"
            for e in legacy
        ],
        f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 3, '{legacy[-1].hash}')",
    )
    store = Store(f"sqlite:///{(data / 'kanal.sqlite3').as_posix()}", data)
    store.migrate()
    use_keyring_chain_key(store)
    with store.unit_of_work() as uow:
        uow.audit.append("edited", actor="anna", subject_type="draft", subject_id="d1")
    store.dispose()
    code, report, _ = _verify(tmp_path, capsys)
    assert (code, report["intact"], report["sealed"], report["events"]) == (0, True, True, 4)
    sql(tmp_path, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 1")
    assert _verify(tmp_path, capsys)[0] == 1


def test_rewriting_the_whole_chain_as_if_from_before_sealing_is_detected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The attacker's best move without the key: rewrite every event in the old unsealed format
    and mark them all as pre-seal. The head this desk last saw intact (kept in the keyring)
    is no longer in the chain."""
    from desktop_app.domain.audit import digest

    _build(tmp_path)
    assert _verify(tmp_path, capsys)[0] == 0  # an intact check remembers the head
    rebuilt: list[AuditEvent] = []
    previous: AuditEvent | None = None
    for event in _events(tmp_path):
        unsealed = replace(
            event,
            format=1,
            seal=None,
            actor="mallory" if event.seq == 2 else event.actor,
            prev_hash=previous.hash if previous else event.prev_hash,
        )
        previous = replace(unsealed, hash=digest(unsealed))
        rebuilt.append(previous)
    last = rebuilt[-1]
    sql(
        tmp_path,
        *[
            f"UPDATE audit_events SET actor = '{e.actor}', format = 1, seal = NULL, "
            f"prev_hash = '{e.prev_hash}', hash = '{e.hash}' WHERE seq = {e.seq}"
            for e in rebuilt
        ],
        f"UPDATE audit_head SET seq = {last.seq}, hash = '{last.hash}', seal = NULL, "
        f"legacy_seq = {last.seq}",
    )
    code, report, _ = _verify(tmp_path, capsys)
    assert code == 1
    assert "earlier check on this computer" in json.dumps(report, ensure_ascii=False)


def test_a_chain_written_before_the_desk_had_a_keyring_is_adopted_when_the_key_is_made(
    tmp_path: Path,
) -> None:
    """A desk without a keyring wrote unsealed events; when its keyring appears, Kanal makes
    the key and sealing starts at the head: the chain verifies, later events are sealed."""
    from desktop_app.engine.records.chain_keys import use_keyring_chain_key
    from desktop_app.secrets import SecretStore
    from desktop_app.store.audit import bind_chain_keys
    from tests.support.memory_keyring import MemoryKeyring

    data = tmp_path / "desk"
    store = Store(f"sqlite:///{(data / 'kanal.sqlite3').as_posix()}", data)
    store.migrate()
    try:
        with store.unit_of_work() as uow:
            for n in range(3):
                uow.audit.append("published", actor="anna", subject_type="publication",
                                 subject_id=f"p{n}", details={"n": n})  # fmt: skip
        use_keyring_chain_key(store, SecretStore(MemoryKeyring()))
        with store.unit_of_work() as uow:
            uow.audit.append("published", actor="anna", subject_type="publication",
                             subject_id="p3", details={"n": 3})  # fmt: skip
        with store.unit_of_work(read_only=True) as uow:
            report = uow.audit.verify_report()
            head = uow.audit.chain_head()
        assert report.problems == [] and report.sealed, report
        assert head is not None and head.legacy_seq == 3 and head.seal
    finally:
        bind_chain_keys(store.engine, None)
        store.dispose()
