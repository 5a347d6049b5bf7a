"""Disposal by rule (gallring), with legal hold.

Default: keep everything. A retention rule says how long one record class is kept (for every
account, or one account) and names the disposal decision it rests on (gallringsbeslut). A legal
hold on an account, a date range or single items blocks disposal of what it covers. A run is
planned first (what would go, what is held back), then carried out in one unit of work: the
records are removed, the content in their audit events is redacted to its digest (format-2
events; see ``domain.audit``) so the chain still verifies, and a disposal list (what, when, by
which rule, by whom; hashes, never content) is kept as a record with its own audit event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select

from desktop_app.domain.audit import AuditKind, format_time
from desktop_app.store.inbox import InboxItemRow
from desktop_app.store.publications import PublicationRow
from desktop_app.store.records import (
    DisposalRow,
    LegalHoldRow,
    RecordsRepository,
    RetentionRuleRow,
    new_id,
)
from desktop_app.store.records_inbox import content_hash
from desktop_app.store.unit_of_work import UnitOfWork


class RecordClass(StrEnum):
    PUBLISHED_POSTS = "published_posts"
    RECEIVED_ITEMS = "received_items"  # comments and mentions, not moderated
    MODERATED_ITEMS = "moderated_items"  # hidden by a moderator
    STAFF_REPLIES = "staff_replies"  # the text of the authority's replies (in the audit trail)
    AUDIT_EVENTS = "audit_events"  # the details of audit events (the chain itself stays)


class DisposalError(ValueError):
    """A rule or hold that cannot be made (bad class, days, missing decision reference)."""


@dataclass(frozen=True)
class Rule:
    id: str
    record_class: str
    account_id: str | None
    keep_days: int
    decision_ref: str
    created_at: str
    created_by: str


@dataclass(frozen=True)
class Hold:
    id: str
    account_id: str | None
    item_id: str | None
    since: str | None
    until: str | None
    reason: str
    placed_at: str
    placed_by: str
    released_at: str | None = None


@dataclass(frozen=True)
class Entry:
    """One record a run removes (or would, but for a hold)."""

    record_class: str
    record_id: str
    account_id: str | None
    occurred_at: str
    rule_id: str
    decision_ref: str
    content_sha256: str
    held_by: str | None = None


@dataclass(frozen=True)
class Plan:
    now: str
    entries: tuple[Entry, ...]
    held: tuple[Entry, ...]
    rules: tuple[Rule, ...] = field(default_factory=tuple)


def _rule(row: RetentionRuleRow) -> Rule:
    return Rule(
        row.id,
        row.record_class,
        row.account_id,
        row.keep_days,
        row.decision_ref,
        format_time(row.created_at),
        row.created_by,
    )


def _hold(row: LegalHoldRow) -> Hold:
    return Hold(
        row.id,
        row.account_id,
        row.item_id,
        None if row.since is None else format_time(row.since),
        None if row.until is None else format_time(row.until),
        row.reason,
        format_time(row.placed_at),
        row.placed_by,
        None if row.released_at is None else format_time(row.released_at),
    )


# -- rules and holds ---------------------------------------------------------------------------


def list_rules(uow: UnitOfWork) -> list[Rule]:
    return [_rule(row) for row in RecordsRepository(uow).rules()]


def add_rule(
    uow: UnitOfWork,
    *,
    record_class: str,
    keep_days: int,
    decision_ref: str,
    actor: str,
    account_id: str | None = None,
) -> Rule:
    try:
        cls = RecordClass(record_class)
    except ValueError:
        names = ", ".join(c.value for c in RecordClass)
        raise DisposalError(f"unknown record class {record_class!r}; one of: {names}") from None
    if keep_days < 1:
        raise DisposalError("a rule keeps records at least one day")
    if not decision_ref.strip():
        raise DisposalError("a rule needs the disposal decision it rests on (--decision)")
    if account_id is not None and uow.accounts.get(account_id) is None:
        raise DisposalError(f"no account with id {account_id}")
    row = RecordsRepository(uow).add_rule(
        RetentionRuleRow(
            id=new_id(),
            record_class=cls.value,
            account_id=account_id,
            keep_days=keep_days,
            decision_ref=decision_ref.strip(),
            created_at=uow.clock(),
            created_by=actor,
        )
    )
    rule = _rule(row)
    uow.audit.append(
        AuditKind.RULE_SET,
        actor=actor,
        subject_type="retention_rule",
        subject_id=rule.id,
        details=asdict(rule),
    )
    return rule


def remove_rule(uow: UnitOfWork, rule_id: str, actor: str) -> Rule:
    row = RecordsRepository(uow).remove_rule(rule_id)
    if row is None:
        raise DisposalError(f"no retention rule {rule_id}")
    rule = _rule(row)
    uow.audit.append(
        AuditKind.RULE_SET,
        actor=actor,
        subject_type="retention_rule",
        subject_id=rule.id,
        details={"removed": True, **asdict(rule)},
    )
    return rule


def list_holds(uow: UnitOfWork, *, include_released: bool = False) -> list[Hold]:
    return [_hold(row) for row in RecordsRepository(uow).holds(active_only=not include_released)]


def place_hold(
    uow: UnitOfWork,
    *,
    reason: str,
    actor: str,
    account_id: str | None = None,
    item_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Hold:
    if not reason.strip():
        raise DisposalError("a legal hold needs a reason (e.g. the case number)")
    if account_id is None and item_id is None and since is None and until is None:
        raise DisposalError("a legal hold covers an account, an item or a date range")
    if since is not None and until is not None and since >= until:
        raise DisposalError("the hold's start must be before its end")
    row = RecordsRepository(uow).add_hold(
        LegalHoldRow(
            id=new_id(),
            account_id=account_id,
            item_id=item_id,
            since=since,
            until=until,
            reason=reason.strip(),
            placed_at=uow.clock(),
            placed_by=actor,
        )
    )
    hold = _hold(row)
    uow.audit.append(
        AuditKind.HOLD_PLACED,
        actor=actor,
        subject_type="legal_hold",
        subject_id=hold.id,
        details=asdict(hold),
    )
    return hold


def release_hold(uow: UnitOfWork, hold_id: str, actor: str) -> Hold:
    row = RecordsRepository(uow).hold(hold_id)
    if row is None or row.released_at is not None:
        raise DisposalError(f"no active legal hold {hold_id}")
    row.released_at = uow.clock()
    row.released_by = actor
    uow.session.flush()
    hold = _hold(row)
    uow.audit.append(
        AuditKind.HOLD_RELEASED,
        actor=actor,
        subject_type="legal_hold",
        subject_id=hold.id,
        details={"reason": hold.reason},
    )
    return hold


# -- planning ----------------------------------------------------------------------------------


def _applicable(rules: Sequence[Rule], record_class: str, account_id: str | None) -> Rule | None:
    """The account's own rule for the class if there is one, else the class's general rule."""
    own = [r for r in rules if r.record_class == record_class and r.account_id == account_id]
    general = [r for r in rules if r.record_class == record_class and r.account_id is None]
    chosen = own or general
    # Several rules for the same scope: the longest keeping wins (never dispose early).
    return max(chosen, key=lambda r: r.keep_days) if chosen else None


def _holding(holds: Sequence[LegalHoldRow], entry: Entry, moment: datetime) -> str | None:
    for hold in holds:
        if hold.item_id is not None and hold.item_id != entry.record_id:
            continue
        if hold.account_id is not None and hold.account_id != entry.account_id:
            continue
        if hold.since is not None and moment < hold.since:
            continue
        if hold.until is not None and moment >= hold.until:
            continue
        return hold.id
    return None


def _candidates(uow: UnitOfWork) -> Iterable[tuple[str, str, str | None, datetime, str]]:
    """(class, id, account id, time, content hash) of every record a rule could reach."""
    session = uow.session
    for row in session.scalars(select(PublicationRow)):
        moment = row.sent_at or row.created_at
        digest = hashlib.sha256("\n\n".join(row.parts or []).encode()).hexdigest()
        yield RecordClass.PUBLISHED_POSTS, row.id, row.account_id, moment, digest
    for item in session.scalars(select(InboxItemRow)):
        cls = RecordClass.MODERATED_ITEMS if item.state == "hidden" else RecordClass.RECEIVED_ITEMS
        values = {c.key: getattr(item, c.key) for c in InboxItemRow.__table__.columns}
        yield cls, item.id, item.account_id, item.created_at, content_hash(values)
    for event in uow.audit.iter_all():
        if event.format < 2 or "_redacted" in event.details:
            continue
        account = event.details.get("account_id") or (event.details.get("item") or {}).get(
            "account_id"
        )
        digest = hashlib.sha256(
            json.dumps(dict(event.details), sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        if event.kind == "replied":
            yield RecordClass.STAFF_REPLIES, event.id, account, event.occurred_at, digest
        elif event.kind not in ("disposed",):
            yield RecordClass.AUDIT_EVENTS, event.id, account, event.occurred_at, digest


def plan(uow: UnitOfWork, now: datetime | None = None) -> Plan:
    """What a run at ``now`` would remove, and what legal holds keep back. Changes nothing."""
    moment_now = now or uow.clock()
    rules = list_rules(uow)
    holds = RecordsRepository(uow).holds()
    entries: list[Entry] = []
    held: list[Entry] = []
    if rules:
        for cls, record_id, account_id, moment, digest in _candidates(uow):
            rule = _applicable(rules, cls, account_id)
            if rule is None or moment > moment_now - timedelta(days=rule.keep_days):
                continue
            entry = Entry(
                cls, record_id, account_id, format_time(moment), rule.id, rule.decision_ref, digest
            )
            hold_id = _holding(holds, entry, moment)
            if hold_id is None:
                entries.append(entry)
            else:
                held.append(Entry(**{**asdict(entry), "held_by": hold_id}))
    return Plan(format_time(moment_now), tuple(entries), tuple(held), tuple(rules))


# -- carrying out ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disposal:
    id: str
    removed: int
    held_back: int
    redacted_events: int
    legacy_events_kept: int


def dispose(uow: UnitOfWork, actor: str, now: datetime | None = None) -> Disposal:
    """Carry out the plan at ``now`` in this unit of work; keeps the disposal list."""
    the_plan = plan(uow, now)
    disposal_id = new_id()
    by_class: dict[str, list[str]] = {}
    for entry in the_plan.entries:
        by_class.setdefault(entry.record_class, []).append(entry.record_id)
    session = uow.session
    publications = by_class.get(RecordClass.PUBLISHED_POSTS, [])
    items = by_class.get(RecordClass.RECEIVED_ITEMS, []) + by_class.get(
        RecordClass.MODERATED_ITEMS, []
    )
    for chunk in _chunks(publications):
        session.execute(delete(PublicationRow).where(PublicationRow.id.in_(chunk)))
    for chunk in _chunks(items):
        session.execute(delete(InboxItemRow).where(InboxItemRow.id.in_(chunk)))
    # The content of removed records also lives in their audit events: redact it.
    about = uow.audit.events_about(publications + items)
    event_ids = [e.id for e in about if e.kind not in ("disposed",)]
    event_ids += by_class.get(RecordClass.STAFF_REPLIES, [])
    event_ids += by_class.get(RecordClass.AUDIT_EVENTS, [])
    redacted, legacy = uow.audit.redact(sorted(set(event_ids)), disposal_id)
    entries = [asdict(e) for e in the_plan.entries]
    used = {e.rule_id for e in the_plan.entries}
    rules = [asdict(r) for r in the_plan.rules if r.id in used]
    RecordsRepository(uow).add_disposal(
        DisposalRow(
            id=disposal_id,
            run_at=uow.clock() if now is None else now,
            actor=actor,
            rules=rules,
            entries=entries,
            held_back=len(the_plan.held),
        )
    )
    listing = json.dumps(entries, sort_keys=True, ensure_ascii=False).encode()
    uow.audit.append(
        AuditKind.DISPOSED,
        actor=actor,
        subject_type="disposal",
        subject_id=disposal_id,
        details={
            "removed": len(entries),
            "held_back": len(the_plan.held),
            "by_class": {k: len(v) for k, v in sorted(by_class.items())},
            "rules": [{"id": r["id"], "decision_ref": r["decision_ref"]} for r in rules],
            "list_sha256": hashlib.sha256(listing).hexdigest(),
            "redacted_events": redacted,
            "legacy_events_kept": legacy,
        },
    )
    return Disposal(disposal_id, len(entries), len(the_plan.held), redacted, legacy)


def _chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def plan_record(the_plan: Plan) -> dict[str, Any]:
    return {
        "now": the_plan.now,
        "remove": [asdict(e) for e in the_plan.entries],
        "held_back": [asdict(e) for e in the_plan.held],
        "rules": [asdict(r) for r in the_plan.rules],
    }
