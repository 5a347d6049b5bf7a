"""The one error taxonomy every network failure falls into.

Connectors raise only these, so the engine and the UI decide what to do (wait, back off, ask the
user to sign in, show the platform's reason, verify before retrying) without knowing platforms.
Messages never contain a token or password: connectors build them from status codes and the
platform's own error text only.
"""

from __future__ import annotations

from datetime import datetime


class NetworkError(Exception):
    """Base of every failure talking to a platform."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AuthExpired(NetworkError):
    """The credentials no longer work: the user must sign in again to this account."""


class RateLimited(NetworkError):
    """The platform refuses more calls until ``until`` (UTC)."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


class TemporaryFailure(NetworkError):
    """Network down, 5xx, reset before sending: safe to try again later with back-off."""


class Rejected(NetworkError):
    """The platform refused the content itself; ``reason`` is shown to the user as is."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


class OutcomeUnknown(NetworkError):
    """The request may have been carried out (timeout or reset after sending).

    Never retried blindly: the engine first asks the platform whether the post exists.
    """
