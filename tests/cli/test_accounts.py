"""`kanal accounts add|list|remove` as a user runs it: a real process, a real keyring backend
(keyrings.alt's file backend, chosen explicitly for the test), the sandbox over loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyrings.alt.file import PlaintextKeyring

from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore

REPO = Path(__file__).resolve().parents[2]
TEST_KEYRING = "keyrings.alt.file.PlaintextKeyring"  # tests only; Kanal itself never picks it


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(
        host="127.0.0.1", port=0, seed=3, latency_ms=0, faults=[], public_rate=0.0
    )
    server.start()
    yield server
    server.stop()


def kanal(
    *args: str, keyring: str = TEST_KEYRING, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHON_KEYRING_BACKEND"] = keyring
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
        cwd=REPO,
    )


def options(credentials: dict[str, Any]) -> list[str]:
    result: list[str] = []
    for name, value in credentials.items():
        result += [f"--{name.replace('_', '-')}", str(value)]
    return result


SECRET_NAMES = ("password", "token", "secret")  # usernames, handles and client ids are not secret


def every_secret(platforms: dict[str, Any]) -> list[str]:
    values = []
    for info in platforms.values():
        for group in ("credentials", "credentials_oauth1"):
            values += [
                str(v) for k, v in info.get(group, {}).items() if any(n in k for n in SECRET_NAMES)
            ]
    assert len(values) >= 8
    return values


def test_add_list_remove_five_accounts(sandbox: SandboxServer) -> None:
    platforms = sandbox.platforms()
    added: dict[str, dict[str, Any]] = {}
    for network in ("wordpress", "facebook", "x", "mastodon", "bluesky"):
        info = platforms[network]
        done = kanal(
            "accounts",
            "add",
            "--network",
            network,
            "--base-url",
            info["base_url"],
            *options(info["credentials"]),
            "--json",
        )
        assert done.returncode == 0, done.stderr
        account = json.loads(done.stdout)
        assert account["network"] == network and account["status"] == "working"
        assert account["handle"] and account["id"]
        added[network] = account
        for secret in every_secret(platforms):
            assert secret not in done.stdout and secret not in done.stderr
    assert added["facebook"]["remote_id"] == platforms["facebook"]["page_ids"][0]

    listed = kanal("accounts", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert sorted(a["id"] for a in json.loads(listed.stdout)) == sorted(
        a["id"] for a in added.values()
    )
    human = kanal("accounts", "list")
    assert added["x"]["handle"] in human.stdout

    # The database holds who the accounts are, never a token or password; the keyring holds those.
    files = list(Path(os.environ["KANAL_DATA_DIR"]).glob("kanal.sqlite3*"))  # with -wal, -shm
    assert Path(os.environ["KANAL_DATA_DIR"]) / "kanal.sqlite3" in files
    raw = b"".join(f.read_bytes() for f in files)
    assert added["x"]["handle"].encode() in raw
    for secret in every_secret(platforms):
        assert secret.encode() not in raw
    keyring = SecretStore(PlaintextKeyring())  # the same file the subprocess wrote
    x_id = added["x"]["id"]
    assert keyring.get(x_id, "refresh_token") == platforms["x"]["credentials"]["refresh_token"]
    assert (
        keyring.get(added["wordpress"]["id"], "application_password")
        == (platforms["wordpress"]["credentials"]["application_password"])
    )

    removed = kanal("accounts", "remove", added["x"]["id"], "--json")
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout) == {"removed": added["x"]["id"]}
    keyring = SecretStore(PlaintextKeyring())
    assert keyring.names(x_id) == []
    assert keyring.get(x_id, "refresh_token") is None and keyring.get(x_id, "access_token") is None
    assert keyring.get(added["mastodon"]["id"], "access_token")
    left = json.loads(kanal("accounts", "list", "--json").stdout)
    assert added["x"]["id"] not in [a["id"] for a in left] and len(left) == 4

    again = kanal("accounts", "remove", added["x"]["id"])
    assert again.returncode == 1 and "no account" in again.stderr


def test_x_with_oauth1_keys_and_a_secret_from_stdin(sandbox: SandboxServer) -> None:
    info = sandbox.platforms()["x"]
    keys = dict(info["credentials_oauth1"])
    secret = keys.pop("consumer_secret")
    done = kanal(
        "accounts",
        "add",
        "--network",
        "x",
        "--base-url",
        info["base_url"],
        *options(keys),
        "--consumer-secret",
        "-",
        "--json",
        stdin=secret + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["handle"] == "@" + info["username"]


def test_wrong_credentials_fail_and_leave_nothing_behind(sandbox: SandboxServer) -> None:
    info = sandbox.platforms()["wordpress"]
    bad = {**info["credentials"], "application_password": "abcd efgh ijkl mnop qrst uvwx"}
    done = kanal(
        "accounts", "add", "--network", "wordpress", "--base-url", info["base_url"], *options(bad)
    )
    assert done.returncode == 1
    assert done.stderr.startswith("kanal: could not verify the wordpress account")
    assert "abcd efgh" not in done.stderr
    assert json.loads(kanal("accounts", "list", "--json").stdout) == []
    leftovers = list(Path(os.environ["XDG_DATA_HOME"]).rglob("keyring_pass.cfg"))
    assert all("_2fapplication_5fpassword" not in f.read_text(encoding="utf-8") for f in leftovers)


def test_no_usable_keyring_is_a_clear_error_and_nothing_is_stored(sandbox: SandboxServer) -> None:
    info = sandbox.platforms()["mastodon"]
    done = kanal(
        "accounts",
        "add",
        "--network",
        "mastodon",
        "--base-url",
        info["base_url"],
        *options(info["credentials"]),
        keyring="keyring.backends.fail.Keyring",
    )
    assert done.returncode == 1
    assert "Cannot store credentials safely" in done.stderr and "keyring" in done.stderr
    assert info["credentials"]["access_token"] not in done.stderr
    assert json.loads(kanal("accounts", "list", "--json").stdout) == []


def test_missing_and_misplaced_options_are_named() -> None:
    done = kanal("accounts", "add", "--network", "bluesky", "--identifier", "a.bsky.social")
    assert done.returncode == 1 and "--app-password" in done.stderr
    done = kanal("accounts", "add", "--network", "mastodon", "--access-token", "abc")
    assert done.returncode == 1 and "--base-url" in done.stderr
    done = kanal("accounts", "add", "--network", "facebook", "--username", "u")
    assert done.returncode == 1 and "--username does not apply to facebook" in done.stderr
    done = kanal("accounts", "add", "--network", "myspace")
    assert done.returncode == 1 and "unknown network" in done.stderr


def test_duplicate_account_is_refused(sandbox: SandboxServer) -> None:
    info = sandbox.platforms()["bluesky"]
    args = (
        "accounts",
        "add",
        "--network",
        "bluesky",
        "--base-url",
        info["base_url"],
        *options(info["credentials"]),
    )
    assert kanal(*args).returncode == 0
    second = kanal(*args)
    assert second.returncode == 1 and "already connected" in second.stderr
    assert len(json.loads(kanal("accounts", "list", "--json").stdout)) == 1


def test_browser_sign_in_for_x_facebook_and_mastodon(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--sign-in` runs the loopback flow; the test's browser allows on the consent pages."""
    import webbrowser

    from desktop_app.cli.main import main
    from tests.support.networks import ConsentBrowser

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", TEST_KEYRING)
    browser = ConsentBrowser()
    monkeypatch.setattr(webbrowser, "open", browser)
    info = sandbox.platforms()
    runs = {
        "x": ["--client-id", info["x"]["credentials"]["client_id"]],
        "facebook": [
            "--app-id",
            info["facebook"]["app_id"],
            "--app-secret",
            info["facebook"]["app_secret"],
        ],
        "mastodon": [],
    }
    for network, extra in runs.items():
        code = main(
            [
                "accounts",
                "add",
                "--network",
                network,
                "--base-url",
                info[network]["base_url"],
                "--sign-in",
                *extra,
                "--json",
            ]
        )
        out, err = capsys.readouterr()
        assert code == 0, err
        account = json.loads(out)
        assert account["network"] == network and account["status"] == "working"
        assert "visit:" in err  # the address is shown for machines where no browser opens
    assert len(browser.visited) == 3
    keyring = SecretStore(PlaintextKeyring())
    accounts = json.loads(kanal("accounts", "list", "--json").stdout)
    x_account = next(a for a in accounts if a["network"] == "x")
    assert keyring.get(x_account["id"], "refresh_token")  # offline.access gave a refresh token
    assert keyring.get(x_account["id"], "access_token") != info["x"]["credentials"]["access_token"]
