"""The services of one Kanal process, built once by the composition root (``desktop_app.app``).

The window, the command line and practice mode all get the same ``Services`` object: the store,
the keyring, the account connectors, the outbox and the inbox sync, the inbox actions, the
history export, the settings and the acting person. Nothing here imports Qt, and nothing
expensive is imported before it is used: the store opens (and migrates) on first use, on
whatever thread asks first (the window's database thread), and the engines, connectors and
export load then too, so the first frame does not wait for them.
"""

from __future__ import annotations

import getpass
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

from desktop_app.config import AppConfig

if TYPE_CHECKING:
    from desktop_app.domain.accounts import Account
    from desktop_app.domain.networks import Network
    from desktop_app.engine.accounts import AccountService, SignInPreset, StoreAccess
    from desktop_app.engine.connectors import AccountConnectors
    from desktop_app.engine.inbox_actions import InboxActions
    from desktop_app.engine.outbox import Outbox, OutboxCallbacks, OutboxSettings
    from desktop_app.engine.records.keeper import SnapshotKeeper
    from desktop_app.engine.sync import SyncCallbacks, SyncEngine, SyncSettings
    from desktop_app.engine.team.loop import TeamSyncLoop
    from desktop_app.engine.team.service import TeamService
    from desktop_app.networks.base import Connector
    from desktop_app.secrets import SecretStore
    from desktop_app.store.database import Store
    from desktop_app.store.team_store import TeamStore

log = logging.getLogger(__name__)

# Names the acting person can never have: the system's own actor (what the outbox writes for
# what it does by itself) and the placeholders older versions wrote when they did not know.
RESERVED_ACTORS = frozenset({"kanal", "unknown", "system", "none"})
SYNC_INTERVAL_S = 120.0  # the inbox is fetched this often (and at once on "Sync now")
CLI_TIMEOUT_S = (10.0, 30.0)  # (connect, read) for the command line's platform calls


class ActingPersonUnknown(ValueError):
    """Neither the configuration nor the operating system names the person at the keyboard."""


def is_valid_actor(name: str | None) -> bool:
    """A real person's name: not blank and not one of the reserved names."""
    if name is None or not name.strip():
        return False
    return name.strip().casefold() not in RESERVED_ACTORS


def resolve_actor(configured: str | None, login: Callable[[], str] = getpass.getuser) -> str:
    """Who is acting: the configured user name if it is a person's, else the OS login name.

    Written to every audit event a person causes, so it must never be blank, the system's own
    actor name (``kanal``) or a placeholder such as ``unknown``.
    """
    if is_valid_actor(configured):
        return str(configured).strip()
    try:
        name = login()
    except Exception:  # no login name (some service accounts)
        name = ""
    if is_valid_actor(name):
        return name.strip()
    raise ActingPersonUnknown(
        "Kanal cannot tell who you are: set KANAL_USER to your name "
        "(it is written to the history of everything you do)"
    )


def open_store(config: AppConfig) -> Store:
    """Create the data folder, connect, and bring the schema to head before use."""
    from desktop_app.store.database import Store

    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(config.database_url, data_dir=config.data_dir)
    store.migrate()
    if not config.sandbox:
        # The audit chain is sealed with a key in the OS keyring (practice mode keeps out of it).
        from desktop_app.engine.records.chain_keys import use_keyring_chain_key

        use_keyring_chain_key(store)
    return store


@dataclass(frozen=True)
class Settings:
    """How the engines run; the window and the command line differ only in these."""

    sync_interval_s: float = SYNC_INTERVAL_S
    connector_timeout: tuple[float, float] | None = None  # None: the HTTP module's default
    outbox: OutboxSettings | None = None
    sync: SyncSettings | None = None
    # The Settings section's rule (policy applied): images without alt text are refused.
    require_alt_text: bool = True


class EnginesStopped(RuntimeError):
    """The outbox and the sync are not running (not started yet, or stopped for good)."""


class TeamNotConfigured(RuntimeError):
    """This desk has no team store (no --team-url / KANAL_TEAM_URL)."""


@dataclass
class _Engines:
    outbox: Outbox
    sync: SyncEngine
    snapshots: SnapshotKeeper


@dataclass
class Services:
    """Everything one process uses, made once. Build it with ``desktop_app.app.build_services``.

    ``keyring`` is the keyring every part uses (practice mode passes an in-memory one);
    ``store_opener`` opens and migrates the store (practice mode also connects its accounts).
    """

    config: AppConfig
    actor: str
    store_opener: Callable[[], Store]
    settings: Settings = field(default_factory=Settings)
    sign_in_presets: Mapping[Network, SignInPreset] = field(default_factory=dict)
    keyring: SecretStore | None = field(default=None, repr=False)  # None: the system's
    _store: Store | None = field(default=None, init=False, repr=False)
    _connectors: AccountConnectors | None = field(default=None, init=False, repr=False)
    _inbox_actions: InboxActions | None = field(default=None, init=False, repr=False)
    _engines: _Engines | None = field(default=None, init=False, repr=False)
    _engines_stopped: bool = field(default=False, init=False, repr=False)
    _team: TeamService | None = field(default=None, init=False, repr=False)
    _team_store: TeamStore | None = field(default=None, init=False, repr=False)
    _team_loop: TeamSyncLoop | None = field(default=None, init=False, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False)

    # ----- the store ----------------------------------------------------------------------

    def store(self) -> Store:
        """The open store; opened (and migrated) by the first caller, once."""
        with self._lock:
            if self._store is None:
                self._store = self.store_opener()
            return self._store

    @property
    def store_is_open(self) -> bool:
        return self._store is not None

    def close(self) -> None:
        """Stop the engines and dispose of the store. Idempotent."""
        self.stop_engines()
        with self._lock:
            store, self._store = self._store, None
            team_store, self._team_store = self._team_store, None
        if team_store is not None:
            team_store.dispose()
        if store is not None:
            store.dispose()

    # ----- the department's team store --------------------------------------------------------

    @property
    def has_team(self) -> bool:
        return bool(self.config.team_url)

    def team(self) -> TeamService:
        """This desk as a member of the department (roles, review, notes); needs --team-url.

        Built once; works offline on the desk's copy, the team store is reached on sync."""
        from desktop_app.engine.team.service import TeamService
        from desktop_app.store.team_store import TeamStore

        with self._lock:
            if self._team is None:
                if not self.config.team_url:
                    raise TeamNotConfigured("no team store is set (--team-url or KANAL_TEAM_URL)")
                self._team_store = TeamStore(self.config.team_url, pooled=False)
                self._team = TeamService(self.store(), self._team_store, self.actor)
            return self._team

    def poke_team_sync(self) -> None:
        """Push and pull now (a submission or a decision was just made here)."""
        loop = self._team_loop
        if loop is not None:
            loop.poke()

    # ----- what the layers below offer ------------------------------------------------------

    @property
    def secrets(self) -> SecretStore:
        """The one keyring every part uses (the system's unless one was given); opened on
        first use, so the keyring library is not loaded before the first frame."""
        with self._lock:
            if self.keyring is None:
                from desktop_app.secrets import SecretStore

                self.keyring = SecretStore()
            return self.keyring

    @property
    def connectors(self) -> AccountConnectors:
        """``Account -> Connector`` with bounded timeouts, all from this one keyring."""
        with self._lock:
            if self._connectors is None:
                from desktop_app.engine.connectors import AccountConnectors

                if self.settings.connector_timeout is None:
                    self._connectors = AccountConnectors(self.secrets)
                else:
                    self._connectors = AccountConnectors(
                        self.secrets, timeout=self.settings.connector_timeout
                    )
            return self._connectors

    @property
    def inbox_actions(self) -> InboxActions:
        """Answering, moderating, marking and assigning inbox items (with their audit events).

        Building it opens nothing: it reaches the store when one of its actions runs."""
        with self._lock:
            if self._inbox_actions is None:
                from desktop_app.engine.inbox_actions import InboxActions

                self._inbox_actions = InboxActions(self.store, self._connector_for)
            return self._inbox_actions

    def _connector_for(self, account: Account) -> Connector:
        # Late-bound, so building the inbox actions does not load the network modules.
        return self.connectors(account)

    def account_service(self, access: StoreAccess | None = None) -> AccountService:
        """Adding, signing in and removing accounts; ``access`` runs its store work (the
        window passes its database lane; by default it runs in the calling thread)."""
        from desktop_app.engine.accounts import AccountService, direct_access

        return AccountService(access or direct_access(self.store()), self.secrets, actor=self.actor)

    def export(self) -> ModuleType:
        """The history export (JSON, CSV, PDF); loaded on first use (PDF is heavy)."""
        from desktop_app.engine import export

        return export

    # ----- the engines ----------------------------------------------------------------------

    def start_engines(
        self,
        outbox_callbacks: OutboxCallbacks | None = None,
        sync_callbacks: SyncCallbacks | None = None,
    ) -> bool:
        """Build and start the outbox and the periodic sync (once; opens the store).

        Returns False if they were stopped before (a window closed while they started)."""
        from desktop_app.engine.outbox import Outbox, OutboxSettings
        from desktop_app.engine.sync import SyncEngine, SyncSettings

        with self._lock:
            if self._engines_stopped:
                return False
            if self._engines is not None:
                return True
            store = self.store()
            outbox = Outbox(
                store,
                self.connectors,
                settings=self.settings.outbox
                or OutboxSettings(require_alt_text=self.settings.require_alt_text),
                callbacks=outbox_callbacks,
            )
            outbox.start()
            try:
                sync = SyncEngine(
                    store,
                    self.connectors,
                    settings=self.settings.sync
                    or SyncSettings(interval_s=self.settings.sync_interval_s),
                    callbacks=sync_callbacks,
                )
                sync.start()
            except BaseException:
                outbox.stop()
                raise
            from desktop_app.engine.records.keeper import SnapshotKeeper

            keeper = SnapshotKeeper(store)  # the periodic PDF/A snapshots of the public record
            keeper.start()
            if self.config.team_url:
                from desktop_app.engine.team.loop import TeamSyncLoop
                from desktop_app.engine.team.sync import TeamSync

                team = self.team()
                assert self._team_store is not None
                self._team_loop = TeamSyncLoop(TeamSync(store, self._team_store, team))
                self._team_loop.start()
            self._engines = _Engines(outbox, sync, keeper)
            return True

    def stop_engines(self) -> None:
        """Stop syncing and sending for good; requests in flight finish. Idempotent."""
        with self._lock:
            self._engines_stopped = True
            engines, self._engines = self._engines, None
        loop, self._team_loop = self._team_loop, None
        if loop is not None:
            loop.stop()
        if engines is not None:
            engines.snapshots.stop()
            engines.sync.stop()
            engines.outbox.stop()

    @property
    def outbox(self) -> Outbox:
        engines = self._engines
        if engines is None:
            raise EnginesStopped("sending has not started yet; try again in a moment")
        return engines.outbox

    @property
    def sync(self) -> SyncEngine:
        engines = self._engines
        if engines is None:
            raise EnginesStopped("the inbox sync has not started yet")
        return engines.sync

    @property
    def engines_running(self) -> bool:
        return self._engines is not None
