"""Moderation as a record, and answering, against the sandbox over loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.domain.inbox import InboxFilter, InboxState, SavedView, saved_view_filter
from desktop_app.domain.moderation import (
    InvalidModeration,
    ModerationDecision,
    ModerationKind,
    ModerationReason,
)
from desktop_app.domain.personal_data import PersonalDataKind
from desktop_app.engine.inbox_actions import InboxActions
from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.audit import AuditRepository
from desktop_app.store.database import Store
from desktop_app.ui.db_worker import DatabaseWorker
from desktop_app.ui.inbox.view import InboxView
from tests.support.engine import (
    add_accounts,
    connector_factory,
    make_draft,
    open_store,
    running_outbox,
)
from tests.support.inbox_sandbox import fast_engine
from tests.support.sandbox import running_sandbox

VALID = "Min granne heter Per och har personnummer 811228-9874, gör något!"
BAD_CHECKSUM = "Mitt ärendenummer är 811228-9875, när får jag svar?"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(seed=21) as server:
        yield server


@pytest.fixture
def accounts(sandbox: SandboxServer, data_dir: Path) -> dict[str, str]:
    return add_accounts(sandbox, data_dir)


@pytest.fixture
def store(data_dir: Path, accounts: dict[str, str]) -> Iterator[Store]:
    opened = open_store(data_dir)
    try:
        yield opened
    finally:
        opened.dispose()


def _find(store: Store, remote_id: str) -> str:
    with store.unit_of_work(read_only=True) as uow:
        for item in uow.inbox.list(
            InboxFilter(states=frozenset(InboxState)), datetime.now(UTC), 1000
        ):
            if item.remote_id == remote_id:
                return item.id
    raise AssertionError(f"{remote_id} was not synced")


def test_hiding_with_a_reason_hides_on_the_platform_keeps_the_item_and_records_it(
    sandbox: SandboxServer, store: Store
) -> None:
    flagged = sandbox.stage_public(
        platform="facebook", kind="comment", author="Olle Ek", text=VALID
    )
    harmless = sandbox.stage_public(
        platform="facebook", kind="comment", author="Eva Berg", text=BAD_CHECKSUM
    )
    assert all(r.status.value == "ok" for r in fast_engine(store).sync())
    flagged_id = _find(store, str(flagged["id"]))
    harmless_id = _find(store, str(harmless["id"]))
    now = datetime.now(UTC)
    with store.unit_of_work(read_only=True) as uow:
        repo = uow.inbox
        assert repo.require(flagged_id).flags == {PersonalDataKind.PERSONNUMMER}
        assert repo.require(harmless_id).flags == frozenset()
        in_view = repo.list(saved_view_filter(SavedView.FLAGGED, "karin"), now, 100)
        assert [i.id for i in in_view] == [flagged_id]

    actions = InboxActions(store, connector_factory())
    with pytest.raises(InvalidModeration):
        ModerationDecision(ModerationKind.HIDE, ModerationReason.OTHER, " ", "karin", now)
    decision = ModerationDecision(
        ModerationKind.HIDE, ModerationReason.SENSITIVE_PERSONAL_DATA, "", "karin", now
    )
    outcome = actions.moderate(flagged_id, decision)
    assert outcome.on_platform

    # Hidden on the platform ...
    comments = {c["id"]: c for c in sandbox.state()["platforms"]["facebook"]["comments"]}
    assert comments[str(flagged["id"])]["is_hidden"] is True
    assert comments[str(harmless["id"])]["is_hidden"] is False
    # ... still in the local store with its content, out of the default list, findable ...
    with store.unit_of_work(read_only=True) as uow:
        repo = uow.inbox
        kept = repo.require(flagged_id)
        assert kept.state is InboxState.HIDDEN and kept.text == VALID
        assert flagged_id not in [i.id for i in repo.list(InboxFilter(), now, 100)]
        hidden_view = saved_view_filter(SavedView.HIDDEN_AND_DELETED, "karin")
        assert [i.id for i in repo.list(hidden_view, now, 100)] == [flagged_id]
        assert [i.id for i in repo.search("granne", now, inbox_filter=hidden_view)] == [flagged_id]
        # ... and the audit trail names who, when, why and what it said.
        events = AuditRepository(uow).list(subject_id=flagged_id)
        problems = AuditRepository(uow).verify()[1]
    (event,) = events
    assert event.kind == "hidden" and event.actor == "karin"
    assert event.details["reason"] == "sensitive_personal_data"
    assert event.details["item"]["text"] == VALID
    assert event.details["item"]["author_name"] == "Olle Ek"
    assert event.id == outcome.audit_event_id
    assert problems == []

    # A later sync does not undo the decision or duplicate the item.
    fast_engine(store).sync()
    with store.unit_of_work(read_only=True) as uow:
        assert uow.inbox.require(flagged_id).state is InboxState.HIDDEN


def test_where_the_platform_cannot_hide_the_item_is_hidden_in_kanal_and_says_so(
    sandbox: SandboxServer, store: Store
) -> None:
    staged = sandbox.stage_public(
        platform="mastodon", kind="mention", author="Spam Bot", text="Tjäna pengar! 070-123 45 67"
    )
    fast_engine(store).sync()
    item_id = _find(store, str(staged["id"]))
    decision = ModerationDecision(
        ModerationKind.SPAM, ModerationReason.SPAM, "", "karin", datetime.now(UTC)
    )
    outcome = InboxActions(store, connector_factory()).moderate(item_id, decision)
    assert not outcome.on_platform
    assert outcome.item.state is InboxState.HIDDEN
    assert PersonalDataKind.PHONE in outcome.item.flags
    with store.unit_of_work(read_only=True) as uow:
        (event,) = AuditRepository(uow).list(subject_id=item_id)
    assert event.kind == "marked_spam" and event.details["on_platform"] is False


def test_answering_records_who_and_when_and_reaches_the_platform(
    sandbox: SandboxServer, store: Store
) -> None:
    staged = sandbox.stage_public(
        platform="mastodon", kind="mention", author="Anna Ek", text="När öppnar simhallen?"
    )
    fast_engine(store).sync()
    item_id = _find(store, str(staged["id"]))
    with store.unit_of_work(read_only=True) as uow:
        before = uow.inbox.response_stats()
    answered = InboxActions(store, connector_factory()).reply(
        item_id, "Simhallen öppnar måndag 1 december.", "karin"
    )
    assert answered.state is InboxState.ANSWERED and answered.answered_by == "karin"
    assert answered.answered_at is not None
    statuses = sandbox.state()["platforms"]["mastodon"]["statuses"]
    replies = [s for s in statuses if s.get("in_reply_to_id") == str(staged["id"])]
    assert len(replies) == 1
    with store.unit_of_work(read_only=True) as uow:
        after = uow.inbox.response_stats()
        (event,) = AuditRepository(uow).list(subject_id=item_id)
    assert event.kind == "replied" and event.details["reply_text"].startswith("Simhallen")
    waiting_before = {s.account_id: s.unanswered for s in before}[answered.account_id]
    waiting_after = {s.account_id: s.unanswered for s in after}.get(answered.account_id, 0)
    assert waiting_after == waiting_before - 1


def test_the_inbox_view_hides_with_a_reason_and_answers(
    sandbox: SandboxServer, store: Store, qtbot: QtBot
) -> None:
    flagged = sandbox.stage_public(platform="facebook", kind="comment", author="Olle", text=VALID)
    question = sandbox.stage_public(
        platform="facebook", kind="comment", author="Eva", text="Var lämnar man grovsopor?"
    )
    fast_engine(store).sync()
    asked: list[ModerationKind] = []

    def ask(
        _parent: object, kind: ModerationKind, subject: str = ""
    ) -> tuple[ModerationReason, str]:
        asked.append(kind)
        return ModerationReason.SENSITIVE_PERSONAL_DATA, "personnummer"

    db = DatabaseWorker()
    with qtbot.waitSignal(db.store_opened, timeout=5000):
        db.open_store(lambda: store)
    view = InboxView(db, InboxActions(store, connector_factory()), "karin", ask_reason=ask)
    qtbot.addWidget(view)
    view.show()
    try:
        view.start()
        qtbot.waitUntil(lambda: view.model.rowCount() >= 2, timeout=5000)

        def select(remote_id: str) -> None:
            for row in range(view.model.rowCount()):
                item = view.model.item_at(row)
                if item is not None and item.remote_id == remote_id:
                    view.move_selection(row - view.list.currentIndex().row())
            qtbot.waitUntil(
                lambda: (
                    view.conversation.item is not None
                    and view.conversation.item.remote_id == remote_id
                ),
                timeout=5000,
            )

        select(str(flagged["id"]))
        qtbot.waitUntil(lambda: view.action_buttons["hide"].isEnabled(), timeout=5000)
        view.action_buttons["hide"].click()
        qtbot.waitUntil(lambda: "recorded" in view.status.text(), timeout=10000)
        assert asked == [ModerationKind.HIDE]
        comments = {c["id"]: c for c in sandbox.state()["platforms"]["facebook"]["comments"]}
        assert comments[str(flagged["id"])]["is_hidden"] is True

        select(str(question["id"]))
        view.conversation.focus_reply()
        qtbot.keyClicks(view.conversation.reply_box, "Vid återvinningscentralen.")
        view.conversation.send_button.click()
        qtbot.waitUntil(lambda: view.status.text() == "Reply sent.", timeout=10000)
        item_id = _find(store, str(question["id"]))
        with store.unit_of_work(read_only=True) as uow:
            answered = uow.inbox.require(item_id)
        assert answered.state is InboxState.ANSWERED and answered.answered_by == "karin"
    finally:
        view.shutdown()
        db.close()


def test_the_conversation_shows_the_post_kanal_published(
    sandbox: SandboxServer, store: Store, accounts: dict[str, str], qtbot: QtBot
) -> None:
    text = "Simhallen stänger för renovering 1–14 december. #badhus"
    draft_id = make_draft(store, text, [accounts["facebook"]], title="Simhallen")
    with running_outbox(store) as outbox:
        (publication,) = outbox.submit(draft_id, "anna").publications
        (sent,) = outbox.wait_for([publication.id], timeout=30)
    assert sent.remote_ids
    comment = sandbox.stage_public(
        platform="facebook",
        kind="comment",
        author="Olle",
        text="Var ska vi bada då?",
        post_id=sent.remote_ids[0],
    )
    fast_engine(store).sync()
    item_id = _find(store, str(comment["id"]))
    with store.unit_of_work(read_only=True) as uow:
        repo = uow.inbox
        root = repo.root_post(repo.require(item_id))
    assert root is not None and root.text == text and root.author == "Anna Svensson"

    db = DatabaseWorker()
    with qtbot.waitSignal(db.store_opened, timeout=5000):
        db.open_store(lambda: store)
    view = InboxView(db, InboxActions(store, connector_factory()), "karin")
    qtbot.addWidget(view)
    view.show()
    try:
        view.start()
        qtbot.waitUntil(lambda: view.conversation.item is not None, timeout=5000)
        qtbot.waitUntil(
            lambda: "renovering" in view.conversation.browser.toPlainText(), timeout=5000
        )
        assert "Var ska vi bada" in view.conversation.browser.toPlainText()
    finally:
        view.shutdown()
        db.close()
