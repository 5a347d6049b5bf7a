"""What a failed publication means for the person: what kind of refusal, the platform's own
words, and whether trying again unchanged can succeed.

Pure. The window turns ``RefusalKind`` into a sentence in the user's language and quotes
``platform_words`` as the platform said them; a duplicate or a rule refusal is never offered
as "retry" (it would be refused again), only as "edit and publish again"."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from desktop_app.domain.networks import Network
from desktop_app.domain.publications import FailureKind, Publication, PublicationState

# Words platforms (and Kanal's connectors) use for a post that already exists.
_DUPLICATE_MARKERS = ("duplicate", "dubblett", "already posted", "already published")


class RefusalKind(StrEnum):
    DUPLICATE = "duplicate"  # the same text was already posted: change it
    CONTENT = "content"  # the platform refused the content for another reason
    RULES = "rules"  # Kanal's own checks (length, alt text) refused it before sending
    SIGN_IN = "sign_in"  # the account must be signed in again; then a retry can succeed
    OTHER = "other"  # stopped for a reason a retry may overcome


@dataclass(frozen=True)
class Refusal:
    publication_id: str
    draft_id: str | None
    network: Network
    account_label: str
    kind: RefusalKind
    platform_words: str

    @property
    def retry_can_succeed(self) -> bool:
        """A duplicate stays a duplicate and Kanal's rules refuse the same text again; any other
        refusal may pass unchanged (a platform's passing reason, a sign-in renewed)."""
        return self.kind not in (RefusalKind.DUPLICATE, RefusalKind.RULES)


def refusal_of(publication: Publication) -> Refusal | None:
    """The refusal a failed publication stands for; None while it is not failed."""
    if publication.state != PublicationState.FAILED:
        return None
    words = publication.failure_reason.strip()
    kind = _kind(publication.failure_kind, words)
    return Refusal(
        publication_id=publication.id,
        draft_id=publication.draft_id,
        network=publication.network,
        account_label=publication.account_label,
        kind=kind,
        platform_words=words,
    )


def _kind(failure: FailureKind | None, words: str) -> RefusalKind:
    lowered = words.lower()
    if failure == FailureKind.RULES:
        return RefusalKind.RULES
    if failure == FailureKind.AUTH:
        return RefusalKind.SIGN_IN
    if any(marker in lowered for marker in _DUPLICATE_MARKERS):
        return RefusalKind.DUPLICATE
    if failure == FailureKind.REJECTED:
        return RefusalKind.CONTENT
    return RefusalKind.OTHER


def retry_can_succeed(publication: Publication) -> bool:
    """Whether "Retry" may be offered for this publication (not failed: nothing to retry)."""
    refusal = refusal_of(publication)
    return refusal is not None and refusal.retry_can_succeed
