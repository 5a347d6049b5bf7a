"""`kanal sync` and `kanal inbox ...` against the sandbox, through the real command line."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.cli.main import main
from desktop_app.sandbox.server import SandboxServer
from tests.support.engine import add_accounts
from tests.support.sandbox import keyring_data_dir, running_sandbox


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return keyring_data_dir(tmp_path, monkeypatch)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(seed=41) as server:
        yield server


def run(data_dir: Path, *args: str) -> tuple[int, Any, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--data-dir", str(data_dir), *args])
    text = out.getvalue().strip()
    return code, json.loads(text) if text.startswith(("{", "[")) else text, err.getvalue()


def test_sync_list_search_reply_and_hide(sandbox: SandboxServer, data_dir: Path) -> None:
    ids = add_accounts(sandbox, data_dir, networks=("facebook", "mastodon"))
    sandbox.stage_public(platform="facebook", kind="comment", author="Olle", text="Hål i vägen!")
    sandbox.stage_public(
        platform="mastodon", kind="mention", author="Stina", text="När töms soporna?"
    )

    code, payload, _ = run(data_dir, "sync", "--json")
    assert code == 0
    counts = {a["account_id"]: a for a in payload["accounts"]}
    assert counts[ids["facebook"]]["status"] == "ok" and counts[ids["facebook"]]["new"] >= 1
    code, again, _ = run(data_dir, "sync", "--account", ids["mastodon"], "--json")
    assert code == 0 and [a["new"] for a in again["accounts"]] == [0]

    code, items, _ = run(data_dir, "inbox", "list", "--search", "sopor", "--json")
    assert code == 0 and [i["author_name"] for i in items] == ["Stina"]
    code, waiting, _ = run(data_dir, "inbox", "list", "--unanswered", "--json", "--limit", "500")
    assert {i["author_name"] for i in waiting} >= {"Olle", "Stina"}

    code, answered, _ = run(
        data_dir, "inbox", "reply", items[0]["id"], "--text", "På torsdag!", "--as", "karin",
        "--json",
    )  # fmt: skip
    assert code == 0 and answered["state"] == "answered" and answered["answered_by"] == "karin"

    (olle,) = [i for i in waiting if i["author_name"] == "Olle"]
    code, _, err = run(data_dir, "inbox", "hide", olle["id"], "--json")
    assert code == 1 and "--reason" in err  # moderation is a record: no reason, no hiding
    code, hidden, _ = run(
        data_dir, "inbox", "hide", olle["id"], "--reason", "off_topic", "--as", "karin", "--json"
    )
    assert code == 0 and hidden["state"] == "hidden" and hidden["on_platform"] is True
    code, still_there, _ = run(data_dir, "inbox", "list", "--view", "hidden_deleted", "--json")
    assert [i["id"] for i in still_there] == [olle["id"]]

    code, stats, _ = run(data_dir, "inbox", "stats", "--json")
    assert code == 0 and {s["account_id"] for s in stats} == set(ids.values())


def test_sync_without_accounts_says_what_to_do(data_dir: Path) -> None:
    code, _, err = run(data_dir, "sync")
    assert code == 1 and "accounts add" in err
