"""``kanal team init|member add|member list|sync``: the department's team store.

Also the small pieces other commands use when a team is set: the review flow's service, the
publish guard (approval rule and cross-desk claims) and the team's view of the history.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from desktop_app.cli.context import CliContext, CliError
from desktop_app.domain.drafts import DraftLocked, DraftNotFound, InvalidTransition
from desktop_app.domain.team import NotAllowed, Role
from desktop_app.engine.team import TeamClaims, TeamService, TeamSync
from desktop_app.engine.team.service import TeamNotConfigured
from desktop_app.store.team_store import TeamStore, TeamStoreMissing, TeamStoreUnavailable


def register(sub: argparse._SubParsersAction[Any]) -> None:
    team = sub.add_parser("team", help="the department's shared team store")
    actions = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)

    init = actions.add_parser("init", help="create the team store; you become its administrator")
    init.add_argument("--json", action="store_true", help="machine-readable output")
    init.set_defaults(func=_init)

    member = actions.add_parser("member", help="manage the team's members (administrators)")
    member_actions = member.add_subparsers(dest="member_command", metavar="ACTION", required=True)
    add = member_actions.add_parser("add", help="add a member or change his or her roles")
    add.add_argument("name", metavar="NAME")
    add.add_argument(
        "--role",
        action="append",
        required=True,
        choices=[r.value for r in Role],
        help="repeatable: drafter, publisher, supervisor, admin",
    )
    add.add_argument("--json", action="store_true", help="machine-readable output")
    add.set_defaults(func=_member_add)
    listing = member_actions.add_parser("list", help="the team's members and their roles")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=_member_list)

    sync = actions.add_parser("sync", help="push this desk's changes and pull the others' now")
    sync.add_argument("--json", action="store_true", help="machine-readable output")
    sync.set_defaults(func=_sync)

    conflicts = actions.add_parser(
        "conflicts", help="drafts written on two desks apart, with both texts"
    )
    conflicts.add_argument("--json", action="store_true", help="machine-readable output")
    conflicts.set_defaults(func=_conflicts)

    verify = actions.add_parser("verify", help="check the team log's hash chain")
    verify.add_argument("--json", action="store_true", help="machine-readable output")
    verify.set_defaults(func=_verify)


@contextmanager
def team_errors() -> Iterator[None]:
    """Every failure of the team flow as one line the person can act on."""
    try:
        yield
    except (TeamStoreUnavailable, TeamStoreMissing, TeamNotConfigured, NotAllowed) as error:
        raise CliError(str(error)) from None
    except (DraftNotFound, DraftLocked, InvalidTransition, ValueError) as error:
        raise CliError(str(error)) from None


def team_store(ctx: CliContext) -> TeamStore | None:
    url = ctx.config.team_url
    return None if not url else TeamStore(url, pooled=False)


def team_service(ctx: CliContext) -> TeamService:
    return TeamService(ctx.store(), team_store(ctx), ctx.actor)


def try_sync(ctx: CliContext, service: TeamService) -> bool:
    """Push and pull now if the team store answers; ``False`` (work kept locally) if not."""
    team = team_store(ctx)
    if team is None:
        return False
    try:
        TeamSync(ctx.store(), team, service).sync()
    except (TeamStoreUnavailable, TeamStoreMissing):
        return False
    finally:
        team.dispose()
    return True


def publish_guard(ctx: CliContext, draft_ids: list[str]) -> TeamClaims | None:
    """With a team: refuse what the approval rule forbids; the claims hook for the outbox."""
    team = team_store(ctx)
    if team is None:
        return None
    service = TeamService(ctx.store(), team, ctx.actor)
    with team_errors():
        for draft_id in draft_ids:
            refusal = service.publish_refusal(draft_id)
            if refusal is not None:
                raise CliError(f"not published: {refusal}")
        service.share(draft_ids)
        return TeamClaims(team, service.desk_id(), ctx.actor)


def history_rows(ctx: CliContext, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Local rows named with drafter, approver and publisher, plus the team's other rows."""
    if not ctx.config.team_url:
        return []
    service = team_service(ctx)
    facts = service.facts([str(r["draft_id"]) for r in records if r.get("draft_id")])
    for record in records:
        known = facts.get(str(record.get("draft_id")))
        record["drafted_by"] = record.get("author", "")
        record["approved_by"] = known.approved_by if known else ""
        record["published_by"] = record.get("submitted_by", "")
    local = {(r.get("draft_id"), r.get("network")) for r in records}
    team_rows = service.team_history(limit=1000) or []
    return [r for r in team_rows if (r["draft_id"], r["network"]) not in local]


# -- commands ----------------------------------------------------------------------------------


def _init(args: argparse.Namespace, ctx: CliContext) -> int:
    service = team_service(ctx)
    with team_errors():
        created = service.init()
    user = ctx.actor
    human = (
        f"team store ready; {user} is its administrator and publisher"
        if created
        else "the team store already exists; this desk has joined it"
    )
    ctx.emit({"created": created, "admin": user}, human)
    return 0


def _member_add(args: argparse.Namespace, ctx: CliContext) -> int:
    service = team_service(ctx)
    with team_errors():
        member = service.add_member(args.name, args.role)
    roles = sorted(r.value for r in member.roles)
    ctx.emit({"name": member.name, "roles": roles}, f"{member.name}: {', '.join(roles)}")
    return 0


def _member_list(args: argparse.Namespace, ctx: CliContext) -> int:
    service = team_service(ctx)
    with team_errors():
        with suppress(TeamStoreUnavailable):  # offline: the members as last seen
            service.refresh_members()
        members = service.members()
    rows = [{"name": m.name, "roles": sorted(r.value for r in m.roles)} for m in members]
    human = "\n".join(f"{r['name']}  {', '.join(r['roles'])}" for r in rows) or "no members"
    ctx.emit({"members": rows}, human)
    return 0


def _sync(args: argparse.Namespace, ctx: CliContext) -> int:
    service = team_service(ctx)
    team = service.team() if ctx.config.team_url else None
    with team_errors():
        if team is None:
            service.team()  # raises TeamNotConfigured
            return 1
        try:
            counts = TeamSync(ctx.store(), team, service).sync()
        finally:
            team.dispose()
    ctx.emit(
        {"pushed": counts.pushed, "pulled": counts.pulled, "conflicts": counts.conflicts},
        f"pushed {counts.pushed}, pulled {counts.pulled}, conflicts {counts.conflicts}",
    )
    return 0


def _verify(args: argparse.Namespace, ctx: CliContext) -> int:
    team = team_store(ctx)
    with team_errors():
        if team is None:
            raise TeamNotConfigured("no team store is set; give --team-url or KANAL_TEAM_URL")
        try:
            checked, broken = team.verify()
        finally:
            team.dispose()
    human = (
        f"the team log is intact ({checked} changes)"
        if broken is None
        else f"the team log was changed at sequence {broken} (after {checked} intact changes)"
    )
    ctx.emit({"checked": checked, "intact": broken is None, "broken_at": broken}, human)
    return 0 if broken is None else 1


def _conflicts(args: argparse.Namespace, ctx: CliContext) -> int:
    service = team_service(ctx)
    rows = [
        {
            "draft_id": c.draft_id,
            "this_desk": c.local_body,
            "other": c.remote_body,
            "other_by": c.remote_actor,
        }
        for c in service.conflicts()
    ]
    human = "\n".join(
        f"{r['draft_id']}\n  here: {r['this_desk']}\n  {r['other_by']}: {r['other']}" for r in rows
    )
    ctx.emit({"conflicts": rows}, human or "no conflicts")
    return 0
