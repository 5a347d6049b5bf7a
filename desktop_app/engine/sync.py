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
* The first sync of an account walks back to a horizon (``first_sync_horizon_days``, default
  14): a connector that can walk back (``set_horizon``) is told how far before its first page;
  later syncs resume from the stored cursor and stay incremental.
* Every remote item passes ONE choke point before the store (``_incoming``): its text is made
  valid Unicode (networks.text_clean) and an item that still cannot be converted or stored is
  skipped and logged, so one bad item never stops an account's sync.
* One overall deadline bounds a run (``deadline_s``): accounts still running or waiting then end
  as failed with a message that says so. Workers are daemon threads, so a request hanging on a
  dead endpoint cannot hold the run (or the process) beyond it.
* Plain callbacks report progress; the UI adapts them to Qt signals. No Qt here.
"""

from __future__ import annotations

import functools
import heapq
import logging
import math
import queue
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
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
from desktop_app.networks.base import Connector, InboxPage, RemoteItem
from desktop_app.networks.common import WalksBack
from desktop_app.networks.text_clean import clean_fields
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
    first_sync_horizon_days: float = 14.0  # how far back an account's first sync reads
    run_deadline_s: float = 300.0  # one run never takes longer (a hanging endpoint)


@dataclass(frozen=True)
class AccountSyncResult:
    account_id: str
    status: SyncStatus
    new: int
    updated: int
    pages: int
    error: str | None = None
    retry_at: datetime | None = None
    skipped: tuple[str, ...] = ()  # remote ids of items that could not be kept (logged)


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
    skipped: list[str] = field(default_factory=list)
    abandoned: bool = False  # the run's deadline passed; the worker stops at its next step

    def given_up(self) -> bool:
        """Whether the coordinator gave up on this account (set from another thread)."""
        return self.abandoned


class _DaemonWorkers:
    """A tiny pool of daemon threads: unlike ThreadPoolExecutor, nothing joins them at exit.

    A request hanging on a dead endpoint then holds only its own thread, never the run that
    gave up on it at the deadline, nor the process (``kanal sync``) that wants to exit.
    """

    def __init__(self, workers: int) -> None:
        self._tasks: queue.SimpleQueue[tuple[Future[object], Callable[[], object]] | None]
        self._tasks = queue.SimpleQueue()
        self._workers = workers
        self._threads = [
            threading.Thread(target=self._work, name=f"kanal-sync-{index}", daemon=True)
            for index in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, task: Callable[[], object]) -> Future[object]:
        future: Future[object] = Future()
        self._tasks.put((future, task))
        return future

    def _work(self) -> None:
        while (entry := self._tasks.get()) is not None:
            future, task = entry
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(task())
            except BaseException as error:  # handed to the coordinator, never lost
                future.set_exception(error)

    def shutdown(self, settle_s: float = 1.0) -> None:
        """Idle workers end (joined, up to ``settle_s`` in all); a worker still busy on a hanging
        request is left to end when its task does, so it never holds the caller."""
        for _ in range(self._workers):
            self._tasks.put(None)
        deadline = time.monotonic() + settle_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))


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
        self,
        account_ids: Iterable[str] | None = None,
        *,
        max_wait_s: float | None = None,
        deadline_s: float | None = None,
    ) -> list[AccountSyncResult]:
        """Sync the given accounts (default: all) concurrently; blocks until each is done.

        ``max_wait_s`` bounds how long a rate-limited or failing account is waited for within
        this run (default: the settings' ``max_rate_limit_wait_s``); ``deadline_s`` bounds the
        whole run (default: the settings' ``run_deadline_s``).
        """
        overall = self.settings.run_deadline_s if deadline_s is None else deadline_s
        if not math.isfinite(overall) or overall <= 0:
            raise ValueError("the sync deadline must be a positive number of seconds")
        with self._run_lock:
            return self._run(account_ids, max_wait_s, overall)

    def _run(
        self, account_ids: Iterable[str] | None, max_wait_s: float | None, deadline_s: float
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
        started = self._clock()
        deadline = started + timedelta(seconds=limit)
        run_deadline = started + timedelta(seconds=deadline_s)
        results: dict[str, AccountSyncResult] = {}
        pending: list[_Scheduled] = []
        order = 0
        workers = max(1, min(self.settings.max_workers, len(accounts)))
        pool = _DaemonWorkers(workers)
        running: dict[Future[object], _AccountRun] = {}
        try:
            for account in accounts:
                run = _AccountRun(account)
                running[pool.submit(functools.partial(self._run_account, run))] = run
            while running or pending:
                now = self._clock()
                if self._stop.is_set():
                    for scheduled in pending:
                        run = scheduled.run
                        results[run.account.id] = self._finish(run, SyncStatus.CANCELLED, None)
                    pending.clear()
                if now >= run_deadline:
                    self._give_up(running, pending, results, deadline_s)
                    break
                while pending and pending[0].at <= now:
                    run = heapq.heappop(pending).run
                    running[pool.submit(functools.partial(self._run_account, run))] = run
                timeout = min(0.5, max(0.0, (run_deadline - now).total_seconds()))
                if pending:
                    timeout = min(timeout, max(0.0, (pending[0].at - now).total_seconds()))
                if not running:
                    self._stop.wait(timeout)
                    continue
                done, _ = wait(list(running), timeout=timeout, return_when=FIRST_COMPLETED)
                for future in done:
                    run = running.pop(future)
                    settled = self._settle(run, future.result(), min(deadline, run_deadline))
                    if isinstance(settled, AccountSyncResult):
                        results[run.account.id] = settled
                    else:
                        order += 1
                        heapq.heappush(pending, _Scheduled(settled, order, run))
        finally:
            pool.shutdown()
        ordered = [results[a.id] for a in accounts if a.id in results]
        if self._callbacks.on_run_done is not None:
            self._callbacks.on_run_done(ordered)
        return ordered

    def _settle(
        self, run: _AccountRun, outcome: object, latest: datetime
    ) -> AccountSyncResult | datetime:
        """An account's step ended: its result, or when to resume it (not after ``latest``)."""
        if isinstance(outcome, AccountSyncResult):
            return outcome
        if not isinstance(outcome, _Resume):
            raise TypeError(f"unexpected sync outcome {outcome!r}")
        if self._stop.is_set():
            return self._finish(run, SyncStatus.CANCELLED, outcome.reason)
        if outcome.at > latest:
            status = SyncStatus.RATE_LIMITED if run.was_rate_limited else SyncStatus.FAILED
            return self._finish(run, status, outcome.reason, outcome.at)
        return outcome.at

    def _give_up(
        self,
        running: dict[Future[object], _AccountRun],
        pending: list[_Scheduled],
        results: dict[str, AccountSyncResult],
        deadline_s: float,
    ) -> None:
        """The run's deadline passed: every account not done yet ends as failed, now."""
        message = f"the sync run's deadline of {deadline_s:g} s passed; the rest comes next time"
        for future, run in list(running.items()):
            if future.done() and isinstance(future.result(), AccountSyncResult):
                results[run.account.id] = future.result()  # type: ignore[assignment]
                continue
            run.abandoned = True  # its worker closes the connector when its request returns
            results[run.account.id] = self._result(run, SyncStatus.FAILED, message)
        for scheduled in pending:
            results[scheduled.run.account.id] = self._finish(
                scheduled.run, SyncStatus.FAILED, message
            )
        running.clear()
        pending.clear()

    def _result(
        self,
        run: _AccountRun,
        status: SyncStatus,
        error: str | None,
        retry_at: datetime | None = None,
    ) -> AccountSyncResult:
        result = AccountSyncResult(
            run.account.id,
            status,
            run.new,
            run.updated,
            run.pages,
            error,
            retry_at,
            tuple(run.skipped),
        )
        if self._callbacks.on_account_done is not None:
            self._callbacks.on_account_done(result)
        return result

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
        if run.abandoned:  # the coordinator already reported this account
            return AccountSyncResult(run.account.id, status, run.new, run.updated, run.pages)
        if retry_at is not None:
            self._not_before[run.account.id] = retry_at
        else:
            self._not_before.pop(run.account.id, None)
        return self._result(run, status, error, retry_at)

    def _run_account(self, run: _AccountRun) -> _Resume | AccountSyncResult:
        """Fetch and store pages until the account is up to date; never sleeps.

        Returns the account's result when it is done, or when to resume it.
        """
        account = run.account
        # Each step is short; the coordinator decides about waiting, so no worker ever sleeps.
        try:
            if run.connector is None:
                run.connector = self._connectors(account)
                if isinstance(run.connector, WalksBack):
                    days = self.settings.first_sync_horizon_days
                    run.connector.set_horizon(self._clock() - timedelta(days=days))
            while run.pages < self.settings.max_pages_per_run:
                if self._stop.is_set() or run.given_up():
                    return self._finish(run, SyncStatus.CANCELLED, None)
                with self._store.unit_of_work(read_only=True) as uow:
                    cursor = uow.inbox.cursor(account.id)
                page = run.connector.list_inbox(cursor)
                if run.given_up():  # the deadline passed during the request: keep nothing more
                    return self._finish(run, SyncStatus.CANCELLED, None)
                stored = self._store_page(run, page)
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

    def _store_page(self, run: _AccountRun, page: InboxPage) -> PageResult:
        """Keep one fetched page and move the cursor in one unit of work.

        Should the page as a whole not be storable, its items are kept one by one and those
        that still fail are skipped (logged, and named in the result), so one bad item never
        stops the account's sync; the cursor moves on only after that.
        """
        account = run.account
        incoming = self._incoming(run, page.items)
        try:
            return self._store_items(run, incoming, page.cursor)
        except Exception:
            if not incoming:
                raise
            log.warning("a page of %s could not be kept whole; item by item", account.id)
        new: list[str] = []
        updated: list[str] = []
        unchanged = 0
        for item in incoming:
            try:
                with self._store.unit_of_work() as uow:
                    one = uow.inbox.store_page(
                        account.id, account.network, [item], cursor=None, advance_cursor=False
                    )
            except Exception:
                log.warning(
                    "item %s of account %s could not be kept; skipped",
                    item.remote_id,
                    account.id,
                    exc_info=True,
                )
                run.skipped.append(item.remote_id)
                continue
            new.extend(one.new_ids)
            updated.extend(one.updated_ids)
            unchanged += one.unchanged
        # A store that is down fails here too, and the page is fetched again next time.
        self._store_items(run, [], page.cursor)
        return PageResult(tuple(new), tuple(updated), unchanged)

    def _store_items(
        self, run: _AccountRun, incoming: list[IncomingItem], cursor: str | None
    ) -> PageResult:
        account = run.account
        with self._store.unit_of_work() as uow:
            stored = uow.inbox.store_page(account.id, account.network, incoming, cursor=cursor)
            stale = account.status in (AccountStatus.RATE_LIMITED, AccountStatus.NEEDS_SIGN_IN)
            if (run.was_rate_limited or stale) and not run.status_restored:
                # A page came through: the limit is over and the credentials work.
                uow.accounts.update_status(account.id, AccountStatus.WORKING)
                run.status_restored = True
        return stored

    @staticmethod
    def _incoming(run: _AccountRun, items: Iterable[RemoteItem]) -> list[IncomingItem]:
        """THE choke point where every platform's items enter Kanal: text made valid, bad skipped.

        Here rather than in each connector, so all five platforms (and any added later) get the
        same treatment from one place; the connectors stay thin readers of their APIs.
        """
        incoming: list[IncomingItem] = []
        for item in items:
            try:
                incoming.append(incoming_from_remote(clean_fields(item)))
            except Exception:
                remote_id = str(getattr(item, "remote_id", "?"))
                log.warning(
                    "item %s of account %s is malformed; skipped",
                    remote_id,
                    run.account.id,
                    exc_info=True,
                )
                run.skipped.append(remote_id)
        return incoming

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
                    self.sync(
                        due,
                        max_wait_s=min(60.0, self.settings.interval_s),
                        deadline_s=self.settings.run_deadline_s,
                    )
            except Exception:
                log.exception("periodic sync failed")
            self._wake.wait(self.settings.interval_s)
