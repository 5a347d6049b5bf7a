"""Sent shows a scheduled post at its due time, not the time it was handed over."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from desktop_app.domain.publications import FailureKind, PublicationState
from desktop_app.ui.history_view import shown_time
from tests.domain.test_refusals import NOW, failed

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
