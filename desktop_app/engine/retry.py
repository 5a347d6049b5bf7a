"""What the outbox does after a failed attempt, decided from the error's class alone.

RateLimited waits until the platform's reset; TemporaryFailure backs off exponentially with
full jitter and a cap (and never gives up: an offline laptop drains its queue when the network
returns); AuthExpired pauses the account's queue until the user signs in again; Rejected fails
the publication with the platform's reason; OutcomeUnknown asks the platform before anything
else is sent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from desktop_app.domain.errors import (
    AuthExpired,
    NetworkError,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    TemporaryFailure,
)


class Action(StrEnum):
    RETRY_LATER = "retry_later"  # queued again with a not-before time
    VERIFY = "verify"  # outcome unknown: look the post up on the platform first
    PAUSE_ACCOUNT = "pause_account"  # wait for the user to sign in again
    FAIL = "fail"  # the platform refused the content; the user decides


@dataclass(frozen=True)
class RetryPolicy:
    base_delay_s: float = 2.0
    max_delay_s: float = 120.0
    # The wait before asking the platform whether an unknown-outcome post exists: long enough
    # for an eventually consistent read (X, Facebook) to see it, short enough to feel immediate.
    verify_delay_s: float = 1.0
    # A reset in the past or absurdly far away is clamped into this window.
    min_rate_limit_wait_s: float = 1.0
    max_rate_limit_wait_s: float = 3600.0

    def backoff_s(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: uniform in [base/2, min(cap, base * 2**(attempt-1))]."""
        ceiling = min(self.max_delay_s, self.base_delay_s * (2 ** max(0, attempt - 1)))
        floor = min(ceiling, self.base_delay_s / 2)
        return rng.uniform(floor, ceiling)


@dataclass(frozen=True)
class Decision:
    action: Action
    not_before: datetime | None = None
    reason: str = ""


def decide(
    error: NetworkError, attempt: int, now: datetime, policy: RetryPolicy, rng: random.Random
) -> Decision:
    """The next step after ``error`` on the ``attempt``-th try (1 = the first)."""
    if isinstance(error, RateLimited):
        wait = (error.until - now).total_seconds()
        wait = max(policy.min_rate_limit_wait_s, min(policy.max_rate_limit_wait_s, wait))
        return Decision(Action.RETRY_LATER, now + timedelta(seconds=wait), error.message)
    if isinstance(error, OutcomeUnknown):
        return Decision(
            Action.VERIFY, now + timedelta(seconds=policy.verify_delay_s), error.message
        )
    if isinstance(error, AuthExpired):
        return Decision(Action.PAUSE_ACCOUNT, None, error.message)
    if isinstance(error, Rejected):
        return Decision(Action.FAIL, None, error.reason)
    if isinstance(error, TemporaryFailure):
        delay = policy.backoff_s(attempt, rng)
        return Decision(Action.RETRY_LATER, now + timedelta(seconds=delay), error.message)
    # A NetworkError subclass this engine does not know: treat it as possibly carried out.
    return Decision(Action.VERIFY, now + timedelta(seconds=policy.verify_delay_s), error.message)
