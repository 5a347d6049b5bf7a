"""Everything the records exports hold for a period, read in one unit of work.

`history export`, `records snapshot` and the E-ARK package all start here, so a snapshot and a
package hold exactly what an export of the same period holds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from desktop_app.domain.audit import AuditEvent
from desktop_app.domain.publications import Publication
from desktop_app.engine.export import MODERATION_KINDS, ExportRequest
from desktop_app.engine.records import settings as records_settings
from desktop_app.store.publications import HistoryFilter
from desktop_app.store.records import RecordsRepository
from desktop_app.store.unit_of_work import UnitOfWork

INBOX_EVENT_KINDS = frozenset({"replied"}) | MODERATION_KINDS


def gather(
    uow: UnitOfWork,
    filters: HistoryFilter,
    *,
    with_audit: bool = True,
    timezone: str = "Europe/Stockholm",
    lang: str | None = None,
    with_items: bool = False,
    extra_subject_filter: Callable[[list[Publication], list[AuditEvent]], list[AuditEvent]]
    | None = None,
) -> ExportRequest:
    """The export of ``filters``' period: publications, replies, moderation, disposals,
    the channel register, the audit trail (unless ``with_audit`` is False) and its head."""
    from desktop_app.engine.records.verify import verify_trail

    settings = records_settings.load(uow)
    head = uow.audit.chain_head()
    publications = uow.publications.history(filters)
    in_period = uow.audit.list(since=filters.since, until=filters.until)
    inbox_events = [
        e for e in in_period if e.kind in INBOX_EVENT_KINDS and e.subject_type == "inbox_item"
    ]
    if filters.account_id:
        inbox_events = [
            e
            for e in inbox_events
            if (e.details.get("item") or {}).get("account_id") in (None, filters.account_id)
        ]
    events: list[AuditEvent] = []
    intact: bool | None = None
    if with_audit:
        intact = verify_trail(uow).intact
        events = in_period
        if extra_subject_filter is not None:
            events = extra_subject_filter(publications, events)
    repo = RecordsRepository(uow)
    disposals = [disposal_record(row) for row in repo.disposals(filters.since, filters.until)]
    return ExportRequest(
        publications=publications,
        audit_events=events,
        chain_intact=intact,
        since=filters.since,
        until=filters.until,
        lang=lang or settings.language,
        timezone=timezone,
        chain_head=head,
        inbox_events=inbox_events,
        disposals=disposals,
        register=register_records(uow),
        items=received_items(uow, filters) if with_items else (),
    )


def received_items(uow: UnitOfWork, filters: HistoryFilter) -> list[dict[str, Any]]:
    """Every item received in the period (by its time on the platform), oldest first."""
    from sqlalchemy import select

    from desktop_app.store.accounts import AccountRow
    from desktop_app.store.inbox import InboxItemRow
    from desktop_app.store.records_inbox import content_hash

    query = (
        select(InboxItemRow, AccountRow.handle)
        .join(AccountRow, AccountRow.id == InboxItemRow.account_id)
        .order_by(InboxItemRow.created_at, InboxItemRow.seq)
    )
    if filters.since is not None:
        query = query.where(InboxItemRow.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(InboxItemRow.created_at < filters.until)
    if filters.account_id:
        query = query.where(InboxItemRow.account_id == filters.account_id)
    records = []
    for row, handle in uow.session.execute(query):
        values = {c.key: getattr(row, c.key) for c in InboxItemRow.__table__.columns}
        records.append(
            {
                "id": row.id,
                "account_id": row.account_id,
                "account": handle,
                "network": row.network,
                "kind": row.kind,
                "remote_id": row.remote_id,
                "parent_remote_id": row.parent_remote_id,
                "root_post_remote_id": row.root_post_remote_id,
                "author_name": row.author_name,
                "author_handle": row.author_handle,
                "text": row.text,
                "url": row.url,
                "created_at": _iso(row.created_at),
                "first_seen_at": _iso(row.first_seen_at),
                "remote_state": row.remote_state,
                "state": row.state,
                "answered_by": row.answered_by,
                "answered_at": _iso(row.answered_at),
                "content_sha256": content_hash(values),
            }
        )
    return records


def disposal_record(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "run_at": _iso(row.run_at),
        "actor": row.actor,
        "rules": list(row.rules or []),
        "entries": list(row.entries or []),
        "held_back": row.held_back,
    }


def register_records(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every account (archived ones too) with its register entry, for the exports."""
    from sqlalchemy import select

    from desktop_app.store.accounts import AccountRow

    repo = RecordsRepository(uow)
    channels = {row.account_id: row for row in repo.channels()}
    records = []
    for account in uow.session.scalars(select(AccountRow).order_by(AccountRow.created_at)):
        channel = channels.get(account.id)
        status = "archived" if account.archived_at is not None else "active"
        records.append(
            {
                "account_id": account.id,
                "network": account.network,
                "account": account.handle or account.display_name,
                "display_name": account.display_name,
                "address": account.base_url,
                "purpose": channel.purpose if channel else "",
                "responsible": channel.responsible if channel else "",
                "start_date": _day(channel.start_date if channel else None)
                or _day(account.created_at.date()),
                "moderation_notice": channel.moderation_notice if channel else "",
                "status": channel.status if channel and status == "active" else status,
                "archived_at": _iso(account.archived_at),
            }
        )
    return records


def _iso(moment: datetime | None) -> str | None:
    from desktop_app.domain.audit import format_time

    return None if moment is None else format_time(moment)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
