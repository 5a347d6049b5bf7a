"""The outbox against the real sandbox over loopback, one behaviour per test."""

from __future__ import annotations

from pathlib import Path

from desktop_app.domain.drafts import DraftState
from desktop_app.domain.publications import PublicationState
from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.database import Store
from desktop_app.store.publications import HistoryFilter
from tests.support.engine import Recorder, make_draft, post_text, posts_on, running_outbox


def _copies(sandbox: SandboxServer, text: str) -> dict[str, int]:
    return {
        network: sum(1 for post in posts if text in post_text(post))
        for network, posts in posts_on(sandbox).items()
    }


def test_fan_out_sends_once_to_every_account_and_records_it(
    sandbox: SandboxServer, store: Store, accounts: dict[str, str]
) -> None:
    text = "Plogbilarna är ute i natt. Kör försiktigt! #1001"
    draft_id = make_draft(store, text, list(accounts.values()), title="Snöröjning i natt")
    recorder = Recorder()
    with running_outbox(store, recorder=recorder) as outbox:
        result = outbox.submit(draft_id, "anna")
        assert len(result.publications) == 5
        done = outbox.wait_for([p.id for p in result.publications], timeout=30)
    assert {p.state for p in done} == {PublicationState.SENT}, [
        (p.network, p.failure_reason) for p in done
    ]
    assert _copies(sandbox, "#1001") == dict.fromkeys(_copies(sandbox, "#1001"), 1)
    assert all(p.remote_url.startswith("http") for p in done)
    with store.unit_of_work(read_only=True) as uow:
        assert uow.drafts.require(draft_id).state == DraftState.PUBLISHED
        history = uow.publications.history(HistoryFilter())
        assert {p.id for p in history} == {p.id for p in done}
        _count, problems = uow.audit.verify()
        kinds = [e.kind for e in uow.audit.iter_all()]
    assert problems == []
    assert kinds.count("submitted") == 1 and kinds.count("published") == 5
    assert recorder.queue_sizes[-1] == 0 and max(recorder.queue_sizes) == 5


def test_publishing_again_never_posts_twice(
    sandbox: SandboxServer, store: Store, accounts: dict[str, str]
) -> None:
    draft_id = make_draft(store, "Öppettider i jul #1002", [accounts["x"], accounts["mastodon"]])
    with running_outbox(store) as outbox:
        first = outbox.submit(draft_id, "anna")
        outbox.wait_for([p.id for p in first.publications], timeout=20)
        second = outbox.submit(draft_id, "anna")
    assert second.publications == ()
    assert set(second.skipped_account_ids) == {accounts["x"], accounts["mastodon"]}
    copies = _copies(sandbox, "#1002")
    assert copies["x"] == 1 and copies["mastodon"] == 1


def test_commit_drop_is_verified_on_the_platform_instead_of_resent(
    sandbox: SandboxServer, store: Store, accounts: dict[str, str]
) -> None:
    sandbox.set_faults(
        [
            "POST /2/tweets:commit-drop",
            "POST /v*/*/feed:commit-drop",
            "POST /api/v1/statuses:commit-drop",
            "POST /xrpc/com.atproto.repo.*:commit-drop",
            "POST /wp-json/wp/v2/posts:commit-drop",
        ]
    )
    draft_id = make_draft(
        store, "Vattenavstängning på Storgatan #1003", list(accounts.values()), title="Vatten"
    )
    with running_outbox(store) as outbox:
        result = outbox.submit(draft_id, "anna")
        done = outbox.wait_for([p.id for p in result.publications], timeout=30)
    assert {p.state for p in done} == {PublicationState.SENT}, [
        (p.network, p.state, p.failure_reason) for p in done
    ]
    assert set(_copies(sandbox, "#1003").values()) == {1}
    with store.unit_of_work(read_only=True) as uow:
        published = [e for e in uow.audit.iter_all() if e.kind == "published"]
    assert all(e.details["verified_after_unknown_outcome"] for e in published)


def test_rejected_post_fails_with_the_platforms_reason_and_retry_goes_only_there(
    sandbox: SandboxServer, store: Store, accounts: dict[str, str]
) -> None:
    sandbox.set_faults(["POST /api/v1/statuses:status=422"])
    targets = [accounts["x"], accounts["mastodon"], accounts["bluesky"]]
    draft_id = make_draft(store, "Valet 2026: så röstar du #1004", targets)
    with running_outbox(store) as outbox:
        result = outbox.submit(draft_id, "anna")
        done = outbox.wait_for([p.id for p in result.publications], timeout=20)
        by_network = {p.network.value: p for p in done}
        assert by_network["mastodon"].state == PublicationState.FAILED
        assert by_network["mastodon"].failure_reason
        assert by_network["x"].state == PublicationState.SENT
        with store.unit_of_work(read_only=True) as uow:
            assert uow.drafts.require(draft_id).state == DraftState.DRAFT  # editable again
        sandbox.set_faults([])
        retried = outbox.retry_failed(draft_id, "anna")
        assert [p.network.value for p in retried] == ["mastodon"]
        again = outbox.wait_for([p.id for p in retried], timeout=20)
    assert again[0].state == PublicationState.SENT
    assert _copies(sandbox, "#1004") == {
        "wordpress": 0,
        "facebook": 0,
        "x": 1,
        "mastodon": 1,
        "bluesky": 1,
    }


def test_expired_sign_in_pauses_only_that_account_until_resumed(
    sandbox: SandboxServer, store: Store, accounts: dict[str, str]
) -> None:
    sandbox.set_faults(["POST /api/v1/statuses:expired-token"])
    recorder = Recorder()
    draft_id = make_draft(
        store, "Biblioteket har nya öppettider #1005", [accounts["mastodon"], accounts["x"]]
    )
    with running_outbox(store, recorder=recorder) as outbox:
        result = outbox.submit(draft_id, "anna")
        done = outbox.wait_for([p.id for p in result.publications], timeout=20)
        by_network = {p.network.value: p for p in done}
        assert by_network["x"].state == PublicationState.SENT
        waiting = by_network["mastodon"]
        assert waiting.state == PublicationState.QUEUED
        assert waiting.failure_kind is not None and waiting.failure_kind.value == "auth"
        assert recorder.paused and recorder.paused[0][0] == accounts["mastodon"]
        sandbox.set_faults([])
        outbox.resume_account(accounts["mastodon"])
        final = outbox.wait_for([waiting.id], timeout=20)
    assert final[0].state == PublicationState.SENT
    assert _copies(sandbox, "#1005")["mastodon"] == 1


def test_offline_queue_drains_when_the_platform_is_reachable_again(
    sandbox: SandboxServer, store: Store, accounts: dict[str, str], data_dir: Path
) -> None:
    sandbox.set_faults(["POST /2/tweets:reset", "POST /api/v1/statuses:reset"])
    recorder = Recorder()
    draft_id = make_draft(
        store, "Strömavbrott i centrum #1006", [accounts["x"], accounts["mastodon"]]
    )
    with running_outbox(store, recorder=recorder) as outbox:
        result = outbox.submit(draft_id, "anna")
        ids = [p.id for p in result.publications]
        outbox.wait_for(ids, timeout=1.0)
        assert outbox.queue_size() == 2
        assert recorder.queue_sizes[-1] == 2
        sandbox.set_faults([])
        outbox.wake()
        done = outbox.wait_for(ids, timeout=20)
    assert {p.state for p in done} == {PublicationState.SENT}
    assert recorder.queue_sizes[-1] == 0
    copies = _copies(sandbox, "#1006")
    assert copies["x"] == 1 and copies["mastodon"] == 1


def test_sending_left_behind_by_a_dead_process_is_verified_not_duplicated(
    sandbox: SandboxServer, store: Store, accounts: dict[str, str]
) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.support.engine import connector_factory

    targets = [accounts["x"], accounts["facebook"], accounts["wordpress"], accounts["bluesky"]]
    draft_id = make_draft(
        store, "Kraschtest: skickat men aldrig bokfört #1007", targets, title="Krasch"
    )
    with running_outbox(store) as outbox:
        outbox.stop()  # queue without sending: the "dead" process does the sending below
        result = outbox.submit(draft_id, "anna")
        connectors = connector_factory()
        now = datetime.now(UTC)
        with store.unit_of_work() as uow:
            for p in result.publications:
                uow.publications.claim(p.id, "elsewhere|dead", now + timedelta(minutes=10), now)
                uow.publications.transition(
                    p.id, PublicationState.SENDING, attempts=1, first_attempt_at=now
                )
        # It reached the platform for X and WordPress, then the process died before recording.
        reached = [p for p in result.publications if p.network.value in ("x", "wordpress")]
        with store.unit_of_work(read_only=True) as uow:
            account_of = {a.id: a for a in uow.accounts.list()}
        for p in reached:
            connector = connectors(account_of[p.account_id])
            connector.publish(outbox.request_for(p))
            connector.close()
    # The claim's owner lives on another machine: it counts as gone once its lease expires.
    with store.unit_of_work() as uow:
        for p in result.publications:
            uow.publications.claim(p.id, "elsewhere|dead", now - timedelta(seconds=1), now)
    with running_outbox(store) as outbox:
        done = outbox.wait_for([p.id for p in result.publications], timeout=30)
    assert {p.state for p in done} == {PublicationState.SENT}
    copies = _copies(sandbox, "#1007")
    assert copies == {"wordpress": 1, "facebook": 1, "x": 1, "mastodon": 0, "bluesky": 1}
    with store.unit_of_work(read_only=True) as uow:
        verified = {
            e.details["network"]: e.details["verified_after_unknown_outcome"]
            for e in uow.audit.iter_all()
            if e.kind == "published"
        }
    assert verified == {"x": True, "wordpress": True, "facebook": False, "bluesky": False}


def test_over_long_x_text_is_refused_or_split_into_a_numbered_thread_on_request(
    sandbox: SandboxServer, store: Store, accounts: dict[str, str]
) -> None:
    from desktop_app.domain.publications import PublishBlocked

    long_text = " ".join(f"Mening {i} om snöröjningen i Sandviken #1008." for i in range(20))
    draft_id = make_draft(store, long_text, [accounts["x"]])
    with running_outbox(store) as outbox:
        try:
            outbox.submit(draft_id, "anna")
            raise AssertionError("an over-long X post must not be queued")
        except PublishBlocked as blocked:
            assert accounts["x"] in blocked.problems
        result = outbox.submit(draft_id, "anna", split_x_thread=True)
        done = outbox.wait_for([p.id for p in result.publications], timeout=20)
    publication = done[0]
    assert publication.state == PublicationState.SENT
    assert len(publication.parts) >= 2 and len(publication.remote_ids) == len(publication.parts)
    x_posts = {p["id"]: p for p in posts_on(sandbox)["x"] if "#1008" in post_text(p)}
    assert set(x_posts) == set(publication.remote_ids)
    for previous, current in zip(publication.remote_ids, publication.remote_ids[1:], strict=False):
        assert x_posts[current]["in_reply_to"] == previous
    assert post_text(x_posts[publication.remote_ids[0]]).endswith(f"1/{len(publication.parts)}")


def test_images_need_alt_text_and_go_out_re_encoded(
    sandbox: SandboxServer, store: Store, accounts: dict[str, str], tmp_path: Path
) -> None:
    from PIL import Image

    from desktop_app.domain.publications import PublishBlocked
    from desktop_app.engine.outbox import OutboxSettings
    from tests.support.engine import FAST_POLICY

    photo = tmp_path / "plogbil.png"
    Image.new("RGB", (3000, 2000), (200, 210, 230)).save(photo)
    draft_id = make_draft(store, "Ny plogbil i tjänst #1009", [accounts["mastodon"], accounts["x"]])
    with store.unit_of_work() as uow:
        attachment = uow.attachments.add(draft_id, photo, alt_text="")
    with running_outbox(store) as outbox:
        try:
            outbox.submit(draft_id, "anna")
            raise AssertionError("an image without alt text must block publishing")
        except PublishBlocked as blocked:
            assert "alt text" in str(blocked)
    relaxed = OutboxSettings(policy=FAST_POLICY, require_alt_text=False, idle_poll_s=0.2)
    with running_outbox(store, settings=relaxed) as outbox:
        result = outbox.submit(draft_id, "anna", account_ids=[accounts["mastodon"]])
        assert any("alt text" in w for w in result.warnings[accounts["mastodon"]])
        outbox.wait_for([p.id for p in result.publications], timeout=20)
    with store.unit_of_work() as uow:
        assert uow.drafts.require(draft_id).state == DraftState.DRAFT  # X still to go
        uow.attachments.set_alt_text(attachment.id, "En gul plogbil framför stadshuset")
    with running_outbox(store) as outbox:
        result = outbox.submit(draft_id, "anna")
        done = outbox.wait_for([p.id for p in result.publications], timeout=20)
    assert [p.network.value for p in done] == ["x"]  # Mastodon already has it
    sent = done[0]
    assert sent.state == PublicationState.SENT
    assert sent.media[0].alt_text == "En gul plogbil framför stadshuset"
    prepared = store.data_dir / sent.media[0].path
    with Image.open(prepared) as image:
        assert max(image.size) <= 4096
    assert posts_on(sandbox)["x"] and any(
        p.get("media_keys") for p in posts_on(sandbox)["x"] if "#1009" in post_text(p)
    )


def test_scheduling_uses_the_platforms_own_where_it_exists_and_can_be_cancelled(
    sandbox: SandboxServer, store: Store, accounts: dict[str, str]
) -> None:
    from datetime import UTC, datetime, timedelta

    from desktop_app.engine.scheduler import LOCAL_SCHEDULE_NOTE, note_for

    when = (datetime.now(UTC) + timedelta(hours=3)).replace(microsecond=0)
    draft_id = make_draft(
        store,
        "Schemalagt besked om julmarknaden #1010",
        list(accounts.values()),
        title="Julmarknad",
        scheduled_at=when,
    )
    with running_outbox(store) as outbox:
        result = outbox.submit(draft_id, "anna")
        done = outbox.wait_for([p.id for p in result.publications], timeout=20)
        by_network = {p.network.value: p for p in done}
        for network in ("facebook", "mastodon", "wordpress"):
            held = by_network[network]
            assert held.state == PublicationState.SENT, (network, held.failure_reason)
            assert held.platform_scheduled and held.scheduled_at == when
        for network in ("x", "bluesky"):
            local = by_network[network]
            assert local.state == PublicationState.QUEUED and local.not_before == when
            assert note_for(local) == LOCAL_SCHEDULE_NOTE
        state = sandbox.state()["platforms"]
        assert any(
            "#1010" in s.get("text", "") or "#1010" in str(s)
            for s in state["mastodon"]["scheduled_statuses"]
        )
        fb = [p for p in state["facebook"]["posts"] if "#1010" in (p.get("message") or "")]
        assert len(fb) == 1 and fb[0]["is_published"] is False
        wp = [p for p in state["wordpress"]["posts"] if "#1010" in p.get("content", "")]
        assert len(wp) == 1 and wp[0]["status"] == "future"
        assert _copies(sandbox, "#1010")["x"] == 0

        with store.unit_of_work(read_only=True) as uow:
            listed = uow.publications.scheduled(datetime.now(UTC))
        assert {p.network.value for p in listed} == set(by_network)
        cancelled_x = outbox.cancel(by_network["x"].id, "anna")
        cancelled_fb = outbox.cancel(by_network["facebook"].id, "anna")
        assert cancelled_x.state == cancelled_fb.state == PublicationState.CANCELLED
        moved = outbox.reschedule(
            by_network["bluesky"].id, datetime.now(UTC) - timedelta(seconds=1), "anna"
        )
        assert moved.not_before is None
        sent = outbox.wait_for([moved.id], timeout=20)[0]
        assert sent.state == PublicationState.SENT
    fb_after = [
        p
        for p in sandbox.state()["platforms"]["facebook"]["posts"]
        if "#1010" in (p.get("message") or "")
    ]
    assert fb_after == []
    assert _copies(sandbox, "#1010")["bluesky"] == 1
    assert _copies(sandbox, "#1010")["x"] == 0


def test_two_publish_presses_at_once_queue_each_account_once(
    store: Store, accounts: dict[str, str]
) -> None:
    import threading

    from desktop_app.domain.publications import PublishBlocked
    from desktop_app.engine.outbox import Outbox
    from tests.support.engine import connector_factory

    draft_id = make_draft(store, "Dubbelklick #1011", list(accounts.values()), title="Dubbel")
    outboxes = [Outbox(store, connector_factory()) for _ in range(4)]  # never started
    outcomes: list[object] = []

    def press(outbox: Outbox) -> None:
        try:
            outcomes.append(outbox.submit(draft_id, "anna"))
        except PublishBlocked as blocked:
            outcomes.append(blocked)

    threads = [threading.Thread(target=press, args=(o,)) for o in outboxes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.unit_of_work(read_only=True) as uow:
        publications = uow.publications.list_for_draft(draft_id)
    assert sorted(p.account_id for p in publications) == sorted(accounts.values())
    assert len(outcomes) == 4


def test_local_schedule_sends_at_its_time_and_stop_joins_every_thread(
    sandbox: SandboxServer, store: Store, accounts: dict[str, str]
) -> None:
    import threading
    import time
    from datetime import UTC, datetime, timedelta

    when = datetime.now(UTC) + timedelta(seconds=1.5)
    draft_id = make_draft(store, "Om en stund #1012", [accounts["bluesky"]], scheduled_at=when)
    with running_outbox(store) as outbox:
        result = outbox.submit(draft_id, "anna")
        assert result.publications[0].not_before == when
        time.sleep(0.8)
        assert _copies(sandbox, "#1012")["bluesky"] == 0  # not before its time
        done = outbox.wait_for([result.publications[0].id], timeout=10)
        assert done[0].state == PublicationState.SENT
        assert done[0].sent_at is not None and done[0].sent_at >= when
    assert _copies(sandbox, "#1012")["bluesky"] == 1
    leftovers = [t.name for t in threading.enumerate() if t.name.startswith("kanal-outbox")]
    assert leftovers == []
