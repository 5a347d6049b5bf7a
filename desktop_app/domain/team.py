"""A department's roles, what each may do, and the approval rule: plain data, no I/O.

A person may hold several roles (the first administrator of a team is also its publisher). The
supervisor reads everything and changes nothing but notes. With "approval required" (on by
default in a team) a drafter's post goes out only once a publisher has approved it; a
publisher's own post may go directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.domain.drafts import DraftState


class Role(StrEnum):
    DRAFTER = "drafter"
    PUBLISHER = "publisher"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Action(StrEnum):
    READ = "read"
    DRAFT = "draft"  # write and edit drafts
    SUBMIT = "submit"  # send a draft for review
    REVIEW = "review"  # approve or reject
    PUBLISH = "publish"
    NOTE = "note"  # comment on a draft
    ANSWER = "answer"  # answer, hide, assign inbox items
    MANAGE_MEMBERS = "manage_members"


PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.DRAFTER: frozenset({Action.READ, Action.DRAFT, Action.SUBMIT, Action.NOTE, Action.ANSWER}),
    Role.PUBLISHER: frozenset(
        {
            Action.READ,
            Action.DRAFT,
            Action.SUBMIT,
            Action.REVIEW,
            Action.PUBLISH,
            Action.NOTE,
            Action.ANSWER,
        }
    ),
    Role.SUPERVISOR: frozenset({Action.READ, Action.NOTE}),
    Role.ADMIN: frozenset({Action.READ, Action.MANAGE_MEMBERS}),
}


class NotAllowed(PermissionError):
    """The acting person's roles do not permit this; the message names who and what."""


@dataclass(frozen=True)
class Member:
    name: str
    roles: frozenset[Role]

    def may(self, action: Action) -> bool:
        return allowed(self.roles, action)


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    """Roles from their names; ``ValueError`` names the unknown one."""
    roles: set[Role] = set()
    for value in values:
        try:
            roles.add(Role(value.strip().lower()))
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise ValueError(f"unknown role {value!r}; use one of {known}") from None
    return frozenset(roles)


def allowed(roles: Iterable[Role], action: Action) -> bool:
    return any(action in PERMISSIONS[role] for role in roles)


def require(member: Member | None, name: str, action: Action) -> Member:
    """The member if ``action`` is permitted; ``NotAllowed`` otherwise (unknown people too)."""
    if member is None:
        raise NotAllowed(f"{name} is not a member of the team; an administrator adds members")
    if not member.may(action):
        roles = ", ".join(sorted(r.value for r in member.roles)) or "no role"
        raise NotAllowed(f"{name} ({roles}) may not {action.value.replace('_', ' ')}")
    return member


def publish_refusal(
    publisher: Member | None,
    publisher_name: str,
    drafter: Member | None,
    state: DraftState,
    approval_required: bool,
) -> str | None:
    """Why this person may not publish this draft now, or ``None`` when it may go out.

    A publisher's own draft may go directly; a draft written by someone who is not a publisher
    needs a publisher's approval first when the team requires approval.
    """
    if publisher is None:
        return f"{publisher_name} is not a member of the team"
    if not publisher.may(Action.PUBLISH):
        return f"{publisher_name} is not a publisher; submit the draft for review instead"
    own_post = drafter is not None and drafter.name == publisher.name
    if not approval_required or own_post or (drafter is not None and drafter.may(Action.PUBLISH)):
        return None
    if state in (DraftState.APPROVED, DraftState.QUEUED, DraftState.PUBLISHED):
        return None
    return "a drafter's post needs a publisher's approval first (kanal draft approve ID)"
