"""Granska: a publisher's window shows what a drafter submitted on another desk, with a preview
per network; approving and rejecting (with a reason) go through the team service and reach the
drafter's desk. Real PostgreSQL team store, real SQLite desks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.engine.team.service import TeamService
from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.database import Store
from desktop_app.store.team_store import TeamStore
from desktop_app.ui.application import display_zone
from desktop_app.ui.review_view import ReviewView
from desktop_app.ui.tasks import TaskRunner
from tests.support.team import Desk, desk, sandbox, team_url

__all__ = ["sandbox", "team_url"]  # fixtures

WAIT_MS = 20_000
# KANAL_WRITE_SCREENSHOTS=1 writes the review queue's picture for the README and the docs.
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "review-queue.png"


@pytest.fixture
def desks(tmp_path: Path, team_url: str, sandbox: SandboxServer) -> tuple[Desk, Desk]:
    pia = desk(tmp_path, team_url, "pia")  # administrator and publisher
    dan = desk(tmp_path, team_url, "dan")  # drafter
    assert pia.json("team", "init")["created"] is True
    pia.json("team", "member", "add", "dan", "--role", "drafter")
    pia.connect(sandbox, ("mastodon", "x"))
    dan.connect(sandbox, ("mastodon", "x"))
    dan.json("team", "sync")
    return pia, dan


@pytest.fixture
def publisher_window(qtbot: QtBot, desks: tuple[Desk, Desk]) -> Iterator[ReviewView]:
    pia, _dan = desks
    store = Store(f"sqlite:///{(pia.data_dir / 'kanal.sqlite3').as_posix()}", pia.data_dir)
    team_store = TeamStore(pia.team_url, pooled=False)
    service = TeamService(store, team_store, "pia")
    runner = TaskRunner()
    runner.open_store(lambda: store)
    view = ReviewView(runner, lambda: service, display_zone())
    qtbot.addWidget(view)
    view.show()
    yield view
    view.shutdown()
    runner.close()
    team_store.dispose()
    store.dispose()


@pytest.mark.postgres
def test_a_submitted_draft_is_reviewed_in_the_window(
    qtbot: QtBot, desks: tuple[Desk, Desk], publisher_window: ReviewView
) -> None:
    pia, dan = desks
    text = "Simhallen stänger för underhåll 1–14 juni. Vi ber om ursäkt! " * 5
    first = dan.json("draft", "new", "--text", text, "--to", "all")
    second = dan.json("draft", "new", "--text", "Nya öppettider i biblioteket", "--to", "all")
    for draft in (first, second):
        dan.json("draft", "submit", draft["id"])
    dan.json("team", "sync")
    pia.json("team", "sync")

    view = publisher_window
    with qtbot.waitSignal(view.waiting_changed, timeout=WAIT_MS) as waiting:
        view.start()
    assert waiting.args == [2]
    assert "dan" in view.list.item(0).text()
    view.list.setCurrentRow([view.list.item(i).data(256) for i in range(2)].index(first["id"]))
    preview = view.preview.toPlainText()
    assert "mastodon:" in preview and "x:" in preview and "too long" in preview  # 330 > 280
    if os.environ.get("KANAL_WRITE_SCREENSHOTS"):
        view.resize(1100, 720)
        view.note.setText("Kolla datumet med badhuset först")
        qtbot.wait(50)
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        assert view.grab().toImage().save(str(SCREENSHOT))
        view.note.clear()

    with qtbot.waitSignal(view.decided, timeout=WAIT_MS) as decided:
        view.approve_selected()
    assert decided.args == [first["id"], "approved"]
    qtbot.waitUntil(lambda: view.list.count() == 1, timeout=WAIT_MS)

    view.list.setCurrentRow(0)
    view.reject_selected()  # no reason yet: nothing is decided, the person is told why
    assert "rejected" in view.message.text() and view.list.count() == 1
    view.reason.setText("Datumet stämmer inte, kolla med badhuset")
    with qtbot.waitSignal(view.decided, timeout=WAIT_MS):
        view.reject_selected()
    qtbot.waitUntil(lambda: view.list.count() == 0, timeout=WAIT_MS)

    pia.json("team", "sync")
    dan.json("team", "sync")
    assert dan.json("draft", "show", second["id"])["state"] == "rejected"
    with dan.engine() as (service, _sync):
        facts = service.facts([second["id"]])[second["id"]]
    assert (facts.rejected_by, facts.reject_reason) == (
        "pia",
        "Datumet stämmer inte, kolla med badhuset",
    )


def test_without_a_team_store_the_section_says_what_it_needs(qtbot: QtBot) -> None:
    runner = TaskRunner()
    view = ReviewView(runner, None, display_zone())
    qtbot.addWidget(view)
    view.show()
    view.start()
    assert "team store" in view.empty_label.text()
    assert view.list.count() == 0 and not view.approve_button.isEnabled()
    view.shutdown()
    runner.close()
