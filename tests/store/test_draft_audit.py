"""The draft life cycle in the audit trail: drafted, edited, submitted, approved, rejected, ...

Against a real SQLite file; the chain is checked by the store and by `kanal history verify`,
and the events are read back from `kanal history export --format json`.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.cli.main import main
from desktop_app.domain.audit import AuditEvent
from desktop_app.domain.drafts import DraftState
from desktop_app.store.database import Store
from tests.support.store import FakeClock, make_store, write_png


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "kanal-data"


@pytest.fixture
def store(data_dir: Path, clock: FakeClock) -> Iterator[Store]:
    """Sealed with the keyring's key, as `kanal history verify` (run in-process below) reads it."""
    from desktop_app.engine.records.chain_keys import use_keyring_chain_key

    store = make_store(data_dir, clock)
    use_keyring_chain_key(store)
    yield store
    store.dispose()


def _events(store: Store, draft_id: str | None = None) -> list[AuditEvent]:
    with store.unit_of_work(read_only=True) as uow:
        return uow.audit.list(subject_id=draft_id)


def _cli_json(
    capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str
) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(["--data-dir", str(data_dir), *args])
    return code, json.loads(capsys.readouterr().out)


def test_the_whole_life_cycle_is_in_the_chain_and_in_the_export(
    store: Store,
    clock: FakeClock,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with store.unit_of_work() as uow:
        draft = uow.drafts.create(
            title="Julmarknad",
            body="Julmarknaden öppnar på lördag.",
            variants={"x": "Julmarknad lördag 🎄"},
            author="anna",
        )
    # Past the first revision's window: the first edit starts a new revision, the second
    # (ten seconds later, as autosave would) is folded into it and writes no event.
    clock.advance(120)
    with store.unit_of_work() as uow:
        uow.drafts.update(draft.id, body="Julmarknaden öppnar på lördag kl. 11.", actor="bertil")
    clock.advance(10)
    with store.unit_of_work() as uow:
        uow.drafts.update(draft.id, body="Julmarknaden öppnar på lördag kl. 10.", actor="bertil")
    with store.unit_of_work() as uow:
        uow.drafts.trash(draft.id, actor="cecilia")
    with store.unit_of_work() as uow:
        uow.drafts.restore(draft.id, actor="cecilia")
    with store.unit_of_work() as uow:
        uow.drafts.set_state(draft.id, DraftState.IN_REVIEW)  # no actor: the author
    with store.unit_of_work() as uow:
        uow.drafts.set_state(draft.id, DraftState.REJECTED, actor="dag")
    with store.unit_of_work() as uow:
        uow.drafts.set_state(draft.id, DraftState.DRAFT, actor="anna")
        uow.drafts.set_state(draft.id, DraftState.IN_REVIEW, actor="anna")
    with store.unit_of_work() as uow:
        uow.drafts.set_state(draft.id, DraftState.APPROVED, actor="dag")

    events = _events(store, draft.id)
    assert [(e.kind, e.actor) for e in events] == [
        ("drafted", "anna"),
        ("edited", "bertil"),
        ("deleted", "cecilia"),
        ("restored", "cecilia"),
        ("submitted_for_review", "anna"),
        ("rejected", "dag"),
        ("reopened", "anna"),
        ("submitted_for_review", "anna"),
        ("approved", "dag"),
    ]
    assert all(e.subject_type == "draft" and e.subject_id == draft.id for e in events)
    drafted, edited = events[0].details, events[1].details
    assert drafted["title"] == "Julmarknad"
    assert drafted["body_sha256"] == _sha("Julmarknaden öppnar på lördag.")
    assert drafted["variants_sha256"] == {"x": _sha("Julmarknad lördag 🎄")}
    assert (drafted["state_from"], drafted["state_to"]) == (None, "draft")
    # The edited event records the content of the save that opened the revision.
    assert edited["body_sha256"] == _sha("Julmarknaden öppnar på lördag kl. 11.")
    with store.unit_of_work(read_only=True) as uow:
        assert edited["revision_id"] == uow.revisions.list_for_draft(draft.id)[0].id
    moves = [(e.details["state_from"], e.details["state_to"]) for e in events[2:]]
    assert moves == [
        ("draft", "trashed"),
        ("trashed", "draft"),
        ("draft", "in_review"),
        ("in_review", "rejected"),
        ("rejected", "draft"),
        ("draft", "in_review"),
        ("in_review", "approved"),
    ]
    # What was approved is pinned by its digest: the body of the last save.
    assert events[-1].details["body_sha256"] == _sha("Julmarknaden öppnar på lördag kl. 10.")
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    with store.unit_of_work(read_only=True) as uow:
        assert uow.audit.verify() == (len(events), [])
    store.dispose()

    code, report = _cli_json(capsys, data_dir, "history", "verify", "--json")
    assert code == 0 and report["intact"] is True
    output = tmp_path / "historik.json"
    code, summary = _cli_json(
        capsys,
        data_dir,
        "history",
        "export",
        "--format",
        "json",
        "--output",
        str(output),
        "--json",
    )
    assert code == 0 and summary["audit_events"] == len(events)
    exported = json.loads(output.read_text(encoding="utf-8"))
    assert exported["audit"]["chain_intact"] is True
    assert [(e["kind"], e["actor"], e["hash"]) for e in exported["audit"]["events"]] == [
        (e.kind, e.actor, e.hash) for e in events
    ]
    assert exported["audit"]["events"][-1]["details"]["state_to"] == "approved"


def test_autosaves_within_a_minute_write_no_event_and_unchanged_saves_nothing(
    store: Store, clock: FakeClock
) -> None:
    with store.unit_of_work() as uow:
        draft = uow.drafts.create(body="a", author="anna")
    for second in range(1, 60):
        clock.advance(1)
        with store.unit_of_work() as uow:
            uow.drafts.update(draft.id, body="a" * (second + 1))
            uow.drafts.update(draft.id, body="a" * (second + 1))  # nothing changed
    assert [e.kind for e in _events(store)] == ["drafted"]
    clock.advance(1)  # 60 s after the first revision: a new one, and its event
    with store.unit_of_work() as uow:
        uow.drafts.update(draft.id, title="Ny rubrik")
        uow.drafts.update(draft.id, scheduled_at=None, targets=[])  # no content: no event
    events = _events(store)
    assert [(e.kind, e.actor, e.details["title"]) for e in events] == [
        ("drafted", "anna", ""),
        ("edited", "anna", "Ny rubrik"),
    ]


def test_the_outbox_moves_write_no_draft_event_of_their_own(store: Store) -> None:
    # Queued and published are written by the outbox (submitted, published) in its unit of
    # work; the repository adds nothing, so each move is in the trail once.
    with store.unit_of_work() as uow:
        draft = uow.drafts.create(body="Till utkorgen", author="anna")
        uow.drafts.set_state(draft.id, DraftState.QUEUED)
        uow.drafts.set_state(draft.id, DraftState.DRAFT)
        uow.drafts.set_state(draft.id, DraftState.QUEUED)
        uow.drafts.set_state(draft.id, DraftState.PUBLISHED)
        uow.drafts.set_state(draft.id, DraftState.PUBLISHED)  # no-op
    assert [e.kind for e in _events(store)] == ["drafted"]


def test_duplicate_and_permanent_delete_are_recorded(store: Store, tmp_path: Path) -> None:
    image = write_png(tmp_path / "bild.png")
    with store.unit_of_work() as uow:
        source = uow.drafts.create(body="Original", title="T", author="anna")
        attachment = uow.attachments.add(source.id, image, "en bild")
    with store.unit_of_work() as uow:
        copy = uow.drafts.duplicate(source.id, actor="bertil")
    with store.unit_of_work() as uow:
        uow.drafts.trash(copy.id, actor="bertil")
        uow.drafts.delete(copy.id, actor="bertil")
    events = _events(store, copy.id)
    assert [(e.kind, e.actor) for e in events] == [
        ("drafted", "bertil"),
        ("deleted", "bertil"),
        ("deleted", "bertil"),
    ]
    assert events[0].details["duplicated_from"] == source.id
    assert events[-1].details["permanent"] is True
    assert events[-1].details["state_from"] == "trashed"
    assert events[-1].details["attachments_sha256"] == [attachment.sha256]
    with store.unit_of_work(read_only=True) as uow:
        assert uow.drafts.get(copy.id) is None
        assert uow.audit.verify()[1] == []


def test_a_rolled_back_change_leaves_no_event(store: Store) -> None:
    with store.unit_of_work() as uow:
        draft = uow.drafts.create(body="Kvar", author="anna")
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.drafts.trash(draft.id, actor="bertil")
        raise RuntimeError("the change fails after the event was appended")
    with store.unit_of_work(read_only=True) as uow:
        assert uow.drafts.require(draft.id).state == DraftState.DRAFT
        assert [e.kind for e in uow.audit.list()] == ["drafted"]
        assert uow.audit.verify() == (1, [])


def test_the_cli_records_who_ran_it_as_the_actor(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, payload = _cli_json(
        capsys,
        data_dir,
        "draft",
        "new",
        "--text",
        "Från terminalen",
        "--author",
        "Kommunikationsenheten",
        "--json",
    )
    assert code == 0
    store = Store(f"sqlite:///{(data_dir / 'kanal.sqlite3').as_posix()}", data_dir)
    try:
        events = _events(store, payload["id"])
    finally:
        store.dispose()
    assert [e.kind for e in events] == ["drafted"]
    assert events[0].actor == getpass.getuser()
    assert events[0].details["body_sha256"] == _sha("Från terminalen")
