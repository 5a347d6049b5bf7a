"""Organisation policy decides where a desk keeps its data and which language it starts in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app import policy
from tests.support.cli import kanal


def write_policy(tmp_path: Path, content: dict[str, object]) -> Path:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def test_a_locked_data_folder_wins_over_the_command_line(tmp_path: Path) -> None:
    locked = tmp_path / "org-data"
    mine = tmp_path / "mine"
    path = write_policy(tmp_path, {"policies": {"DataFolder": str(locked)}})
    made = kanal(
        "--data-dir", str(mine), "draft", "new", "--text", "Hej", "--json",
        env={"KANAL_POLICY_FILE": str(path)},
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert (locked / "kanal.sqlite3").exists()
    assert not (mine / "kanal.sqlite3").exists()


def test_a_recommended_language_fills_in_only_where_none_was_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_policy(tmp_path, {"recommended": {"DefaultLanguage": "sv"}})
    monkeypatch.setenv("KANAL_POLICY_FILE", str(path))
    policy.reload()
    try:
        assert policy.start_options(None, None, environ={})[1] == "sv"
        assert policy.start_options(None, "en", environ={})[1] == "en"
        assert policy.start_options(None, None, environ={"KANAL_DATA_DIR": "/x"})[0] == "/x"
    finally:
        policy.reload()


def test_without_a_policy_nothing_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KANAL_POLICY_FILE", str(tmp_path / "none.json"))
    policy.reload()
    try:
        assert policy.start_options(None, None, environ={}) == (None, None)
        assert policy.start_options("/d", "en", environ={}) == ("/d", "en")
    finally:
        policy.reload()


def test_a_data_folder_in_a_synced_cloud_folder_is_warned_about(tmp_path: Path) -> None:
    cloud = tmp_path / "OneDrive - Kommunen"
    made = kanal(
        "--data-dir", str(cloud / "Kanal"), "draft", "new", "--text", "Hej", "--json",
        env={"OneDriveCommercial": str(cloud), "OneDrive": str(cloud)},
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert made.stderr.startswith("kanal: warning: "), made.stderr
    assert json.loads(made.stdout)["body"] == "Hej"
