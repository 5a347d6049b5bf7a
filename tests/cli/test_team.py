"""The review flow across desks on a real PostgreSQL team store, through the command line:
a drafter works offline, a publisher approves and publishes to the sandbox, a supervisor reads
the history; the approval rule refuses what it must."""

from __future__ import annotations

from pathlib import Path

from desktop_app.sandbox.server import SandboxServer
from tests.support.engine import post_text, posts_on
from tests.support.team import desk, sandbox, team_url, unreachable_url

__all__ = ["sandbox", "team_url"]  # fixtures

NETWORKS = ("mastodon", "bluesky")


def test_offline_submission_is_reviewed_approved_and_published_once(
    tmp_path: Path, team_url: str, sandbox: SandboxServer
) -> None:
    pia = desk(tmp_path, team_url, "pia")  # administrator and publisher
    dan = desk(tmp_path, team_url, "dan")  # drafter, on a train
    sara = desk(tmp_path, team_url, "sara")  # supervisor
    assert pia.json("team", "init")["created"] is True
    pia.json("team", "member", "add", "dan", "--role", "drafter")
    pia.json("team", "member", "add", "sara", "--role", "supervisor")
    members = {m["name"]: m["roles"] for m in pia.json("team", "member", "list")["members"]}
    assert members == {"dan": ["drafter"], "pia": ["admin", "publisher"], "sara": ["supervisor"]}
    pia.connect(sandbox, NETWORKS)
    dan.connect(sandbox, NETWORKS)
    dan.json("team", "sync")  # joins while online

    offline = unreachable_url()
    draft = dan.json(
        "draft", "new", "--text", "Biblioteket öppnar kl 10 #1401", "--to", "all", team_url=offline
    )
    submitted = dan.json("draft", "submit", draft["id"], team_url=offline)
    assert submitted["state"] == "in_review" and submitted["shared"] is False
    code, out, err = dan.kanal("publish", draft["id"], team_url=offline)
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and "dan is not a publisher" in err
    code, _out, err = dan.kanal("team", "sync", team_url=offline)
    assert code == 1 and "cannot be reached" in err and err.count("\n") == 1

    assert dan.json("team", "sync")["pushed"] == 2  # back online: the text and the request
    assert pia.json("team", "sync")["pulled"] >= 2
    queue = pia.json("draft", "list", "--state", "in_review")
    assert [d["id"] for d in _drafts(queue)] == [draft["id"]]

    code, _out, err = pia.kanal("publish", draft["id"])
    assert code != 0 and "needs a publisher's approval" in err  # pia must approve first
    code, _out, err = sara.kanal("team", "sync")
    assert code == 0, err
    code, _out, err = sara.kanal("draft", "approve", draft["id"])
    assert code != 0 and "sara (supervisor) may not review" in err
    assert pia.json("draft", "approve", draft["id"])["state"] == "approved"
    published = pia.json("publish", draft["id"], "--wait")
    assert {p["result"] for p in published["publications"]} == {"sent"}
    for network in NETWORKS:
        texts = [post_text(p) for p in posts_on(sandbox)[network]]
        assert sum("#1401" in t for t in texts) == 1, network

    sara.json("team", "sync")
    history = sara.json("history", "list")
    rows = [r for r in history["team_publications"] if r["draft_id"] == draft["id"]]
    assert sorted(r["network"] for r in rows) == sorted(NETWORKS)
    assert {(r["drafted_by"], r["approved_by"], r["published_by"]) for r in rows} == {
        ("dan", "pia", "pia")
    }
    code, out, _err = sara.kanal("history", "list")
    assert code == 0 and "drafted by dan, approved by pia, published by pia" in out

    dan.json("team", "sync")
    assert dan.json("draft", "show", draft["id"])["state"] == "published"
    verified = sara.json("team", "verify")
    assert (
        verified["intact"] is True and verified["checked"] == 4
    )  # text, submission, approval, publication


def test_rejection_reaches_the_drafter_with_its_reason(
    tmp_path: Path, team_url: str, sandbox: SandboxServer
) -> None:
    pia = desk(tmp_path, team_url, "pia")
    dan = desk(tmp_path, team_url, "dan")
    pia.json("team", "init")
    pia.json("team", "member", "add", "dan", "--role", "drafter")
    dan.json("team", "sync")
    draft = dan.json("draft", "new", "--text", "Fel datum i texten")
    dan.json("draft", "submit", draft["id"])
    pia.json("team", "sync")
    code, _out, err = pia.kanal("draft", "reject", draft["id"], "--reason", " ")
    assert code != 0 and "reason" in err
    rejected = pia.json("draft", "reject", draft["id"], "--reason", "Datumet ska vara 12 maj")
    assert rejected["state"] == "rejected"
    dan.json("team", "sync")
    with dan.engine() as (service, _sync):
        facts = service.facts([draft["id"]])[draft["id"]]
    assert (facts.rejected_by, facts.reject_reason) == ("pia", "Datumet ska vara 12 maj")
    assert dan.json("draft", "show", draft["id"])["state"] == "rejected"


def test_team_commands_without_a_team_or_by_a_non_admin_fail_in_one_line(
    tmp_path: Path, team_url: str
) -> None:
    pia = desk(tmp_path, team_url, "pia")
    dan = desk(tmp_path, team_url, "dan")
    code, _out, err = dan.kanal("team", "sync")
    assert code == 1 and "kanal team init" in err and err.count("\n") == 1
    pia.json("team", "init")
    again = pia.json("team", "init")
    assert again["created"] is False
    pia.json("team", "member", "add", "dan", "--role", "drafter")
    code, _out, err = dan.kanal("team", "member", "add", "eve", "--role", "admin")
    assert code == 1 and "may not manage members" in err and err.count("\n") == 1


def _drafts(listing: object) -> list[dict[str, object]]:
    if isinstance(listing, dict):
        return list(listing.get("drafts", []))
    return list(listing)  # type: ignore[call-overload]


def test_a_conflict_is_listed_with_both_texts_and_resolved_by_a_person(
    tmp_path: Path, team_url: str
) -> None:
    pia = desk(tmp_path, team_url, "pia")
    dan = desk(tmp_path, team_url, "dan")
    sara = desk(tmp_path, team_url, "sara")
    pia.json("team", "init")
    pia.json("team", "member", "add", "dan", "--role", "drafter")
    pia.json("team", "member", "add", "sara", "--role", "supervisor")
    dan.json("team", "sync")
    draft_id = dan.json("draft", "new", "--text", "Konsert i parken")["id"]
    dan.json("draft", "submit", draft_id)
    pia.json("team", "sync")
    sara.json("team", "sync")
    note = sara.json("draft", "note", draft_id, "--text", "Nämn tiden")
    assert note["shared"] is True
    code, _out, err = sara.kanal("draft", "resolve", draft_id, "--text", "x")
    assert code == 1 and "no conflict" in err
    with dan.engine(unreachable_url()) as (service, _sync):
        service.edit(draft_id, body="Konsert i parken kl 19")
    with pia.engine(unreachable_url()) as (service, _sync):
        service.edit(draft_id, body="Konsert i parken lördag")
    dan.json("team", "sync")
    assert pia.json("team", "sync")["conflicts"] == 1
    (conflict,) = pia.json("team", "conflicts")["conflicts"]
    assert (conflict["this_desk"], conflict["other"], conflict["other_by"]) == (
        "Konsert i parken lördag",
        "Konsert i parken kl 19",
        "dan",
    )
    resolved = pia.json("draft", "resolve", draft_id, "--text", "Konsert i parken lördag kl 19")
    assert resolved["shared"] is True
    assert pia.json("team", "conflicts")["conflicts"] == []
    dan.json("team", "sync")
    assert dan.json("draft", "show", draft_id)["body"] == "Konsert i parken lördag kl 19"
    assert dan.json("team", "conflicts")["conflicts"] == []
    with dan.engine() as (service, _sync):
        assert [(n.author, n.text) for n in service.review_queue()[0].notes] == [
            ("sara", "Nämn tiden")
        ]
