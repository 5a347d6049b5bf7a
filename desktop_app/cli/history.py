"""`kanal history list|export|verify`: the sent history and the audit trail, for supervisors
and archivists.

Dates (``--from``, ``--to``) are calendar days in the authority's time zone (Europe/Stockholm),
both inclusive, or full ISO 8601 times. ``verify`` exits 1 when the audit trail's hash chain was
tampered with (an event edited or removed behind Kanal's back).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desktop_app.cli.context import CliContext, CliError
from desktop_app.cli.team import history_rows
from desktop_app.config import DEFAULT_TIMEZONE
from desktop_app.domain.audit import AuditEvent
from desktop_app.domain.publications import PublicationState
from desktop_app.engine.export import FORMATS, audit_csv_path, export, publication_record
from desktop_app.engine.records.anchors import AnchorError, parse_anchor
from desktop_app.engine.records.gather import gather
from desktop_app.engine.records.verify import verify_trail
from desktop_app.store.publications import HistoryFilter


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser("history", help="sent history and the audit trail")
    commands = parser.add_subparsers(dest="history_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="every publication, newest first")
    _filters(listing)
    listing.add_argument("--limit", type=int, default=None, help="at most N rows")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=_list)

    exporting = commands.add_parser(
        "export", help="export history and audit trail for archiving (csv, json, pdf/A)"
    )
    exporting.add_argument("--format", required=True, choices=FORMATS)
    exporting.add_argument("--output", required=True, metavar="FILE")
    _filters(exporting)
    exporting.add_argument(
        "--no-audit", action="store_true", help="leave the audit trail out of the export"
    )
    exporting.add_argument(
        "--lang",
        choices=("sv", "en"),
        default=None,
        help="records language (default: the records setting, Swedish unless changed)",
    )
    exporting.add_argument("--json", action="store_true", help="print JSON")
    exporting.set_defaults(func=_export)

    verify = commands.add_parser("verify", help="check the audit trail's hash chain")
    verify.add_argument(
        "--anchor",
        metavar="FILE|HASH",
        help="also check that this exported chain head (an export, a snapshot, SEQ:SHA256) "
        "is still part of the chain",
    )
    verify.add_argument("--json", action="store_true", help="print JSON")
    verify.set_defaults(func=_verify)


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="since", metavar="DATE", help="from this day (inclusive)")
    parser.add_argument("--to", dest="until", metavar="DATE", help="to this day (inclusive)")
    parser.add_argument("--account", metavar="ID", help="one account only")
    parser.add_argument("--author", help="one author only")
    parser.add_argument("--search", metavar="TEXT", help="text, title, author or account contains")
    parser.add_argument(
        "--state",
        action="append",
        choices=[s.value for s in PublicationState],
        help="only publications in this state (repeatable)",
    )


def _zone() -> Any:
    try:
        return ZoneInfo(DEFAULT_TIMEZONE)
    except ZoneInfoNotFoundError:
        return UTC


def parse_bound(value: str | None, *, end: bool) -> datetime | None:
    """A day (local, start of day; with ``end`` the start of the next day) or an ISO time."""
    if value is None:
        return None
    text = value.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None and len(text) == 10:
        if end:
            day = day + timedelta(days=1)
        return datetime.combine(day, time(0, 0), tzinfo=_zone()).astimezone(UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"not a date or time: {value!r} (use YYYY-MM-DD)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone())
    return moment.astimezone(UTC)


def _history_filter(args: argparse.Namespace) -> HistoryFilter:
    since = parse_bound(args.since, end=False)
    until = parse_bound(args.until, end=True)
    if since is not None and until is not None and since >= until:
        raise CliError("--from must be before --to")
    return HistoryFilter(
        since=since,
        until=until,
        account_id=args.account,
        author=args.author,
        search=args.search,
        states=tuple(PublicationState(s) for s in (args.state or ())),
    )


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    filters = _history_filter(args)
    with ctx.store().unit_of_work(read_only=True) as uow:
        publications = uow.publications.history(filters, limit=args.limit)
    zone = _zone()
    lines = []
    for p in publications:
        moment = (p.sent_at or p.created_at).astimezone(zone).strftime("%Y-%m-%d %H:%M")
        first_line = p.text.splitlines()[0] if p.text else ""
        if len(first_line) > 60:
            first_line = first_line[:59] + "…"
        where = p.remote_url or p.failure_reason or p.state.value
        lines.append(
            f"{moment}  {p.state.value:<9} {p.network.value:<9} "
            f"{p.account_label or p.account_id}  {p.author}  {first_line}  {where}"
        )
    records = [publication_record(p) for p in publications]
    # With a team: who drafted, approved and published each row, and the other desks' rows.
    team_rows = history_rows(ctx, records)
    if ctx.config.team_url:
        lines = [
            f"{line}  drafted by {r['drafted_by']}, approved by {r['approved_by'] or '-'},"
            f" published by {r['published_by']}"
            for line, r in zip(lines, records, strict=True)
        ]
        lines += [
            f"{r['published_at'].astimezone(zone).strftime('%Y-%m-%d %H:%M')}  sent      "
            f"{r['network']:<9} {r['account']}  {r['text'].splitlines()[0][:60]}  {r['url']}"
            f"  drafted by {r['drafted_by']}, approved by {r['approved_by'] or '-'},"
            f" published by {r['published_by']}"
            for r in team_rows
        ]
    human = "\n".join(lines) if lines else "no publications match"
    ctx.emit({"publications": records, "team_publications": team_rows}, human)
    return 0


def _export(args: argparse.Namespace, ctx: CliContext) -> int:
    filters = _history_filter(args)
    narrowed = bool(filters.account_id or filters.author or filters.search or filters.states)

    def only_exported(publications: list[Any], events: list[AuditEvent]) -> list[AuditEvent]:
        if not narrowed:
            return events
        # Only the events about the exported publications (and their drafts).
        subjects = {p.id for p in publications} | {p.draft_id for p in publications if p.draft_id}
        return [e for e in events if e.subject_id in subjects]

    with ctx.store().unit_of_work(read_only=True) as uow:
        request = gather(
            uow,
            filters,
            with_audit=not args.no_audit,
            timezone=DEFAULT_TIMEZONE,
            lang=args.lang,
            extra_subject_filter=only_exported,
        )
    output = Path(args.output).expanduser()
    try:
        export(request, args.format, output)
    except OSError as error:
        raise CliError(f"could not write {output}: {error.strerror or error}") from None
    head = request.chain_head
    payload = {
        "output": str(output),
        "format": args.format,
        "publications": len(request.publications),
        "audit_events": len(request.audit_events),
        "audit_chain_intact": request.chain_intact,
        "audit_chain_head": None if head is None else {"seq": head.seq, "hash": head.hash},
        "language": request.lang,
    }
    if args.format == "csv":
        payload["audit_output"] = str(audit_csv_path(output))
    ctx.emit(payload, f"wrote {len(request.publications)} publications to {output}")
    return 0


def _verify(args: argparse.Namespace, ctx: CliContext) -> int:
    anchor = None
    if args.anchor:
        try:
            anchor = parse_anchor(args.anchor)
        except AnchorError as error:
            raise CliError(str(error)) from None
    with ctx.store().unit_of_work(read_only=True) as uow:
        check = verify_trail(uow, anchor)
    report = check.report
    problems = check.problems
    payload = {
        "events": report.events,
        "intact": check.intact,
        "sealed": report.sealed,
        "note": report.note,
        "head": None if report.head is None else {"seq": report.head.seq, "hash": report.head.hash},
        "problems": [{"seq": p.seq, "problem": p.problem} for p in problems],
        "anchor": None
        if anchor is None
        else {"seq": anchor.seq, "hash": anchor.hash, "problems": check.anchor_problems},
    }
    lines = [f"event {p.seq}: {p.problem}" for p in problems]
    lines += [f"anchor: {text}" for text in check.anchor_problems]
    if not check.intact:
        human = f"the audit trail was tampered with ({len(lines)} problems):\n" + "\n".join(lines)
    else:
        human = f"the audit trail is intact ({report.events} events)"
        if anchor is not None:
            human += "; the exported chain head is still part of it"
    if report.note:
        human += f"\nnote: {report.note}"
    ctx.emit(payload, human)
    if not check.intact:
        where = f"event {problems[0].seq}" if problems else "the exported chain head"
        sys.stderr.write(f"kanal: the audit trail was tampered with at {where}\n")
        return 1
    return 0
