"""What the outbox writes besides the publication itself: audit events and the draft's state."""

from __future__ import annotations

import hashlib
from typing import Any

from desktop_app.domain.accounts import Account
from desktop_app.domain.audit import AuditKind
from desktop_app.domain.drafts import DraftState
from desktop_app.domain.publications import Publication, PublicationState, PublishBlocked
from desktop_app.store.unit_of_work import UnitOfWork


def audit_publication(
    uow: UnitOfWork,
    kind: AuditKind,
    publication: Publication,
    actor: str,
    extra: dict[str, Any] | None = None,
) -> None:
    """The publication's event, in the caller's unit of work."""
    details: dict[str, Any] = {
        "draft_id": publication.draft_id,
        "account_id": publication.account_id,
        "account": publication.account_label,
        "network": publication.network.value,
        "state": publication.state.value,
        "remote_ids": list(publication.remote_ids),
        "url": publication.remote_url,
        "text_sha256": sha256_text(publication.text),
        "media_sha256": [m.sha256 for m in publication.media],
    }
    if extra:
        details.update(extra)
    uow.audit.append(
        kind,
        actor=actor,
        subject_type="publication",
        subject_id=publication.id,
        details=details,
    )


def settle_draft(uow: UnitOfWork, publication: Publication) -> None:
    """Once nothing of the draft is in flight, settle the draft's own state."""
    if publication.draft_id is None:
        return
    siblings = uow.publications.list_for_draft(publication.draft_id)
    if any(p.is_open for p in siblings):
        return
    draft = uow.drafts.get(publication.draft_id)
    if draft is None or draft.state != DraftState.QUEUED:
        return
    sent_to = {p.account_id for p in siblings if p.state == PublicationState.SENT}
    everywhere = bool(sent_to) and set(draft.target_account_ids) <= sent_to
    # Published only when every target has it; otherwise the draft is editable again, so the
    # user can fix what was refused and send to the rest (never again to these).
    uow.drafts.set_state(
        publication.draft_id, DraftState.PUBLISHED if everywhere else DraftState.DRAFT
    )


def check_publishable(state: DraftState) -> None:
    if state in (DraftState.IN_REVIEW, DraftState.REJECTED, DraftState.TRASHED):
        readable = state.value.replace("_", " ")
        raise PublishBlocked({"": [f"the draft is {readable}; it cannot be published now"]})


def account_label(account: Account) -> str:
    """How the account is named in the history: its handle, or its name where the handle is
    only a number (a Facebook page's id)."""
    handle = account.handle.strip()
    if not handle or handle.isdigit():
        return account.display_name or handle
    return handle


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
