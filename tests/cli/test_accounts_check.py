"""`kanal accounts check [ID]`: a real process against the sandbox over loopback."""

from __future__ import annotations

import json
from typing import Any

from desktop_app.sandbox.server import SandboxServer
from tests.unit.test_cli_accounts import kanal, options, sandbox

__all__ = ["sandbox"]  # the fixture, shared with the accounts add/list/remove tests


def add(sandbox: SandboxServer, network: str, credentials: dict[str, Any] | None = None) -> str:
    info = sandbox.platforms()[network]
    done = kanal(
        "accounts",
        "add",
        "--network",
        network,
        "--base-url",
        info["base_url"],
        *options(credentials or info["credentials"]),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    account_id: str = json.loads(done.stdout)["id"]
    return account_id


def test_check_reports_each_account_with_findings_and_actions(sandbox: SandboxServer) -> None:
    facebook = add(sandbox, "facebook")
    mastodon = add(sandbox, "mastodon")
    done = kanal("accounts", "check", "--json")
    assert done.returncode == 0, done.stderr
    report = {r["account"]["id"]: r["health"] for r in json.loads(done.stdout)}
    assert set(report) == {facebook, mastodon}
    fb = report[facebook]
    assert fb["ok"] and fb["token_valid"] and fb["name"] == "Sandvikens kommun"
    assert fb["missing_scopes"] == [] and fb["expires_at"]
    assert {f["topic"] for f in fb["findings"]} >= {"expiry", "permissions", "rate_limit"}
    assert report[mastodon]["ok"] and report[mastodon]["findings"][0]["topic"] == "identity"
    # The generic check reads the rate-limit headers of the answers (Mastodon's X-RateLimit-*).
    assert isinstance(report[mastodon]["usage_percent"], int)
    assert report[mastodon]["findings"][1]["topic"] == "rate_limit"
    token = sandbox.platforms()["facebook"]["credentials"]["access_token"]
    assert token not in done.stdout and token not in done.stderr

    one = kanal("accounts", "check", facebook)
    assert one.returncode == 0, one.stderr
    assert "[ok]" in one.stdout and "Sandvikens kommun" in one.stdout


def test_check_of_a_broken_account_names_the_action_and_fails(sandbox: SandboxServer) -> None:
    facebook = add(sandbox, "facebook")
    sandbox._platforms["facebook"].invalidate_tokens("password")
    done = kanal("accounts", "check", facebook)
    assert done.returncode == 1
    assert "[problem]" in done.stdout and "Sign in again" in done.stdout
    assert done.stderr.count("\n") == 1 and "need attention" in done.stderr
    unknown = kanal("accounts", "check", "no-such-id")
    assert (
        unknown.returncode == 1 and unknown.stderr.strip() == "kanal: no account with id no-such-id"
    )
