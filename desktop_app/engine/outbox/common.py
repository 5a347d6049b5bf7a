"""What the outbox's parts share: settings, callbacks, the threads' shared state, connectors."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from desktop_app.domain.accounts import Account
from desktop_app.domain.publications import Publication
from desktop_app.engine.retry import RetryPolicy
from desktop_app.networks.base import Connector
from desktop_app.store.database import Store

log = logging.getLogger("desktop_app.engine.outbox")

PREPARED_MEDIA_DIR = "outbox-media"
INSTANCE_LOCK_DIR = "outbox-instances"
SYSTEM_ACTOR = "kanal"
NO_ACCOUNT = "the account is no longer connected"
CLAIMED_ELSEWHERE = "another desk of the team publishes this post to this account"

ConnectorFactory = Callable[[Account], Connector]


def utc_now() -> datetime:
    return datetime.now(UTC)


def _noop(*_args: Any) -> None:
    return None


@dataclass(frozen=True)
class OutboxSettings:
    workers: int = 8
    require_alt_text: bool = True  # False: missing alt text is only a warning
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    # How long a claim holds without its outbox: longer than any single network call can take.
    lease: timedelta = timedelta(minutes=10)
    recover_every: timedelta = timedelta(seconds=30)
    idle_poll_s: float = 1.0
    # find_post looks this far before the first attempt, for clocks that disagree.
    verify_margin: timedelta = timedelta(minutes=10)
    # Team hook (engine/team/claims.py): asked once before a post's first request; False means
    # another desk sends it (the publication fails as cancelled), TemporaryFailure makes it wait.
    before_send: Callable[[Publication, Account], bool] | None = None


@dataclass
class OutboxCallbacks:
    """Plain callbacks, called on the outbox's own threads (the UI re-posts them to Qt)."""

    on_publication: Callable[[Publication], None] = _noop
    on_queue_size: Callable[[int], None] = _noop
    # account id, the platform's message: the user must sign in to that account again
    on_account_paused: Callable[[str, str], None] = _noop


class Runtime:
    """State the dispatcher and the workers share: who is being sent to, who waits on a rate
    limit, whether the outbox is stopping, and the wake-up call for the dispatcher."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inflight: dict[str, str] = {}  # account id -> publication id
        self.held_until: dict[str, datetime] = {}  # rate-limited accounts
        self.stopping = threading.Event()
        self._wake = threading.Condition()
        self._kicked = False

    def kick(self) -> None:
        with self._wake:
            self._kicked = True
            self._wake.notify_all()

    def sleep(self, timeout: float) -> None:
        """The dispatcher's wait: until kicked, stopped, or ``timeout`` seconds."""
        with self._wake:
            if not self._kicked and not self.stopping.is_set():
                self._wake.wait(timeout)
            self._kicked = False

    def nap(self, timeout: float) -> None:
        """A short wait that any kick ends early (for callers polling the store)."""
        with self._wake:
            self._wake.wait(timeout)

    def hold(self, account_id: str, until: datetime) -> None:
        with self.lock:
            self.held_until[account_id] = until

    def unhold(self, account_id: str) -> None:
        with self.lock:
            self.held_until.pop(account_id, None)


class Reporter:
    """Tells the callbacks what changed."""

    def __init__(self, store: Store, callbacks: OutboxCallbacks) -> None:
        self._store = store
        self.callbacks = callbacks

    def publication(self, publication: Publication) -> None:
        self.callbacks.on_publication(publication)

    def account_paused(self, account_id: str, reason: str) -> None:
        self.callbacks.on_account_paused(account_id, reason)

    def queue_size(self) -> int:
        with self._store.unit_of_work(read_only=True) as uow:
            return uow.publications.count_open()

    def report_queue_size(self) -> None:
        try:
            size = self.queue_size()
        except Exception:
            log.warning("could not count the outbox", exc_info=True)
            return
        self.callbacks.on_queue_size(size)


class ConnectorPool:
    """One connector per account, made on first use and closed when dropped."""

    def __init__(self, factory: ConnectorFactory) -> None:
        self._factory = factory
        self._connectors: dict[str, Connector] = {}
        self._lock = threading.Lock()

    def get(self, account: Account) -> Connector:
        with self._lock:
            connector = self._connectors.get(account.id)
            if connector is None:
                connector = self._factory(account)
                self._connectors[account.id] = connector
            return connector

    def drop(self, account_id: str) -> None:
        with self._lock:
            connector = self._connectors.pop(account_id, None)
        if connector is not None:
            _close(connector)

    def close_all(self) -> None:
        with self._lock:
            connectors = list(self._connectors.values())
            self._connectors.clear()
        for connector in connectors:
            _close(connector)


def _close(connector: Connector) -> None:
    try:
        connector.close()
    except Exception:  # closing must not hide what the caller is doing
        log.warning("closing a connector failed", exc_info=True)
