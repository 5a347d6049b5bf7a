"""Drafts, their attachments and their life cycle: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from desktop_app.domain.networks import Network


class DraftState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    QUEUED = "queued"
    PUBLISHED = "published"
    TRASHED = "trashed"


# Which state may follow which. Trash is reachable from anywhere a person can still edit, and a
# restore goes back to draft so nothing is published by accident.
ALLOWED_TRANSITIONS: dict[DraftState, frozenset[DraftState]] = {
    DraftState.DRAFT: frozenset({DraftState.IN_REVIEW, DraftState.QUEUED, DraftState.TRASHED}),
    DraftState.IN_REVIEW: frozenset(
        {DraftState.APPROVED, DraftState.REJECTED, DraftState.DRAFT, DraftState.TRASHED}
    ),
    DraftState.APPROVED: frozenset({DraftState.QUEUED, DraftState.DRAFT, DraftState.TRASHED}),
    DraftState.REJECTED: frozenset({DraftState.DRAFT, DraftState.TRASHED}),
    DraftState.QUEUED: frozenset({DraftState.PUBLISHED, DraftState.DRAFT}),
    DraftState.PUBLISHED: frozenset({DraftState.TRASHED}),
    DraftState.TRASHED: frozenset({DraftState.DRAFT}),
}


class InvalidTransition(ValueError):
    pass


def check_transition(current: DraftState, target: DraftState) -> None:
    if target not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransition(f"a draft in state {current.value} cannot become {target.value}")


@dataclass(frozen=True)
class Attachment:
    id: str
    draft_id: str
    stored_path: str  # relative to the data folder, so a moved data folder keeps working
    original_name: str
    sha256: str
    size_bytes: int
    mime_type: str
    alt_text: str
    position: int


@dataclass(frozen=True)
class Draft:
    id: str
    title: str
    body: str
    variants: dict[Network, str]
    target_account_ids: tuple[str, ...]
    scheduled_at: datetime | None  # UTC
    state: DraftState
    author: str
    created_at: datetime  # UTC
    updated_at: datetime  # UTC
    attachments: tuple[Attachment, ...] = field(default=())

    def text_for(self, network: Network) -> str:
        """The text that goes to ``network``: its variant if customised, else the body."""
        return self.variants.get(network, self.body)


@dataclass(frozen=True)
class DraftRevision:
    """A snapshot of a draft's content; autosaves within a short window share one revision."""

    id: str
    draft_id: str
    title: str
    body: str
    variants: dict[Network, str]
    created_at: datetime  # UTC, when this revision was first saved
    saved_at: datetime  # UTC, the last autosave folded into it


class DraftNotFound(LookupError):
    """No draft with that id (deleted, or never existed)."""


class DraftLocked(ValueError):
    """The draft is queued or published, so its content can no longer change."""


class AttachmentRejected(ValueError):
    """A file could not be attached; the message says why in words a user can act on.

    Raised before anything is stored, so the draft (and its text) stays exactly as it was.
    """
