"""`kanal accounts add|list|check|remove`: connect, show, diagnose and disconnect accounts.

Secrets go to the system keyring only (``SecretStore``); the database keeps who the account is.
A credential option given as ``-`` is read from standard input, so it need not appear in the
process list or the shell history.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from desktop_app.cli.context import CliContext, CliError
from desktop_app.domain.accounts import Account
from desktop_app.domain.errors import NetworkError
from desktop_app.domain.networks import Network, parse_network
from desktop_app.engine.accounts import (
    AccountService,
    FacebookPage,
    MissingBaseUrl,
    SecretsLeftBehind,
    error_reason,
    missing_credentials,
    normalise_base_url,
    sign_in_with_browser,
)
from desktop_app.networks.factory import CREDENTIAL_NAMES
from desktop_app.secrets import SecretStore, SecretsUnavailable
from desktop_app.store.errors import DuplicateAccount, UnknownAccount

if TYPE_CHECKING:
    from desktop_app.store.database import Store

T = TypeVar("T")

ALL_CREDENTIALS = sorted({name for names in CREDENTIAL_NAMES.values() for name in names})


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser("accounts", help="connect, list and remove platform accounts")
    commands = parser.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)

    add = commands.add_parser("add", help="connect an account (verified against the platform)")
    add.add_argument("--network", required=True, help="wordpress, facebook, x, mastodon, bluesky")
    add.add_argument("--base-url", help="site, instance, PDS or API root (default: the real one)")
    add.add_argument("--page-id", help="Facebook: which page, when the user manages several")
    for name in ALL_CREDENTIALS:
        users = ", ".join(n.value for n, names in CREDENTIAL_NAMES.items() if name in names)
        add.add_argument(
            f"--{name.replace('_', '-')}",
            dest=name,
            metavar="VALUE",
            help=f"{users} ('-' reads it from standard input)",
        )
    sign_in = add.add_argument_group("browser sign-in (instead of pasting tokens)")
    sign_in.add_argument(
        "--sign-in",
        action="store_true",
        help="open the platform's sign-in page (x, facebook, mastodon)",
    )
    sign_in.add_argument("--app-id", help="Facebook: the app id for the login dialog")
    sign_in.add_argument(
        "--app-secret", help="Facebook: the app secret (needed for a 60-day sign-in)"
    )
    sign_in.add_argument(
        "--redirect-uri",
        help="Facebook: the loopback redirect registered in the Meta app "
        "(default http://127.0.0.1:28321/facebook/callback)",
    )
    add.add_argument("--json", action="store_true", help="print JSON")
    add.set_defaults(func=_add)

    listing = commands.add_parser("list", help="list connected accounts (never their secrets)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=_list)

    check = commands.add_parser(
        "check", help="diagnose accounts: token, expiry, permissions, rate limits"
    )
    check.add_argument("account_id", metavar="ID", nargs="?", help="one account (default: all)")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(func=_check)

    remove = commands.add_parser("remove", help="disconnect an account and delete its secrets")
    remove.add_argument("account_id", metavar="ID")
    remove.add_argument("--json", action="store_true", help="print JSON")
    remove.set_defaults(func=_remove)


def account_payload(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "network": account.network.value,
        "display_name": account.display_name,
        "handle": account.handle,
        "base_url": account.base_url,
        "remote_id": account.remote_id,
        "status": account.status.value,
        "rate_limited_until": account.rate_limited_until,
        "avatar_url": account.avatar_url,
        "created_at": account.created_at,
    }


def _human(account: Account) -> str:
    return (
        f"{account.id}  {account.network.value:<9}  {account.handle or account.display_name}"
        f"  ({account.display_name})  {account.status.value}"
    )


def _credentials(args: argparse.Namespace, network: Network) -> dict[str, str]:
    values: dict[str, str] = {}
    for name in ALL_CREDENTIALS:
        value = getattr(args, name, None)
        if value is None:
            continue
        if name not in CREDENTIAL_NAMES[network]:
            raise CliError(f"--{name.replace('_', '-')} does not apply to {network.value}")
        if value == "-":
            value = sys.stdin.readline().rstrip("\r\n")
        if value:
            values[name] = value
    return values


def _open_browser(url: str) -> bool:
    """The system browser, and the address on stderr for a machine where none opens."""
    import webbrowser

    sys.stderr.write(f"kanal: sign in in the browser; if none opened, visit:\n  {url}\n")
    return webbrowser.open(url)


def _sign_in(args: argparse.Namespace, network: Network, base_url: str) -> dict[str, str]:
    if network is Network.X and not args.client_id:
        raise CliError("--sign-in for x needs --client-id (the app's OAuth 2.0 client id)")
    if network is Network.FACEBOOK and not args.app_id:
        raise CliError("--sign-in for facebook needs --app-id")
    try:
        return sign_in_with_browser(
            network,
            base_url,
            _open_browser,
            client_id=args.client_id or "",
            app_id=args.app_id or "",
            app_secret=args.app_secret or "",
            redirect_uri=args.redirect_uri or "",
        )
    except NetworkError as error:
        raise CliError(f"sign-in failed: {error_reason(error)}") from None
    except ValueError as error:
        raise CliError(str(error)) from None


def _note_other_pages(chosen: FacebookPage, others: Sequence[FacebookPage]) -> None:
    names = ", ".join(f"{page.name} ({page.id})" for page in others)
    sys.stderr.write(
        f"kanal: connecting the page {chosen.name} ({chosen.id}); the user also manages "
        f"{names}: add those with --page-id\n"
    )


def _service(ctx: CliContext) -> AccountService:
    def on_store(job: Callable[[Store], T], /) -> T:
        return job(ctx.store())  # opened on first use only

    return AccountService(on_store, SecretStore(), actor=ctx.actor)


def _add(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        network = parse_network(args.network)
        base_url = normalise_base_url(network, args.base_url)
    except MissingBaseUrl:
        raise CliError(f"{network.value} needs --base-url (the site or instance address)") from None
    except ValueError as error:
        raise CliError(str(error)) from None
    service = _service(ctx)
    try:
        service.secrets.check_available()
    except SecretsUnavailable as error:
        raise CliError(str(error)) from None
    values = _credentials(args, network)
    if args.sign_in:
        values.update({k: v for k, v in _sign_in(args, network, base_url).items() if v})
    missing = missing_credentials(network, values)
    if missing:
        options = ", ".join(f"--{n.replace('_', '-')}" for n in missing)
        raise CliError(f"{network.value} needs {options}")
    try:
        account = service.add(network, base_url, values, args.page_id, _note_other_pages)
    except NetworkError as error:
        raise CliError(
            f"could not verify the {network.value} account: {error_reason(error)}"
        ) from None
    except (SecretsUnavailable, DuplicateAccount) as error:
        raise CliError(str(error)) from None
    ctx.emit(account_payload(account), "added " + _human(account))
    return 0


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.store().unit_of_work() as uow:
        accounts = uow.accounts.list()
    human = "\n".join(_human(a) for a in accounts) or "no accounts"
    ctx.emit([account_payload(a) for a in accounts], human)
    return 0


def _check(args: argparse.Namespace, ctx: CliContext) -> int:
    """Exit 0 when no account has a problem; otherwise the findings, then one line on stderr."""
    service = _service(ctx)
    try:
        accounts = [service.get(args.account_id)] if args.account_id else service.list()
    except UnknownAccount:
        raise CliError(f"no account with id {args.account_id}") from None
    try:
        service.secrets.check_available()
    except SecretsUnavailable as error:
        raise CliError(str(error)) from None
    results = []
    lines = []
    for account in accounts:
        try:
            health = service.check(account.id)
        except NetworkError as error:
            raise CliError(f"could not check {account.id}: {error_reason(error)}") from None
        results.append({"account": account_payload(account), "health": health.to_json()})
        lines.append(_human(account))
        for finding in health.findings:
            action = f"\n      → {finding.action}" if finding.action else ""
            lines.append(f"  [{finding.severity.value}] {finding.message}{action}")
    ctx.emit(results, "\n".join(lines) or "no accounts")
    problems = sum(1 for r in results if not r["health"]["ok"])
    if problems:
        raise CliError(f"{problems} account(s) need attention: see the actions above")
    return 0


def _remove(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        account = _service(ctx).remove(args.account_id)
    except UnknownAccount:
        raise CliError(f"no account with id {args.account_id}") from None
    except SecretsLeftBehind as error:
        raise CliError(f"removed the account, but not its secrets: {error}") from None
    ctx.emit({"removed": account.id}, f"removed {_human(account)}")
    return 0
