"""Practice mode (``kanal --sandbox``): the window against Kanal's own platform emulator.

Used only by the composition root (``desktop_app.app``), the only code besides the CLI that may
start the sandbox. It
starts the emulator in-process on a free port, keeps the practice data in its own folder
(``resolve_config`` puts it under ``practice/``), and connects one account per platform
through the same account service the Accounts section uses, so a new user starts with five
working accounts and a public that comments now and then. The window's title and banner say
that nothing reaches the public.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from desktop_app.config import AppConfig
from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.errors import NetworkError
from desktop_app.domain.networks import Network
from desktop_app.engine.accounts import AccountService, SignInPreset, direct_access
from desktop_app.networks.factory import HttpFactory
from desktop_app.networks.http import HttpClient
from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore

if TYPE_CHECKING:
    from desktop_app.store.database import Store

log = logging.getLogger("desktop_app.practice")

PRACTICE_SEED = 1  # the same demo world (and account ids on the platforms) at every start
# Citizens' comments, mentions and replies per simulated minute: a trickle to practise on.
PUBLIC_RATE = 0.5
# What citizens wrote before practice began: an inbox to work on from the first minute, with a
# few items past the 24-hour answer time.
BACKLOG_ITEMS = 30
BACKLOG_HOURS = 36.0


class PracticeKeyring(KeyringBackend):
    """Keeps practice mode's credentials in memory, for this run only.

    They are the emulator's demo credentials, printed by ``kanal sandbox serve`` and valid only
    against an emulator on this machine for as long as it runs, so they are not secrets worth
    the system keyring; keeping them there would fill the user's keyring with dead entries at
    every start (the port, and so the accounts' addresses, change each time).
    """

    # Below keyring's "recommended" threshold: never chosen as anyone's default backend.
    priority = 0.1

    def __init__(self) -> None:
        super().__init__()
        self._entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


def sign_in_presets(platforms: Mapping[str, Mapping[str, Any]]) -> dict[Network, SignInPreset]:
    """The emulator's addresses and app ids, filled into the Add account dialog."""
    presets: dict[Network, SignInPreset] = {}
    for name, info in platforms.items():
        network = Network(name)
        credentials = info.get("credentials", {})
        presets[network] = SignInPreset(
            base_url=str(info["base_url"]),
            client_id=str(credentials.get("client_id", "")) if network is Network.X else "",
            app_id=str(info.get("app_id", "")) if network is Network.FACEBOOK else "",
            app_secret=str(info.get("app_secret", "")) if network is Network.FACEBOOK else "",
        )
    return presets


def connect_practice_accounts(
    service: AccountService, platforms: Mapping[str, Mapping[str, Any]]
) -> list[Account]:
    """At least one working account per platform; those of earlier runs are reused.

    Each start the emulator listens on a new port and the in-memory keyring is empty, so every
    practice account from the last run is signed in again with the demo credentials at the new
    address (drafts, history and inbox stay with it). One the demo credentials do not open
    (the user signed in as someone else) moves to the new address and needs signing in again.
    A platform without a practice account yet gets one.
    """
    existing = service.list()
    connected: list[Account] = []
    for name, info in platforms.items():
        network = Network(name)
        base_url = str(info["base_url"])
        credentials = {k: str(v) for k, v in info.get("credentials", {}).items() if v}
        demo_ids = {str(info.get(key, "")) for key in ("user_id", "account_id", "did")}
        demo_ids.update(str(page) for page in info.get("page_ids", [])[:1])
        mine = sorted(
            (a for a in existing if a.network is network),
            key=lambda a: (a.remote_id not in demo_ids, a.created_at),
        )
        working: list[Account] = []
        for account in mine:
            try:
                working.append(service.reconnect(account.id, credentials, base_url))
            except NetworkError as error:
                log.info("practice %s account needs signing in: %s", name, error.message)
                _move_to(service, account, base_url)
        if not working:
            page_ids = info.get("page_ids") or [None]
            working.append(service.add(network, base_url, credentials, page_id=page_ids[0]))
        connected.extend(working)
    return connected


def _move_to(service: AccountService, account: Account, base_url: str) -> None:
    """The emulator's new address for an account whose credentials died with the last run."""
    if urlsplit(account.base_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        return
    account_id = account.id

    def job(store: Store) -> None:
        with store.unit_of_work() as uow:
            uow.accounts.update_base_url(account_id, base_url)
            uow.accounts.update_status(account_id, AccountStatus.NEEDS_SIGN_IN)

    service.store_access(job)


class PracticeMode:
    """The emulator and the in-memory keyring of one practice run. Use as a context manager."""

    def __init__(
        self,
        seed: int = PRACTICE_SEED,
        public_rate: float = PUBLIC_RATE,
        http_factory: HttpFactory = HttpClient,
    ) -> None:
        self.sandbox = SandboxServer(
            host="127.0.0.1", port=0, seed=seed, latency_ms=0, faults=[], public_rate=public_rate
        )
        self.secrets = SecretStore(PracticeKeyring())
        self._http_factory = http_factory

    def start(self) -> PracticeMode:
        self.sandbox.start()
        self.sandbox.stage_backlog(BACKLOG_ITEMS, BACKLOG_HOURS)
        return self

    def stop(self) -> None:
        self.sandbox.stop()

    def __enter__(self) -> PracticeMode:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def presets(self) -> dict[Network, SignInPreset]:
        return sign_in_presets(self.sandbox.platforms())

    def open_store(self, config: AppConfig) -> Store:
        """Open the practice store and connect the practice accounts (database thread).

        A failure to connect them is logged, not fatal: the window still opens, and the
        Accounts section shows what works.
        """
        from desktop_app.services import open_store

        store = open_store(config)
        service = AccountService(direct_access(store), self.secrets, self._http_factory)
        try:
            connect_practice_accounts(service, self.sandbox.platforms())
        except Exception:
            log.exception("could not connect the practice accounts")
        return store
