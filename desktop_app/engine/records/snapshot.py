"""PDF/A snapshots of a period: all that each account published and received, the replies,
the moderation, disposals, the channel register and the audit trail, with the chain head printed.

Periodic snapshots (every six months by default; ``records settings --snapshot-months``) are
written to the configured folder, a network share typically. The window's scheduler calls
``run_due_snapshots(store, now)`` now and then (e.g. hourly and at start); it writes each
completed period not yet written and remembers the last one in the records settings.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select

from desktop_app.domain.audit import AuditKind, format_time
from desktop_app.engine.export import export
from desktop_app.engine.records import settings as records_settings
from desktop_app.engine.records.gather import gather
from desktop_app.store.database import Store
from desktop_app.store.publications import HistoryFilter
from desktop_app.store.records import RecordsRepository

LAST_PERIOD_KEY = "snapshot_last_until"
SNAPSHOT_ACTOR = "kanal-snapshot"


@dataclass(frozen=True)
class Period:
    since: datetime  # UTC, inclusive
    until: datetime  # UTC, exclusive

    def file_name(self, zone: Any) -> str:
        start = self.since.astimezone(zone).date().isoformat()
        end = self.until.astimezone(zone).date().isoformat()
        return f"kanal-ogonblicksbild-{start}--{end}.pdf"


def _zone(name: str) -> Any:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def write_snapshot(
    store: Store,
    since: datetime | None,
    until: datetime | None,
    output: Path,
    *,
    actor: str,
    timezone: str = "Europe/Stockholm",
) -> dict[str, Any]:
    """Write one snapshot PDF/A and record it (file name, SHA-256, period, chain head)."""
    with store.unit_of_work(read_only=True) as uow:
        request = gather(
            uow, HistoryFilter(since=since, until=until), timezone=timezone, with_items=True
        )
    export(request, "pdf", output)
    digest = hashlib.sha256(output.read_bytes()).hexdigest()
    head = request.chain_head
    details = {
        "file": output.name,
        "sha256": digest,
        "since": None if since is None else format_time(since),
        "until": None if until is None else format_time(until),
        "chain_head": None if head is None else {"seq": head.seq, "hash": head.hash},
        "publications": len(request.publications),
        "received_items": len(request.items),
    }
    with store.unit_of_work() as uow:
        uow.audit.append(
            AuditKind.SNAPSHOT_WRITTEN,
            actor=actor,
            subject_type="records",
            subject_id="snapshot",
            details=details,
        )
    return {"output": str(output), **details}


def periods(first: datetime, now: datetime, months: int, zone: Any) -> list[Period]:
    """Completed calendar periods of ``months`` (aligned to 1 January, local time) from the
    one holding ``first`` up to ``now``."""
    if months <= 0:
        return []
    local_first = first.astimezone(zone)
    start_month = ((local_first.month - 1) // months) * months + 1
    cursor = date(local_first.year, start_month, 1)
    found: list[Period] = []
    while True:
        month_index = cursor.month - 1 + months
        following = date(cursor.year + month_index // 12, month_index % 12 + 1, 1)
        since = datetime.combine(cursor, time(0), tzinfo=zone).astimezone(UTC)
        until = datetime.combine(following, time(0), tzinfo=zone).astimezone(UTC)
        if until > now:
            return found
        found.append(Period(since, until))
        cursor = following


def due_snapshots(store: Store, now: datetime, timezone: str = "Europe/Stockholm") -> list[Period]:
    """The completed periods whose snapshot is not written yet (none when switched off)."""
    from desktop_app.store.inbox import InboxItemRow
    from desktop_app.store.publications import PublicationRow

    with store.unit_of_work(read_only=True) as uow:
        settings = records_settings.load(uow)
        if settings.snapshot_months <= 0:
            return []
        last = RecordsRepository(uow).setting(LAST_PERIOD_KEY)
        firsts = [
            uow.session.scalar(select(func.min(PublicationRow.created_at))),
            uow.session.scalar(select(func.min(InboxItemRow.created_at))),
        ]
    known = [moment for moment in firsts if moment is not None]
    if not known:
        return []
    every = periods(min(known), now, settings.snapshot_months, _zone(timezone))
    if last:
        done_until = datetime.fromisoformat(str(last).replace("Z", "+00:00"))
        every = [p for p in every if p.until > done_until]
    return every


def run_due_snapshots(
    store: Store, now: datetime, timezone: str = "Europe/Stockholm"
) -> list[dict[str, Any]]:
    """Write every due snapshot into the configured folder; nothing without a folder."""
    with store.unit_of_work(read_only=True) as uow:
        folder = records_settings.load(uow).snapshot_folder
    if not folder:
        return []
    written = []
    zone = _zone(timezone)
    for period in due_snapshots(store, now, timezone):
        target = Path(folder).expanduser() / period.file_name(zone)
        written.append(
            write_snapshot(
                store, period.since, period.until, target, actor=SNAPSHOT_ACTOR, timezone=timezone
            )
        )
        with store.unit_of_work() as uow:
            RecordsRepository(uow).set_setting(LAST_PERIOD_KEY, format_time(period.until))
    return written
