"""`kanal sync [--account ID]`: fetch what is new for every account (or one), print counts."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from desktop_app.cli.context import CliContext, CliError
from desktop_app.cli.validate import seconds
from desktop_app.domain.accounts import Account
from desktop_app.engine.connectors import AccountConnectors
from desktop_app.engine.sync import AccountSyncResult, SyncEngine, SyncStatus
from desktop_app.secrets import SecretStore

DEFAULT_DEADLINE_S = 180.0


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser("sync", help="fetch new comments, mentions and replies")
    parser.add_argument("--account", action="append", metavar="ID", help="only this account")
    parser.add_argument(
        "--max-wait",
        type=seconds("--max-wait"),
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for a rate-limited account's reset (default 60)",
    )
    parser.add_argument(
        "--deadline",
        type=float,
        default=DEFAULT_DEADLINE_S,
        metavar="SECONDS",
        help=(
            "end the whole run after this long, whatever hangs "
            f"(default {DEFAULT_DEADLINE_S:g}); unfinished accounts continue next time"
        ),
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=_sync)


def _sync(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store()
    with store.unit_of_work(read_only=True) as uow:
        accounts = {a.id: a for a in uow.accounts.list()}
    if not accounts:
        raise CliError("no accounts connected; add one with `kanal accounts add`")
    wanted = args.account or None
    if wanted:
        unknown = [a for a in wanted if a not in accounts]
        if unknown:
            raise CliError(f"no such account: {', '.join(unknown)}")
    if not math.isfinite(args.deadline) or args.deadline <= 0:
        raise CliError("--deadline must be a positive number of seconds")
    # No single read may outlast the run's deadline either.
    read_timeout = max(1.0, min(30.0, args.deadline))
    engine = SyncEngine(store, AccountConnectors(SecretStore(), timeout=(10.0, read_timeout)))
    results = engine.sync(wanted, max_wait_s=max(0.0, args.max_wait), deadline_s=args.deadline)
    payload = [_result_payload(r, accounts[r.account_id]) for r in results]
    ctx.emit({"accounts": payload}, "\n".join(_human(r, accounts[r.account_id]) for r in results))
    failed = [r for r in results if r.status is not SyncStatus.OK]
    if failed:
        names = ", ".join(accounts[r.account_id].handle or r.account_id for r in failed)
        sys.stderr.write(f"kanal: sync incomplete for {names}\n")
        return 1
    return 0


def _result_payload(result: AccountSyncResult, account: Account) -> dict[str, Any]:
    return {
        "account_id": result.account_id,
        "network": account.network.value,
        "handle": account.handle,
        "status": result.status.value,
        "new": result.new,
        "updated": result.updated,
        "pages": result.pages,
        "error": result.error,
        "retry_at": result.retry_at,
    }


def _human(result: AccountSyncResult, account: Account) -> str:
    line = (
        f"{account.network.value:<9} {account.handle or account.display_name:<24} "
        f"{result.status.value:<12} {result.new} new, {result.updated} updated"
    )
    if result.error:
        line += f"  ({result.error})"
    if result.retry_at is not None:
        line += f"  retry after {result.retry_at.isoformat()}"
    return line
