"""Moderation as a record: why an item was hidden, deleted, marked spam or approved.

Citizens' comments on an authority's channels are public records, and removing one must be
justified. The reasons follow what a Swedish authority may act on: the BBS law (lagen (1998:112)
om ansvar för elektroniska anslagstavlor) obliges it to remove obviously criminal content;
sensitive personal data (GDPR art. 9) and confidential information (OSL) must not stay published;
spam and off-topic posts follow the channel's published rules. "Other" needs a written reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ModerationReason(StrEnum):
    CRIMINAL_CONTENT = "criminal_content"
    SENSITIVE_PERSONAL_DATA = "sensitive_personal_data"
    CONFIDENTIAL = "confidential"
    SPAM = "spam"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


# English source texts; the UI translates them (Swedish in resources/translations).
REASON_LABELS: dict[ModerationReason, str] = {
    ModerationReason.CRIMINAL_CONTENT: "Obviously criminal content (BBS law)",
    ModerationReason.SENSITIVE_PERSONAL_DATA: "Sensitive personal data",
    ModerationReason.CONFIDENTIAL: "Confidential information",
    ModerationReason.SPAM: "Spam",
    ModerationReason.OFF_TOPIC: "Off-topic",
    ModerationReason.OTHER: "Other (explain)",
}


class ModerationKind(StrEnum):
    """What the moderator did; mirrors the connector's ModerationAction values."""

    HIDE = "hide"
    UNHIDE = "unhide"
    DELETE = "delete"
    APPROVE = "approve"
    SPAM = "spam"


# Actions that take something away from the public need a reason; approving and unhiding also
# record one (the issue asks for a reason on approve), so every action does.
class InvalidModeration(ValueError):
    pass


@dataclass(frozen=True)
class ModerationDecision:
    """One moderator's decision about one inbox item, before it is carried out."""

    kind: ModerationKind
    reason: ModerationReason
    note: str  # free text; required for OTHER
    actor: str  # who decided (the signed-in staff member)
    decided_at: datetime  # UTC

    def __post_init__(self) -> None:
        validate_decision(self.kind, self.reason, self.note, self.actor)

    @property
    def reason_text(self) -> str:
        """The reason as the audit trail shows it."""
        label = REASON_LABELS[self.reason]
        return f"{label}: {self.note.strip()}" if self.note.strip() else label


def validate_decision(
    kind: ModerationKind, reason: ModerationReason | None, note: str, actor: str
) -> None:
    """Refuse a decision without a reason, "other" without an explanation, or without an actor."""
    if reason is None:
        raise InvalidModeration(f"{kind.value} needs a reason")
    if reason is ModerationReason.OTHER and not note.strip():
        raise InvalidModeration("the reason 'other' needs a written explanation")
    if not actor.strip():
        raise InvalidModeration("a moderation decision must name who made it")
    if kind is ModerationKind.SPAM and reason is not ModerationReason.SPAM:
        raise InvalidModeration("marking as spam takes the reason 'spam'")
