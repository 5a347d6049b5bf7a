"""``kanal draft new|list|show`` run as the real program (a subprocess), offline."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from desktop_app.config import resolve_config
from desktop_app.domain.accounts import Account
from desktop_app.store.database import Store
from tests.support.store import add_account, write_png

SNOW = "Plogbilarna är ute i natt"
ALL_NETWORKS = ["wordpress", "facebook", "x", "mastodon", "bluesky"]


def kanal(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # Nothing here may need the network: any attempt would fail fast on a closed port.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        env[name] = "http://127.0.0.1:9"
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def kanal_json(*args: str) -> Any:
    result = kanal(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def accounts_in_store(*networks: str) -> list[Account]:
    """Accounts added straight to the store the CLI will open (KANAL_DATA_DIR of this test)."""
    config = resolve_config()
    store = Store(config.database_url, config.data_dir)
    store.migrate()
    try:
        return [add_account(store, network, f"@kommun{n}") for n, network in enumerate(networks)]
    finally:
        store.dispose()


def test_new_then_list_shows_a_check_for_every_network_without_accounts() -> None:
    created = kanal_json("draft", "new", "--text", SNOW, "--to", "all")
    assert created["body"] == SNOW
    assert created["state"] == "draft"
    assert created["author"] == getpass.getuser()
    assert [t["network"] for t in created["targets"]] == ALL_NETWORKS
    assert all(t["account_id"] is None for t in created["targets"])
    assert all(t["length"] == len(SNOW) for t in created["targets"])
    limits = {t["network"]: t["limit"] for t in created["targets"]}
    assert limits == {
        "wordpress": None,
        "facebook": 63206,
        "x": 280,
        "mastodon": 500,
        "bluesky": 300,
    }
    validity = {t["network"]: t["valid"] for t in created["targets"]}
    assert validity == {"wordpress": False, "facebook": True, "x": True, "mastodon": True,
                        "bluesky": True}  # fmt: skip
    [wordpress] = [t for t in created["targets"] if t["network"] == "wordpress"]
    assert wordpress["problems"][0]["code"] == "title_required"

    listed = kanal_json("draft", "list")
    assert [d["id"] for d in listed] == [created["id"]]
    assert listed[0]["targets"] == created["targets"]
    assert set(listed[0]) >= {
        "id", "title", "body", "state", "author", "targets", "variants", "attachments",
        "scheduled_at", "created_at", "updated_at",
    }  # fmt: skip


def test_targets_are_the_accounts_with_their_own_networks() -> None:
    mastodon, x, bluesky = accounts_in_store("mastodon", "x", "bluesky")
    over_x = "Snö " * 80  # 320 characters: too long for X and Bluesky, fine for Mastodon
    everyone = kanal_json("draft", "new", "--text", over_x, "--to", "all", "--title", "Snö")
    checks = {t["account_id"]: t for t in everyone["targets"]}
    assert set(checks) == {mastodon.id, x.id, bluesky.id}
    assert checks[mastodon.id]["network"] == "mastodon" and checks[mastodon.id]["valid"]
    assert checks[x.id]["network"] == "x" and not checks[x.id]["valid"]
    assert checks[x.id]["length"] == 320 and checks[x.id]["over_by"] == 40
    assert not checks[bluesky.id]["valid"]

    one = kanal_json("draft", "new", "--text", over_x, "--to", x.id, "--variant", "x=Snö i natt")
    assert one["variants"] == {"x": "Snö i natt"}
    [check] = one["targets"]
    assert check == {
        "account_id": x.id,
        "network": "x",
        "length": len("Snö i natt"),
        "limit": 280,
        "valid": True,
        "over_by": 0,
        "problems": [],
    }
    shown = kanal_json("draft", "show", one["id"])
    assert shown == one


def test_images_with_alt_text_are_attached(tmp_path: Path) -> None:
    first = write_png(tmp_path / "karta.png", colour=(1, 1, 1))
    second = write_png(tmp_path / "plogbil.png", colour=(2, 2, 2))
    created = kanal_json(
        "draft", "new", "--text", SNOW,
        "--image", str(first), "--alt", "Karta över plogrutterna",
        "--image", str(second),
    )  # fmt: skip
    attachments = created["attachments"]
    assert [a["original_name"] for a in attachments] == ["karta.png", "plogbil.png"]
    assert [a["alt_text"] for a in attachments] == ["Karta över plogrutterna", ""]
    assert all(len(a["sha256"]) == 64 for a in attachments)
    human = kanal("draft", "show", created["id"])
    assert "MISSING alt text" in human.stdout


def test_a_corrupt_image_is_refused_and_nothing_half_made_is_left(tmp_path: Path) -> None:
    broken = tmp_path / "trasig.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    result = kanal("draft", "new", "--text", SNOW, "--image", str(broken), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("kanal: trasig.png")
    assert "No draft was created." in line
    assert kanal_json("draft", "list") == []


def test_a_vanished_image_path_is_explained(tmp_path: Path) -> None:
    result = kanal("draft", "new", "--text", SNOW, "--image", str(tmp_path / "borta.png"))
    assert result.returncode == 1
    assert "borta.png is no longer at" in result.stderr


def test_unknown_account_and_unknown_draft_fail_with_one_line() -> None:
    result = kanal("draft", "new", "--text", SNOW, "--to", "no-such-account")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "kanal: no account with id no-such-account; see `kanal accounts list`"
    )
    missing = kanal("draft", "show", "no-such-draft", "--json")
    assert missing.returncode == 1 and missing.stdout == ""
    assert "no draft with id no-such-draft" in missing.stderr


def test_list_search_and_human_output() -> None:
    road = kanal_json("draft", "new", "--text", "Vägarbete på Storgatan", "--author", "bertil")
    kanal_json("draft", "new", "--text", SNOW)
    found = kanal_json("draft", "list", "--search", "VÄGARBETE")
    assert [d["id"] for d in found] == [road["id"]]
    assert found[0]["author"] == "bertil"
    human = kanal("draft", "list")
    assert human.returncode == 0
    assert road["id"] in human.stdout and SNOW in human.stdout


def test_schedule_is_stored_in_utc() -> None:
    created = kanal_json("draft", "new", "--text", SNOW, "--schedule", "2026-12-01T07:30+01:00")
    assert created["scheduled_at"] == "2026-12-01T06:30:00+00:00"
    bad = kanal("draft", "new", "--text", SNOW, "--schedule", "tomorrow")
    assert bad.returncode == 1 and "--schedule 'tomorrow'" in bad.stderr


def test_variant_for_an_unknown_network_is_refused() -> None:
    result = kanal("draft", "new", "--text", SNOW, "--variant", "myspace=hej")
    assert result.returncode == 1
    assert "unknown network 'myspace'" in result.stderr
