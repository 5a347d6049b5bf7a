"""Roles and the review flow on this desk: every change is made locally and queued for the
team in the same unit of work, so it works offline and reaches the team on the next sync."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop_app.domain.drafts import Draft, DraftNotFound, DraftState
from desktop_app.domain.team import (
    Action,
    Member,
    NotAllowed,
    parse_roles,
    publish_refusal,
    require,
)
from desktop_app.engine.team.claims import account_key
from desktop_app.store.base import new_id
from desktop_app.store.database import Store
from desktop_app.store.team_local import Conflict, DraftTeamFacts, Note, TeamLocalRepository
from desktop_app.store.team_store import TeamStore, TeamStoreUnavailable
from desktop_app.store.unit_of_work import UnitOfWork

DESK_KEY = "desk_id"
INBOX_FIELDS = ("read_by", "answered_by", "answering_by", "assigned_to", "hidden_by")
APPROVAL_KEY = "approval_required"


class TeamNotConfigured(Exception):
    """No team store is set (``--team-url`` / ``KANAL_TEAM_URL``)."""


@dataclass(frozen=True)
class ReviewItem:
    """One draft waiting for a publisher, as the review queue ("Granska") shows it."""

    draft: Draft
    submitted_by: str
    notes: tuple[Note, ...]
    conflicts: tuple[Conflict, ...]


class TeamService:
    """What a person does as a member of the team, checked against his or her roles."""

    def __init__(self, store: Store, team: TeamStore | None, user: str) -> None:
        self._store = store
        self._team = team
        self.user = user

    # -- identity ----------------------------------------------------------------------------

    def desk_id(self) -> str:
        with self._store.unit_of_work() as uow:
            local = TeamLocalRepository(uow)
            desk = local.get_state(DESK_KEY)
            if not desk:
                desk = new_id()
                local.set_state(DESK_KEY, desk)
            return desk

    def team(self) -> TeamStore:
        if self._team is None:
            raise TeamNotConfigured("no team store is set; give --team-url or KANAL_TEAM_URL")
        return self._team

    # -- members -----------------------------------------------------------------------------

    def init(self) -> bool:
        """Create the team store; the acting user becomes administrator and publisher."""
        created = self.team().create_schema(self.user)
        self.refresh_members()
        return created

    def refresh_members(self) -> None:
        team = self.team()
        members = team.members()
        approval = team.approval_required()
        with self._store.unit_of_work() as uow:
            local = TeamLocalRepository(uow)
            local.replace_members(members)
            local.set_state(APPROVAL_KEY, "true" if approval else "false")

    def members(self) -> list[Member]:
        """The members as last seen (works offline)."""
        with self._store.unit_of_work(read_only=True) as uow:
            cached = TeamLocalRepository(uow).members()
        return [Member(name, parse_roles(_split(roles))) for name, roles in sorted(cached.items())]

    def member(self, name: str) -> Member | None:
        return next((m for m in self.members() if m.name == name), None)

    def add_member(self, name: str, roles: list[str]) -> Member:
        """Add a member or change his or her roles (administrators only; needs the team store)."""
        parsed = parse_roles(roles)
        if not parsed:
            raise ValueError("give at least one --role")
        self.refresh_members()
        require(self.member(self.user), self.user, Action.MANAGE_MEMBERS)
        self.team().put_member(name, ",".join(sorted(r.value for r in parsed)), self.user)
        self.refresh_members()
        return Member(name, parsed)

    def approval_required(self) -> bool:
        with self._store.unit_of_work(read_only=True) as uow:
            return TeamLocalRepository(uow).get_state(APPROVAL_KEY, "true") == "true"

    # -- the review flow ---------------------------------------------------------------------

    def submit(self, draft_id: str) -> Draft:
        """Send a draft for review: its text and the request reach the team on the next sync."""
        require(self.member(self.user), self.user, Action.SUBMIT)
        with self._store.unit_of_work() as uow:
            draft = uow.drafts.require(draft_id)
            if draft.state == DraftState.REJECTED:
                uow.drafts.set_state(draft_id, DraftState.DRAFT, self.user)
            draft = uow.drafts.set_state(draft_id, DraftState.IN_REVIEW, self.user)
            local = TeamLocalRepository(uow)
            self._queue_content(uow, local, draft)
            local.enqueue("draft.submitted", draft_id, self.user, {"author": draft.author})
            local.update_facts(draft_id, submitted_by=self.user, rejected_by="", reject_reason="")
            return draft

    def approve(self, draft_id: str) -> Draft:
        require(self.member(self.user), self.user, Action.REVIEW)
        with self._store.unit_of_work() as uow:
            draft = self._in_review(uow, draft_id)
            draft = uow.drafts.set_state(draft.id, DraftState.APPROVED, self.user)
            local = TeamLocalRepository(uow)
            if local.open_conflicts(draft_id):
                raise NotAllowed("the draft has two texts written apart; choose one first")
            local.enqueue("draft.approved", draft_id, self.user, {})
            local.update_facts(draft_id, approved_by=self.user)
            return draft

    def reject(self, draft_id: str, reason: str) -> Draft:
        require(self.member(self.user), self.user, Action.REVIEW)
        if not reason.strip():
            raise ValueError("a rejection needs a reason the drafter can act on (--reason)")
        with self._store.unit_of_work() as uow:
            draft = self._in_review(uow, draft_id)
            draft = uow.drafts.set_state(draft.id, DraftState.REJECTED, self.user)
            local = TeamLocalRepository(uow)
            local.enqueue("draft.rejected", draft_id, self.user, {"reason": reason.strip()})
            local.update_facts(draft_id, rejected_by=self.user, reject_reason=reason.strip())
            return draft

    def add_note(self, draft_id: str, text: str) -> Note:
        require(self.member(self.user), self.user, Action.NOTE)
        with self._store.unit_of_work() as uow:
            uow.drafts.require(draft_id)
            note_id = new_id()
            now = uow.clock()
            local = TeamLocalRepository(uow)
            local.add_note(note_id, draft_id, self.user, text, now)
            local.enqueue("draft.note", draft_id, self.user, {"note_id": note_id, "text": text})
            return Note(note_id, draft_id, self.user, text, now)

    def edit(self, draft_id: str, *, title: str | None = None, body: str | None = None) -> Draft:
        """Change a shared draft's text (works offline; a clash is kept, never overwritten)."""
        require(self.member(self.user), self.user, Action.DRAFT)
        with self._store.unit_of_work() as uow:
            changes: dict[str, Any] = {}
            if title is not None:
                changes["title"] = title
            if body is not None:
                changes["body"] = body
            before = uow.drafts.require(draft_id)
            draft = uow.drafts.update(draft_id, actor=self.user, **changes)
            local = TeamLocalRepository(uow)
            if (draft.title, draft.body) != (before.title, before.body):
                if draft.state == DraftState.APPROVED:
                    # An approval holds for the text that was approved, not for a new one.
                    draft = uow.drafts.set_state(draft_id, DraftState.DRAFT, self.user)
                    local.update_facts(draft_id, approved_by="")
                self._queue_content(uow, local, draft)
            return draft

    def resolve_conflict(self, draft_id: str, title: str, body: str) -> Draft:
        """A person chose the text: it becomes the team's, and the clash is closed."""
        require(self.member(self.user), self.user, Action.DRAFT)
        with self._store.unit_of_work() as uow:
            local = TeamLocalRepository(uow)
            draft = uow.drafts.update(draft_id, title=title, body=body, actor=self.user)
            last = max((c.remote_seq for c in local.open_conflicts(draft_id)), default=0)
            facts = local.facts(draft_id)
            local.update_facts(draft_id, base_seq=max(facts.base_seq, last))
            self._queue_content(uow, local, draft, resolves_conflict=True)
            local.resolve_conflicts(draft_id, self.user)
            return draft

    def share(self, draft_ids: list[str]) -> None:
        """Make sure the team knows these drafts (a publisher's own post going out directly)."""
        with self._store.unit_of_work() as uow:
            local = TeamLocalRepository(uow)
            for draft_id in draft_ids:
                draft = uow.drafts.get(draft_id)
                if draft is None or local.facts(draft_id).base_seq:
                    continue
                if not local.has_pending_for(draft_id, "draft.saved"):
                    self._queue_content(uow, local, draft)
                local.update_facts(draft_id)

    def mark_inbox(self, item_key: str, **fields: str) -> None:
        """Share who read, answers, answered, was assigned or hid an inbox item.

        ``item_key`` is the item's public identity (network, account, remote id), the same on
        every desk; an empty value clears a field (e.g. ``answering_by=""`` when done).
        """
        unknown = set(fields) - set(INBOX_FIELDS)
        if unknown:
            raise ValueError(f"unknown inbox state {', '.join(sorted(unknown))}")
        action = Action.READ if set(fields) <= {"read_by"} else Action.ANSWER
        require(self.member(self.user), self.user, action)
        with self._store.unit_of_work() as uow:
            TeamLocalRepository(uow).enqueue("inbox.state", item_key, self.user, dict(fields))

    # -- reading -----------------------------------------------------------------------------

    def draft(self, draft_id: str) -> Draft:
        with self._store.unit_of_work(read_only=True) as uow:
            return uow.drafts.require(draft_id)

    def review_queue(self) -> list[ReviewItem]:
        """Drafts in review on this desk's copy, oldest first (works offline)."""
        with self._store.unit_of_work(read_only=True) as uow:
            drafts = uow.drafts.list(state=DraftState.IN_REVIEW, limit=None)
            local = TeamLocalRepository(uow)
            items = [
                ReviewItem(
                    d,
                    local.facts(d.id).submitted_by or d.author,
                    tuple(local.notes(d.id)),
                    tuple(local.open_conflicts(d.id)),
                )
                for d in drafts
            ]
        return sorted(items, key=lambda item: item.draft.updated_at)

    def facts(self, draft_ids: list[str]) -> dict[str, DraftTeamFacts]:
        with self._store.unit_of_work(read_only=True) as uow:
            return TeamLocalRepository(uow).facts_for(draft_ids)

    def conflicts(self, draft_id: str | None = None) -> list[Conflict]:
        with self._store.unit_of_work(read_only=True) as uow:
            return TeamLocalRepository(uow).open_conflicts(draft_id)

    def publish_refusal(self, draft_id: str) -> str | None:
        """Why the acting user may not publish this draft now, or ``None``."""
        with self._store.unit_of_work(read_only=True) as uow:
            draft = uow.drafts.require(draft_id)
        return publish_refusal(
            self.member(self.user),
            self.user,
            self.member(draft.author) if draft.author else None,
            draft.state,
            self.approval_required(),
        )

    def team_history(self, limit: int = 100) -> list[dict[str, Any]] | None:
        """The department's sent history from the team store; ``None`` when unreachable."""
        if self._team is None:
            return None
        try:
            return self._team.history(limit)
        except TeamStoreUnavailable:
            return None

    # -- helpers -----------------------------------------------------------------------------

    def _in_review(self, uow: UnitOfWork, draft_id: str) -> Draft:
        draft = uow.drafts.get(draft_id)
        if draft is None:
            raise DraftNotFound(f"no draft {draft_id}")
        if draft.state != DraftState.IN_REVIEW:
            raise NotAllowed(
                f"draft {draft_id} is {draft.state.value.replace('_', ' ')}, not in review"
            )
        return draft

    def _queue_content(
        self,
        uow: UnitOfWork,
        local: TeamLocalRepository,
        draft: Draft,
        resolves_conflict: bool = False,
    ) -> None:
        accounts = {a.id: a for a in uow.accounts.list()}
        targets = [account_key(accounts[i]) for i in draft.target_account_ids if i in accounts]
        payload: dict[str, Any] = {
            "title": draft.title,
            "body": draft.body,
            "author": draft.author,
            "targets": targets,
        }
        if resolves_conflict:
            payload["resolves_conflict"] = True
        local.enqueue("draft.saved", draft.id, self.user, payload)


def _split(roles: str) -> list[str]:
    return [r for r in roles.split(",") if r]
