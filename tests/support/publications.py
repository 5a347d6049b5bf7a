"""A failed publication as the outbox records it, for the refusal, Sent and calendar tests."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop_app.domain.networks import Network
from desktop_app.domain.publications import FailureKind, Publication, PublicationState

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def failed(kind: FailureKind, reason: str, network: Network = Network.X) -> Publication:
    return Publication(
        id="p1",
        batch_id="b1",
        draft_id="d1",
        account_id="a1",
        network=network,
        author="karin",
        submitted_by="karin",
        title="",
        parts=("Hej",),
        media=(),
        state=PublicationState.FAILED,
        attempts=1,
        generation=0,
        remote_ids=(),
        remote_url="",
        failure_kind=kind,
        failure_reason=reason,
        created_at=NOW,
        updated_at=NOW,
        not_before=None,
        first_attempt_at=NOW,
        sent_at=None,
        scheduled_at=None,
        account_label="@kommunen",
    )
