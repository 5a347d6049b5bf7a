"""`history verify`: the whole check of the audit trail, with an optional exported anchor."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from desktop_app.domain.audit import event_seal, seal_matches
from desktop_app.engine.records.anchors import Anchor
from desktop_app.store.audit import VerifyReport, chain_keys_for
from desktop_app.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class TrailCheck:
    report: VerifyReport
    anchor: Anchor | None = None
    anchor_problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.report.problems and not self.anchor_problems


def records_count(uow: UnitOfWork) -> int:
    """Publications and inbox items: records whose creation always wrote an audit event."""
    from desktop_app.store.inbox import InboxItemRow
    from desktop_app.store.publications import PublicationRow

    total = 0
    for row_type in (PublicationRow, InboxItemRow):
        total += int(uow.session.scalar(select(func.count()).select_from(row_type)) or 0)
    return total


def verify_trail(uow: UnitOfWork, anchor: Anchor | None = None) -> TrailCheck:
    report = uow.audit.verify_report(records_present=records_count(uow))
    problems: list[str] = []
    if anchor is not None:
        problems = _anchor_problems(uow, anchor)
    return TrailCheck(report, anchor, problems)


def _anchor_problems(uow: UnitOfWork, anchor: Anchor) -> list[str]:
    if anchor.seq == 0:
        return []  # exported from an empty trail: nothing to find
    event = uow.audit.find_hash(anchor.hash)
    if event is None:
        return [
            f"the exported chain head {anchor.hash[:16]}… is no longer in the chain: "
            "events were removed or rewritten since that export"
        ]
    problems: list[str] = []
    if anchor.seq is not None and event.seq != anchor.seq:
        problems.append(
            f"the exported chain head was event {anchor.seq}, the chain now has it at {event.seq}"
        )
    keys = chain_keys_for(uow.session)
    key = keys.current() if keys is not None else None
    if key is not None and event.seal and not seal_matches(event.seal, event_seal(key, event.hash)):
        problems.append(f"event {event.seq} (the exported head) has a seal that does not match")
    return problems
