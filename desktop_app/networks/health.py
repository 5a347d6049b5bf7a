"""What ``kanal accounts check`` reports about one account: findings a person can act on.

A connector's ``check()`` answers with an ``AccountHealth``; the generic one (``generic_check``)
only asks the platform who the credentials belong to, while a connector that can see more (token
expiry, granted permissions, rate-limit headroom) overrides it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from desktop_app.domain.errors import AuthExpired, NetworkError, RateLimited


class Severity(StrEnum):
    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    """One thing found, and what a person can do about it ("" when nothing is needed)."""

    topic: str  # token, expiry, permissions, rate_limit, identity
    severity: Severity
    message: str
    action: str = ""


@dataclass(frozen=True)
class AccountHealth:
    name: str = ""  # the page or profile name the platform reports
    token_valid: bool | None = None
    expires_at: datetime | None = None  # None: never, or unknown
    granted_scopes: tuple[str, ...] = ()
    missing_scopes: tuple[str, ...] = ()
    usage_percent: int | None = None  # the highest rate-limit usage seen, 0-100
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(f.severity is not Severity.PROBLEM for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["expires_at"] = self.expires_at.isoformat() if self.expires_at else None
        data["findings"] = [{**asdict(f), "severity": f.severity.value} for f in self.findings]
        data["ok"] = self.ok
        return data


SIGN_IN_AGAIN = "Sign in again (kanal accounts add --sign-in, or Accounts → Sign in again)."


# Rate-limit headers as (remaining, limit) pairs: X, Mastodon, Bluesky (IETF draft) and GitHub-
# style names; Meta's JSON usage headers are read by ``usage_percent``.
_REMAINING_LIMIT = (
    ("x-rate-limit-remaining", "x-rate-limit-limit"),
    ("X-RateLimit-Remaining", "X-RateLimit-Limit"),
    ("RateLimit-Remaining", "RateLimit-Limit"),
)
META_USAGE = ("X-App-Usage", "X-Page-Usage", "X-Business-Use-Case-Usage")


def headers_usage(responses: Sequence[Mapping[str, str]]) -> int | None:
    """The highest share of a rate limit used (percent) that any of the answers reported."""
    highest: int | None = None
    for headers in responses:
        for remaining_name, limit_name in _REMAINING_LIMIT:
            try:
                remaining = float(headers.get(remaining_name) or "")
                limit = float(headers.get(limit_name) or "")
            except ValueError:
                continue
            if limit > 0:
                used = round(100 * (limit - remaining) / limit)
                highest = max(highest or 0, min(100, max(0, used)))
        meta = usage_percent(headers, META_USAGE)
        if meta is not None:
            highest = max(highest or 0, meta)
    return highest


def generic_check(
    verify: Callable[[], Any], responses: Sequence[Mapping[str, str]] = ()
) -> AccountHealth:
    """Asks who the credentials belong to; the platform's refusal becomes a finding, and the
    rate-limit headers of the answers (``responses``, filled while verifying) the headroom."""
    try:
        identity = verify()
    except AuthExpired as error:
        return AccountHealth(
            token_valid=False,
            findings=(Finding("token", Severity.PROBLEM, error.message, SIGN_IN_AGAIN),),
        )
    except RateLimited as error:
        return AccountHealth(
            findings=(
                Finding(
                    "rate_limit",
                    Severity.WARNING,
                    error.message,
                    f"Wait until {error.until:%Y-%m-%d %H:%M} UTC before publishing again.",
                ),
            )
        )
    except NetworkError as error:
        reason = getattr(error, "reason", None) or error.message
        return AccountHealth(
            findings=(
                Finding(
                    "identity",
                    Severity.PROBLEM,
                    reason,
                    "Check the address and the network, then run the check again.",
                ),
            )
        )
    name = str(getattr(identity, "display_name", "") or getattr(identity, "handle", ""))
    percent = headers_usage(responses)
    return AccountHealth(
        name=name,
        token_valid=True,
        usage_percent=percent,
        findings=(
            Finding("identity", Severity.OK, f"Signed in as {name}."),
            usage_finding(percent),
        ),
    )


def usage_percent(headers: Mapping[str, str], names: tuple[str, ...]) -> int | None:
    """The highest percentage in JSON usage headers such as Meta's ``X-App-Usage``."""
    highest: int | None = None
    for name in names:
        raw = headers.get(name)
        if not raw:
            continue
        try:
            usage = json.loads(raw)
        except ValueError:
            continue
        values = [usage] if isinstance(usage, dict) else []
        if name == "X-Business-Use-Case-Usage" and isinstance(usage, dict):
            values = [e for v in usage.values() if isinstance(v, list) for e in v]
        for entry in values:
            for key in ("call_count", "total_cputime", "total_time"):
                value = entry.get(key) if isinstance(entry, dict) else None
                if isinstance(value, (int, float)):
                    highest = max(highest or 0, int(value))
    return highest


def usage_finding(percent: int | None) -> Finding:
    if percent is None:
        return Finding("rate_limit", Severity.OK, "The platform reported no rate-limit usage.")
    if percent >= 90:
        return Finding(
            "rate_limit",
            Severity.WARNING,
            f"{percent} % of the rate limit is used.",
            "Sync less often or wait an hour before large batches; the window rolls over.",
        )
    return Finding("rate_limit", Severity.OK, f"{percent} % of the rate limit is used.")
