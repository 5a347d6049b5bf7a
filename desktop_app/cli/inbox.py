"""`kanal inbox list|show|reply|hide|moderate|stats`: the unified inbox from a script."""

from __future__ import annotations

import argparse
import getpass
import os
from datetime import UTC, datetime
from typing import Any

from desktop_app.cli.context import CliContext, CliError
from desktop_app.domain.errors import NetworkError
from desktop_app.domain.inbox import (
    InboxFilter,
    InboxItem,
    InboxState,
    SavedView,
    format_age,
    saved_view_filter,
)
from desktop_app.domain.moderation import (
    InvalidModeration,
    ModerationDecision,
    ModerationKind,
    ModerationReason,
)
from desktop_app.engine.connectors import AccountConnectors
from desktop_app.engine.inbox_actions import InboxActions, ReplyTooLong
from desktop_app.secrets import SecretStore
from desktop_app.store.inbox import UnknownInboxItem

REASONS = [r.value for r in ModerationReason]


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser("inbox", help="list, answer and moderate inbox items")
    commands = parser.add_subparsers(dest="inbox_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="inbox items, newest first seen first")
    listing.add_argument("--search", default="", help="words in the author or text")
    listing.add_argument("--unanswered", action="store_true", help="only items awaiting answer")
    listing.add_argument(
        "--view", choices=[v.value for v in SavedView], help="a saved view, e.g. unanswered_24h"
    )
    listing.add_argument("--state", choices=[s.value for s in InboxState], action="append")
    listing.add_argument("--account", action="append", metavar="ID")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=_list)

    show = commands.add_parser("show", help="one item with its thread")
    show.add_argument("item_id", metavar="ITEM_ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(func=_show)

    reply = commands.add_parser("reply", help="answer an item on its platform")
    reply.add_argument("item_id", metavar="ITEM_ID")
    reply.add_argument("--text", required=True)
    reply.add_argument("--as", dest="actor", help="who answers (default: the signed-in user)")
    reply.add_argument("--json", action="store_true", help="print JSON")
    reply.set_defaults(func=_reply)

    hide = commands.add_parser("hide", help="hide an item on its platform (with a reason)")
    _moderation_arguments(hide)
    hide.set_defaults(func=_moderate, action=ModerationKind.HIDE.value)

    moderate = commands.add_parser("moderate", help="hide, unhide, delete, approve or mark spam")
    moderate.add_argument("--action", required=True, choices=[k.value for k in ModerationKind])
    _moderation_arguments(moderate)
    moderate.set_defaults(func=_moderate)

    stats = commands.add_parser("stats", help="unanswered items and the oldest per account")
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(func=_stats)


def _moderation_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("item_id", metavar="ITEM_ID")
    parser.add_argument(
        "--reason",
        choices=REASONS,
        default=None,
        help="why (recorded in the audit trail); 'other' needs --note",
    )
    parser.add_argument("--note", default="", help="free text, required with --reason other")
    parser.add_argument("--as", dest="actor", help="who decides (default: the signed-in user)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _actor(args: argparse.Namespace) -> str:
    if args.actor:
        return str(args.actor)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USERNAME", "unknown")


def item_payload(item: InboxItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "account_id": item.account_id,
        "network": item.network.value,
        "kind": item.kind.value,
        "remote_id": item.remote_id,
        "parent_remote_id": item.parent_remote_id,
        "root_post_remote_id": item.root_post_remote_id,
        "author_name": item.author_name,
        "author_handle": item.author_handle,
        "text": item.text,
        "url": item.url,
        "created_at": item.created_at,
        "first_seen_at": item.first_seen_at,
        "state": item.state.value,
        "remote_state": item.remote_state.value,
        "assigned_to": item.assigned_to,
        "answered_at": item.answered_at,
        "answered_by": item.answered_by,
        "flags": sorted(f.value for f in item.flags),
    }


def _human(item: InboxItem) -> str:
    text = " ".join(item.text.split())
    flags = " ⚠" if item.flags else ""
    return (
        f"{item.id}  {item.network.value:<9} {item.state.value:<8} "
        f"{item.author_name[:24]:<24} {text[:70]}{flags}"
    )


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.limit <= 0:
        raise CliError("--limit must be positive")
    base = saved_view_filter(SavedView(args.view), _actor_or_me()) if args.view else InboxFilter()
    inbox_filter = InboxFilter(
        account_ids=frozenset(args.account or ()) or base.account_ids,
        states=frozenset(InboxState(s) for s in args.state or ()) or base.states,
        unanswered=args.unanswered or base.unanswered,
        unanswered_older_than=base.unanswered_older_than,
        assigned_to=base.assigned_to,
        flagged_only=base.flagged_only,
        search=args.search,
    )
    with ctx.store().unit_of_work(read_only=True) as uow:
        items = uow.inbox.list(inbox_filter, datetime.now(UTC), args.limit)
    ctx.emit([item_payload(i) for i in items], "\n".join(_human(i) for i in items))
    return 0


def _actor_or_me() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USERNAME", "unknown")


def _show(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.store().unit_of_work(read_only=True) as uow:
        repo = uow.inbox
        item = repo.get(args.item_id)
        if item is None:
            raise CliError(f"no inbox item {args.item_id}")
        thread = repo.thread(item)
    payload = {"item": item_payload(item), "thread": [item_payload(i) for i in thread]}
    ctx.emit(payload, "\n".join(_human(i) for i in thread))
    return 0


def _actions(ctx: CliContext) -> InboxActions:
    return InboxActions(ctx.store(), AccountConnectors(SecretStore(), timeout=(10.0, 30.0)))


def _reply(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        item = _actions(ctx).reply(args.item_id, args.text, _actor(args))
    except (UnknownInboxItem, ReplyTooLong) as error:
        raise CliError(str(error)) from None
    except NetworkError as error:
        raise CliError(
            f"the reply was not sent: {getattr(error, 'reason', error.message)}"
        ) from None
    ctx.emit(item_payload(item), f"answered {item.id} as {item.answered_by}")
    return 0


def _moderate(args: argparse.Namespace, ctx: CliContext) -> int:
    kind = ModerationKind(args.action)
    if args.reason is None:
        raise CliError(
            f"{kind.value} needs --reason ({', '.join(REASONS)}): moderation is recorded"
        )
    try:
        decision = ModerationDecision(
            kind, ModerationReason(args.reason), args.note, _actor(args), datetime.now(UTC)
        )
        outcome = _actions(ctx).moderate(args.item_id, decision)
    except (InvalidModeration, UnknownInboxItem) as error:
        raise CliError(str(error)) from None
    except NetworkError as error:
        raise CliError(f"{kind.value} failed: {getattr(error, 'reason', error.message)}") from None
    payload = {
        **item_payload(outcome.item),
        "on_platform": outcome.on_platform,
        "audit_event_id": outcome.audit_event_id,
    }
    where = "on the platform" if outcome.on_platform else "in Kanal only (platform cannot)"
    ctx.emit(payload, f"{kind.value}: {outcome.item.id} {where}, recorded")
    return 0


def _stats(args: argparse.Namespace, ctx: CliContext) -> int:
    now = datetime.now(UTC)
    with ctx.store().unit_of_work(read_only=True) as uow:
        stats = uow.inbox.response_stats()
        accounts = {a.id: a for a in uow.accounts.list()}
    rows = []
    lines = []
    for account_id, account in accounts.items():
        stat = next((s for s in stats if s.account_id == account_id), None)
        unanswered = stat.unanswered if stat else 0
        age = stat.oldest_age(now) if stat else None
        rows.append(
            {
                "account_id": account_id,
                "network": account.network.value,
                "handle": account.handle,
                "unanswered": unanswered,
                "oldest_unanswered_at": stat.oldest_unanswered_at if stat else None,
                "oldest_age_s": int(age.total_seconds()) if age is not None else None,
                "overdue_24h": bool(stat and stat.overdue(now)),
            }
        )
        lines.append(
            f"{account.network.value:<9} {account.handle:<24} {unanswered} unanswered"
            + (f", oldest {format_age(age)}" if age is not None else "")
        )
    ctx.emit(rows, "\n".join(lines) or "no accounts")
    return 0
