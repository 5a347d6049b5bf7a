"""The ``Outbox`` the window and the CLI use: submission, delivery, changes and the dispatcher
put together, started and stopped as one."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from desktop_app.domain.accounts import AccountStatus
from desktop_app.domain.publications import FailureKind, Publication
from desktop_app.engine.outbox.changes import ScheduleChanges
from desktop_app.engine.outbox.common import (
    INSTANCE_LOCK_DIR,
    ConnectorFactory,
    ConnectorPool,
    OutboxCallbacks,
    OutboxSettings,
    Reporter,
    Runtime,
    utc_now,
)
from desktop_app.engine.outbox.delivery import Delivery, request_for
from desktop_app.engine.outbox.dispatcher import Dispatcher
from desktop_app.engine.outbox.instance_lock import InstanceLock
from desktop_app.engine.outbox.submission import Submission, SubmitResult
from desktop_app.networks.base import PostRequest
from desktop_app.store.database import Store


class Outbox:
    def __init__(
        self,
        store: Store,
        connector_for: ConnectorFactory,
        *,
        settings: OutboxSettings | None = None,
        callbacks: OutboxCallbacks | None = None,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._settings = settings or OutboxSettings()
        self._clock = clock
        self._instance = InstanceLock(store.data_dir / INSTANCE_LOCK_DIR)
        self._runtime = Runtime()
        self._reporter = Reporter(store, callbacks or OutboxCallbacks())
        self._connectors = ConnectorPool(connector_for)
        self._submission = Submission(
            store, self._settings, self._reporter, clock, self._runtime.kick
        )
        self._changes = ScheduleChanges(
            store, self._reporter, self._connectors, self._owner, clock, self._runtime.kick
        )
        delivery = Delivery(
            store,
            self._settings,
            self._reporter,
            self._runtime,
            self._connectors,
            self._owner,
            clock,
            rng or random.Random(),
        )
        self._dispatcher = Dispatcher(
            store, self._settings, self._reporter, self._runtime, delivery, self._instance, clock
        )

    @property
    def owner(self) -> str:
        return self._instance.owner

    def _owner(self) -> str:
        return self._instance.owner

    # -- queueing (any thread) ----------------------------------------------------------------

    def submit(
        self,
        draft_id: str,
        actor: str,
        *,
        account_ids: Sequence[str] | None = None,
        split_x_thread: bool = False,
    ) -> SubmitResult:
        """Check the draft's rules and queue one publication per target account (see
        ``Submission.submit``); raises ``PublishBlocked`` (nothing queued) when a rule fails."""
        return self._submission.submit(
            draft_id, actor, account_ids=account_ids, split_x_thread=split_x_thread
        )

    def retry_failed(self, draft_id: str, actor: str) -> list[Publication]:
        """Queue again the failed publications of a draft, and only those."""
        return self._submission.retry_failed(draft_id, actor)

    def cancel(self, publication_id: str, actor: str) -> Publication:
        """Cancel a queued (or platform-scheduled, not yet public) publication."""
        return self._changes.cancel(publication_id, actor)

    def reschedule(self, publication_id: str, when: datetime, actor: str) -> Publication:
        """Move a scheduled publication to ``when`` (withdrawing a platform-held copy first)."""
        return self._changes.reschedule(publication_id, when, actor)

    def resume_account(self, account_id: str) -> None:
        """The user signed in again: send what waited for this account."""
        with self._store.unit_of_work() as uow:
            account = uow.accounts.get(account_id)
            if account is not None and account.status == AccountStatus.NEEDS_SIGN_IN:
                uow.accounts.update_status(account_id, AccountStatus.WORKING)
        self._connectors.drop(account_id)
        self.kick()

    def wake(self) -> None:
        """Connectivity is back: what waits on a back-off after a network failure goes now."""
        with self._store.unit_of_work() as uow:
            for publication in uow.publications.due(self._clock() + timedelta(days=3650)):
                if publication.failure_kind == FailureKind.TEMPORARY:
                    uow.publications.change(publication.id, not_before=None)
        self.kick()

    def kick(self) -> None:
        self._runtime.kick()

    def queue_size(self) -> int:
        return self._reporter.queue_size()

    def request_for(self, publication: Publication, part: int = 0) -> PostRequest:
        """The exact request sent for ``part`` of ``publication`` (the same on every retry)."""
        return request_for(self._store.data_dir, publication, part)

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        """Recover what a previous run left in flight, then send in the background."""
        if self._dispatcher.running:
            return
        self._instance.acquire()
        self._runtime.stopping.clear()
        self.recover()
        self._dispatcher.start()
        self._reporter.report_queue_size()

    def stop(self, timeout: float | None = None) -> None:
        """Stop taking work, let the requests in flight finish, and join every thread."""
        self._runtime.stopping.set()
        self.kick()
        self._dispatcher.stop(timeout)
        self._connectors.close_all()
        self._instance.release()

    def recover(self) -> list[str]:
        """Release claims of outboxes that are gone (see ``Dispatcher.recover``)."""
        return self._dispatcher.recover()

    def wait_for(self, publication_ids: Iterable[str], timeout: float) -> list[Publication]:
        """Block until each publication is settled (sent, failed, cancelled) or waits on the
        user (sign-in) or a long rate limit; returns their latest state either way."""
        ids = list(publication_ids)
        deadline = self._clock() + timedelta(seconds=timeout)
        while True:
            with self._store.unit_of_work(read_only=True) as uow:
                current = uow.publications.get_many(ids)
                paused = {
                    a.id for a in uow.accounts.list() if a.status == AccountStatus.NEEDS_SIGN_IN
                }
            now = self._clock()
            if all(not _still_working(p, paused, now) for p in current):
                return current
            if now >= deadline or self._runtime.stopping.is_set():
                return current
            self._runtime.nap(0.05)


def _still_working(publication: Publication, paused: set[str], now: datetime) -> bool:
    if not publication.is_open:
        return False
    if publication.account_id in paused:
        return False
    # A local schedule or a long rate limit: the post waits; it is not "being sent".
    return not (
        publication.not_before is not None and publication.not_before - now > timedelta(minutes=5)
    )
