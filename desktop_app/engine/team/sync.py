"""Pushes this desk's team changes and pulls the others', applying them to the local copy.

Pushing is idempotent (each change has its id; the team store adds it once). Pulling applies
changes in the team's order after the last sequence this desk has seen. A text changed on two
desks apart is never overwritten: both texts are kept as a conflict a person resolves.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.domain.drafts import DraftLocked, DraftState
from desktop_app.domain.publications import PublicationState
from desktop_app.engine.team.claims import account_key
from desktop_app.engine.team.local import move_draft
from desktop_app.engine.team.service import TeamService
from desktop_app.store.database import Store
from desktop_app.store.team_local import (
    TeamLocalRepository,
    create_draft_copy,
    shared_unpublished,
)
from desktop_app.store.team_store import OutgoingChange, TeamChange, TeamStore
from desktop_app.store.unit_of_work import UnitOfWork

LAST_SEQ_KEY = "last_seq"


@dataclass(frozen=True)
class SyncCounts:
    pushed: int
    pulled: int
    conflicts: int


class TeamSync:
    """One desk's link to the team store. Raises ``TeamStoreUnavailable`` when offline."""

    def __init__(self, store: Store, team: TeamStore, service: TeamService) -> None:
        self._store = store
        self._team = team
        self._service = service
        self._desk = service.desk_id()

    def sync(self) -> SyncCounts:
        """Push, then pull; the members and the approval policy are refreshed too."""
        self.note_publications()
        pushed = self.push()
        self._service.refresh_members()
        pulled, conflicts = self.pull()
        return SyncCounts(pushed, pulled, conflicts)

    def pending(self) -> int:
        with self._store.unit_of_work(read_only=True) as uow:
            return TeamLocalRepository(uow).count_pending()

    # -- push --------------------------------------------------------------------------------

    def push(self) -> int:
        """Send the pending changes, oldest first, one at a time (each takes its base)."""
        count = 0
        while True:
            with self._store.unit_of_work(read_only=True) as uow:
                local = TeamLocalRepository(uow)
                batch = local.pending(limit=100)
                bases = {c.entity_id: local.facts(c.entity_id).base_seq for c in batch}
            if not batch:
                return count
            for change in batch:
                payload = dict(change.payload)
                if change.kind == "draft.saved":
                    payload["base_seq"] = bases.get(change.entity_id, 0)
                outgoing = OutgoingChange(
                    change.change_id,
                    change.kind,
                    change.entity_id,
                    change.actor,
                    payload,
                    change.created_at,
                )
                (result,) = self._team.push(self._desk, [outgoing])
                with self._store.unit_of_work() as uow:
                    local = TeamLocalRepository(uow)
                    local.forget([change.change_id])
                    if change.kind == "draft.saved":
                        local.update_facts(change.entity_id, base_seq=result.seq)
                        bases[change.entity_id] = result.seq
                count += 1

    def note_publications(self) -> int:
        """Queue, once, what this desk has sent of the team's drafts (for the team history)."""
        noted = 0
        with self._store.unit_of_work() as uow:
            local = TeamLocalRepository(uow)
            accounts = {a.id: a for a in uow.accounts.list()}
            for draft_id in shared_unpublished(uow):
                publications = uow.publications.list_for_draft(draft_id)
                sent = [p for p in publications if p.state == PublicationState.SENT]
                if not sent or any(p.is_open for p in publications):
                    continue
                posts = [
                    {
                        "account_key": account_key(accounts[p.account_id])
                        if p.account_id in accounts
                        else p.account_id,
                        "network": p.network.value,
                        "text": "\n".join(p.parts),
                        "remote_url": p.remote_url,
                    }
                    for p in sent
                ]
                publisher = sent[0].submitted_by
                local.enqueue("draft.published", draft_id, publisher, {"posts": posts})
                local.update_facts(draft_id, published_by=publisher)
                noted += 1
        return noted

    # -- pull --------------------------------------------------------------------------------

    def pull(self) -> tuple[int, int]:
        """Apply the others' changes since the last seen sequence: (applied, new conflicts)."""
        applied = conflicts = 0
        while True:
            with self._store.unit_of_work(read_only=True) as uow:
                last = int(TeamLocalRepository(uow).get_state(LAST_SEQ_KEY, "0"))
            changes = self._team.changes_since(last, limit=500)
            if not changes:
                return applied, conflicts
            with self._store.unit_of_work() as uow:
                local = TeamLocalRepository(uow)
                for change in changes:
                    if change.desk != self._desk:
                        conflicts += self._apply(uow, local, change)
                        applied += 1
                local.set_state(LAST_SEQ_KEY, str(changes[-1].seq))

    def _apply(self, uow: UnitOfWork, local: TeamLocalRepository, change: TeamChange) -> int:
        draft_id = change.entity_id
        payload = change.payload
        actor = change.actor
        if change.kind == "draft.saved":
            return self._apply_text(uow, local, change)
        if uow.drafts.get(draft_id) is None:
            return 0  # a decision about a draft this desk never received
        if change.kind == "draft.submitted":
            move_draft(uow, draft_id, DraftState.IN_REVIEW, actor)
            local.update_facts(draft_id, submitted_by=actor, rejected_by="", reject_reason="")
        elif change.kind == "draft.approved":
            move_draft(uow, draft_id, DraftState.APPROVED, actor)
            local.update_facts(draft_id, approved_by=actor)
        elif change.kind == "draft.rejected":
            move_draft(uow, draft_id, DraftState.REJECTED, actor)
            local.update_facts(
                draft_id, rejected_by=actor, reject_reason=str(payload.get("reason", ""))
            )
        elif change.kind == "draft.note":
            local.add_note(
                str(payload["note_id"]), draft_id, actor, str(payload["text"]), change.made_at
            )
        elif change.kind == "draft.published":
            draft = uow.drafts.require(draft_id)
            if draft.state in (DraftState.APPROVED, DraftState.IN_REVIEW, DraftState.DRAFT):
                move_draft(uow, draft_id, DraftState.PUBLISHED, actor)
            local.update_facts(draft_id, published_by=actor)
        return 0

    def _apply_text(self, uow: UnitOfWork, local: TeamLocalRepository, change: TeamChange) -> int:
        payload = change.payload
        draft_id = change.entity_id
        title, body = str(payload.get("title", "")), str(payload.get("body", ""))
        draft = uow.drafts.get(draft_id)
        if draft is None:
            keys = set(payload.get("targets", []))
            targets = [a.id for a in uow.accounts.list() if account_key(a) in keys]
            author = str(payload.get("author", change.actor))
            create_draft_copy(uow, draft_id, title, body, author, targets)
            local.update_facts(draft_id, base_seq=change.seq)
            return 0
        if (draft.title, draft.body) == (title, body):
            local.update_facts(draft_id, base_seq=max(change.seq, local.facts(draft_id).base_seq))
            return 0
        facts = local.facts(draft_id)
        follows = int(payload.get("base_seq", 0)) == facts.base_seq or payload.get(
            "resolves_conflict"
        )
        apart = change.conflict or not follows or local.has_pending_for(draft_id, "draft.saved")
        if apart:
            local.add_conflict(
                draft_id, (draft.title, draft.body), (title, body), change.actor, change.seq
            )
            return 1
        try:
            uow.drafts.update(draft_id, title=title, body=body, actor=change.actor)
        except DraftLocked:
            return 0  # already on its way out; the sent text is the record
        local.update_facts(draft_id, base_seq=change.seq)
        if draft.state == DraftState.APPROVED:
            # The approval was for the earlier text: back to draft, to be reviewed again.
            uow.drafts.set_state(draft_id, DraftState.DRAFT, change.actor)
            local.update_facts(draft_id, approved_by="")
        if payload.get("resolves_conflict"):
            local.resolve_conflicts(draft_id, change.actor)
        return 0
