"""Removing an account archives it: nothing of the record goes with it (issue 13, item 2)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop_app.cli.main import main
from desktop_app.domain.inbox import InboxState, RemoteState
from tests.support.records import (
    add_account,
    data_dir,
    database,
    incoming,
    receive,
    sealed_store,
    use_file_keyring,
)


def _cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["--data-dir", str(data_dir(tmp_path)), *args, "--json"])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip() else {})


def test_remove_archives_the_account_and_keeps_every_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_file_keyring(monkeypatch)
    store = sealed_store(tmp_path)
    try:
        account = add_account(store)
        visible, hidden, gone = receive(
            store,
            account,
            [
                incoming("c1", "Tack för informationen"),
                incoming("c2", "Ett inlägg som döljs"),
                incoming("c3", "Raderat av skribenten"),
            ],
        )
        receive(store, account, [incoming("c3", "", RemoteState.DELETED)])
        with store.unit_of_work() as uow:  # hidden by a moderator, as InboxActions does it
            uow.inbox.record_moderation(hidden, InboxState.HIDDEN, RemoteState.HIDDEN)
            uow.audit.append(
                "hidden",
                actor="anna",
                subject_type="inbox_item",
                subject_id=hidden,
                details={"reason": "personuppgifter"},
            )
    finally:
        store.dispose()

    code, removed = _cli(tmp_path, capsys, "accounts", "remove", account.id)
    assert code == 0 and removed["removed"] == account.id

    # Gone from the list of accounts ...
    code, listing = _cli(tmp_path, capsys, "accounts", "list")
    assert code == 0 and account.id not in json.dumps(listing)
    # ... but its hidden item still opens, and every item (deleted too) is still stored.
    code, shown = _cli(tmp_path, capsys, "inbox", "show", hidden)
    assert code == 0 and shown["item"]["text"] == "Ett inlägg som döljs"
    with sqlite3.connect(database(tmp_path)) as db:
        ids = {row[0] for row in db.execute("SELECT id FROM inbox_items")}
        archived = db.execute("SELECT archived_at FROM accounts WHERE id = ?", (account.id,))
        assert archived.fetchone()[0] is not None
        kinds = [
            row[0]
            for row in db.execute(
                "SELECT kind FROM audit_events WHERE subject_id = ? ORDER BY seq", (account.id,)
            )
        ]
    assert {visible, hidden, gone} <= ids
    assert kinds[-1] == "account_archived"  # the removal is in the audit trail

    code, report = _cli(tmp_path, capsys, "history", "verify")
    assert code == 0 and report["intact"] is True and report["sealed"] is True


def test_removing_an_unknown_account_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_file_keyring(monkeypatch)
    sealed_store(tmp_path).dispose()
    code = main(["--data-dir", str(data_dir(tmp_path)), "accounts", "remove", "nope"])
    assert code != 0
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
