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


def _done(ctx: CliContext, service: Any, draft: Draft, what: str) -> int:
    shared = try_sync(ctx, service)
    where = "the team has it" if shared else "kept on this desk until the team store answers"
    ctx.emit(
        {"id": draft.id, "state": draft.state.value, "shared": shared},
        f"{draft.id} {what} ({where})",
    )
    return 0
