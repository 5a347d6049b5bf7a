"""The refusal banner: says what happened in the user's language, quotes the platform, offers
only what can work, and goes away when the refusal stops being true."""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from desktop_app.domain.publications import FailureKind, PublicationState
from desktop_app.ui.refusal_banner import RefusalBanner
from tests.support.publications import failed

DUPLICATE_WORDS = "You are not allowed to create a Tweet with duplicate content."


def test_a_duplicate_is_announced_quoted_and_offers_editing(qtbot: QtBot) -> None:
    tray: list[tuple[str, str]] = []
    banner = RefusalBanner(lambda title, body: tray.append((title, body)))
    qtbot.addWidget(banner)
    counts: list[int] = []
    banner.count_changed.connect(counts.append)
    edits: list[str] = []
    banner.edit_requested.connect(edits.append)
    banner.publication_changed(failed(FailureKind.REJECTED, DUPLICATE_WORDS))
    assert not banner.isHidden()
    text = banner.message.text()
    assert "as a duplicate" in text and "@kommunen" in text
    assert f"X said: “{DUPLICATE_WORDS}”" in text
    assert banner.action_button.text() == "Edit and publish again"
    assert counts == [1]
    assert len(tray) == 1 and tray[0][0] == "Kanal: not published"
    banner.action_button.click()
    assert edits == ["d1"]


def test_a_retryable_refusal_offers_retry(qtbot: QtBot) -> None:
    banner = RefusalBanner()
    qtbot.addWidget(banner)
    retries: list[str] = []
    banner.retry_requested.connect(retries.append)
    banner.publication_changed(failed(FailureKind.AUTH, "token expired"))
    assert banner.action_button.text() == "Retry"
    banner.action_button.click()
    assert retries == ["d1"]


def test_the_message_goes_when_the_post_is_no_longer_failed(qtbot: QtBot) -> None:
    banner = RefusalBanner()
    qtbot.addWidget(banner)
    counts: list[int] = []
    banner.count_changed.connect(counts.append)
    publication = failed(FailureKind.REJECTED, DUPLICATE_WORDS)
    banner.publication_changed(publication)
    assert not banner.isHidden()
    banner.publication_changed(replace(publication, state=PublicationState.QUEUED))
    assert banner.isHidden()
    assert counts == [1, 0]


def test_dismissing_hides_the_banner_but_the_count_stays(qtbot: QtBot) -> None:
    banner = RefusalBanner()
    qtbot.addWidget(banner)
    banner.publication_changed(failed(FailureKind.REJECTED, DUPLICATE_WORDS))
    banner.dismiss()
    assert banner.isHidden()
    assert banner.count() == 1
