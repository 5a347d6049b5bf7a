"""The dispatcher: hands due publications to a pool of workers, at most one per account.

A fan-out to six accounts takes about as long as the slowest one, while each account still sees
its posts in order and its rate limits are respected. Claims of outboxes that are gone are
recovered here: their ``sending`` rows become ``unknown``, to be verified before any resend.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from desktop_app.domain.accounts import AccountStatus
from desktop_app.domain.publications import PublicationState
from desktop_app.engine.outbox.common import OutboxSettings, Reporter, Runtime, log
from desktop_app.engine.outbox.delivery import Delivery
from desktop_app.engine.outbox.instance_lock import InstanceLock
from desktop_app.store.database import Store


class Dispatcher:
    """The dispatcher thread and the worker pool."""

    def __init__(
        self,
        store: Store,
        settings: OutboxSettings,
        reporter: Reporter,
        runtime: Runtime,
        delivery: Delivery,
        instance: InstanceLock,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._settings = settings
        self._reporter = reporter
        self._runtime = runtime
        self._delivery = delivery
        self._instance = instance
        self._clock = clock
        self._thread: threading.Thread | None = None
        self._executor: ThreadPoolExecutor | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, self._settings.workers), thread_name_prefix="kanal-outbox"
        )
        self._thread = threading.Thread(
            target=self._loop, name="kanal-outbox-dispatcher", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float | None) -> None:
        """Join the dispatcher, let the requests in flight finish, and join every worker."""
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def recover(self) -> list[str]:
        """Release claims of outboxes that are gone; their ``sending`` rows become ``unknown``
        (to be verified on the platform before anything is sent again)."""
        now = self._clock()
        owner = self._instance.owner
        recovered: list[str] = []
        with self._store.unit_of_work() as uow:
            for publication_id, claimed_by, until, state in uow.publications.claims():
                if claimed_by == owner:
                    with self._runtime.lock:
                        if publication_id in self._runtime.inflight.values():
                            continue
                else:
                    alive = self._instance.is_alive(claimed_by) if claimed_by is not None else False
                    if alive is True or (alive is None and until is not None and until > now):
                        continue
                if state == PublicationState.SENDING.value:
                    uow.publications.transition(publication_id, PublicationState.UNKNOWN)
                uow.publications.force_release(publication_id)
                recovered.append(publication_id)
            claimed = {c[0] for c in uow.publications.claims()}
            for publication in uow.publications.sending():
                # Sending without any claim: written by a run that predates claims.
                if publication.id not in recovered and publication.id not in claimed:
                    uow.publications.transition(publication.id, PublicationState.UNKNOWN)
                    recovered.append(publication.id)
        if recovered:
            log.info("recovered %d publications left in flight", len(recovered))
        return recovered

    def _loop(self) -> None:
        next_recovery = self._clock() + self._settings.recover_every
        while not self._runtime.stopping.is_set():
            try:
                now = self._clock()
                if now >= next_recovery:
                    self.recover()
                    next_recovery = now + self._settings.recover_every
                timeout = self._dispatch_due(now)
            except Exception:  # a database hiccup must not end the outbox
                log.exception("the outbox dispatcher failed; trying again")
                timeout = self._settings.idle_poll_s
            self._runtime.sleep(timeout)

    def _dispatch_due(self, now: datetime) -> float:
        """Start what is due; return how long the dispatcher may sleep."""
        runtime = self._runtime
        with self._store.unit_of_work(read_only=True) as uow:
            paused = {a.id for a in uow.accounts.list() if a.status == AccountStatus.NEEDS_SIGN_IN}
        with runtime.lock:
            held = {a: until for a, until in runtime.held_until.items() if until > now}
            busy = set(runtime.inflight)
        blocked = paused | set(held) | busy
        with self._store.unit_of_work(read_only=True) as uow:
            due = uow.publications.due(now, exclude_accounts=blocked, limit=200)
        executor = self._executor
        for publication in due:
            if executor is None or runtime.stopping.is_set():
                break
            with runtime.lock:
                if publication.account_id in runtime.inflight:
                    continue
                runtime.inflight[publication.account_id] = publication.id
                blocked.add(publication.account_id)
            executor.submit(self._work, publication.id, publication.account_id)
        with self._store.unit_of_work(read_only=True) as uow:
            next_due = uow.publications.next_due_time(exclude_accounts=blocked)
        # Finished workers kick the dispatcher, so only timed waits need a timeout here.
        waits = [self._settings.idle_poll_s]
        if next_due is not None:
            waits.append((next_due - now).total_seconds())
        waits.extend((until - now).total_seconds() for until in held.values())
        return max(0.01, min(waits))

    def _work(self, publication_id: str, account_id: str) -> None:
        try:
            self._delivery.process(publication_id)
        except Exception:
            log.exception("publication %s: unexpected failure", publication_id)
        finally:
            with self._runtime.lock:
                self._runtime.inflight.pop(account_id, None)
            self._reporter.report_queue_size()
            self._runtime.kick()
