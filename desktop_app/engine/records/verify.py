"""`history verify`: the whole check of the audit trail, with an optional exported anchor."""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from desktop_app.domain.audit import ChainProblem, event_seal, seal_matches
from desktop_app.engine.records.anchors import Anchor
from desktop_app.store.audit import VerifyReport, chain_keys_for
from desktop_app.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class TrailCheck:
    report: VerifyReport
    anchor: Anchor | None = None
    anchor_problems: list[str] = field(default_factory=list)
    # Against the head this computer last found intact (kept in the keyring).
    remembered_problems: list[ChainProblem] = field(default_factory=list)

    @property
    def problems(self) -> list[ChainProblem]:
        return sorted([*self.report.problems, *self.remembered_problems], key=lambda p: p.seq)

    @property
    def intact(self) -> bool:
        return not self.problems and not self.anchor_problems


def records_count(uow: UnitOfWork) -> int:
    """Publications and inbox items: records whose creation always wrote an audit event."""
    from desktop_app.store.inbox import InboxItemRow
    from desktop_app.store.publications import PublicationRow

    total = 0
    for row_type in (PublicationRow, InboxItemRow):
        total += int(uow.session.scalar(select(func.count()).select_from(row_type)) or 0)
    return total


def store_id(uow: UnitOfWork) -> str:
    """A name for this store that does not live in it: a digest of its database address."""
    bind: Any = uow.session.get_bind()
    url = bind.url.render_as_string(hide_password=True)
    return hashlib.sha256(str(url).encode()).hexdigest()[:16]


def verify_trail(uow: UnitOfWork, anchor: Anchor | None = None) -> TrailCheck:
    """The whole check; also against the head this desk last saw intact (kept in the keyring),
    which it moves forward when the chain is intact and sealed."""
    report = uow.audit.verify_report(records_present=records_count(uow))
    problems: list[str] = []
    if anchor is not None:
        problems = _anchor_problems(uow, anchor)
    remembered_problems: list[ChainProblem] = []
    keys = chain_keys_for(uow.session)
    remembered = getattr(keys, "remembered_head", None)
    if report.sealed and callable(remembered):
        try:
            seen = remembered(store_id(uow))
        except Exception:  # the keyring is a help here, never a reason to fail the check
            seen = None
        if seen is not None and seen[0] > 0:
            event = uow.audit.find_hash(seen[1])
            if event is None or event.seq != seen[0]:
                remembered_problems.append(
                    ChainProblem(
                        seen[0],
                        "an earlier check on this computer found this event in the chain; "
                        "it is gone or was rewritten",
                    )
                )
        head = report.head
        clean = not report.problems and not problems and not remembered_problems
        newer = head is not None and head.seq > (0 if seen is None else seen[0])
        if clean and newer and head is not None:
            with contextlib.suppress(Exception):
                keys.remember_head(store_id(uow), head.seq, head.hash)  # type: ignore[union-attr]
    return TrailCheck(report, anchor, problems, remembered_problems)


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
    try:
        key = keys.current() if keys is not None else None
    except Exception:
        key = None
    if key is not None and event.seal and not seal_matches(event.seal, event_seal(key, event.hash)):
        problems.append(f"event {event.seq} (the exported head) has a seal that does not match")
    return problems
