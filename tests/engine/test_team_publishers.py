"""Two publishers' outboxes, on two desks, as two processes at once: each approved post reaches
each account exactly once (claims in the team store), while the emulator drops answers."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app.sandbox.server import SandboxServer
from tests.engine.support import post_text, posts_on
from tests.support.team import desk, sandbox, team_url

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
