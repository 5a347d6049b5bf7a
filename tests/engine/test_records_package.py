"""Snapshots, the E-ARK package and the channel register (issue 13, items 4, 5 and 7)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from desktop_app.cli.main import main
from desktop_app.domain.networks import Network
from desktop_app.engine.records.snapshot import due_snapshots, periods, run_due_snapshots
from tests.support.records import (
    add_account,
    data_dir,
    incoming,
    moderate,
    offline_schema,
    publish_post,
    receive,
    reply,
    sealed_store,
    use_file_keyring,
)

METS_NS = {"mets": "http://www.loc.gov/METS/", "xlink": "http://www.w3.org/1999/xlink"}
NOTICE = "Vi tar bort inlägg som bryter mot lag, se kommunen.se/sociala-medier"


@pytest.fixture(autouse=True)
def _keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    use_file_keyring(monkeypatch)


def _cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = main(["--data-dir", str(data_dir(tmp_path)), *args, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else captured.err


def _setup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    store = sealed_store(tmp_path)
    try:
        account = add_account(store, Network.MASTODON)
        publish_post(store, [account], "Biblioteket har nya öppettider från januari.")
        first, second = receive(
            store, account, [incoming("c1", "Tack!"), incoming("c2", "Namn och adress här")]
        )
        reply(store, first, "Varsågod!")
        moderate(store, second, "Namn och adress här", note="personuppgifter")
    finally:
        store.dispose()
    code, _ = _cli(
        tmp_path, capsys, "records", "register", "set", account.id,
        "--purpose", "Information om kommunens service", "--responsible", "Kommunikationschefen",
        "--start-date", "2024-01-15", "--notice", NOTICE,
    )  # fmt: skip
    assert code == 0
    return account.id


def test_the_eark_package_validates_against_mets_and_premis_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account_id = _setup(tmp_path, capsys)
    code, result = _cli(
        tmp_path, capsys, "records", "export", "--format", "eark",
        "--from", "2026-01-01", "--to", "2026-12-31", "--output", str(tmp_path / "arkiv"),
    )  # fmt: skip
    assert code == 0, result
    package = Path(result["package"])
    mets_schema = offline_schema("mets.xsd")
    premis_schema = offline_schema("premis.xsd")
    for document in (package / "METS.xml", package / "representations/rep1/METS.xml"):
        tree = etree.parse(str(document))
        assert mets_schema.validate(tree), mets_schema.error_log  # type: ignore[attr-defined]
    premis = etree.parse(str(package / "metadata/preservation/premis.xml"))
    assert premis_schema.validate(premis), premis_schema.error_log  # type: ignore[attr-defined]

    # Every file the representation METS names is there with the SHA-256 it states.
    rep = etree.parse(str(package / "representations/rep1/METS.xml"))
    files = rep.findall(".//mets:file", METS_NS)
    assert len(files) == 7
    for node in files:
        href = node.find("mets:FLocat", METS_NS).get(f"{{{METS_NS['xlink']}}}href")
        data = (package / "representations/rep1" / href).read_bytes()
        assert node.get("CHECKSUMTYPE") == "SHA-256"
        assert node.get("CHECKSUM") == hashlib.sha256(data).hexdigest()
    root = etree.parse(str(package / "METS.xml"))
    mptr = root.find(".//mets:mptr", METS_NS)
    assert mptr.get(f"{{{METS_NS['xlink']}}}href") == "representations/rep1/METS.xml"

    data = package / "representations/rep1/data"
    register = json.loads((data / "channel-register.json").read_text(encoding="utf-8"))
    assert register[0]["account_id"] == account_id and register[0]["moderation_notice"] == NOTICE
    items = json.loads((data / "received-items.json").read_text(encoding="utf-8"))
    assert {i["text"] for i in items} == {"Tack!", "Namn och adress här"}
    assert (data / "snapshot.pdf").read_bytes().startswith(b"%PDF-")
    # The package's chain head is an anchor `history verify` accepts.
    code, report = _cli(tmp_path, capsys, "history", "verify", "--anchor", str(package))
    assert code == 0 and report["anchor"]["problems"] == []


def test_a_snapshot_is_pdf_a_with_the_chain_head_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(tmp_path, capsys)
    output = tmp_path / "snapshot.pdf"
    code, result = _cli(
        tmp_path, capsys, "records", "snapshot", "--from", "2026-01-01", "--to", "2026-12-31",
        "--output", str(output),
    )  # fmt: skip
    assert code == 0 and result["received_items"] == 2
    pdf = output.read_bytes()
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(output), "-"], capture_output=True, check=True, timeout=60
        ).stdout.decode()
        head = result["chain_head"]
        flat = " ".join(text.split())
        assert f"kanal-chain-head: {head['seq']}:{head['hash']}" in flat
        assert "Mottaget" in flat, flat
        assert "Kanalregister" in flat and NOTICE[:20] in flat
    code, report = _cli(tmp_path, capsys, "history", "verify", "--anchor", str(output))
    assert code == 0 and report["anchor"]["seq"] == result["chain_head"]["seq"]


def test_periodic_snapshots_are_every_six_months_by_default(tmp_path: Path) -> None:
    zone = ZoneInfo("Europe/Stockholm")
    first = datetime(2025, 3, 10, tzinfo=UTC)
    found = periods(first, datetime(2026, 8, 1, tzinfo=UTC), 6, zone)
    starts = [p.since.astimezone(zone).strftime("%Y-%m-%d") for p in found]
    assert starts == ["2025-01-01", "2025-07-01", "2026-01-01"]
    assert found[-1].until.astimezone(zone).strftime("%Y-%m-%d") == "2026-07-01"

    store = sealed_store(tmp_path)
    try:
        account = add_account(store)
        receive(store, account, [incoming("c1", "Hej")])  # received 2026-11-20
        now = datetime(2027, 7, 2, tzinfo=UTC)
        assert [p.since.astimezone(zone).month for p in due_snapshots(store, now)] == [7, 1]
        assert run_due_snapshots(store, now) == []  # no folder configured: nothing written
        from desktop_app.engine.records import settings as records_settings

        with store.unit_of_work() as uow:
            records_settings.save(uow, "it", snapshot_folder=str(tmp_path / "share"))
        written = run_due_snapshots(store, now)
        assert len(written) == 2 and all(Path(w["output"]).exists() for w in written)
        assert due_snapshots(store, now) == []  # remembered
    finally:
        store.dispose()


def test_the_channel_register_lists_every_account_and_rejects_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account_id = _setup(tmp_path, capsys)
    code, listing = _cli(tmp_path, capsys, "records", "register", "list")
    assert code == 0
    [channel] = listing["channels"]
    assert channel["purpose"] == "Information om kommunens service"
    assert channel["start_date"] == "2024-01-15" and channel["status"] == "active"
    for args in (
        ("records", "register", "set", "nope", "--purpose", "x"),
        ("records", "register", "set", account_id, "--start-date", "igår"),
    ):
        code = main(["--data-dir", str(data_dir(tmp_path)), *args])
        assert code != 0 and len(capsys.readouterr().err.strip().splitlines()) == 1
    # Archived accounts stay in the register, marked as such.
    assert _cli(tmp_path, capsys, "accounts", "remove", account_id)[0] == 0
    code, listing = _cli(tmp_path, capsys, "records", "register", "list")
    assert listing["channels"][0]["status"] == "archived"


def test_bad_periods_and_unwritable_targets_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sealed_store(tmp_path).dispose()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    for args in (
        ("records", "snapshot", "--from", "2026-06-01", "--to", "2026-01-01",
         "--output", str(tmp_path / "s.pdf")),
        ("records", "export", "--format", "eark", "--from", "2026-01-01", "--to", "igår",
         "--output", str(tmp_path / "p")),
        ("records", "export", "--format", "eark", "--from", "2026-01-01", "--to", "2026-02-01",
         "--output", str(blocker / "inside")),
    ):  # fmt: skip
        code = main(["--data-dir", str(data_dir(tmp_path)), *args])
        err = capsys.readouterr().err
        assert code != 0 and len(err.strip().splitlines()) == 1, (args, err)
    assert not list(tmp_path.glob("**/.kanal-*.part"))
