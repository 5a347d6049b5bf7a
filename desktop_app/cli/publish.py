"""`kanal publish DRAFT_ID... [--wait]`: queue drafts for their accounts, optionally send now.

Without ``--wait`` the drafts are queued (committed) and the command returns; the window's
outbox, or a later ``kanal publish --pending --wait``, sends them. With ``--wait`` this process
runs the outbox until every publication is settled and prints each target's result.

Exit codes: 0 every target has the post (or the platform holds it for its scheduled time);
1 the command failed or some target refused the post; 3 some posts still wait (offline,
rate-limited, waiting for sign-in or a local schedule) and will be sent later.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from desktop_app.cli.context import CliContext, CliError
from desktop_app.cli.errors import UsageError
from desktop_app.cli.team import publish_guard, team_service, try_sync
from desktop_app.cli.validate import seconds
from desktop_app.config import DEFAULT_TIMEZONE
from desktop_app.domain.drafts import DraftNotFound
from desktop_app.domain.publications import Publication, PublicationState, PublishBlocked
from desktop_app.domain.scheduling import (
    ScheduleProblem,
    ScheduleRefused,
    check_future,
    zone_named,
)
from desktop_app.engine.connectors import AccountConnectors
from desktop_app.engine.export import publication_record
from desktop_app.engine.outbox import Outbox, OutboxSettings
from desktop_app.engine.outbox.common import CLAIMED_ELSEWHERE
from desktop_app.engine.scheduler import note_for
from desktop_app.networks.http import DEFAULT_TIMEOUT
from desktop_app.secrets import SecretStore
from desktop_app.store.database import Store
from desktop_app.store.publications import HistoryFilter

EXIT_WAITING = 3


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "publish", help="send drafts to their accounts, exactly once per account"
    )
    parser.add_argument("draft_ids", nargs="*", metavar="DRAFT_ID")
    parser.add_argument(
        "--account",
        action="append",
        dest="accounts",
        metavar="ID",
        help="only these target accounts (repeatable; default: the draft's targets)",
    )
    parser.add_argument(
        "--thread", action="store_true", help="split an over-long X text into a numbered thread"
    )
    parser.add_argument(
        "--retry-failed",
        action="store_true",
        help="send again, only to the accounts that failed",
    )
    parser.add_argument(
        "--pending", action="store_true", help="also send everything already queued"
    )
    parser.add_argument("--wait", action="store_true", help="send now and print each result")
    parser.add_argument(
        "--now",
        action="store_true",
        help="publish at once a draft whose scheduled time has already passed (refused without)",
    )
    parser.add_argument(
        "--timeout",
        type=seconds("--timeout"),
        default=300.0,
        help="seconds --wait waits at most (300)",
    )
    parser.add_argument("--actor", help="who publishes (default: the signed-in user)")
    parser.add_argument(
        "--allow-missing-alt",
        action="store_true",
        help="an image without alt text is a warning instead of an error",
    )
    parser.add_argument(
        "--read-timeout",
        type=seconds("--read-timeout", maximum=3600.0),
        default=DEFAULT_TIMEOUT[1],
        help=f"seconds to wait for a platform's answer ({DEFAULT_TIMEOUT[1]:g})",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=_publish)


def _publish(args: argparse.Namespace, ctx: CliContext) -> int:
    if not args.draft_ids and not args.pending:
        raise CliError("name at least one DRAFT_ID, or --pending to send what is queued")
    actor = args.actor or ctx.actor
    store = ctx.store()
    timeout = (DEFAULT_TIMEOUT[0], float(args.read_timeout))
    # With a team: the approval rule first, then one claim per post and account across desks.
    claims = publish_guard(ctx, list(args.draft_ids))
    outbox = Outbox(
        store,
        AccountConnectors(SecretStore(), timeout),
        settings=OutboxSettings(require_alt_text=not args.allow_missing_alt, before_send=claims),
    )
    watched: list[str] = []
    warnings: dict[str, list[str]] = {}
    if not args.retry_failed and not args.now:
        _refuse_passed_schedules(store, args.draft_ids)
    try:
        for draft_id in args.draft_ids:
            if args.retry_failed:
                watched.extend(p.id for p in outbox.retry_failed(draft_id, actor))
                continue
            result = outbox.submit(
                draft_id, actor, account_ids=args.accounts, split_x_thread=args.thread
            )
            watched.extend(p.id for p in result.publications)
            for account_id, messages in result.warnings.items():
                warnings.setdefault(account_id, []).extend(messages)
            with store.unit_of_work(read_only=True) as uow:
                # Targets skipped because they already have it (or it is on its way) are
                # reported too, so a second `kanal publish` shows the same picture.
                watched.extend(
                    p.id
                    for p in uow.publications.list_for_draft(draft_id)
                    if p.account_id in result.skipped_account_ids and p.id not in watched
                )
    except DraftNotFound as error:
        raise CliError(str(error)) from None
    except PublishBlocked as error:
        raise CliError(f"not published: {error}") from None

    if args.pending:
        with store.unit_of_work(read_only=True) as uow:
            watched.extend(
                p.id for p in uow.publications.history(_open_filter()) if p.id not in watched
            )

    if args.wait:
        outbox.start()
        try:
            publications = outbox.wait_for(watched, args.timeout)
        finally:
            outbox.stop()
    else:
        with store.unit_of_work(read_only=True) as uow:
            publications = uow.publications.get_many(watched)

    payload = {
        "publications": [_result(p) for p in publications],
        "warnings": warnings,
        "queue_size": outbox.queue_size(),
    }
    ctx.emit(payload, _human(publications, warnings, args.wait))
    if claims is not None:
        try_sync(ctx, team_service(ctx))  # the team's history learns what went out
    if any(
        p.state == PublicationState.FAILED and p.failure_reason != CLAIMED_ELSEWHERE
        for p in publications
    ):
        return 1
    if args.wait and any(p.is_open for p in publications):
        return EXIT_WAITING
    return 0


def _refuse_passed_schedules(store: Store, draft_ids: list[str]) -> None:
    """A draft scheduled for a time that has passed would go out at once, unannounced: ask
    for ``--now`` (or a new schedule) instead."""
    zone = zone_named(DEFAULT_TIMEZONE)
    now = datetime.now(UTC)
    with store.unit_of_work(read_only=True) as uow:
        for draft_id in draft_ids:
            draft = uow.drafts.get(draft_id)
            if draft is None or draft.scheduled_at is None:
                continue  # an unknown id gets the engine's own message below
            try:
                check_future(draft.scheduled_at, now=now, zone=zone)
            except ScheduleRefused as refused:
                if refused.problem is ScheduleProblem.IN_THE_PAST:
                    raise UsageError(
                        "schedule_passed", draft=draft_id, when=refused.details["when"]
                    ) from None


def _open_filter() -> HistoryFilter:
    return HistoryFilter(
        states=(PublicationState.QUEUED, PublicationState.SENDING, PublicationState.UNKNOWN)
    )


def _result(publication: Publication) -> dict[str, Any]:
    record = publication_record(publication)
    record["result"] = _verdict(publication)
    if publication.scheduled_at is not None:
        record["schedule_note"] = note_for(publication)
    return record


def _verdict(publication: Publication) -> str:
    if publication.state == PublicationState.SENT:
        return "scheduled" if publication.platform_scheduled else "sent"
    if publication.state == PublicationState.FAILED:
        return "failed"
    if publication.state == PublicationState.CANCELLED:
        return "cancelled"
    return "queued"


def _human(publications: list[Publication], warnings: dict[str, list[str]], waited: bool) -> str:
    zone = ZoneInfo(DEFAULT_TIMEZONE)
    lines: list[str] = []
    for p in publications:
        target = f"{p.network.value} {p.account_label or p.account_id}"
        verdict = _verdict(p)
        if verdict == "sent":
            lines.append(f"sent      {target}: {p.remote_url or ', '.join(p.remote_ids)}")
        elif verdict == "scheduled" and p.scheduled_at is not None:
            when = p.scheduled_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            lines.append(f"scheduled {target}: {when} (held by the platform)")
        elif verdict == "failed":
            lines.append(f"failed    {target}: {p.failure_reason}")
        elif verdict == "cancelled":
            lines.append(f"cancelled {target}")
        else:
            why = p.failure_reason or ("waiting to be sent" if not waited else "will retry")
            if p.not_before is not None and p.scheduled_at is not None:
                when = p.not_before.astimezone(zone).strftime("%Y-%m-%d %H:%M")
                why = f"scheduled for {when}; {note_for(p)}"
            lines.append(f"queued    {target}: {why}")
    for account_id, messages in warnings.items():
        for message in messages:
            lines.append(f"warning   {account_id}: {message}")
    if not lines:
        lines.append("nothing to publish: every target already has this post")
    return "\n".join(lines)
