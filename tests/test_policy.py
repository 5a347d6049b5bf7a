"""Organisation policy: precedence, locking, file and registry, and ``kanal policy show``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop_app import policy as policy_module
from desktop_app.cli.main import main as cli_main
from desktop_app.policy import KEYS, Source, load_policy, policy_file


def write_policy(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document) if not isinstance(document, str) else document, "utf-8")
    return path


@pytest.fixture
def policy_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "policy.json"
    monkeypatch.setenv("KANAL_POLICY_FILE", str(path))
    return path


def test_precedence_locked_over_user_over_default_over_built_in(policy_path: Path) -> None:
    write_policy(
        policy_path,
        {
            "policies": {"XClientId": "org-client"},
            "recommended": {"DefaultLanguage": "sv", "XClientId": "ignored-default"},
        },
    )
    policy = load_policy(platform="linux")

    locked = policy.resolve("XClientId", user_value="user-client")
    assert (locked.value, locked.source, locked.locked) == ("org-client", Source.LOCKED, True)
    assert str(policy_path) in locked.origin

    user = policy.resolve("DefaultLanguage", user_value="en")
    assert (user.value, user.source, user.locked) == ("en", Source.USER, False)

    default = policy.resolve("DefaultLanguage")
    assert (default.value, default.source) == ("sv", Source.RECOMMENDED)

    built_in = policy.resolve("UpdateChannel")
    assert (built_in.value, built_in.source) == ("stable", Source.BUILT_IN)
    assert policy.resolve("MetaAppId").value is None


def test_only_locked_values_are_locked(policy_path: Path) -> None:
    write_policy(
        policy_path,
        {"policies": {"ApprovalRequired": True}, "recommended": {"AltTextRequired": True}},
    )
    policy = load_policy(platform="linux")
    assert policy.is_locked("ApprovalRequired")
    assert not policy.is_locked("AltTextRequired")  # a default: the user may switch it off
    assert policy.value("AltTextRequired", user_value=False) is False
    assert policy.value("ApprovalRequired", user_value=False) is True
    with pytest.raises(KeyError, match="unknown policy key"):
        policy.is_locked("NoSuchKey")


def test_module_api_is_locked_reads_the_machine_policy(policy_path: Path) -> None:
    write_policy(policy_path, {"policies": {"DataFolder": "$HOME/Kanal"}})
    policy_module.reload()
    try:
        assert policy_module.is_locked("DataFolder")
        assert not policy_module.is_locked("ProxyUrl")
    finally:
        policy_module._current = None


def test_registry_over_file_and_recommended_subkey(policy_path: Path) -> None:
    write_policy(
        policy_path,
        {"policies": {"MetaAppId": "file-app"}, "recommended": {"UpdateChannel": "beta"}},
    )
    registry = {
        r"Software\Policies\Kanal": {"MetaAppId": "gpo-app", "AltTextRequired": 1},
        r"Software\Policies\Kanal\Recommended": {"MastodonInstance": "social.example.se"},
    }
    policy = load_policy(platform="win32", registry=registry.get)
    meta = policy.resolve("MetaAppId")
    assert meta.value == "gpo-app" and meta.origin == r"registry HKLM\Software\Policies\Kanal"
    assert policy.value("AltTextRequired") is True and policy.is_locked("AltTextRequired")
    assert policy.resolve("MastodonInstance").source is Source.RECOMMENDED
    assert policy.value("UpdateChannel") == "beta"


def test_bad_values_are_skipped_and_reported(policy_path: Path) -> None:
    write_policy(
        policy_path,
        {
            "policies": {
                "ProxyPacUrl": "not a url",
                "ApprovalRequired": "yes",
                "Frobnicate": 1,
                "XClientId": "ok",
            },
            "extra": {},
        },
    )
    policy = load_policy(platform="linux")
    assert policy.value("XClientId") == "ok"
    assert not policy.is_locked("ProxyPacUrl") and not policy.is_locked("ApprovalRequired")
    text = "\n".join(policy.problems)
    assert "ProxyPacUrl ignored" in text
    assert "ApprovalRequired ignored" in text
    assert "unknown policy 'Frobnicate'" in text
    assert "unknown section 'extra'" in text


def test_a_broken_file_applies_nothing_and_says_so(policy_path: Path) -> None:
    write_policy(policy_path, '{"policies": {"XClientId": "x",')
    policy = load_policy(platform="linux")
    assert policy.locked == {} and "not valid JSON" in policy.problems[0]


def test_no_file_means_no_policy(policy_path: Path) -> None:
    policy = load_policy(platform="linux")
    assert policy.problems == [] and policy.sources == []
    assert all(s.source is Source.BUILT_IN for s in policy.effective())


def test_where_the_file_is_looked_for() -> None:
    assert policy_file({}, "linux") == Path("/etc/kanal/policy.json")
    windows = policy_file({"ProgramData": r"D:\PD"}, "win32")
    assert windows.parts[-2:] == ("Kanal", "policy.json") and str(windows).startswith(r"D:\PD")
    assert policy_file({"KANAL_POLICY_FILE": "/x/p.json"}, "win32") == Path("/x/p.json")


def test_policy_show_json_names_every_setting_and_its_source(
    policy_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_policy(
        policy_path,
        {"policies": {"ApprovalRequired": True}, "recommended": {"DefaultLanguage": "sv"}},
    )
    assert cli_main(["--lang", "en", "policy", "show", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    settings = {s["key"]: s for s in out["settings"]}
    assert list(settings) == list(KEYS)
    assert settings["ApprovalRequired"]["source"] == "locked policy"
    assert settings["ApprovalRequired"]["locked"] is True
    assert settings["DefaultLanguage"] == {
        "key": "DefaultLanguage",
        "value": "en",
        "source": "user setting",
        "origin": "",
        "locked": False,
    }
    assert settings["UpdateChannel"]["source"] == "built-in default"


def test_policy_show_human_lists_problems(
    policy_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_policy(policy_path, {"policies": {"UpdateChannel": "nightly"}})
    assert cli_main(["policy", "show"]) == 0
    out = capsys.readouterr().out
    assert (
        "UpdateChannel" in out
        and "Not applied:" in out
        and "nightly" not in out.split("Not applied:")[0]
    )
