"""`kanal records …`: the public record's rules, holds, disposal, snapshots, archive package and
channel register.

    records settings [--lang sv|en] [--snapshot-months N] [--snapshot-folder DIR]
    records rules list | add --class CLASS --keep-days N --decision REF [--account ID] | remove ID
    records hold list [--all] | release ID
                 | add --reason TEXT (--account ID | --item ID | --from/--to)
    records dispose [--yes]          (a dry run unless --yes)
    records snapshot --from DATE --to DATE --output FILE
    records export --format eark --from DATE --to DATE --output DIR
    records register list | set ACCOUNT_ID [--purpose T] [--responsible T] [--start-date D]
                                [--notice T] [--status active|paused|closed]
"""

from __future__ import annotations

import argparse
import getpass
import os
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from desktop_app.cli.context import CliContext, CliError
from desktop_app.cli.history import parse_bound


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser("records", help="retention, legal hold, snapshots, e-archive package")
    commands = parser.add_subparsers(dest="records_command", metavar="ACTION", required=True)

    settings = commands.add_parser("settings", help="show or change the records settings")
    settings.add_argument("--lang", choices=("sv", "en"), help="records language")
    settings.add_argument("--snapshot-months", type=int, help="periodic snapshot interval, 0: off")
    settings.add_argument("--snapshot-folder", metavar="DIR", help="where snapshots are written")
    _json(settings)
    settings.set_defaults(func=_settings)

    rules = commands.add_parser("rules", help="retention rules (default: keep everything)")
    rule_cmds = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    _json(rule_cmds.add_parser("list", help="every rule")).set_defaults(func=_rules_list)
    add = rule_cmds.add_parser("add", help="keep a record class N days, by a disposal decision")
    add.add_argument("--class", dest="record_class", required=True, help="record class")
    add.add_argument("--keep-days", type=int, required=True)
    add.add_argument("--decision", required=True, help="the disposal decision (gallringsbeslut)")
    add.add_argument("--account", metavar="ID", help="only this account")
    _json(add).set_defaults(func=_rules_add)
    remove = rule_cmds.add_parser("remove", help="remove a rule")
    remove.add_argument("rule_id", metavar="ID")
    _json(remove).set_defaults(func=_rules_remove)

    hold = commands.add_parser("hold", help="legal holds that block disposal")
    hold_cmds = hold.add_subparsers(dest="hold_command", metavar="ACTION", required=True)
    listing = hold_cmds.add_parser("list", help="active holds")
    listing.add_argument("--all", action="store_true", help="released ones too")
    _json(listing).set_defaults(func=_hold_list)
    place = hold_cmds.add_parser("add", help="place a hold on an account, item or date range")
    place.add_argument("--reason", required=True, help="why (e.g. the case number)")
    place.add_argument("--account", metavar="ID")
    place.add_argument("--item", metavar="ID", help="one record (inbox item, publication, event)")
    place.add_argument("--from", dest="since", metavar="DATE")
    place.add_argument("--to", dest="until", metavar="DATE")
    _json(place).set_defaults(func=_hold_add)
    release = hold_cmds.add_parser("release", help="release a hold")
    release.add_argument("hold_id", metavar="ID")
    _json(release).set_defaults(func=_hold_release)

    dispose = commands.add_parser("dispose", help="dispose of records by rule (dry run by default)")
    dispose.add_argument("--yes", action="store_true", help="carry it out (without: show only)")
    _json(dispose).set_defaults(func=_dispose)

    snapshot = commands.add_parser("snapshot", help="a PDF/A snapshot of a period")
    _period(snapshot)
    snapshot.add_argument("--output", required=True, metavar="FILE")
    _json(snapshot).set_defaults(func=_snapshot)

    package = commands.add_parser("export", help="an E-ARK information package for the e-archive")
    package.add_argument("--format", required=True, choices=("eark",))
    _period(package)
    package.add_argument("--output", required=True, metavar="DIR")
    _json(package).set_defaults(func=_package)

    reg = commands.add_parser("register", help="the channel register")
    reg_cmds = reg.add_subparsers(dest="register_command", metavar="ACTION", required=True)
    _json(reg_cmds.add_parser("list", help="every channel")).set_defaults(func=_register_list)
    change = reg_cmds.add_parser("set", help="describe one account's channel")
    change.add_argument("account_id", metavar="ACCOUNT_ID")
    change.add_argument("--purpose")
    change.add_argument("--responsible", help="the responsible person")
    change.add_argument("--start-date", metavar="YYYY-MM-DD")
    change.add_argument("--notice", help="the moderation notice shown to the public (BBS law §3)")
    change.add_argument("--status", choices=("active", "paused", "closed"))
    _json(change).set_defaults(func=_register_set)


def _json(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="since", required=True, metavar="DATE")
    parser.add_argument("--to", dest="until", required=True, metavar="DATE")


def _actor(ctx: CliContext) -> str:
    named = getattr(ctx.config, "user", None) or os.environ.get("KANAL_USER")
    if named:
        return str(named)
    try:
        return getpass.getuser() or "unknown"
    except (OSError, KeyError):
        return "unknown"


def _bounds(args: argparse.Namespace) -> tuple[Any, Any]:
    since = parse_bound(args.since, end=False)
    until = parse_bound(args.until, end=True)
    if since is not None and until is not None and since >= until:
        raise CliError("--from must be before --to")
    return since, until


# -- settings ----------------------------------------------------------------------------------


def _settings(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.engine.records import settings as records_settings

    changes = {
        "language": args.lang,
        "snapshot_months": args.snapshot_months,
        "snapshot_folder": args.snapshot_folder,
    }
    with ctx.store().unit_of_work() as uow:
        if any(v is not None for v in changes.values()):
            try:
                current = records_settings.save(uow, _actor(ctx), **changes)
            except ValueError as error:
                raise CliError(str(error)) from None
        else:
            current = records_settings.load(uow)
    payload = asdict(current)
    ctx.emit(payload, "\n".join(f"{k}: {v}" for k, v in payload.items()))
    return 0


# -- rules and holds ---------------------------------------------------------------------------


def _rules_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.engine.records.disposal import list_rules

    with ctx.store().unit_of_work(read_only=True) as uow:
        rules = list_rules(uow)
    lines = [
        f"{r.id}  {r.record_class:<16} {r.keep_days:>6} d  {r.account_id or 'all accounts'}  "
        f"{r.decision_ref}"
        for r in rules
    ]
    ctx.emit(
        {"rules": [asdict(r) for r in rules]},
        "\n".join(lines) or "no retention rules: everything is kept",
    )
    return 0


def _rules_add(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.engine.records.disposal import DisposalError, add_rule

    with ctx.store().unit_of_work() as uow:
        try:
            rule = add_rule(
                uow,
                record_class=args.record_class,
                keep_days=args.keep_days,
                decision_ref=args.decision,
                actor=_actor(ctx),
                account_id=args.account,
            )
        except DisposalError as error:
            raise CliError(str(error)) from None
    ctx.emit(asdict(rule), f"rule {rule.id}: keep {rule.record_class} {rule.keep_days} days")
    return 0


def _rules_remove(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.engine.records.disposal import DisposalError, remove_rule

    with ctx.store().unit_of_work() as uow:
        try:
            rule = remove_rule(uow, args.rule_id, _actor(ctx))
        except DisposalError as error:
            raise CliError(str(error)) from None
    ctx.emit({"removed": rule.id}, f"removed rule {rule.id}")
    return 0


def _hold_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.engine.records.disposal import list_holds

    with ctx.store().unit_of_work(read_only=True) as uow:
        holds = list_holds(uow, include_released=args.all)
    lines = [
        f"{h.id}  {h.account_id or h.item_id or ''} {h.since or ''}..{h.until or ''}  {h.reason}"
        + ("  (released)" if h.released_at else "")
        for h in holds
    ]
    ctx.emit({"holds": [asdict(h) for h in holds]}, "\n".join(lines) or "no legal holds")
    return 0


def _hold_add(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.engine.records.disposal import DisposalError, place_hold

    since = parse_bound(args.since, end=False)
    until = parse_bound(args.until, end=True)
    with ctx.store().unit_of_work() as uow:
        try:
            hold = place_hold(
                uow,
                reason=args.reason,
                actor=_actor(ctx),
                account_id=args.account,
                item_id=args.item,
                since=since,
                until=until,
            )
        except DisposalError as error:
            raise CliError(str(error)) from None
    ctx.emit(asdict(hold), f"legal hold {hold.id} placed")
    return 0


def _hold_release(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.engine.records.disposal import DisposalError, release_hold

    with ctx.store().unit_of_work() as uow:
        try:
            hold = release_hold(uow, args.hold_id, _actor(ctx))
        except DisposalError as error:
            raise CliError(str(error)) from None
    ctx.emit(asdict(hold), f"legal hold {hold.id} released")
    return 0


def _dispose(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.engine.records.disposal import dispose, plan, plan_record

    if not args.yes:
        with ctx.store().unit_of_work(read_only=True) as uow:
            the_plan = plan(uow)
        payload = {"dry_run": True, **plan_record(the_plan)}
        lines = [
            f"would remove {e.record_class} {e.record_id} ({e.occurred_at})"
            for e in the_plan.entries
        ]
        lines += [
            f"held back {e.record_class} {e.record_id} by hold {e.held_by}" for e in the_plan.held
        ]
        lines.append(
            f"{len(the_plan.entries)} to remove, {len(the_plan.held)} held back; "
            "run again with --yes to dispose of them"
        )
        ctx.emit(payload, "\n".join(lines))
        return 0
    with ctx.store().unit_of_work() as uow:
        done = dispose(uow, _actor(ctx))
    ctx.emit(
        {"dry_run": False, **asdict(done)},
        f"disposed of {done.removed} records ({done.held_back} held back); list {done.id}",
    )
    return 0


# -- snapshots and the package -----------------------------------------------------------------


def _snapshot(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.engine.records.snapshot import write_snapshot

    since, until = _bounds(args)
    output = Path(args.output).expanduser()
    try:
        result = write_snapshot(ctx.store(), since, until, output, actor=_actor(ctx))
    except OSError as error:
        raise CliError(f"could not write {output}: {error.strerror or error}") from None
    ctx.emit(result, f"wrote the snapshot {output}")
    return 0


def _package(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.engine.records.eark import PackageError, write_package

    since, until = _bounds(args)
    output = Path(args.output).expanduser()
    try:
        result = write_package(ctx.store(), since, until, output, actor=_actor(ctx))
    except PackageError as error:
        raise CliError(str(error)) from None
    except OSError as error:
        raise CliError(f"could not write {output}: {error.strerror or error}") from None
    ctx.emit(result, f"wrote the E-ARK package {result['package']}")
    return 0


# -- channel register --------------------------------------------------------------------------


def _register_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.engine.records.gather import register_records

    with ctx.store().unit_of_work(read_only=True) as uow:
        channels = register_records(uow)
    lines = [
        f"{c['account_id']}  {c['network']:<9} {c['account']}  {c['status']}  "
        f"{c['responsible'] or '-'}  {c['purpose'] or '-'}"
        for c in channels
    ]
    ctx.emit({"channels": channels}, "\n".join(lines) or "no channels")
    return 0


def _register_set(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.engine.records.register import RegisterError, update_channel

    start = None
    if args.start_date:
        try:
            start = date.fromisoformat(args.start_date)
        except ValueError:
            raise CliError(f"not a date: {args.start_date!r} (use YYYY-MM-DD)") from None
    with ctx.store().unit_of_work() as uow:
        try:
            channel = update_channel(
                uow,
                args.account_id,
                actor=_actor(ctx),
                purpose=args.purpose,
                responsible=args.responsible,
                start_date=start,
                moderation_notice=args.notice,
                status=args.status,
            )
        except RegisterError as error:
            raise CliError(str(error)) from None
    ctx.emit(channel, f"register entry of {args.account_id} saved")
    return 0
