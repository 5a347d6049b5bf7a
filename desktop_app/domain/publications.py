"""Publications: one draft sent to one account, and the life cycle of that sending.

A Publication is created (and committed) before any network call, so a crash can never lose
the fact that a post was meant to go out. Its state says what Kanal knows about the platform:

    queued ──> sending ──> sent
       ^          │  └───> failed (the platform's reason; retry sends only these)
       │          └──────> unknown ──(ask the platform)──> sent | queued (not there: send)
       └─ rate limited, back-off, waiting for sign-in: back to queued with a not-before time

``unknown`` is the exactly-once state: the request may have been carried out, so the next step is
always a look-up on the platform, never a blind resend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from desktop_app.domain.networks import Network


class PublicationState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"


# States the outbox still has work for; the status bar counts these as "waiting".
OPEN_STATES: frozenset[PublicationState] = frozenset(
    {PublicationState.QUEUED, PublicationState.SENDING, PublicationState.UNKNOWN}
)

ALLOWED_TRANSITIONS: dict[PublicationState, frozenset[PublicationState]] = {
    PublicationState.QUEUED: frozenset(
        {PublicationState.SENDING, PublicationState.CANCELLED, PublicationState.FAILED}
    ),
    PublicationState.SENDING: frozenset(
        {
            PublicationState.SENT,
            PublicationState.FAILED,
            PublicationState.UNKNOWN,
            PublicationState.QUEUED,
        }
    ),
    # An unknown outcome is resolved by asking the platform: found (sent), not found (queued to
    # send again), or the look-up itself is sending again (sending).
    PublicationState.UNKNOWN: frozenset(
        {
            PublicationState.SENDING,
            PublicationState.SENT,
            PublicationState.QUEUED,
            PublicationState.FAILED,
        }
    ),
    # Retrying a failed publication queues it again. A post the platform holds for later can be
    # cancelled, or withdrawn from the platform and queued again for a new time.
    PublicationState.FAILED: frozenset({PublicationState.QUEUED}),
    PublicationState.SENT: frozenset({PublicationState.CANCELLED, PublicationState.QUEUED}),
    PublicationState.CANCELLED: frozenset(),
}


class InvalidPublicationTransition(ValueError):
    pass


def check_transition(current: PublicationState, target: PublicationState) -> None:
    if target not in ALLOWED_TRANSITIONS[current]:
        raise InvalidPublicationTransition(
            f"a publication in state {current.value} cannot become {target.value}"
        )


class FailureKind(StrEnum):
    """Why the last attempt did not succeed; decides what the user is asked to do."""

    REJECTED = "rejected"  # the platform refused the content: edit and retry
    AUTH = "auth"  # sign in to the account again
    RATE_LIMITED = "rate_limited"  # waits by itself
    TEMPORARY = "temporary"  # network or platform trouble: waits and retries by itself
    RULES = "rules"  # Kanal's own checks (length, alt text) refused it before sending
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PublicationMedia:
    """One image exactly as it was (or will be) sent: the prepared file, not the original."""

    path: str  # relative to the data folder
    mime_type: str
    alt_text: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class Publication:
    id: str
    batch_id: str  # one press of Publish; "retry the failed ones" works per batch
    draft_id: str | None  # None once the draft is gone; the publication stays as the record
    account_id: str
    network: Network
    author: str  # who wrote the draft
    submitted_by: str  # who pressed Publish (or Retry): the actor in the audit trail
    title: str
    parts: tuple[str, ...]  # the exact text sent; more than one for an X thread
    media: tuple[PublicationMedia, ...]
    state: PublicationState
    attempts: int
    generation: int  # bumped by a retry after failure, so its idempotency key is new
    remote_ids: tuple[str, ...]  # one per part that reached the platform
    remote_url: str
    failure_kind: FailureKind | None
    failure_reason: str
    created_at: datetime  # UTC
    updated_at: datetime  # UTC
    not_before: datetime | None  # UTC: local schedule, back-off or a platform's rate-limit reset
    first_attempt_at: datetime | None  # UTC: where find_post starts looking
    sent_at: datetime | None  # UTC
    scheduled_at: datetime | None  # UTC: when the post is meant to appear, if scheduled
    platform_scheduled: bool = False  # the platform holds it until scheduled_at
    account_label: str = field(default="", compare=False)  # the handle at the time of sending

    @property
    def text(self) -> str:
        """The whole text sent (a thread's parts separated by blank lines)."""
        return "\n\n".join(self.parts)

    def idempotency_key(self, part: int = 0) -> str:
        """Stable across retries of the same attempt, new after a retry of a failure."""
        suffix = f"-{part}" if part else ""
        return f"kanal-{self.id}-g{self.generation}{suffix}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


def summarise(publications: list[Publication] | tuple[Publication, ...]) -> dict[str, int]:
    """How many publications are in each state (for the status bar and `kanal publish`)."""
    counts = {state.value: 0 for state in PublicationState}
    for publication in publications:
        counts[publication.state.value] += 1
    return counts


class PublishBlocked(ValueError):
    """Kanal's own rules refuse the draft before anything is queued.

    ``problems`` maps an account id (or "" for the whole draft) to what must change, in words
    the user can act on.
    """

    def __init__(self, problems: dict[str, list[str]]) -> None:
        lines = [f"{key or 'draft'}: {msg}" for key, msgs in problems.items() for msg in msgs]
        super().__init__("; ".join(lines))
        self.problems = problems


class PublicationNotFound(LookupError):
    """No publication with that id."""
