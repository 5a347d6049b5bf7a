"""Two publishers' outboxes, on two desks, as two processes at once: each approved post reaches
each account exactly once (claims in the team store), while the emulator drops answers."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from desktop_app.domain.publications import PublicationState
from desktop_app.engine.outbox import OutboxSettings
from desktop_app.engine.team import TeamClaims
from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.team_store import TeamStore
from tests.support.engine import FAST_POLICY, open_store, post_text, posts_on, running_outbox
from tests.support.team import desk, sandbox, team_url, unreachable_url

__all__ = ["sandbox", "team_url"]  # fixtures

NETWORKS = ("mastodon", "bluesky", "x")
POSTS = 4


def test_two_publishers_at_once_publish_each_post_once_per_account(
    tmp_path: Path, team_url: str, sandbox: SandboxServer
) -> None:
    pia = desk(tmp_path, team_url, "pia")
    pelle = desk(tmp_path, team_url, "pelle")
    dan = desk(tmp_path, team_url, "dan")
    pia.json("team", "init")
    pia.json("team", "member", "add", "pelle", "--role", "publisher")
    pia.json("team", "member", "add", "dan", "--role", "drafter")
    for person in (pia, pelle, dan):
        person.connect(sandbox, NETWORKS)
    dan.json("team", "sync")
    ids = []
    for number in range(POSTS):
        draft = dan.json("draft", "new", "--text", f"Kvällsöppet #14{number:02d}", "--to", "all")
        dan.json("draft", "submit", draft["id"])
        ids.append(draft["id"])
    pia.json("team", "sync")
    for draft_id in ids:
        pia.json("draft", "approve", draft_id)
    pelle.json("team", "sync")
    assert all(pelle.json("draft", "show", i)["state"] == "approved" for i in ids)

    sandbox.set_faults(["POST /2/tweets:commit-drop:0.3", "POST /api/v1/statuses:latency=150"])
    runs = [p.start("publish", *ids, "--wait", "--json", "--timeout", "120") for p in (pia, pelle)]
    results = [run.communicate(timeout=300) for run in runs]
    sandbox.set_faults([])
    for run, (out, err) in zip(runs, results, strict=True):
        assert run.returncode == 0, err
        assert json.loads(out)["publications"]

    posts = posts_on(sandbox)
    for network in NETWORKS:
        texts = [post_text(p) for p in posts[network]]
        for number in range(POSTS):
            assert sum(f"#14{number:02d}" in t for t in texts) == 1, (network, number)
    sent = [
        p for out, _err in results for p in json.loads(out)["publications"] if p["result"] == "sent"
    ]
    assert len(sent) == POSTS * len(NETWORKS)  # between them, every post once per account


def test_a_post_waits_while_the_team_store_cannot_be_reached_and_goes_once_it_can(
    tmp_path: Path, team_url: str, sandbox: SandboxServer
) -> None:
    pia = desk(tmp_path, team_url, "pia")
    pia.json("team", "init")
    pia.connect(sandbox, ("mastodon",))
    draft_id = pia.json("draft", "new", "--text", "Vattenavstängning #1499", "--to", "all")["id"]
    settings = OutboxSettings(policy=FAST_POLICY, idle_poll_s=0.1)
    with pia.engine() as (service, _sync):
        desk_id = service.desk_id()
    with pia.environment():
        store = open_store(pia.data_dir)
        offline = TeamClaims(TeamStore(unreachable_url(), pooled=False), desk_id, "pia")
        with running_outbox(store, settings=replace(settings, before_send=offline)) as outbox:
            (publication,) = outbox.submit(draft_id, "pia").publications
            waited = outbox.wait_for([publication.id], timeout=1.5)[0]
        assert waited.state == PublicationState.QUEUED
        assert "team store cannot be reached" in waited.failure_reason
        assert not any("#1499" in post_text(p) for p in posts_on(sandbox)["mastodon"])
        online = TeamClaims(TeamStore(team_url, pooled=False), desk_id, "pia")
        with running_outbox(store, settings=replace(settings, before_send=online)) as outbox:
            sent = outbox.wait_for([publication.id], timeout=60)[0]
        assert sent.state == PublicationState.SENT
        store.dispose()
    assert sum("#1499" in post_text(p) for p in posts_on(sandbox)["mastodon"]) == 1
