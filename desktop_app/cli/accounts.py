"""`kanal accounts add|list|remove`: connect, show and disconnect platform accounts.

Secrets go to the system keyring only (``SecretStore``); the database keeps who the account is.
A credential option given as ``-`` is read from standard input, so it need not appear in the
process list or the shell history.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from desktop_app.cli.context import CliContext, CliError
from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.errors import NetworkError
from desktop_app.domain.networks import Network, parse_network
from desktop_app.networks.facebook import FacebookConnector
from desktop_app.networks.factory import CREDENTIAL_NAMES, DEFAULT_BASE_URLS, build_connector
from desktop_app.networks.http import HttpClient
from desktop_app.secrets import SecretStore, SecretsUnavailable

ALL_CREDENTIALS = sorted({name for names in CREDENTIAL_NAMES.values() for name in names})
_NEEDS_BASE_URL = frozenset({Network.WORDPRESS, Network.MASTODON})


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
    sign_in.add_argument("--app-secret", help="Facebook: the app secret, if the app needs one")
    add.add_argument("--json", action="store_true", help="print JSON")
    add.set_defaults(func=_add)

    listing = commands.add_parser("list", help="list connected accounts (never their secrets)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=_list)

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


def _missing(network: Network, values: dict[str, str]) -> list[str]:
    if network is Network.X:
        oauth1 = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
        if "consumer_key" in values:
            return [n for n in oauth1 if n not in values]
        return [n for n in ("client_id", "access_token") if n not in values]
    return [n for n in CREDENTIAL_NAMES[network] if n not in values]


def _open_browser(url: str) -> bool:
    """The system browser, and the address on stderr for a machine where none opens."""
    import webbrowser

    sys.stderr.write(f"kanal: sign in in the browser; if none opened, visit:\n  {url}\n")
    return webbrowser.open(url)


def _sign_in(args: argparse.Namespace, network: Network, base_url: str) -> dict[str, str]:
    from desktop_app.networks.facebook import split_graph_url
    from desktop_app.networks.signin import FacebookSignIn, MastodonSignIn, XSignIn

    http = HttpClient()
    try:
        if network is Network.X:
            if not args.client_id:
                raise CliError("--sign-in for x needs --client-id (the app's OAuth 2.0 client id)")
            tokens = XSignIn(base_url, args.client_id, http, _open_browser).run()
            return {
                "client_id": args.client_id,
                "access_token": str(tokens["access_token"]),
                "refresh_token": str(tokens.get("refresh_token") or ""),
            }
        if network is Network.FACEBOOK:
            if not args.app_id:
                raise CliError("--sign-in for facebook needs --app-id")
            root, version = split_graph_url(base_url)
            tokens = FacebookSignIn(
                root, version, args.app_id, http, args.app_secret, _open_browser
            ).run()
            return {"access_token": str(tokens["access_token"])}
        if network is Network.MASTODON:
            tokens = MastodonSignIn(base_url, http, _open_browser).run()
            return {"access_token": str(tokens["access_token"])}
    except NetworkError as error:
        raise CliError(f"sign-in failed: {getattr(error, 'reason', error.message)}") from None
    finally:
        http.close()
    raise CliError(f"{network.value} has no browser sign-in; give its credentials instead")


def _choose_first_page(connector: FacebookConnector) -> None:
    """Without --page-id, the first page the user manages; the others are named on stderr."""
    pages = connector.pages()
    if len(pages) > 1:
        others = ", ".join(f"{p['name']} ({p['id']})" for p in pages[1:])
        sys.stderr.write(
            f"kanal: connecting the page {pages[0]['name']} ({pages[0]['id']}); the user also "
            f"manages {others}: add those with --page-id\n"
        )
    if pages:
        connector.page_id = pages[0]["id"]


def _add(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        network = parse_network(args.network)
    except ValueError as error:
        raise CliError(str(error)) from None
    base_url = (args.base_url or DEFAULT_BASE_URLS.get(network, "")).rstrip("/")
    if not base_url and network in _NEEDS_BASE_URL:
        raise CliError(f"{network.value} needs --base-url (the site or instance address)")
    secrets = SecretStore()
    try:
        secrets.check_available()
    except SecretsUnavailable as error:
        raise CliError(str(error)) from None
    values = _credentials(args, network)
    if args.sign_in:
        values.update({k: v for k, v in _sign_in(args, network, base_url).items() if v})
    missing = _missing(network, values)
    if missing:
        options = ", ".join(f"--{n.replace('_', '-')}" for n in missing)
        raise CliError(f"{network.value} needs {options}")

    account_id = str(uuid.uuid4())
    provisional = Account(
        id=account_id,
        network=network,
        display_name="",
        handle="",
        base_url=base_url,
        remote_id=args.page_id or "",
        status=AccountStatus.UNVERIFIED,
        rate_limited_until=None,
        avatar_url="",
        created_at=datetime.now(UTC),
    )
    try:
        for name, value in values.items():
            secrets.set(account_id, name, value)
        connector = build_connector(provisional, secrets)
        try:
            if isinstance(connector, FacebookConnector) and not args.page_id:
                _choose_first_page(connector)
            identity = connector.verify()
        finally:
            connector.close()
        from desktop_app.store.errors import DuplicateAccount

        with ctx.store().unit_of_work() as uow:
            try:
                account = uow.accounts.add(
                    account_id=account_id,
                    network=network,
                    display_name=identity.display_name,
                    handle=identity.handle,
                    base_url=base_url,
                    remote_id=identity.remote_id,
                    status=AccountStatus.WORKING,
                    avatar_url=identity.avatar_url,
                )
            except DuplicateAccount as error:
                raise CliError(str(error)) from None
    except NetworkError as error:
        secrets.delete_account(account_id)
        reason = getattr(error, "reason", None) or error.message
        raise CliError(f"could not verify the {network.value} account: {reason}") from None
    except SecretsUnavailable as error:
        raise CliError(str(error)) from None
    except BaseException:
        secrets.delete_account(account_id)
        raise
    ctx.emit(account_payload(account), "added " + _human(account))
    return 0


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.store().unit_of_work() as uow:
        accounts = uow.accounts.list()
    human = "\n".join(_human(a) for a in accounts) or "no accounts"
    ctx.emit([account_payload(a) for a in accounts], human)
    return 0


def _remove(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.store.errors import UnknownAccount

    with ctx.store().unit_of_work() as uow:
        try:
            account = uow.accounts.get(args.account_id)
            if account is None:
                raise UnknownAccount(args.account_id)
            uow.accounts.remove(args.account_id)
        except UnknownAccount:
            raise CliError(f"no account with id {args.account_id}") from None
    try:
        SecretStore().delete_account(account.id)
    except SecretsUnavailable as error:
        raise CliError(f"removed the account, but not its secrets: {error}") from None
    ctx.emit({"removed": account.id}, f"removed {_human(account)}")
    return 0
