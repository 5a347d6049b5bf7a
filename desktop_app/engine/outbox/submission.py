"""Submission: a draft checked by each platform's rules becomes one publication per account.

Everything is written and committed before any network call, so a crash at any moment leaves a
record of what was meant to go out. Images are prepared here (resized, re-encoded, stripped of
metadata) so every retry sends the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop_app.domain.accounts import Account
from desktop_app.domain.audit import AuditKind
from desktop_app.domain.drafts import Attachment, Draft, DraftState
from desktop_app.domain.media_rules import alt_text_problem
from desktop_app.domain.networks import Network
from desktop_app.domain.platforms import platform
from desktop_app.domain.publications import (
    Publication,
    PublicationMedia,
    PublicationState,
    PublishBlocked,
)
from desktop_app.domain.text_rules import Severity, check_post, measure
from desktop_app.domain.threads import ThreadTooLong, split_thread
from desktop_app.engine import scheduler
from desktop_app.engine.media_prep import (
    MediaPrepError,
    MediaTarget,
    media_target_for,
    prepare_image,
)
from desktop_app.engine.outbox.common import (
    NO_ACCOUNT,
    PREPARED_MEDIA_DIR,
    OutboxSettings,
    Reporter,
)
from desktop_app.engine.outbox.records import account_label, check_publishable
from desktop_app.store.database import Store
from desktop_app.store.publications import NewPublication


@dataclass(frozen=True)
class SubmitResult:
    batch_id: str
    publications: tuple[Publication, ...]
    warnings: dict[str, list[str]]  # account id -> what should be fixed but does not block
    skipped_account_ids: tuple[str, ...]  # already sent or on its way: never sent twice


class Submission:
    """Queues drafts (and failed publications again) after checking them."""

    def __init__(
        self,
        store: Store,
        settings: OutboxSettings,
        reporter: Reporter,
        clock: Callable[[], datetime],
        kick: Callable[[], None],
    ) -> None:
        self._store = store
        self._settings = settings
        self._reporter = reporter
        self._clock = clock
        self._kick = kick

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
        items, warnings = self.prepare(draft, pending, accounts, split_x_thread, actor)
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
                check_publishable(current.state)
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
        self._queued(created)
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
        items, _warnings = self.prepare(
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
            check_publishable(current.state)
            if current.state in (DraftState.DRAFT, DraftState.APPROVED):
                uow.drafts.set_state(draft_id, DraftState.QUEUED)
            uow.audit.append(
                AuditKind.RETRIED,
                actor=actor,
                subject_type="draft",
                subject_id=draft_id,
                details={"publications": [p.id for p in retried]},
            )
        self._queued(retried)
        return retried

    def prepare(
        self,
        draft: Draft,
        account_ids: Sequence[str],
        accounts: dict[str, Account | None],
        split_x_thread: bool,
        actor: str,
    ) -> tuple[list[NewPublication], dict[str, list[str]]]:
        """One checked publication per account, images prepared; ``PublishBlocked`` lists every
        problem of every account when any has one."""
        problems: dict[str, list[str]] = {}
        warnings: dict[str, list[str]] = {}
        items: list[NewPublication] = []
        now = self._clock()
        for account_id in account_ids:
            account = accounts.get(account_id)
            if account is None:
                problems.setdefault(account_id, []).append(NO_ACCOUNT)
                continue
            network = account.network
            title = draft.title.strip() if network is Network.WORDPRESS else ""
            try:
                parts = _parts(draft.text_for(network).strip(), network, split_x_thread)
            except ThreadTooLong as error:
                problems.setdefault(account_id, []).append(str(error))
                continue
            mine = [
                problem.message
                for part in parts
                for problem in check_post(network, part, title)
                if problem.severity == Severity.ERROR
            ]
            media = self._media(draft, network, mine, warnings.setdefault(account_id, []))
            if not warnings[account_id]:
                del warnings[account_id]
            if mine:
                problems.setdefault(account_id, []).extend(mine)
                continue
            schedule = scheduler.plan(network, draft.scheduled_at, now)
            items.append(
                NewPublication(
                    draft_id=draft.id,
                    account_id=account_id,
                    account_label=account_label(account),
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

    def _media(
        self, draft: Draft, network: Network, problems: list[str], warnings: list[str]
    ) -> list[PublicationMedia]:
        """The draft's images prepared for ``network``; what is wrong goes to ``problems``."""
        target = media_target_for(network)
        if len(draft.attachments) > target.max_count:
            problems.append(
                f"{platform(network).display_name} takes at most {target.max_count} images "
                f"({len(draft.attachments)} attached)"
            )
        media: list[PublicationMedia] = []
        for index, attachment in enumerate(draft.attachments, start=1):
            if not attachment.alt_text.strip():
                message = f"image {index} ({attachment.original_name}) has no alt text"
                (problems if self._settings.require_alt_text else warnings).append(message)
            too_long = alt_text_problem(network, attachment.alt_text)
            if too_long is not None:
                problems.append(f"image {index} ({attachment.original_name}): {too_long}")
            prepared = self._prepare_image(attachment, target, problems)
            if prepared is not None:
                media.append(prepared)
        return media

    def _prepare_image(
        self, attachment: Attachment, target: MediaTarget, problems: list[str]
    ) -> PublicationMedia | None:
        data_dir = self._store.data_dir
        try:
            image = prepare_image(
                self._store.attachment_path(attachment),
                target,
                data_dir / PREPARED_MEDIA_DIR,
                expected_sha256=attachment.sha256,
            )
        except MediaPrepError as error:
            problems.append(str(error))
            return None
        return PublicationMedia(
            path=image.path.relative_to(data_dir).as_posix(),
            mime_type=image.mime_type,
            alt_text=attachment.alt_text,
            sha256=image.sha256,
            size_bytes=image.size_bytes,
        )

    def _queued(self, publications: list[Publication]) -> None:
        for publication in publications:
            self._reporter.publication(publication)
        self._reporter.report_queue_size()
        self._kick()


def _parts(text: str, network: Network, split_x_thread: bool) -> tuple[str, ...]:
    """The post as it goes out: one part, or an X thread when asked and it is too long."""
    if not (split_x_thread and network is Network.X and not measure(network, text).valid):
        return (text,)
    limit = platform(Network.X).text.max_length
    assert limit is not None  # X always has one
    return tuple(split_thread(text, lambda t: measure(Network.X, t).length, limit))
