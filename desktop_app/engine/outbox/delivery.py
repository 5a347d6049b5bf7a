"""Delivery: one publication through its states, exactly once.

A publication is marked ``sending`` (committed) before the request and ``sent`` with the
platform's id after it. When the outcome is unknown (timeout or reset after sending, or a crash
between the two commits), the next step is always ``connector.find_post``: the post is recorded
as sent if the platform has it, and only otherwise sent again with the same idempotency key.
The retry policy (``engine/retry.py``) decides from the error's class alone what comes next.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.audit import AuditKind
from desktop_app.domain.errors import NetworkError, RateLimited, Rejected
from desktop_app.domain.publications import FailureKind, Publication, PublicationState
from desktop_app.engine.outbox.common import (
    CLAIMED_ELSEWHERE,
    NO_ACCOUNT,
    SYSTEM_ACTOR,
    ConnectorPool,
    OutboxSettings,
    Reporter,
    Runtime,
    log,
)
from desktop_app.engine.outbox.records import audit_publication, settle_draft
from desktop_app.engine.retry import Action, Decision, decide
from desktop_app.networks.base import Connector, MediaUpload, PostRequest
from desktop_app.store.database import Store
from desktop_app.store.unit_of_work import UnitOfWork


class _Unexpected(NetworkError):
    """Stands for an error that is not a platform's: the outcome is treated as unknown."""


def request_for(data_dir: Path, publication: Publication, part: int = 0) -> PostRequest:
    """The exact request sent for ``part`` of ``publication`` (the same on every retry)."""
    media = (
        tuple(MediaUpload(data_dir / m.path, m.mime_type, m.alt_text) for m in publication.media)
        if part == 0
        else ()
    )
    return PostRequest(
        text=publication.parts[part],
        idempotency_key=publication.idempotency_key(part),
        title=publication.title or None,
        media=media,
        reply_to=publication.remote_ids[part - 1] if part > 0 else None,
        scheduled_at=publication.scheduled_at if publication.platform_scheduled else None,
    )


class Delivery:
    """Sends, verifies and settles one claimed publication at a time (on a worker thread)."""

    def __init__(
        self,
        store: Store,
        settings: OutboxSettings,
        reporter: Reporter,
        runtime: Runtime,
        connectors: ConnectorPool,
        owner: Callable[[], str],
        clock: Callable[[], datetime],
        rng: random.Random,
    ) -> None:
        self._store = store
        self._settings = settings
        self._reporter = reporter
        self._runtime = runtime
        self._connectors = connectors
        self._owner = owner
        self._clock = clock
        self._rng = rng
        self._rng_lock = threading.Lock()

    def process(self, publication_id: str) -> None:
        """Claim the publication, then send or verify it; the claim is released in any case."""
        now = self._clock()
        with self._store.unit_of_work() as uow:
            if not uow.publications.claim(
                publication_id, self._owner(), now + self._settings.lease, now
            ):
                return
            publication = uow.publications.require(publication_id)
            account = uow.accounts.get(publication.account_id)
        try:
            if publication.state not in (PublicationState.QUEUED, PublicationState.UNKNOWN):
                return
            if publication.not_before is not None and publication.not_before > now:
                return
            if account is None:
                self._fail(publication, FailureKind.REJECTED, NO_ACCOUNT)
                return
            self._deliver(publication, account)
        finally:
            with self._store.unit_of_work() as uow:
                uow.publications.release(publication_id, self._owner())

    def _deliver(self, publication: Publication, account: Account) -> None:
        connector = self._connectors.get(account)
        try:
            if publication.state == PublicationState.UNKNOWN:
                publication = self._verify(publication, connector)
                if publication.state == PublicationState.SENT:
                    return
            self._send(publication, connector, account)
        except Rejected as error:
            current = self._reload(publication.id)
            if current.attempts > 1 and current.state == PublicationState.SENDING:
                # Refused after an earlier attempt of the same post: a "duplicate" answer (X's
                # 403, Facebook's 506) is only a hint that the earlier one arrived. Look once
                # more before calling it failed.
                self._recheck_after_refusal(current, connector, account, error)
            else:
                self._handle_error(current, error, account)
        except NetworkError as error:
            self._handle_error(self._reload(publication.id), error, account)
        except Exception as error:
            # A bug or a database failure after the request may have left: treat the outcome as
            # unknown, so the platform is asked before anything is sent again.
            log.exception("publication %s: unexpected error while sending", publication.id)
            current = self._reload(publication.id)
            if current.state in (PublicationState.SENDING, PublicationState.UNKNOWN):
                self._handle_error(
                    current, _Unexpected(str(error) or type(error).__name__), account
                )

    def _request(self, publication: Publication, part: int) -> PostRequest:
        return request_for(self._store.data_dir, publication, part)

    def _verify(self, publication: Publication, connector: Connector) -> Publication:
        """Ask the platform whether the attempt in doubt arrived; record it or queue a resend."""
        part = len(publication.remote_ids)
        if part >= len(publication.parts):
            return self._mark_sent(
                publication, publication.remote_ids, publication.remote_url, None
            )
        started = publication.first_attempt_at or publication.created_at
        found = connector.find_post(
            self._request(publication, part), started - self._settings.verify_margin
        )
        if found is not None:
            log.info("publication %s part %d was on the platform already", publication.id, part)
            remote_ids = (*publication.remote_ids, found.remote_id)
            url = publication.remote_url or found.url
            if len(remote_ids) == len(publication.parts):
                return self._mark_sent(publication, remote_ids, url, found.scheduled, verified=True)
            with self._store.unit_of_work() as uow:
                return uow.publications.transition(
                    publication.id, PublicationState.QUEUED, remote_ids=remote_ids, remote_url=url
                )
        with self._store.unit_of_work() as uow:
            return uow.publications.transition(publication.id, PublicationState.QUEUED)

    def _recheck_after_refusal(
        self, publication: Publication, connector: Connector, account: Account, error: Rejected
    ) -> None:
        part = len(publication.remote_ids)
        started = publication.first_attempt_at or publication.created_at
        try:
            found = connector.find_post(
                self._request(publication, part), started - self._settings.verify_margin
            )
        except NetworkError as lookup_error:
            # Cannot tell now: keep it unknown, to be looked up again before anything is sent.
            with self._store.unit_of_work() as uow:
                uow.publications.transition(publication.id, PublicationState.UNKNOWN)
            self._handle_error(self._reload(publication.id), lookup_error, account)
            return
        if found is None:
            self._handle_error(publication, error, account)
            return
        remote_ids = (*publication.remote_ids, found.remote_id)
        url = publication.remote_url or found.url
        if len(remote_ids) == len(publication.parts):
            self._mark_sent(publication, remote_ids, url, found.scheduled, verified=True)
            return
        with self._store.unit_of_work() as uow:
            updated = uow.publications.transition(
                publication.id, PublicationState.QUEUED, remote_ids=remote_ids, remote_url=url
            )
        self._reporter.publication(updated)

    def _send(self, publication: Publication, connector: Connector, account: Account) -> None:
        claim = self._settings.before_send
        if claim is not None and not publication.remote_ids and not claim(publication, account):
            self._fail(publication, FailureKind.CANCELLED, CLAIMED_ELSEWHERE)
            return
        for part in range(len(publication.remote_ids), len(publication.parts)):
            if self._runtime.stopping.is_set() and part > 0:
                # Finish later; the thread continues from this part.
                with self._store.unit_of_work() as uow:
                    uow.publications.transition(publication.id, PublicationState.QUEUED)
                return
            request = self._request(publication, part)
            with self._store.unit_of_work() as uow:
                publication = uow.publications.transition(
                    publication.id,
                    PublicationState.SENDING,
                    attempts=publication.attempts + 1,
                    first_attempt_at=publication.first_attempt_at or self._clock(),
                )
            result = connector.publish(request)
            remote_ids = (*publication.remote_ids, result.remote_id)
            url = publication.remote_url or result.url
            if len(remote_ids) == len(publication.parts):
                self._mark_sent(publication, remote_ids, url, result.scheduled)
                if account.status in (AccountStatus.RATE_LIMITED, AccountStatus.UNVERIFIED):
                    with self._store.unit_of_work() as uow:
                        uow.accounts.update_status(account.id, AccountStatus.WORKING)
                self._runtime.unhold(account.id)
                return
            with self._store.unit_of_work() as uow:
                publication = uow.publications.change(
                    publication.id, remote_ids=remote_ids, remote_url=url
                )

    def _mark_sent(
        self,
        publication: Publication,
        remote_ids: tuple[str, ...],
        url: str,
        platform_scheduled: bool | None,
        verified: bool = False,
    ) -> Publication:
        now = self._clock()
        with self._store.unit_of_work() as uow:
            sent = uow.publications.transition(
                publication.id,
                PublicationState.SENT,
                remote_ids=remote_ids,
                remote_url=url,
                sent_at=now,
                failure_kind=None,
                failure_reason="",
                not_before=None,
                platform_scheduled=(
                    publication.platform_scheduled
                    if platform_scheduled is None
                    else platform_scheduled or publication.platform_scheduled
                ),
            )
            audit_publication(
                uow,
                AuditKind.PUBLISHED,
                sent,
                sent.submitted_by or SYSTEM_ACTOR,
                {"verified_after_unknown_outcome": verified},
            )
            settle_draft(uow, sent)
        self._reporter.publication(sent)
        return sent

    def _fail(self, publication: Publication, kind: FailureKind, reason: str) -> None:
        with self._store.unit_of_work() as uow:
            failed = uow.publications.transition(
                publication.id,
                PublicationState.FAILED,
                failure_kind=kind,
                failure_reason=reason,
                not_before=None,
            )
            audit_publication(
                uow, AuditKind.FAILED, failed, SYSTEM_ACTOR, {"reason": reason, "kind": kind.value}
            )
            settle_draft(uow, failed)
        self._reporter.publication(failed)

    def _handle_error(
        self, publication: Publication, error: NetworkError, account: Account
    ) -> None:
        now = self._clock()
        with self._rng_lock:
            decision: Decision = decide(
                error, max(1, publication.attempts), now, self._settings.policy, self._rng
            )
        log.info(
            "publication %s (%s): %s -> %s",
            publication.id,
            publication.network.value,
            type(error).__name__,
            decision.action.value,
        )
        verifying = publication.state == PublicationState.UNKNOWN
        if decision.action == Action.FAIL and not verifying:
            self._fail(publication, FailureKind.REJECTED, decision.reason)
            return
        if decision.action == Action.PAUSE_ACCOUNT:
            self._pause_account(publication, account, verifying, decision)
            return
        kind = FailureKind.TEMPORARY
        if isinstance(error, RateLimited):
            kind = FailureKind.RATE_LIMITED
            if decision.not_before is not None:
                self._runtime.hold(account.id, decision.not_before)
                with self._store.unit_of_work() as uow:
                    uow.accounts.update_status(
                        account.id, AccountStatus.RATE_LIMITED, decision.not_before
                    )
        not_before = decision.not_before
        if not_before is None:
            with self._rng_lock:
                delay = self._settings.policy.backoff_s(max(1, publication.attempts), self._rng)
            not_before = now + timedelta(seconds=delay)
        with self._store.unit_of_work() as uow:
            if decision.action == Action.VERIFY or verifying:
                updated = uow.publications.transition(
                    publication.id,
                    PublicationState.UNKNOWN,
                    not_before=not_before,
                    failure_kind=kind,
                    failure_reason=decision.reason,
                )
            else:
                updated = _park(uow, publication, False, not_before, kind, decision)
        self._reporter.publication(updated)

    def _pause_account(
        self, publication: Publication, account: Account, verifying: bool, decision: Decision
    ) -> None:
        """The account needs signing in again: everything for it waits until then."""
        with self._store.unit_of_work() as uow:
            uow.accounts.update_status(account.id, AccountStatus.NEEDS_SIGN_IN)
            updated = _park(uow, publication, verifying, None, FailureKind.AUTH, decision)
        self._connectors.drop(account.id)
        self._reporter.account_paused(account.id, decision.reason)
        self._reporter.publication(updated)

    def _reload(self, publication_id: str) -> Publication:
        with self._store.unit_of_work(read_only=True) as uow:
            return uow.publications.require(publication_id)


def _park(
    uow: UnitOfWork,
    publication: Publication,
    verifying: bool,
    not_before: datetime | None,
    kind: FailureKind,
    decision: Decision,
) -> Publication:
    state = PublicationState.UNKNOWN if verifying else PublicationState.QUEUED
    return uow.publications.transition(
        publication.id,
        state,
        not_before=not_before,
        failure_kind=kind,
        failure_reason=decision.reason,
    )
