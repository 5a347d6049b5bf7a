"""The audit trail's rules: append-only events chained by SHA-256 (pure, no I/O).

Each event carries the SHA-256 of the previous event, computed over a canonical JSON form of
that event (keys sorted, no insignificant white space, UTF-8, times as UTC ISO 8601 with
microseconds). Editing any stored field of an event changes its digest, so the next event's
``prev_hash`` no longer matches; removing an event leaves a gap in the sequence numbers and a
broken link; removing events at the end is caught by the head record the store keeps beside the
chain. ``verify_chain`` reports every such place.

The public chain alone does not stop someone who holds the database file: they can rewrite an
event and recompute every digest after it. So each event (and the head) also carries a *seal*,
an HMAC-SHA256 of its digest under a secret key kept outside the database (the OS keyring; for
a team, the team's key). The seal is not part of the canonical form, so the public chain stays
checkable by anyone (an e-archive) while only the key holder can tell a forged chain from a
true one. A seal is spelled ``KEYID:HEX`` where KEYID names the key without revealing it.

Format 2 (every event written since records_0001) commits to its details through their SHA-256
(``details_sha256`` in the canonical form) instead of the details themselves. Disposal by rule
can then *redact* an event's details (the content of a disposed item, a reply's text) down to
``{"_redacted": {"details_sha256": ..., "disposal_id": ...}}`` and the chain still verifies.
Format 1 events (older Kanal) carry their details inline and cannot be redacted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

GENESIS_HASH = "0" * 64


class AuditKind(StrEnum):
    DRAFTED = "drafted"
    EDITED = "edited"
    SUBMITTED = "submitted"  # queued for publishing
    SUBMITTED_FOR_REVIEW = "submitted_for_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    PUBLISHED = "published"
    FAILED = "failed"
    RETRIED = "retried"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    DELETED = "deleted"  # moved to the trash, or removed for good ("permanent" in details)
    RESTORED = "restored"  # brought back from the trash
    REOPENED = "reopened"  # taken back from review, approval or rejection to a plain draft
    HIDDEN = "hidden"
    UNHIDDEN = "unhidden"
    MARKED_SPAM = "marked_spam"
    ASSIGNED = "assigned"
    REPLIED = "replied"
    RECEIVED = "received"  # inbox items stored or changed on the platform: their content hashes
    ACCOUNT_ARCHIVED = "account_archived"  # `accounts remove`: the account's records stay
    RULE_SET = "retention_rule_set"
    HOLD_PLACED = "legal_hold_placed"
    HOLD_RELEASED = "legal_hold_released"
    DISPOSED = "disposed"  # records removed by a retention rule; the disposal list keeps what
    REGISTER_CHANGED = "register_changed"
    RECORDS_SETTINGS_CHANGED = "records_settings_changed"
    SNAPSHOT_WRITTEN = "snapshot_written"
    PACKAGE_WRITTEN = "package_written"


@dataclass(frozen=True)
class AuditEvent:
    id: str
    seq: int  # 1, 2, 3, ... without gaps
    kind: str  # an AuditKind value; plain str so events written by newer versions still verify
    actor: str
    occurred_at: datetime  # UTC
    subject_type: str  # "draft", "publication", "inbox_item", ...
    subject_id: str
    details: Mapping[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS_HASH
    hash: str = ""
    seal: str | None = None  # HMAC of ``hash`` under the chain key; not part of the digest
    format: int = 2  # 1: details hashed inline (before records_0001); 2: through their SHA-256


def format_time(moment: datetime) -> str:
    """UTC, ISO 8601 with microseconds and a Z: one spelling for one instant."""
    if moment.tzinfo is None:
        raise ValueError("audit times must carry a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


REDACTED = "_redacted"


def _json_bytes(value: Any) -> bytes:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def details_digest(details: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical details; a redacted event keeps it in place of the details."""
    marker = details.get(REDACTED)
    if isinstance(marker, Mapping) and "details_sha256" in marker and len(details) == 1:
        return str(marker["details_sha256"])
    return hashlib.sha256(_json_bytes(dict(details))).hexdigest()


def redacted_details(details: Mapping[str, Any], disposal_id: str) -> dict[str, Any]:
    """What stays of an event's details after disposal: their digest and the disposal's id."""
    return {REDACTED: {"details_sha256": details_digest(details), "disposal_id": disposal_id}}


def is_redacted(details: Mapping[str, Any]) -> bool:
    return REDACTED in details


def canonical_json(event: AuditEvent) -> bytes:
    """The bytes the digest is computed over: every stored field except the digest itself."""
    payload: dict[str, Any] = {
        "id": event.id,
        "seq": event.seq,
        "kind": event.kind,
        "actor": event.actor,
        "occurred_at": format_time(event.occurred_at),
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "prev_hash": event.prev_hash,
    }
    if event.format >= 2:
        payload["format"] = event.format
        payload["details_sha256"] = details_digest(event.details)
    else:
        payload["details"] = dict(event.details)
    return _json_bytes(payload)


def digest(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_json(event)).hexdigest()


def chain_next(
    previous: AuditEvent | None,
    *,
    id: str,
    kind: str,
    actor: str,
    occurred_at: datetime,
    subject_type: str,
    subject_id: str,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """The event that follows ``previous`` (None: the first event), with its digest filled in."""
    unsealed = AuditEvent(
        id=id,
        seq=1 if previous is None else previous.seq + 1,
        kind=kind,
        actor=actor,
        occurred_at=occurred_at.astimezone(UTC),
        subject_type=subject_type,
        subject_id=subject_id,
        details=_plain(details or {}),
        prev_hash=GENESIS_HASH if previous is None else previous.hash,
    )
    return replace(unsealed, hash=digest(unsealed))


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain(
    events: Iterable[AuditEvent], head: tuple[int, str] | None = None
) -> list[ChainProblem]:
    """Every place where the stored chain differs from what was appended.

    ``events`` in ascending ``seq``; ``head`` is the (seq, hash) of the last event appended, kept
    apart from the events so that cutting off the newest ones is noticed too.
    """
    problems: list[ChainProblem] = []
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last: AuditEvent | None = None
    for event in events:
        if event.seq != expected_seq:
            problems.append(
                ChainProblem(event.seq, f"events {expected_seq}..{event.seq - 1} are missing")
            )
        if event.prev_hash != expected_prev:
            problems.append(ChainProblem(event.seq, "does not follow the event before it"))
        actual = digest(event)
        if actual != event.hash:
            problems.append(ChainProblem(event.seq, "was changed after it was written"))
        expected_prev = actual
        expected_seq = event.seq + 1
        last = event
    if head is not None:
        head_seq, head_hash = head
        if last is None or last.seq < head_seq:
            have = 0 if last is None else last.seq
            problems.append(ChainProblem(head_seq, f"events {have + 1}..{head_seq} are missing"))
        elif last.seq > head_seq or last.hash != head_hash:
            problems.append(ChainProblem(last.seq, "the newest event differs from the head"))
    return problems


def _plain(value: Any) -> Any:
    """Details as JSON-native values, so what is hashed is exactly what is stored and read back."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


# -- seals: the keyed part ------------------------------------------------------------------


@dataclass(frozen=True)
class ChainKey:
    """The secret the seals are made with, and a short public name for it."""

    secret: bytes

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"kanal-chain-key-id\0" + self.secret).hexdigest()[:12]


def _mac(key: ChainKey, purpose: str, message: str) -> str:
    mac = hmac.new(key.secret, f"{purpose}\0{message}".encode(), hashlib.sha256).hexdigest()
    return f"{key.key_id}:{mac}"


def event_seal(key: ChainKey, event_hash: str) -> str:
    return _mac(key, "kanal-audit-event", event_hash)


def head_seal(key: ChainKey, seq: int, event_hash: str, legacy_seq: int) -> str:
    return _mac(key, "kanal-audit-head", f"{seq}:{event_hash}:{legacy_seq}")


def seal_key_id(seal: str | None) -> str | None:
    return None if not seal or ":" not in seal else seal.split(":", 1)[0]


def seal_matches(seal: str | None, expected: str) -> bool:
    return bool(seal) and hmac.compare_digest(str(seal), expected)


@dataclass(frozen=True)
class ChainHead:
    """The head row: the newest event's (seq, hash), the last event written before sealing
    began (``legacy_seq``) and the head's own seal."""

    seq: int
    hash: str
    legacy_seq: int = 0
    seal: str | None = None


def verify_seals(
    events: Iterable[AuditEvent], head: ChainHead | None, key: ChainKey
) -> list[ChainProblem]:
    """Every event after the head's ``legacy_seq`` must carry a seal made with ``key``.

    Rewriting an event and recomputing the public chain, or appending an event with the public
    algorithm, leaves seals that do not match (or none): only the key holder can make them.
    """
    problems: list[ChainProblem] = []
    legacy = 0 if head is None else head.legacy_seq
    for event in events:
        if event.seq <= legacy and not event.seal:
            continue  # written before this store's chain was sealed
        problems.extend(_event_seal_problem(event, key))
    if head is not None and (head.seal or head.seq > legacy):
        if seal_key_id(head.seal) not in (None, key.key_id):
            problems.append(ChainProblem(head.seq, "the chain head was sealed with another key"))
        elif not seal_matches(head.seal, head_seal(key, head.seq, head.hash, head.legacy_seq)):
            problems.append(
                ChainProblem(head.seq, "the chain head's seal does not match: it was rewritten")
            )
    return problems


def _event_seal_problem(event: AuditEvent, key: ChainKey) -> list[ChainProblem]:
    if not event.seal:
        return [ChainProblem(event.seq, "carries no seal: it was not written by Kanal")]
    if seal_key_id(event.seal) != key.key_id:
        return [
            ChainProblem(
                event.seq,
                f"was sealed with a key that is not this store's chain key "
                f"({seal_key_id(event.seal)})",
            )
        ]
    if not seal_matches(event.seal, event_seal(key, event.hash)):
        return [
            ChainProblem(event.seq, "its seal does not match: it was rewritten without the key")
        ]
    return []


CHAIN_HEAD_MARKER = "kanal-chain-head"


def chain_head_text(head: ChainHead | None) -> str:
    """How exports spell the chain head: one line a person and ``parse_anchor`` both read."""
    if head is None:
        return f"{CHAIN_HEAD_MARKER}: 0:{'0' * 64}"
    return f"{CHAIN_HEAD_MARKER}: {head.seq}:{head.hash}"
