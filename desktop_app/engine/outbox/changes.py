"""Cancel and reschedule: a queued or platform-held post withdrawn or moved by a person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from desktop_app.domain.audit import AuditKind
from desktop_app.domain.publications import (
    FailureKind,
    Publication,
    PublicationState,
    PublishBlocked,
)
from desktop_app.engine import scheduler
from desktop_app.engine.outbox.common import NO_ACCOUNT, ConnectorPool, Reporter
from desktop_app.engine.outbox.records import audit_publication, settle_draft
from desktop_app.store.database import Store


class ScheduleChanges:
    """What the Scheduled view and ``kanal publish`` do with posts that appear later."""

    def __init__(
        self,
        store: Store,
        reporter: Reporter,
        connectors: ConnectorPool,
        owner: Callable[[], str],
        clock: Callable[[], datetime],
        kick: Callable[[], None],
    ) -> None:
        self._store = store
        self._reporter = reporter
        self._connectors = connectors
        self._owner = owner
        self._clock = clock
        self._kick = kick

    def cancel(self, publication_id: str, actor: str) -> Publication:
        """Cancel a queued (or platform-scheduled, not yet public) publication."""
        now = self._clock()
        with self._store.unit_of_work() as uow:
            publication = uow.publications.require(publication_id)
            if publication.state == PublicationState.QUEUED:
                if not uow.publications.claim(publication_id, self._owner(), now, now):
                    raise PublishBlocked({publication.account_id: ["it is being sent right now"]})
                cancelled = uow.publications.transition(
                    publication_id,
                    PublicationState.CANCELLED,
                    failure_kind=FailureKind.CANCELLED,
                    failure_reason="",
                )
                uow.publications.release(publication_id, self._owner())
                audit_publication(uow, AuditKind.CANCELLED, cancelled, actor)
                settle_draft(uow, cancelled)
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
                raise PublishBlocked({publication.account_id: [NO_ACCOUNT]})
            connector = self._connectors.get(account)
            for remote_id in cancelled.remote_ids:
                connector.delete_post(remote_id)
            with self._store.unit_of_work() as uow:
                cancelled = uow.publications.transition(
                    publication_id,
                    PublicationState.CANCELLED,
                    failure_kind=FailureKind.CANCELLED,
                    failure_reason="",
                )
                audit_publication(uow, AuditKind.CANCELLED, cancelled, actor)
        self._reporter.publication(cancelled)
        self._reporter.report_queue_size()
        return cancelled

    def reschedule(self, publication_id: str, when: datetime, actor: str) -> Publication:
        """Move a scheduled publication to ``when`` (withdrawing a platform-held copy first)."""
        with self._store.unit_of_work(read_only=True) as uow:
            publication = uow.publications.require(publication_id)
            account = uow.accounts.get(publication.account_id)
        if publication.state == PublicationState.SENT and publication.platform_scheduled:
            if account is None:
                raise PublishBlocked({publication.account_id: [NO_ACCOUNT]})
            connector = self._connectors.get(account)
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
            audit_publication(uow, AuditKind.SCHEDULED, moved, actor, {"scheduled_at": when})
        self._reporter.publication(moved)
        self._kick()
        return moved
