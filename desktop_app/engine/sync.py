"""Inbox sync: every account concurrently, incrementally, one store transaction per page.

How it behaves:

* Each account's connector is asked for what is new since that account's stored cursor, page by
  page. Every fetched page is stored - items upserted by (account, remote id) and the cursor
  moved - in ONE unit of work. A crash between fetch and commit leaves items and cursor as they
  were, so the next run fetches the same page again and the upsert makes the repeat harmless:
  nothing is lost and nothing is duplicated.
* Accounts run as separate tasks on a worker pool. A task never sleeps: when an account is
  rate-limited (or a read fails temporarily) the task ends with "resume at T" and the
  coordinator re-submits it at T, so a waiting account holds no worker and no other account.
* Errors follow the shared taxonomy: RateLimited waits for the platform's reset (up to
  ``max_rate_limit_wait_s`` within one run, otherwise the next run picks it up after the reset);
  TemporaryFailure and OutcomeUnknown (a read is safe to repeat) back off with jitter a few
  times; AuthExpired marks the account "needs sign-in"; Rejected ends that account's run with the
  platform's reason.
* Plain callbacks report progress; the UI adapts them to Qt signals. No Qt here.
"""

from __future__ import annotations

import heapq
import logging
import random
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.errors import (
    AuthExpired,
    NetworkError,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    TemporaryFailure,
)
from desktop_app.domain.inbox import InboxKind, IncomingItem, PageResult, RemoteState
from desktop_app.networks.base import Connector, RemoteItem
from desktop_app.store.database import Store

log = logging.getLogger(__name__)

ConnectorProvider = Callable[[Account], Connector]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SyncStatus(StrEnum):
    OK = "ok"
    RATE_LIMITED = "rate_limited"  # gave up waiting in this run; retry_at says when to come back
    AUTH_EXPIRED = "auth_expired"
    FAILED = "failed"  # rejected, or temporary failures beyond the retry budget
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class SyncSettings:
    max_workers: int = 16  # network-bound: one per account is cheap
    max_pages_per_run: int = 500  # a bound against a platform that pages forever
    temporary_retries: int = 5
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    max_rate_limit_wait_s: float = 900.0
    interval_s: float = 120.0  # periodic sync


@dataclass(frozen=True)
class AccountSyncResult:
    account_id: str
    status: SyncStatus
    new: int
    updated: int
    pages: int
    error: str | None = None
    retry_at: datetime | None = None


@dataclass(frozen=True)
class SyncCallbacks:
    """Plain callables, called from worker threads (the UI re-posts them to its own thread)."""

    on_page: Callable[[str, PageResult], None] | None = None
    on_account_done: Callable[[AccountSyncResult], None] | None = None
    on_run_done: Callable[[Sequence[AccountSyncResult]], None] | None = None


def incoming_from_remote(item: RemoteItem) -> IncomingItem:
    """The connector's item as the store's input type (domain has no networks import)."""
    return IncomingItem(
        remote_id=item.remote_id,
        kind=InboxKind(item.kind.value),
        author_name=item.author_name,
        author_handle=item.author_handle,
        author_avatar_url=item.author_avatar_url,
        text=item.text,
        html=item.html,
        created_at=item.created_at,
        remote_updated_at=item.updated_at,
        parent_remote_id=item.parent_remote_id,
        root_post_remote_id=item.root_post_remote_id,
        url=item.url,
        remote_state=RemoteState(item.status.value),
    )


@dataclass
class _AccountRun:
    """One account's progress within one run (touched by one worker at a time)."""

    account: Account
    connector: Connector | None = None
    new: int = 0
    updated: int = 0
    pages: int = 0
    temporary_failures: int = 0
    was_rate_limited: bool = False
    status_restored: bool = False


@dataclass(frozen=True)
class _Resume:
    at: datetime
    reason: str


@dataclass(order=True)
class _Scheduled:
    at: datetime
    order: int
    run: _AccountRun = field(compare=False)


class SyncEngine:
    """Fetches what is new for every account and keeps it in the store.

    ``sync(...)`` runs once and returns per-account results (the CLI, tests, on-demand);
    ``start()``/``stop()`` run it periodically on a background thread (the window).
    """

    def __init__(
        self,
        store: Store,
        connectors: ConnectorProvider,
        *,
        settings: SyncSettings | None = None,
        callbacks: SyncCallbacks | None = None,
        clock: Callable[[], datetime] = _utc_now,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._connectors = connectors
        self.settings = settings or SyncSettings()
        self._callbacks = callbacks or SyncCallbacks()
        self._clock = clock
        self._rng = rng or random.Random()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._run_lock = threading.Lock()  # one run at a time; a second request waits
        self._request_lock = threading.Lock()
        self._requested: set[str] | None = None  # None: all accounts
        self._not_before: dict[str, datetime] = {}  # periodic runs skip rate-limited accounts

    # -- one run ---------------------------------------------------------------------------------

    def sync(
        self, account_ids: Iterable[str] | None = None, *, max_wait_s: float | None = None
    ) -> list[AccountSyncResult]:
        """Sync the given accounts (default: all) concurrently; blocks until each is done.

        ``max_wait_s`` bounds how long a rate-limited or failing account is waited for within
        this run (default: the settings' ``max_rate_limit_wait_s``).
        """
        with self._run_lock:
            return self._run(account_ids, max_wait_s)

    def _run(
        self, account_ids: Iterable[str] | None, max_wait_s: float | None
    ) -> list[AccountSyncResult]:
        with self._store.unit_of_work(read_only=True) as uow:
            accounts = uow.accounts.list()
        if account_ids is not None:
            wanted = set(account_ids)
            unknown = wanted - {a.id for a in accounts}
            if unknown:
                raise KeyError(f"no such account: {', '.join(sorted(unknown))}")
            accounts = [a for a in accounts if a.id in wanted]
        limit = self.settings.max_rate_limit_wait_s if max_wait_s is None else max_wait_s
        deadline = self._clock() + timedelta(seconds=limit)
        results: dict[str, AccountSyncResult] = {}
        pending: list[_Scheduled] = []
        order = 0
        workers = max(1, min(self.settings.max_workers, len(accounts)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kanal-sync") as pool:
            running: dict[Future[_Resume | AccountSyncResult], _AccountRun] = {}
            for account in accounts:
                run = _AccountRun(account)
                running[pool.submit(self._run_account, run)] = run
            while running or pending:
                if self._stop.is_set():
                    for scheduled in pending:
                        run = scheduled.run
                        results[run.account.id] = self._finish(run, SyncStatus.CANCELLED, None)
                    pending.clear()
                now = self._clock()
                while pending and pending[0].at <= now:
                    run = heapq.heappop(pending).run
                    running[pool.submit(self._run_account, run)] = run
                if not running:
                    if not pending:
                        break
                    self._stop.wait(min(0.5, (pending[0].at - now).total_seconds()))
                    continue
                timeout = 0.5  # notice stop() and due re-submissions promptly
                if pending:
                    timeout = min(timeout, max(0.0, (pending[0].at - now).total_seconds()))
                done, _ = wait(list(running), timeout=timeout, return_when=FIRST_COMPLETED)
                for future in done:
                    run = running.pop(future)
                    outcome = future.result()
                    account_id = run.account.id
                    if isinstance(outcome, AccountSyncResult):
                        results[account_id] = outcome
                    elif self._stop.is_set():
                        results[account_id] = self._finish(
                            run, SyncStatus.CANCELLED, outcome.reason
                        )
                    elif outcome.at > deadline:
                        status = (
                            SyncStatus.RATE_LIMITED if run.was_rate_limited else SyncStatus.FAILED
                        )
                        results[account_id] = self._finish(run, status, outcome.reason, outcome.at)
                    else:
                        order += 1
                        heapq.heappush(pending, _Scheduled(outcome.at, order, run))
        ordered = [results[a.id] for a in accounts if a.id in results]
        if self._callbacks.on_run_done is not None:
            self._callbacks.on_run_done(ordered)
        return ordered

    def _finish(
        self,
        run: _AccountRun,
        status: SyncStatus,
        error: str | None,
        retry_at: datetime | None = None,
    ) -> AccountSyncResult:
        if run.connector is not None:
            try:
                run.connector.close()
            except Exception:  # closing must not turn a finished sync into a failure
                log.warning("closing the connector of %s failed", run.account.id, exc_info=True)
            run.connector = None
        if retry_at is not None:
            self._not_before[run.account.id] = retry_at
        else:
            self._not_before.pop(run.account.id, None)
        result = AccountSyncResult(
            run.account.id, status, run.new, run.updated, run.pages, error, retry_at
        )
        if self._callbacks.on_account_done is not None:
            self._callbacks.on_account_done(result)
        return result

    def _run_account(self, run: _AccountRun) -> _Resume | AccountSyncResult:
        """Fetch and store pages until the account is up to date; never sleeps.

        Returns the account's result when it is done, or when to resume it.
        """
        account = run.account
        # Each step is short; the coordinator decides about waiting, so no worker ever sleeps.
        try:
            if run.connector is None:
                run.connector = self._connectors(account)
            while run.pages < self.settings.max_pages_per_run:
                if self._stop.is_set():
                    return self._finish(run, SyncStatus.CANCELLED, None)
                with self._store.unit_of_work(read_only=True) as uow:
                    cursor = uow.inbox.cursor(account.id)
                page = run.connector.list_inbox(cursor)
                incoming = [incoming_from_remote(item) for item in page.items]
                with self._store.unit_of_work() as uow:
                    stored = uow.inbox.store_page(
                        account.id, account.network, incoming, cursor=page.cursor
                    )
                    stale = account.status in (
                        AccountStatus.RATE_LIMITED,
                        AccountStatus.NEEDS_SIGN_IN,
                    )
                    if (run.was_rate_limited or stale) and not run.status_restored:
                        # A page came through: the limit is over and the credentials work.
                        uow.accounts.update_status(account.id, AccountStatus.WORKING)
                        run.status_restored = True
                run.pages += 1
                run.temporary_failures = 0
                run.new += len(stored.new_ids)
                run.updated += len(stored.updated_ids)
                if self._callbacks.on_page is not None and (stored.new_ids or stored.updated_ids):
                    self._callbacks.on_page(account.id, stored)
                if not page.has_more:
                    break
            return self._finish(run, SyncStatus.OK, None)
        except RateLimited as error:
            run.was_rate_limited = True
            run.status_restored = False
            until = max(error.until, self._clock() + timedelta(milliseconds=50))
            self._mark_account(account.id, AccountStatus.RATE_LIMITED, until)
            return _Resume(until, error.message)
        except (TemporaryFailure, OutcomeUnknown) as error:
            # Reading the inbox is idempotent, so an unknown outcome is just a failed read.
            run.temporary_failures += 1
            if run.temporary_failures > self.settings.temporary_retries:
                return self._finish(run, SyncStatus.FAILED, error.message)
            ceiling = min(
                self.settings.backoff_max_s,
                self.settings.backoff_base_s * 2 ** (run.temporary_failures - 1),
            )
            delay = self._rng.uniform(ceiling / 2, ceiling)
            return _Resume(self._clock() + timedelta(seconds=delay), error.message)
        except AuthExpired as error:
            self._mark_account(account.id, AccountStatus.NEEDS_SIGN_IN, None)
            return self._finish(run, SyncStatus.AUTH_EXPIRED, error.message)
        except Rejected as error:
            return self._finish(run, SyncStatus.FAILED, error.reason)
        except NetworkError as error:
            return self._finish(run, SyncStatus.FAILED, error.message)
        except Exception as error:  # a bug in one connector must not stop the other accounts
            log.exception("sync of account %s failed", account.id)
            return self._finish(run, SyncStatus.FAILED, f"{type(error).__name__}: {error}")

    def _mark_account(self, account_id: str, status: AccountStatus, until: datetime | None) -> None:
        try:
            with self._store.unit_of_work() as uow:
                uow.accounts.update_status(account_id, status, until)
        except Exception:  # the status is informative; failing to save it must not stop sync
            log.warning("could not record the status of account %s", account_id, exc_info=True)

    # -- periodic ----------------------------------------------------------------------------------

    def start(self) -> None:
        """Sync every ``interval_s`` (and when asked) on a background thread until stop()."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="kanal-sync-loop", daemon=True)
        self._thread.start()

    def request(self, account_ids: Iterable[str] | None = None) -> None:
        """Ask the periodic loop to sync now (all accounts, or these)."""
        with self._request_lock:
            if account_ids is None:
                self._requested = None
            elif self._requested is not None or not self._wake.is_set():
                self._requested = (self._requested or set()) | set(account_ids)
        self._wake.set()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Cooperative: the current pages finish, nothing new starts; joins the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self._request_lock:
                requested = self._requested
                self._requested = None
                self._wake.clear()
            try:
                now = self._clock()
                with self._store.unit_of_work(read_only=True) as uow:
                    ids = [a.id for a in uow.accounts.list()]
                if requested is not None:
                    ids = [i for i in ids if i in requested]
                due = [i for i in ids if self._not_before.get(i, now) <= now]
                if due:
                    # Within a periodic run, do not wait long for one account: the next run
                    # (or its reset time) comes soon enough.
                    self.sync(due, max_wait_s=min(60.0, self.settings.interval_s))
            except Exception:
                log.exception("periodic sync failed")
            self._wake.wait(self.settings.interval_s)
