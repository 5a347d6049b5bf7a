"""A blog comment awaiting approval: staged held on the sandbox, synced, approved with a reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from desktop_app.domain.inbox import InboxFilter, InboxItem, InboxState, RemoteState
from desktop_app.domain.moderation import ModerationDecision, ModerationKind, ModerationReason
from desktop_app.engine.inbox_actions import InboxActions
from desktop_app.sandbox.platforms.base import StageError
from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.audit import AuditRepository
from desktop_app.store.database import Store
from tests.support.engine import add_accounts, connector_factory, open_store
from tests.support.inbox_sandbox import fast_engine
from tests.support.sandbox import keyring_data_dir, running_sandbox

QUESTION = "Varför plogas inte cykelbanan vid skolan före klockan sju?"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return keyring_data_dir(tmp_path, monkeypatch)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(seed=31) as server:
        yield server


@pytest.fixture
def store(sandbox: SandboxServer, data_dir: Path) -> Iterator[Store]:
    add_accounts(sandbox, data_dir)
    opened = open_store(data_dir)
    try:
        yield opened
    finally:
        opened.dispose()


def _wordpress_comment(sandbox: SandboxServer, comment_id: str) -> dict[str, object]:
    comments = sandbox.state()["platforms"]["wordpress"]["comments"]
    (comment,) = [c for c in comments if str(c["id"]) == comment_id]
    return dict(comment)


def _synced(store: Store, remote_id: str) -> InboxItem:
    with store.unit_of_work(read_only=True) as uow:
        items = uow.inbox.list(InboxFilter(states=frozenset(InboxState)), datetime.now(UTC), 1000)
    (item,) = [i for i in items if i.remote_id == remote_id]
    return item


def test_a_staged_held_comment_is_approved_with_a_reason_and_recorded(
    sandbox: SandboxServer, store: Store
) -> None:
    held = sandbox.stage_public(
        platform="wordpress", kind="comment", author="Lena Holm", text=QUESTION, status="hold"
    )
    assert held["status"] == "hold"
    assert _wordpress_comment(sandbox, str(held["id"]))["status"] == "hold"

    assert all(r.status.value == "ok" for r in fast_engine(store).sync())
    item = _synced(store, str(held["id"]))
    assert item.remote_state is RemoteState.HELD and item.text == QUESTION

    decision = ModerationDecision(
        ModerationKind.APPROVE,
        ModerationReason.OTHER,
        "relevant fråga om snöröjning",
        "karin",
        datetime.now(UTC),
    )
    outcome = InboxActions(store, connector_factory()).moderate(item.id, decision)
    assert outcome.on_platform

    # Approved on the blog ...
    assert _wordpress_comment(sandbox, str(held["id"]))["status"] == "approved"
    # ... no longer held in Kanal, also after the next sync ...
    assert outcome.item.remote_state is RemoteState.VISIBLE
    fast_engine(store).sync()
    assert _synced(store, str(held["id"])).remote_state is RemoteState.VISIBLE
    # ... and the audit trail has the approval, its reason and the comment as it was.
    with store.unit_of_work(read_only=True) as uow:
        (event,) = AuditRepository(uow).list(subject_id=item.id)
        problems = AuditRepository(uow).verify()[1]
    assert event.id == outcome.audit_event_id
    assert event.kind == "approved" and event.actor == "karin"
    assert event.details["reason"] == "other"
    assert event.details["note"] == "relevant fråga om snöröjning"
    assert event.details["reason_text"] == decision.reason_text
    assert event.details["item"]["text"] == QUESTION
    assert problems == []


def test_the_control_endpoint_stages_held_comments_and_refuses_a_status_elsewhere(
    sandbox: SandboxServer,
) -> None:
    def post(payload: dict[str, object]) -> tuple[int, dict[str, object]]:
        request = Request(
            f"{sandbox.base_url}/_sandbox/public",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urlopen(request, timeout=5) as response:
                return response.status, json.loads(response.read())
        except HTTPError as error:  # the 400 answer
            return error.code, json.loads(error.read())

    status, spam = post(
        {"platform": "wordpress", "kind": "comment", "text": "Köp billigt!", "status": "spam"}
    )
    assert status == 201 and spam["status"] == "spam"
    assert _wordpress_comment(sandbox, str(spam["id"]))["status"] == "spam"
    status, plain = post({"platform": "wordpress", "kind": "comment", "text": "Tack!"})
    assert status == 201 and plain["status"] == "approved"
    status, error = post(
        {"platform": "wordpress", "kind": "comment", "text": "Hej", "status": "pending"}
    )
    assert status == 400 and "status" in str(error["error"])
    status, error = post(
        {"platform": "facebook", "kind": "comment", "text": "Hej", "status": "hold"}
    )
    assert status == 400 and "WordPress" in str(error["error"])
    with pytest.raises(StageError):
        sandbox.stage_public(platform="x", kind="mention", text="Hej", status="hold")
