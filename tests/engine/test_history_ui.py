"""The Sent and Scheduled sections over a real store and the real outbox and sandbox."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QTimeZone, QUrl
from pytestqt.qtbot import QtBot

from desktop_app.domain.publications import PublicationState
from desktop_app.engine.outbox import Outbox
from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.database import Store
from desktop_app.ui.db_worker import DatabaseWorker
from desktop_app.ui.history_view import HistoryView, OutboxReports
from desktop_app.ui.scheduled_view import ScheduledView
from tests.support.engine import make_draft, open_store, running_outbox

ZONE = QTimeZone(b"Europe/Stockholm")
REPO_ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


@pytest.fixture
def worker(qtbot: QtBot, data_dir: Path, store: Store) -> Iterator[DatabaseWorker]:
    db = DatabaseWorker()
    with qtbot.waitSignal(db.store_opened, timeout=20_000):
        db.open_store(lambda: open_store(data_dir))
    yield db
    db.close()


@pytest.fixture
def reports(qtbot: QtBot) -> OutboxReports:
    return OutboxReports()


@pytest.fixture
def outbox(store: Store, reports: OutboxReports) -> Iterator[Outbox]:
    with running_outbox(store, callbacks=reports.callbacks()) as running:
        yield running


def test_sent_history_shows_a_partial_failure_and_retries_only_the_failed(
    qtbot: QtBot,
    sandbox: SandboxServer,
    store: Store,
    accounts: dict[str, str],
    worker: DatabaseWorker,
    outbox: Outbox,
    reports: OutboxReports,
    tmp_path: Path,
) -> None:
    sandbox.set_faults(["POST /api/v1/statuses:status=422"])
    earlier = make_draft(
        store,
        "Återvinningscentralen har öppet på lördag 10–14.",
        [accounts["x"], accounts["bluesky"]],
        author="Erik Lindqvist",
    )
    draft_id = make_draft(
        store,
        "Plogbilarna är ute i natt på alla huvudvägar. Ställ inte bilen på gatan om du bor "
        "längs en bussgata.",
        list(accounts.values()),
        title="Snöröjning i natt",
    )
    for chosen in (earlier, draft_id):
        result = outbox.submit(chosen, "anna")
        outbox.wait_for([p.id for p in result.publications], timeout=20)

    opened: list[QUrl] = []
    view = HistoryView(
        worker,
        ZONE,
        retry_failed=lambda d: outbox.retry_failed(d, "anna"),
        open_url=opened.append,
    )
    qtbot.addWidget(view)
    reports.publication_changed.connect(view.publication_changed)
    view.resize(1200, 720)
    view.show()
    view.activate()
    qtbot.waitUntil(lambda: view.model.rowCount() == 7, timeout=10_000)
    failed_row = next(
        row
        for row in range(view.model.rowCount())
        if view.model.publication(row).state == PublicationState.FAILED
    )
    view.select_row(failed_row)
    qtbot.waitUntil(
        lambda: (
            "Refused by the platform: «" in view.batch_label.text()
            and view.batch_label.text().count("\n") == 4
        ),
        timeout=10_000,
    )
    assert view.retry_button.isVisible() and view.retry_button.isEnabled()
    assert "(1)" in view.retry_button.text()
    assert view.text_view.toPlainText().startswith("Plogbilarna är ute i natt")
    assert not view.open_button.isEnabled()  # nothing to open for the failed one
    if os.environ.get("KANAL_SCREENSHOTS"):
        view.grab().save(str(REPO_ROOT / "docs" / "screenshots" / "sent-history.png"))

    sandbox.set_faults([])
    view.retry_button.click()
    qtbot.waitUntil(
        lambda: (
            all(
                view.model.publication(r).state == PublicationState.SENT
                for r in range(view.model.rowCount())
            )
            and view.model.rowCount() == 7
        ),
        timeout=20_000,
    )
    view.select_row(0)
    qtbot.waitUntil(lambda: view.open_button.isEnabled(), timeout=5_000)
    view.open_button.click()
    assert opened and opened[0].toString().startswith("http")

    view.search_edit.setText("återvinning")
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5_000)
    view.search_edit.setText("")
    view.dates_check.setChecked(True)
    qtbot.waitUntil(lambda: view.model.rowCount() == 7, timeout=5_000)

    target = tmp_path / "historik.pdf"
    view.export_to(target, "pdf")
    qtbot.waitUntil(target.exists, timeout=10_000)
    written = target.read_bytes()
    assert b"pdfaid:part" in written
    # The window's export is the records export: the chain head is in it, whatever the window.
    assert b"kanal-chain-head" in written
    view.shutdown()


def test_scheduled_view_lists_who_keeps_each_post_and_cancels(
    qtbot: QtBot,
    store: Store,
    accounts: dict[str, str],
    worker: DatabaseWorker,
    outbox: Outbox,
) -> None:
    when = datetime.now(UTC) + timedelta(hours=4)
    draft_id = make_draft(
        store, "Julkonsert i kyrkan", [accounts["x"], accounts["mastodon"]], scheduled_at=when
    )
    result = outbox.submit(draft_id, "anna")
    outbox.wait_for([p.id for p in result.publications], timeout=20)

    view = ScheduledView(worker, ZONE, outbox.cancel, outbox.reschedule, actor="anna")
    qtbot.addWidget(view)
    view.show()
    view.activate()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    kept = {
        view.model.publication(r).network.value: view.model.kept_by(view.model.publication(r))
        for r in range(2)
    }
    assert kept == {"x": "This computer", "mastodon": "The platform"}
    x_row = next(r for r in range(2) if view.model.publication(r).network.value == "x")
    view.select_row(x_row)
    assert "computer is on" in view.note_label.text()
    view.cancel_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10_000)
    assert view.model.publication(0).network.value == "mastodon"
    view.shutdown()
