"""``kanal draft submit|approve|reject``: the review flow, registered under ``draft``.

Works offline: the decision is made on this desk's copy and reaches the team on the next sync
(tried at once when the team store answers).
"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.context import CliContext
from desktop_app.cli.team import team_errors, team_service, try_sync
from desktop_app.domain.drafts import Draft


def register_actions(actions: argparse._SubParsersAction[Any]) -> None:
    submit = actions.add_parser("submit", help="send a draft to a publisher for review")
    submit.add_argument("id", metavar="ID", help="the draft's id")
    submit.add_argument("--json", action="store_true", help="machine-readable output")
    submit.set_defaults(func=_submit)

    approve = actions.add_parser("approve", help="approve a draft in review (publishers)")
    approve.add_argument("id", metavar="ID", help="the draft's id")
    approve.add_argument("--json", action="store_true", help="machine-readable output")
    approve.set_defaults(func=_approve)

    reject = actions.add_parser("reject", help="send a draft back with a reason (publishers)")
    reject.add_argument("id", metavar="ID", help="the draft's id")
    reject.add_argument("--reason", required=True, help="what the drafter should change")
    reject.add_argument("--json", action="store_true", help="machine-readable output")
    reject.set_defaults(func=_reject)

    note = actions.add_parser("note", help="add a note to a draft for the team (supervisors too)")
    note.add_argument("id", metavar="ID", help="the draft's id")
    note.add_argument("--text", required=True, help="the note")
    note.add_argument("--json", action="store_true", help="machine-readable output")
    note.set_defaults(func=_note)

    resolve = actions.add_parser(
        "resolve", help="choose the text of a draft written on two desks apart"
    )
    resolve.add_argument("id", metavar="ID", help="the draft's id")
    resolve.add_argument("--text", required=True, help="the text the draft keeps")
    resolve.add_argument("--title", help="the title it keeps (default: unchanged)")
    resolve.add_argument("--json", action="store_true", help="machine-readable output")
    resolve.set_defaults(func=_resolve)


def _submit(args: argparse.Namespace, ctx: CliContext) -> int:
    service = team_service(ctx)
    with team_errors():
        draft = service.submit(args.id)
    return _done(ctx, service, draft, "submitted for review")


def _approve(args: argparse.Namespace, ctx: CliContext) -> int:
    service = team_service(ctx)
    with team_errors():
        draft = service.approve(args.id)
    return _done(ctx, service, draft, "approved")


def _reject(args: argparse.Namespace, ctx: CliContext) -> int:
    service = team_service(ctx)
    with team_errors():
        draft = service.reject(args.id, args.reason)
    return _done(ctx, service, draft, "rejected")


def _note(args: argparse.Namespace, ctx: CliContext) -> int:
    service = team_service(ctx)
    with team_errors():
        note = service.add_note(args.id, args.text)
    shared = try_sync(ctx, service)
    ctx.emit(
        {"id": note.id, "draft_id": note.draft_id, "author": note.author, "shared": shared},
        f"note added to {note.draft_id}",
    )
    return 0


def _resolve(args: argparse.Namespace, ctx: CliContext) -> int:
    service = team_service(ctx)
    with team_errors():
        if not service.conflicts(args.id):
            raise ValueError(f"draft {args.id} has no conflict to resolve")
        current = service.draft(args.id)
        title = current.title if args.title is None else args.title
        draft = service.resolve_conflict(args.id, title, args.text)
    return _done(ctx, service, draft, "resolved")


def _done(ctx: CliContext, service: Any, draft: Draft, what: str) -> int:
    shared = try_sync(ctx, service)
    where = "the team has it" if shared else "kept on this desk until the team store answers"
    ctx.emit(
        {"id": draft.id, "state": draft.state.value, "shared": shared},
        f"{draft.id} {what} ({where})",
    )
    return 0
