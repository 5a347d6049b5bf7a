"""Complete exports (issue 13, item 6): posts once, true states, replies, moderation with reason
and hidden text, the records language, the audit CSV and formula-safe cells."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop_app.cli.main import main
from desktop_app.domain.networks import Network
from desktop_app.engine.export import ExportRequest, export, neutralise
from tests.support.records import (
    add_account,
    data_dir,
    incoming,
    moderate,
    publish_post,
    receive,
    reply,
    sealed_store,
    use_file_keyring,
)

POST = "Vägarbete på Storgatan från måndag. Följ omledningen."
FORMULA = '=HYPERLINK("http://evil.example","klicka")'
HIDDEN = "Min granne Sven Svensson, 19800101-1234, har skulder"


def _setup(tmp_path: Path) -> None:
    store = sealed_store(tmp_path)
    try:
        mastodon = add_account(store, Network.MASTODON)
        bluesky = add_account(store, Network.BLUESKY)
        tomorrow = datetime.now(UTC) + timedelta(days=1)
        publish_post(store, [mastodon, bluesky], POST, scheduled_for={bluesky.id: tomorrow})
        publish_post(store, [mastodon], FORMULA)
        item_a, item_b = receive(
            store, mastodon, [incoming("c1", "När öppnar simhallen?"), incoming("c2", HIDDEN)]
        )
        reply(store, item_a, "Simhallen öppnar klockan 06.30 på vardagar.")
        moderate(store, item_b, HIDDEN, note="Dolt enligt riktlinjen, se ärende 2026/14")
    finally:
        store.dispose()


def _export(tmp_path: Path, fmt: str, *extra: str) -> Path:
    output = tmp_path / f"export.{fmt}"
    code = main(
        [
            "--data-dir",
            str(data_dir(tmp_path)),
            "history",
            "export",
            "--format",
            fmt,
            "--output",
            str(output),
            *extra,
        ]
    )
    assert code == 0
    return output


def _pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(
        [tool, "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return done.stdout.decode("utf-8")


@pytest.fixture(autouse=True)
def _keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    use_file_keyring(monkeypatch)


def test_the_pdf_reads_each_post_once_with_true_states_replies_and_moderation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(tmp_path)
    text = _pdf_text(_export(tmp_path, "pdf"))
    flat = " ".join(text.split())
    assert flat.count("Vägarbete på Storgatan från måndag.") == 1  # the post's text once
    assert "Mastodon · @kommunen" in flat and "Bluesky · @kommunen" in flat
    assert "ännu inte publicerat" in flat  # scheduled for tomorrow is not published
    assert "Simhallen öppnar klockan 06.30" in flat  # the staff reply
    assert "Känsliga personuppgifter" in flat  # the moderation reason, in Swedish
    assert "se ärende 2026/14" in flat  # the note
    assert "19800101-1234" in flat  # the hidden text
    for raw in ("inbox_item", "publication ", "draft ", "sensitive_personal_data"):
        assert raw not in flat, raw
    assert "kanal-chain-head:" in flat


def test_the_records_language_is_swedish_by_default_and_english_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(tmp_path)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    english = " ".join(_pdf_text(_export(tmp_path, "pdf", "--lang", "en")).split())
    assert "Moderation" in english and "Sensitive personal data" in english
    swedish = " ".join(_pdf_text(_export(tmp_path, "pdf")).split())
    assert "Publiceringshistorik" in swedish and "Moderering" in swedish


def test_the_csv_export_writes_the_audit_trail_and_neutralises_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(tmp_path)
    capsys.readouterr()
    output = _export(tmp_path, "csv", "--json")
    payload = json.loads(capsys.readouterr().out)
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8-sig"))))
    texts = {r["text"] for r in rows}
    assert "'" + FORMULA in texts and FORMULA not in texts
    audit = Path(payload["audit_output"]).read_text(encoding="utf-8-sig")
    audit_rows = list(csv.reader(io.StringIO(audit)))
    assert audit_rows[0][0] == "seq"
    assert len(audit_rows) - 2 == payload["audit_events"] > 0  # header and chain head line
    assert audit_rows[-1][0].startswith("kanal-chain-head: ")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start: str) -> None:
    assert neutralise(start + "1+1") == "'" + start + "1+1"
    assert neutralise("1+1") == "1+1"


def test_a_failed_export_leaves_no_temporary_file_and_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "out.csv"

    def refuse(self: Path, target: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(PermissionError) as raised:
        export(ExportRequest(publications=[]), "csv", output)
    assert "close it" in str(raised.value)
    assert list(tmp_path.glob("*.part")) == []


def test_the_records_language_is_a_setting_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(tmp_path)
    code = main(["--data-dir", str(data_dir(tmp_path)), "records", "settings", "--lang", "en"])
    assert code == 0
    capsys.readouterr()
    english = " ".join(_pdf_text(_export(tmp_path, "pdf")).split())
    assert "Publication history" in english and "Replies by the authority" in english
    args = ["--data-dir", str(data_dir(tmp_path)), "records", "settings", "--snapshot-months"]
    assert main([*args, "-1"]) != 0
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
