"""Sent shows a scheduled post at its due time, not the time it was handed over."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from desktop_app.domain.publications import FailureKind, PublicationState
from desktop_app.ui.history_view import shown_time
from tests.support.publications import NOW, failed

DUE = datetime(2026, 12, 10, 9, tzinfo=UTC)


def test_a_post_held_by_the_platform_or_this_computer_shows_its_due_time() -> None:
    base = failed(FailureKind.REJECTED, "")
    held = replace(
        base,
        state=PublicationState.SENT,
        platform_scheduled=True,
        scheduled_at=DUE,
        sent_at=NOW,
    )
    queued = replace(base, state=PublicationState.QUEUED, scheduled_at=DUE, failure_kind=None)
    sent = replace(base, state=PublicationState.SENT, sent_at=NOW)
    assert shown_time(held) == DUE
    assert shown_time(queued) == DUE
    assert shown_time(sent) == NOW


def test_a_failed_row_says_what_kind_of_refusal_and_quotes_the_platform(qtbot: QtBot) -> None:
    from desktop_app.ui.application import display_zone
    from desktop_app.ui.history_view import HistoryModel
    from desktop_app.ui.tasks import TaskRunner

    runner = TaskRunner()
    model = HistoryModel(runner, display_zone())
    try:
        duplicate = failed(FailureKind.REJECTED, "Status is a duplicate.")
        assert model.result_text(duplicate) == "Refused as a duplicate: «Status is a duplicate.»"
        rules = failed(FailureKind.RULES, "image 1 has no alt text")
        assert model.result_text(rules).startswith("Stopped by Kanal's checks: «")
        signed_out = failed(FailureKind.AUTH, "")
        assert model.result_text(signed_out) == "The account must be signed in again"
    finally:
        runner.close()
