"""Inbox items in the audit chain: the content hash of each item as received, and again after
every edit or deletion on the platform.

One audit event per stored page (not per item) keeps a sync of thousands of items cheap while
every item's content is still fixed in the sealed chain: ``details["received"]`` and
``details["changed"]`` map item id to the SHA-256 of its canonical content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from desktop_app.domain.audit import AuditKind, format_time

if TYPE_CHECKING:
    from desktop_app.store.unit_of_work import UnitOfWork

SYNC_ACTOR = "kanal-sync"
_CONTENT_FIELDS = (
    "remote_id",
    "kind",
    "author_name",
    "author_handle",
    "text",
    "html",
    "url",
    "parent_remote_id",
    "root_post_remote_id",
    "created_at",
    "remote_updated_at",
    "remote_state",
)


def content_hash(values: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical JSON of what the platform showed (fixed field list)."""
    payload = {}
    for name in _CONTENT_FIELDS:
        value = values.get(name)
        payload[name] = format_time(value) if isinstance(value, datetime) else value
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def item_hashes(uow: UnitOfWork, item_ids: Sequence[str]) -> dict[str, str]:
    from desktop_app.store.inbox import InboxItemRow

    columns = [getattr(InboxItemRow, name) for name in ("id", *_CONTENT_FIELDS)]
    hashes: dict[str, str] = {}
    for start in range(0, len(item_ids), 500):
        chunk = list(item_ids[start : start + 500])
        for row in uow.session.execute(select(*columns).where(InboxItemRow.id.in_(chunk))):
            hashes[str(row.id)] = content_hash(dict(row._mapping))
    return hashes


def record_inbox_page(
    uow: UnitOfWork, account_id: str, new_ids: Sequence[str], updated_ids: Sequence[str]
) -> None:
    """Write the page's content hashes into the audit chain (same unit of work as the upsert)."""
    if not new_ids and not updated_ids:
        return
    uow.session.flush()
    details: dict[str, Any] = {"account_id": account_id}
    if new_ids:
        details["received"] = item_hashes(uow, new_ids)
    if updated_ids:
        details["changed"] = item_hashes(uow, updated_ids)
    uow.audit.append(
        AuditKind.RECEIVED,
        actor=SYNC_ACTOR,
        subject_type="account",
        subject_id=account_id,
        details=details,
    )
