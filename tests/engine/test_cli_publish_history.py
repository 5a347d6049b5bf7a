"""`kanal publish` and `kanal history list|export` end to end (in-process CLI, real sandbox)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop_app.cli.main import main
from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.database import Store
from tests.support.engine import make_draft, post_text, posts_on


def _run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(data_dir), *args])
    return code, capsys.readouterr().out


def test_publish_wait_prints_each_targets_result_and_history_lists_them(
    sandbox: SandboxServer,
    store: Store,
    accounts: dict[str, str],
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sandbox.set_faults(["POST /api/v1/statuses:status=422"])
    draft_id = make_draft(
        store, "Simhallen stänger för underhåll #2001", list(accounts.values()), title="Simhallen"
    )
    code, out = _run(capsys, data_dir, "publish", draft_id, "--wait", "--json", "--actor", "anna")
    assert code == 1  # Mastodon refused it
    results = {p["network"]: p for p in json.loads(out)["publications"]}
    assert results["mastodon"]["result"] == "failed" and results["mastodon"]["failure_reason"]
    assert {results[n]["result"] for n in ("wordpress", "facebook", "x", "bluesky")} == {"sent"}
    assert all(results[n]["url"] for n in ("wordpress", "facebook", "x", "bluesky"))

    sandbox.set_faults([])
    code, out = _run(capsys, data_dir, "publish", draft_id, "--retry-failed", "--wait", "--json")
    assert code == 0
    retried = json.loads(out)["publications"]
    assert [p["network"] for p in retried] == ["mastodon"] and retried[0]["result"] == "sent"
    for network, posts in posts_on(sandbox).items():
        assert sum("#2001" in post_text(p) for p in posts) == 1, network

    code, out = _run(capsys, data_dir, "history", "list", "--json", "--account", accounts["x"])
    listed = json.loads(out)["publications"]
    assert code == 0 and [p["network"] for p in listed] == ["x"]
    assert listed[0]["text"] == "Simhallen stänger för underhåll #2001"
    assert listed[0]["author"] == "Anna Svensson"
    code, out = _run(capsys, data_dir, "history", "list", "--search", "SIMHALLEN")
    assert code == 0 and len(out.strip().splitlines()) == 5
    code, out = _run(
        capsys, data_dir, "history", "list", "--from", "2001-01-01", "--to", "2001-12-31", "--json"
    )
    assert json.loads(out)["publications"] == []
    code, out = _run(capsys, data_dir, "history", "verify", "--json")
    assert code == 0 and json.loads(out)["intact"] is True


def test_publish_without_wait_only_queues_and_a_second_publish_adds_nothing(
    store: Store, accounts: dict[str, str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft_id = make_draft(store, "Köat besked #2002", [accounts["x"], accounts["bluesky"]])
    code, out = _run(capsys, data_dir, "publish", draft_id, "--json")
    queued = json.loads(out)
    assert code == 0 and {p["result"] for p in queued["publications"]} == {"queued"}
    assert queued["queue_size"] == 2
    code, out = _run(capsys, data_dir, "publish", draft_id, "--json")
    again = json.loads(out)
    assert {p["id"] for p in again["publications"]} == {p["id"] for p in queued["publications"]}
    assert again["queue_size"] == 2
    code, out = _run(capsys, data_dir, "publish", "--pending", "--wait", "--json")
    assert code == 0 and {p["result"] for p in json.loads(out)["publications"]} == {"sent"}


def test_publish_reports_rule_failures_as_one_line(
    store: Store, accounts: dict[str, str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft_id = make_draft(store, "x" * 400, [accounts["bluesky"]])
    assert main(["--data-dir", str(data_dir), "publish", draft_id]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kanal: not published:") and len(err.strip().splitlines()) == 1


def test_history_export_writes_csv_json_and_a_pdf_a(
    store: Store,
    accounts: dict[str, str],
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = "Årets julgran tänds på Stora torget på lördag kl. 16 #2003"
    draft_id = make_draft(
        store, text, [accounts["wordpress"], accounts["x"]], title="Julgranständning"
    )
    assert _run(capsys, data_dir, "publish", draft_id, "--wait")[0] == 0

    out_csv, out_json, out_pdf = (tmp_path / f"historik.{ext}" for ext in ("csv", "json", "pdf"))
    for fmt, path in (("csv", out_csv), ("json", out_json), ("pdf", out_pdf)):
        code, out = _run(
            capsys, data_dir, "history", "export", "--format", fmt, "--output", str(path), "--json"
        )
        assert code == 0 and json.loads(out)["publications"] == 2

    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert {r["network"] for r in rows} == {"wordpress", "x"}
    assert all(r["text"] == text and r["url"].startswith("http") for r in rows)

    exported = json.loads(out_json.read_text(encoding="utf-8"))
    assert exported["audit"]["chain_intact"] is True
    assert [e["kind"] for e in exported["audit"]["events"]].count("published") == 2
    assert {p["text"] for p in exported["publications"]} == {text}

    pdf = out_pdf.read_bytes()
    assert pdf.startswith(b"%PDF-1.7")
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf
    assert b"<pdfaid:conformance>U</pdfaid:conformance>" in pdf
    assert b"/OutputIntents" in pdf and b"/GTS_PDFA1" in pdf
    if shutil.which("pdftotext"):
        extracted = subprocess.run(
            ["pdftotext", "-layout", str(out_pdf), "-"], capture_output=True, check=True
        ).stdout.decode("utf-8")
        assert "Publiceringshistorik" in extracted
        assert "Plattform" in extracted and "Konto" in extracted
        assert "Länk" in extracted and "Författare" in extracted and "Tid" in extracted
        assert "Julgranständning" in extracted and "Anna Svensson" in extracted
        assert "WordPress" in extracted and "X ·" in extracted
