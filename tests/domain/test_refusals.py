from dataclasses import replace

from desktop_app.domain.publications import FailureKind, PublicationState
from desktop_app.domain.refusals import RefusalKind, refusal_of, retry_can_succeed
from tests.support.publications import failed


def test_a_duplicate_is_recognised_in_the_platforms_words_and_not_offered_a_retry() -> None:
    publication = failed(
        FailureKind.REJECTED, "You are not allowed to create a Tweet with duplicate content."
    )
    refusal = refusal_of(publication)
    assert refusal is not None and refusal.kind is RefusalKind.DUPLICATE
    assert refusal.platform_words.startswith("You are not allowed")
    assert not retry_can_succeed(publication)


def test_kanals_own_rules_offer_editing_not_retrying() -> None:
    publication = failed(FailureKind.RULES, "The text is 58 over the limit of 280.")
    assert refusal_of(publication).kind is RefusalKind.RULES  # type: ignore[union-attr]
    assert not retry_can_succeed(publication)


def test_a_sign_in_or_a_passing_refusal_may_be_retried() -> None:
    assert retry_can_succeed(failed(FailureKind.AUTH, "token expired"))
    assert retry_can_succeed(failed(FailureKind.REJECTED, "Validation failed: try later"))


def test_a_publication_that_is_no_longer_failed_is_no_refusal() -> None:
    sent = replace(failed(FailureKind.REJECTED, "duplicate"), state=PublicationState.SENT)
    assert refusal_of(sent) is None
    assert not retry_can_succeed(sent)
