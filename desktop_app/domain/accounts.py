"""Connected accounts: who Kanal posts as. Secrets live in the keyring, never here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from desktop_app.domain.networks import Network


class AccountStatus(StrEnum):
    WORKING = "working"
    NEEDS_SIGN_IN = "needs_sign_in"
    RATE_LIMITED = "rate_limited"
    UNVERIFIED = "unverified"


@dataclass(frozen=True)
class Account:
    id: str
    network: Network
    display_name: str
    handle: str
    base_url: str  # the instance, site or API root this account lives on
    remote_id: str  # the platform's id of the user, page or site
    status: AccountStatus
    rate_limited_until: datetime | None  # UTC
    avatar_url: str
    created_at: datetime  # UTC
