"""The inbox's pure rules: states, remote changes, moderation decisions, sanitising."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.domain.inbox import (
    InboxAction,
    InboxState,
    InvalidInboxTransition,
    RemoteState,
    ResponseStats,
    format_age,
    next_state,
    state_after_remote_change,
)
from desktop_app.domain.moderation import (
    InvalidModeration,
    ModerationDecision,
    ModerationKind,
    ModerationReason,
)
from desktop_app.store.sanitize import safe_item_html, sanitize_html

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_people_move_items_through_their_states() -> None:
    assert next_state(InboxState.NEW, InboxAction.MARK_READ) is InboxState.READ
    assert next_state(InboxState.READ, InboxAction.MARK_READ) is InboxState.READ
    assert next_state(InboxState.READ, InboxAction.ANSWER) is InboxState.ANSWERED
    assert next_state(InboxState.ANSWERED, InboxAction.DONE) is InboxState.DONE
    assert next_state(InboxState.DONE, InboxAction.REOPEN) is InboxState.READ
    assert next_state(InboxState.HIDDEN, InboxAction.UNHIDE) is InboxState.READ
    with pytest.raises(InvalidInboxTransition):
        next_state(InboxState.DELETED, InboxAction.UNHIDE)
    with pytest.raises(InvalidInboxTransition):
        next_state(InboxState.HIDDEN, InboxAction.DONE)


def test_only_a_change_on_the_platform_changes_the_local_state() -> None:
    hidden_here = InboxState.HIDDEN
    # Hidden in Kanal on a platform that cannot hide: a sync saying "visible" again is no change.
    assert state_after_remote_change(hidden_here, RemoteState.VISIBLE, RemoteState.VISIBLE) is (
        InboxState.HIDDEN
    )
    # Unhidden on the platform after it was hidden there: visible again.
    assert state_after_remote_change(hidden_here, RemoteState.HIDDEN, RemoteState.VISIBLE) is (
        InboxState.READ
    )
    assert state_after_remote_change(InboxState.DONE, RemoteState.VISIBLE, RemoteState.DELETED) is (
        InboxState.DELETED
    )
    assert state_after_remote_change(InboxState.NEW, RemoteState.VISIBLE, RemoteState.SPAM) is (
        InboxState.HIDDEN
    )


def test_a_moderation_decision_needs_a_reason_and_a_person() -> None:
    ok = ModerationDecision(ModerationKind.DELETE, ModerationReason.CRIMINAL_CONTENT, "", "k", NOW)
    assert "BBS" in ok.reason_text
    other = ModerationDecision(ModerationKind.HIDE, ModerationReason.OTHER, "hot", "k", NOW)
    assert other.reason_text.endswith(": hot")
    with pytest.raises(InvalidModeration):
        ModerationDecision(ModerationKind.HIDE, ModerationReason.OTHER, "  ", "k", NOW)
    with pytest.raises(InvalidModeration):
        ModerationDecision(ModerationKind.HIDE, ModerationReason.SPAM, "", " ", NOW)
    with pytest.raises(InvalidModeration):
        ModerationDecision(ModerationKind.SPAM, ModerationReason.OFF_TOPIC, "", "k", NOW)


def test_response_figures_and_ages() -> None:
    stats = ResponseStats("a", 2, NOW - timedelta(hours=30))
    assert stats.overdue(NOW) and stats.oldest_age(NOW) == timedelta(hours=30)
    assert not ResponseStats("a", 0, None).overdue(NOW)
    assert [format_age(timedelta(minutes=m)) for m in (5, 90, 60 * 50)] == ["5 min", "1 h", "2 d"]


@pytest.mark.parametrize(
    "hostile",
    [
        "<svg onload=alert(1)><script>x</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<img src=x onerror="alert(1)">',
        '<iframe src="https://evil.example"></iframe>',
        '<form action="https://evil.example"><input name=a></form>',
        '<p style="background:url(https://t.example/p)">x</p>',
        '<link rel=stylesheet href="https://t.example/s.css">',
        "<!-- <script>x</script> -->",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    ],
)
def test_the_sanitiser_removes_every_active_part(hostile: str) -> None:
    clean = sanitize_html(hostile).lower()
    for bad in ("<script", "onload", "onerror", "javascript:", "<iframe", "<form", "style=",
                "<link", "<svg", "<math", "<!--"):  # fmt: skip
        assert bad not in clean


def test_plain_text_becomes_escaped_html() -> None:
    assert safe_item_html("", "a <b> & c\n\nny rad") == "<p>a &lt;b&gt; &amp; c</p><p>ny rad</p>"
    assert safe_item_html("<p>hej</p>", "ignored") == "<p>hej</p>"
