"""The outbox: every chosen account gets the post exactly once.

Publishing a draft first writes one Publication per target account and commits it; only then
does any network call happen, so a crash at any moment leaves a record of what was meant to go
out. A dispatcher thread hands due publications to a pool of workers, at most one per account at
a time (so a fan-out to six accounts takes about as long as the slowest one, while each account
still sees its posts in order and its rate limits are respected).

Exactly once: a publication is marked ``sending`` (committed) before the request and ``sent``
with the platform's id after it. When the outcome is unknown (timeout or reset after sending, or
a crash between the two commits), the next step is always ``connector.find_post``: the post is
recorded as sent if the platform has it, and only otherwise sent again with the same idempotency
key. At start every publication left in ``sending`` by a process that is gone is treated so.

Two outboxes may run against one database (the window and a ``kanal publish``): a publication is
claimed with a compare-and-set before work starts. A claim names its outbox; an outbox holds an
OS file lock for its lifetime, so a claim of a killed process is recognised at once on the same
machine, and by its expiry time elsewhere.

No Qt here: progress is reported through plain callbacks, which the window adapts to signals.
"""

from __future__ import annotations

import hashlib
import logging
import random
import socket
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.audit import AuditKind
from desktop_app.domain.drafts import Draft, DraftState
from desktop_app.domain.errors import NetworkError, RateLimited, Rejected
from desktop_app.domain.networks import Network
from desktop_app.domain.publications import (
    FailureKind,
    Publication,
    PublicationMedia,
    PublicationState,
    PublishBlocked,
)
from desktop_app.domain.text_rules import Severity, check_post, measure
from desktop_app.domain.threads import ThreadTooLong, split_thread
from desktop_app.engine import scheduler
from desktop_app.engine.media_prep import MediaPrepError, media_target_for, prepare_image
from desktop_app.engine.retry import Action, Decision, RetryPolicy, decide
from desktop_app.networks.base import Connector, MediaUpload, PostRequest
from desktop_app.store.database import Store
from desktop_app.store.publications import NewPublication

log = logging.getLogger(__name__)

PREPARED_MEDIA_DIR = "outbox-media"
INSTANCE_LOCK_DIR = "outbox-instances"
SYSTEM_ACTOR = "kanal"
_NO_ACCOUNT = "the account is no longer connected"


def _utc_now() -> datetime:
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


@dataclass
class OutboxCallbacks:
    """Plain callbacks, called on the outbox's own threads (the UI re-posts them to Qt)."""

    on_publication: Callable[[Publication], None] = _noop
    on_queue_size: Callable[[int], None] = _noop
    # account id, the platform's message: the user must sign in to that account again
    on_account_paused: Callable[[str, str], None] = _noop


@dataclass(frozen=True)
class SubmitResult:
    batch_id: str
    publications: tuple[Publication, ...]
    warnings: dict[str, list[str]]  # account id -> what should be fixed but does not block
    skipped_account_ids: tuple[str, ...]  # already sent or on its way: never sent twice


ConnectorFactory = Callable[[Account], Connector]


class Outbox:
    def __init__(
        self,
        store: Store,
        connector_for: ConnectorFactory,
        *,
        settings: OutboxSettings | None = None,
        callbacks: OutboxCallbacks | None = None,
        clock: Callable[[], datetime] = _utc_now,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._connector_for = connector_for
        self._settings = settings or OutboxSettings()
        self._callbacks = callbacks or OutboxCallbacks()
        self._clock = clock
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self._instance = _InstanceLock(store.data_dir / INSTANCE_LOCK_DIR)
        self._connectors: dict[str, Connector] = {}
        self._connectors_lock = threading.Lock()
        self._wake = threading.Condition()
        self._kicked = False
        self._stopping = threading.Event()
        self._inflight: dict[str, str] = {}  # account id -> publication id
        self._inflight_lock = threading.Lock()
        self._held_until: dict[str, datetime] = {}  # rate-limited accounts
        self._dispatcher: threading.Thread | None = None
        self._executor: ThreadPoolExecutor | None = None

    @property
    def owner(self) -> str:
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
        """Check the draft's rules and queue one publication per target account.

        Accounts that already have this draft sent, or on its way, are skipped: pressing Publish
        twice never posts twice. Raises ``PublishBlocked`` (nothing queued) when a rule fails.
        """
        with self._store.unit_of_work(read_only=True) as uow:
            draft = uow.drafts.require(draft_id)
            targets = list(account_ids) if account_ids else list(draft.target_account_ids)
            accounts = {a: uow.accounts.get(a) for a in targets}
            existing = uow.publications.list_for_draft(draft_id)
        if not targets:
            raise PublishBlocked({"": ["choose at least one account to publish to"]})
        taken = {p.account_id for p in existing if p.state == PublicationState.SENT or p.is_open}
        pending = [a for a in targets if a not in taken]
        skipped = tuple(a for a in targets if a in taken)
        items, warnings = self._prepare(draft, pending, accounts, split_x_thread, actor)
        with self._store.unit_of_work() as uow:
            current = uow.drafts.require(draft_id)
            if current.updated_at != draft.updated_at:
                raise PublishBlocked({"": ["the draft changed while it was checked; try again"]})
            # Checked again under the write lock: a second Publish racing this one finds the
            # first one's publications here and adds none of its own.
            taken_now = {
                p.account_id
                for p in uow.publications.list_for_draft(draft_id)
                if p.state == PublicationState.SENT or p.is_open
            }
            items = [item for item in items if item.account_id not in taken_now]
            if items:
                _check_publishable(current.state)
            created = uow.publications.add_batch(items) if items else []
            batch_id = created[0].batch_id if created else ""
            if created and current.state in (DraftState.DRAFT, DraftState.APPROVED):
                uow.drafts.set_state(draft_id, DraftState.QUEUED)
            if created:
                uow.audit.append(
                    AuditKind.SUBMITTED,
                    actor=actor,
                    subject_type="draft",
                    subject_id=draft_id,
                    details={
                        "batch_id": batch_id,
                        "publications": [
                            {"id": p.id, "account_id": p.account_id, "network": p.network.value}
                            for p in created
                        ],
                    },
                )
        for publication in created:
            self._callbacks.on_publication(publication)
        self._report_queue_size()
        self.kick()
        return SubmitResult(batch_id, tuple(created), warnings, skipped)

    def retry_failed(self, draft_id: str, actor: str) -> list[Publication]:
        """Queue again the failed publications of a draft, and only those.

        A publication that never reached the platform takes the draft's current text (the user
        may have fixed what was rejected), checked by the rules again.
        """
        with self._store.unit_of_work(read_only=True) as uow:
            draft = uow.drafts.require(draft_id)
            failed = [
                p
                for p in uow.publications.list_for_draft(draft_id)
                if p.state == PublicationState.FAILED
            ]
            accounts = {p.account_id: uow.accounts.get(p.account_id) for p in failed}
        if not failed:
            return []
        fresh = [p for p in failed if not p.remote_ids]
        items, _warnings = self._prepare(
            draft, [p.account_id for p in fresh], accounts, False, actor
        )
        content = {item.account_id: item for item in items}
        retried: list[Publication] = []
        with self._store.unit_of_work() as uow:
            for publication in failed:
                changes: dict[str, Any] = {
                    "generation": publication.generation + 1,
                    "failure_kind": None,
                    "failure_reason": "",
                    "not_before": None,
                    "first_attempt_at": None,
                    "submitted_by": actor,
                }
                item = content.get(publication.account_id)
                if item is not None and not publication.remote_ids:
                    changes.update(parts=item.parts, media=item.media, title=item.title)
                retried.append(
                    uow.publications.transition(publication.id, PublicationState.QUEUED, **changes)
                )
            current = uow.drafts.require(draft_id)
            _check_publishable(current.state)
            if current.state in (DraftState.DRAFT, DraftState.APPROVED):
                uow.drafts.set_state(draft_id, DraftState.QUEUED)
            uow.audit.append(
                AuditKind.RETRIED,
                actor=actor,
                subject_type="draft",
                subject_id=draft_id,
                details={"publications": [p.id for p in retried]},
            )
        for publication in retried:
            self._callbacks.on_publication(publication)
        self._report_queue_size()
        self.kick()
        return retried

    def cancel(self, publication_id: str, actor: str) -> Publication:
        """Cancel a queued (or platform-scheduled, not yet public) publication."""
        now = self._clock()
        with self._store.unit_of_work() as uow:
            publication = uow.publications.require(publication_id)
            if publication.state == PublicationState.QUEUED:
                if not uow.publications.claim(publication_id, self.owner, now, now):
                    raise PublishBlocked({publication.account_id: ["it is being sent right now"]})
                cancelled = uow.publications.transition(
                    publication_id,
                    PublicationState.CANCELLED,
                    failure_kind=FailureKind.CANCELLED,
                    failure_reason="",
                )
                uow.publications.release(publication_id, self.owner)
                self._audit_publication(uow, AuditKind.CANCELLED, cancelled, actor)
                self._settle_draft(uow, cancelled)
            elif publication.state == PublicationState.SENT and publication.platform_scheduled:
                cancelled = publication
            else:
                raise PublishBlocked(
                    {
                        publication.account_id: [
                            f"a {publication.state.value} post cannot be cancelled"
                        ]
                    }
                )
            account = uow.accounts.get(publication.account_id)
        if cancelled.state == PublicationState.SENT:
            if account is None:
                raise PublishBlocked(
                    {publication.account_id: ["the account is no longer connected"]}
                )
            connector = self._connector(account)
            for remote_id in cancelled.remote_ids:
                connector.delete_post(remote_id)
            with self._store.unit_of_work() as uow:
                cancelled = uow.publications.transition(
                    publication_id,
                    PublicationState.CANCELLED,
                    failure_kind=FailureKind.CANCELLED,
                    failure_reason="",
                )
                self._audit_publication(uow, AuditKind.CANCELLED, cancelled, actor)
        self._callbacks.on_publication(cancelled)
        self._report_queue_size()
        return cancelled

    def reschedule(self, publication_id: str, when: datetime, actor: str) -> Publication:
        """Move a scheduled publication to ``when`` (withdrawing a platform-held copy first)."""
        with self._store.unit_of_work(read_only=True) as uow:
            publication = uow.publications.require(publication_id)
            account = uow.accounts.get(publication.account_id)
        if publication.state == PublicationState.SENT and publication.platform_scheduled:
            if account is None:
                raise PublishBlocked(
                    {publication.account_id: ["the account is no longer connected"]}
                )
            connector = self._connector(account)
            for remote_id in publication.remote_ids:
                connector.delete_post(remote_id)
        elif publication.state != PublicationState.QUEUED:
            raise PublishBlocked(
                {publication.account_id: [f"a {publication.state.value} post cannot be moved"]}
            )
        schedule = scheduler.plan(publication.network, when, self._clock())
        with self._store.unit_of_work() as uow:
            changes: dict[str, Any] = {
                "not_before": schedule.not_before,
                "scheduled_at": schedule.scheduled_at,
                "platform_scheduled": schedule.platform,
            }
            if publication.state == PublicationState.SENT:
                changes.update(
                    generation=publication.generation + 1,
                    remote_ids=(),
                    remote_url="",
                    sent_at=None,
                    first_attempt_at=None,
                )
            moved = uow.publications.transition(publication_id, PublicationState.QUEUED, **changes)
            self._audit_publication(uow, AuditKind.SCHEDULED, moved, actor, {"scheduled_at": when})
        self._callbacks.on_publication(moved)
        self.kick()
        return moved

    def resume_account(self, account_id: str) -> None:
        """The user signed in again: send what waited for this account."""
        with self._store.unit_of_work() as uow:
            account = uow.accounts.get(account_id)
            if account is not None and account.status == AccountStatus.NEEDS_SIGN_IN:
                uow.accounts.update_status(account_id, AccountStatus.WORKING)
        self._drop_connector(account_id)
        self.kick()

    def wake(self) -> None:
        """Connectivity is back: what waits on a back-off after a network failure goes now."""
        with self._store.unit_of_work() as uow:
            for publication in uow.publications.due(self._clock() + timedelta(days=3650)):
                if publication.failure_kind == FailureKind.TEMPORARY:
                    uow.publications.change(publication.id, not_before=None)
        self.kick()

    def kick(self) -> None:
        with self._wake:
            self._kicked = True
            self._wake.notify_all()

    def queue_size(self) -> int:
        with self._store.unit_of_work(read_only=True) as uow:
            return uow.publications.count_open()

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        """Recover what a previous run left in flight, then send in the background."""
        if self._dispatcher is not None:
            return
        self._instance.acquire()
        self._stopping.clear()
        self.recover()
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, self._settings.workers), thread_name_prefix="kanal-outbox"
        )
        self._dispatcher = threading.Thread(
            target=self._dispatch_loop, name="kanal-outbox-dispatcher", daemon=True
        )
        self._dispatcher.start()
        self._report_queue_size()

    def stop(self, timeout: float | None = None) -> None:
        """Stop taking work, let the requests in flight finish, and join every thread."""
        self._stopping.set()
        self.kick()
        if self._dispatcher is not None:
            self._dispatcher.join(timeout)
            self._dispatcher = None
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        with self._connectors_lock:
            connectors = list(self._connectors.values())
            self._connectors.clear()
        for connector in connectors:
            try:
                connector.close()
            except Exception:  # closing must not hide the stop
                log.warning("closing a connector failed", exc_info=True)
        self._instance.release()

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
            if all(not self._still_working(p, paused, now) for p in current):
                return current
            if now >= deadline or self._stopping.is_set():
                return current
            with self._wake:
                self._wake.wait(0.05)

    def recover(self) -> list[str]:
        """Release claims of outboxes that are gone; their ``sending`` rows become ``unknown``
        (to be verified on the platform before anything is sent again)."""
        now = self._clock()
        recovered: list[str] = []
        with self._store.unit_of_work() as uow:
            for publication_id, owner, until, state in uow.publications.claims():
                if owner == self.owner:
                    with self._inflight_lock:
                        if publication_id in self._inflight.values():
                            continue
                else:
                    alive = self._instance.is_alive(owner) if owner is not None else False
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

    # -- internals: preparing ----------------------------------------------------------------

    def _prepare(
        self,
        draft: Draft,
        account_ids: Sequence[str],
        accounts: dict[str, Account | None],
        split_x_thread: bool,
        actor: str,
    ) -> tuple[list[NewPublication], dict[str, list[str]]]:
        problems: dict[str, list[str]] = {}
        warnings: dict[str, list[str]] = {}
        items: list[NewPublication] = []
        now = self._clock()
        prepared_dir = self._store.data_dir / PREPARED_MEDIA_DIR
        for account_id in account_ids:
            account = accounts.get(account_id)
            if account is None:
                problems.setdefault(account_id, []).append("the account is no longer connected")
                continue
            network = account.network
            text = draft.text_for(network).strip()
            title = draft.title.strip() if network is Network.WORDPRESS else ""
            parts: tuple[str, ...] = (text,)
            if split_x_thread and network is Network.X and not measure(network, text).valid:
                try:
                    parts = tuple(
                        split_thread(
                            text,
                            lambda t: measure(Network.X, t).length,
                            measure(Network.X, "").limit or 280,
                        )
                    )
                except ThreadTooLong as error:
                    problems.setdefault(account_id, []).append(str(error))
                    continue
            mine: list[str] = []
            for part in parts:
                for problem in check_post(network, part, title):
                    if problem.severity == Severity.ERROR:
                        mine.append(problem.message)
            media: list[PublicationMedia] = []
            target = media_target_for(network)
            if len(draft.attachments) > target.max_count:
                mine.append(
                    f"{network.value} takes at most {target.max_count} images "
                    f"({len(draft.attachments)} attached)"
                )
            for index, attachment in enumerate(draft.attachments, start=1):
                if not attachment.alt_text.strip():
                    message = f"image {index} ({attachment.original_name}) has no alt text"
                    if self._settings.require_alt_text:
                        mine.append(message)
                    else:
                        warnings.setdefault(account_id, []).append(message)
                try:
                    image = prepare_image(
                        self._store.attachment_path(attachment), target, prepared_dir
                    )
                except MediaPrepError as error:
                    mine.append(str(error))
                    continue
                media.append(
                    PublicationMedia(
                        path=image.path.relative_to(self._store.data_dir).as_posix(),
                        mime_type=image.mime_type,
                        alt_text=attachment.alt_text,
                        sha256=image.sha256,
                        size_bytes=image.size_bytes,
                    )
                )
            if mine:
                problems.setdefault(account_id, []).extend(mine)
                continue
            schedule = scheduler.plan(network, draft.scheduled_at, now)
            items.append(
                NewPublication(
                    draft_id=draft.id,
                    account_id=account_id,
                    account_label=_label(account),
                    network=network,
                    author=draft.author,
                    submitted_by=actor,
                    title=title,
                    parts=parts,
                    media=tuple(media),
                    not_before=schedule.not_before,
                    scheduled_at=schedule.scheduled_at,
                    platform_scheduled=schedule.platform,
                )
            )
        if problems:
            raise PublishBlocked(problems)
        return items, warnings

    # -- internals: dispatching --------------------------------------------------------------

    def _dispatch_loop(self) -> None:
        next_recovery = self._clock() + self._settings.recover_every
        while not self._stopping.is_set():
            try:
                now = self._clock()
                if now >= next_recovery:
                    self.recover()
                    next_recovery = now + self._settings.recover_every
                timeout = self._dispatch_due(now)
            except Exception:  # a database hiccup must not end the outbox
                log.exception("the outbox dispatcher failed; trying again")
                timeout = self._settings.idle_poll_s
            with self._wake:
                if not self._kicked and not self._stopping.is_set():
                    self._wake.wait(timeout)
                self._kicked = False

    def _dispatch_due(self, now: datetime) -> float:
        """Start what is due; return how long the dispatcher may sleep."""
        with self._store.unit_of_work(read_only=True) as uow:
            paused = {a.id for a in uow.accounts.list() if a.status == AccountStatus.NEEDS_SIGN_IN}
        with self._inflight_lock:
            held = {a: until for a, until in self._held_until.items() if until > now}
            busy = set(self._inflight)
        blocked = paused | set(held) | busy
        with self._store.unit_of_work(read_only=True) as uow:
            due = uow.publications.due(now, exclude_accounts=blocked, limit=200)
        executor = self._executor
        for publication in due:
            if executor is None or self._stopping.is_set():
                break
            with self._inflight_lock:
                if publication.account_id in self._inflight:
                    continue
                self._inflight[publication.account_id] = publication.id
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
            self._process(publication_id)
        except Exception:
            log.exception("publication %s: unexpected failure", publication_id)
        finally:
            with self._inflight_lock:
                self._inflight.pop(account_id, None)
            self._report_queue_size()
            self.kick()

    def _process(self, publication_id: str) -> None:
        now = self._clock()
        with self._store.unit_of_work() as uow:
            if not uow.publications.claim(
                publication_id, self.owner, now + self._settings.lease, now
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
                self._fail(publication, FailureKind.REJECTED, "the account is no longer connected")
                return
            connector = self._connector(account)
            phase = "verify" if publication.state == PublicationState.UNKNOWN else "send"
            try:
                if phase == "verify":
                    publication = self._verify(publication, connector)
                    if publication.state == PublicationState.SENT:
                        return
                    phase = "send"
                self._send(publication, connector, account)
            except Rejected as error:
                current = self._reload(publication.id)
                if current.attempts > 1 and current.state == PublicationState.SENDING:
                    # Refused after an earlier attempt of the same post: a "duplicate" answer
                    # (X's 403, Facebook's 506) is only a hint that the earlier one arrived.
                    # Look once more before calling it failed.
                    self._recheck_after_refusal(current, connector, account, error)
                else:
                    self._handle_error(current, error, account)
            except NetworkError as error:
                current = self._reload(publication.id)
                self._handle_error(current, error, account)
            except Exception as error:
                # A bug or a database failure after the request may have left: treat the outcome
                # as unknown, so the platform is asked before anything is sent again.
                log.exception("publication %s: unexpected error while sending", publication.id)
                current = self._reload(publication.id)
                if current.state in (PublicationState.SENDING, PublicationState.UNKNOWN):
                    self._handle_error(
                        current, _Unexpected(str(error) or type(error).__name__), account
                    )
        finally:
            with self._store.unit_of_work() as uow:
                uow.publications.release(publication_id, self.owner)

    def request_for(self, publication: Publication, part: int = 0) -> PostRequest:
        """The exact request sent for ``part`` of ``publication`` (the same on every retry)."""
        data_dir = self._store.data_dir
        media = (
            tuple(
                MediaUpload(data_dir / m.path, m.mime_type, m.alt_text) for m in publication.media
            )
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

    def _verify(self, publication: Publication, connector: Connector) -> Publication:
        """Ask the platform whether the attempt in doubt arrived; record it or queue a resend."""
        part = len(publication.remote_ids)
        if part >= len(publication.parts):
            return self._mark_sent(
                publication, publication.remote_ids, publication.remote_url, None
            )
        request = self.request_for(publication, part)
        started = publication.first_attempt_at or publication.created_at
        found = connector.find_post(request, started - self._settings.verify_margin)
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
                self.request_for(publication, part), started - self._settings.verify_margin
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
        self._callbacks.on_publication(updated)

    def _send(self, publication: Publication, connector: Connector, account: Account) -> None:
        for part in range(len(publication.remote_ids), len(publication.parts)):
            if self._stopping.is_set() and part > 0:
                # Finish later; the thread continues from this part.
                with self._store.unit_of_work() as uow:
                    uow.publications.transition(publication.id, PublicationState.QUEUED)
                return
            request = self.request_for(publication, part)
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
                with self._inflight_lock:
                    self._held_until.pop(account.id, None)
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
            self._audit_publication(
                uow,
                AuditKind.PUBLISHED,
                sent,
                sent.submitted_by or SYSTEM_ACTOR,
                {"verified_after_unknown_outcome": verified},
            )
            self._settle_draft(uow, sent)
        self._callbacks.on_publication(sent)
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
            self._audit_publication(
                uow, AuditKind.FAILED, failed, SYSTEM_ACTOR, {"reason": reason, "kind": kind.value}
            )
            self._settle_draft(uow, failed)
        self._callbacks.on_publication(failed)

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
            with self._store.unit_of_work() as uow:
                uow.accounts.update_status(account.id, AccountStatus.NEEDS_SIGN_IN)
                updated = self._park(uow, publication, verifying, None, FailureKind.AUTH, decision)
            self._drop_connector(account.id)
            self._callbacks.on_account_paused(account.id, decision.reason)
            self._callbacks.on_publication(updated)
            return
        kind = FailureKind.TEMPORARY
        if isinstance(error, RateLimited):
            kind = FailureKind.RATE_LIMITED
            if decision.not_before is not None:
                with self._inflight_lock:
                    self._held_until[account.id] = decision.not_before
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
                updated = self._park(uow, publication, False, not_before, kind, decision)
        self._callbacks.on_publication(updated)

    def _park(
        self,
        uow: Any,
        publication: Publication,
        verifying: bool,
        not_before: datetime | None,
        kind: FailureKind,
        decision: Decision,
    ) -> Publication:
        state = PublicationState.UNKNOWN if verifying else PublicationState.QUEUED
        result: Publication = uow.publications.transition(
            publication.id,
            state,
            not_before=not_before,
            failure_kind=kind,
            failure_reason=decision.reason,
        )
        return result

    def _settle_draft(self, uow: Any, publication: Publication) -> None:
        """Once nothing of the draft is in flight, settle the draft's own state."""
        if publication.draft_id is None:
            return
        siblings = uow.publications.list_for_draft(publication.draft_id)
        if any(p.is_open for p in siblings):
            return
        draft = uow.drafts.get(publication.draft_id)
        if draft is None or draft.state != DraftState.QUEUED:
            return
        sent_to = {p.account_id for p in siblings if p.state == PublicationState.SENT}
        everywhere = bool(sent_to) and set(draft.target_account_ids) <= sent_to
        # Published only when every target has it; otherwise the draft is editable again, so
        # the user can fix what was refused and send to the rest (never again to these).
        uow.drafts.set_state(
            publication.draft_id, DraftState.PUBLISHED if everywhere else DraftState.DRAFT
        )

    def _audit_publication(
        self,
        uow: Any,
        kind: AuditKind,
        publication: Publication,
        actor: str,
        extra: dict[str, Any] | None = None,
    ) -> None:
        details: dict[str, Any] = {
            "draft_id": publication.draft_id,
            "account_id": publication.account_id,
            "account": publication.account_label,
            "network": publication.network.value,
            "state": publication.state.value,
            "remote_ids": list(publication.remote_ids),
            "url": publication.remote_url,
            "text_sha256": _sha256(publication.text),
            "media_sha256": [m.sha256 for m in publication.media],
        }
        if extra:
            details.update(extra)
        uow.audit.append(
            kind,
            actor=actor,
            subject_type="publication",
            subject_id=publication.id,
            details=details,
        )

    def _reload(self, publication_id: str) -> Publication:
        with self._store.unit_of_work(read_only=True) as uow:
            return uow.publications.require(publication_id)

    def _still_working(self, publication: Publication, paused: set[str], now: datetime) -> bool:
        if not publication.is_open:
            return False
        if publication.account_id in paused:
            return False
        # A local schedule or a long rate limit: the post waits; it is not "being sent".
        return not (
            publication.not_before is not None
            and publication.not_before - now > timedelta(minutes=5)
        )

    def _connector(self, account: Account) -> Connector:
        with self._connectors_lock:
            connector = self._connectors.get(account.id)
            if connector is None:
                connector = self._connector_for(account)
                self._connectors[account.id] = connector
            return connector

    def _drop_connector(self, account_id: str) -> None:
        with self._connectors_lock:
            connector = self._connectors.pop(account_id, None)
        if connector is not None:
            try:
                connector.close()
            except Exception:
                log.warning("closing a connector failed", exc_info=True)

    def _report_queue_size(self) -> None:
        try:
            size = self.queue_size()
        except Exception:
            log.warning("could not count the outbox", exc_info=True)
            return
        self._callbacks.on_queue_size(size)


def _check_publishable(state: DraftState) -> None:
    if state in (DraftState.IN_REVIEW, DraftState.REJECTED, DraftState.TRASHED):
        readable = state.value.replace("_", " ")
        raise PublishBlocked({"": [f"the draft is {readable}; it cannot be published now"]})


class _Unexpected(NetworkError):
    """Stands for an error that is not a platform's: the outcome is treated as unknown."""


def _label(account: Account) -> str:
    """How the account is named in the history: its handle, or its name where the handle is
    only a number (a Facebook page's id)."""
    handle = account.handle.strip()
    if not handle or handle.isdigit():
        return account.display_name or handle
    return handle


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _InstanceLock:
    """An OS file lock held while an outbox runs; its name is the outbox's claim owner.

    The OS drops the lock when the process dies, however it dies, so another outbox on this
    machine can tell a live claim from a dead one without guessing from process ids.
    """

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._token = uuid.uuid4().hex
        self._host = socket.gethostname()
        self._file: IO[bytes] | None = None

    @property
    def owner(self) -> str:
        return f"{self._host}|{self._token}"

    def acquire(self) -> None:
        if self._file is not None:
            return
        self._directory.mkdir(parents=True, exist_ok=True)
        handle = open(self._directory / f"{self._token}.lock", "a+b")  # noqa: SIM115
        _lock(handle)
        self._file = handle

    def release(self) -> None:
        if self._file is None:
            return
        path = Path(self._file.name)
        try:
            _unlock(self._file)
        finally:
            self._file.close()
            self._file = None
        path.unlink(missing_ok=True)

    def is_alive(self, owner: str) -> bool | None:
        """True/False for an outbox on this machine; None when it runs elsewhere."""
        host, _, token = owner.partition("|")
        if host != self._host or not token:
            return None
        if owner == self.owner:
            return self._file is not None
        path = self._directory / f"{token}.lock"
        if not path.exists():
            return False
        try:
            handle = open(path, "a+b")  # noqa: SIM115
        except OSError:
            return None
        try:
            try:
                _lock(handle)
            except OSError:
                return True
            _unlock(handle)
        finally:
            handle.close()
        path.unlink(missing_ok=True)
        return False


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
