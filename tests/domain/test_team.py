"""Roles and the approval rule (domain/team.py)."""

from __future__ import annotations

import pytest

from desktop_app.domain.drafts import DraftState
from desktop_app.domain.team import (
    Action,
    Member,
    NotAllowed,
    Role,
    parse_roles,
    publish_refusal,
    require,
)

DAN = Member("dan", frozenset({Role.DRAFTER}))
PIA = Member("pia", frozenset({Role.PUBLISHER, Role.ADMIN}))
SARA = Member("sara", frozenset({Role.SUPERVISOR}))
ADA = Member("ada", frozenset({Role.ADMIN}))


def test_the_supervisor_reads_everything_and_changes_nothing_but_notes() -> None:
    assert {a for a in Action if SARA.may(a)} == {Action.READ, Action.NOTE}


def test_only_administrators_manage_members_and_only_publishers_review_or_publish() -> None:
    assert [m.name for m in (DAN, PIA, SARA, ADA) if m.may(Action.MANAGE_MEMBERS)] == ["pia", "ada"]
    assert [m.name for m in (DAN, PIA, SARA, ADA) if m.may(Action.REVIEW)] == ["pia"]
    assert [m.name for m in (DAN, PIA, SARA, ADA) if m.may(Action.PUBLISH)] == ["pia"]
    with pytest.raises(NotAllowed, match="dan \\(drafter\\) may not publish"):
        require(DAN, "dan", Action.PUBLISH)
    with pytest.raises(NotAllowed, match="not a member"):
        require(None, "eve", Action.READ)
    assert require(PIA, "pia", Action.REVIEW) is PIA


@pytest.mark.parametrize(
    ("drafter", "state", "required", "refused"),
    [
        (DAN, DraftState.DRAFT, True, True),
        (DAN, DraftState.IN_REVIEW, True, True),
        (DAN, DraftState.REJECTED, True, True),
        (DAN, DraftState.APPROVED, True, False),
        (DAN, DraftState.DRAFT, False, False),
        (PIA, DraftState.DRAFT, True, False),  # a publisher's own post goes directly
        (None, DraftState.DRAFT, True, True),  # nobody known wrote it: approval first
    ],
)
def test_a_drafters_post_needs_approval_when_the_team_requires_it(
    drafter: Member | None, state: DraftState, required: bool, refused: bool
) -> None:
    reason = publish_refusal(PIA, "pia", drafter, state, required)
    assert (reason is not None) == refused
    if refused:
        assert "approval" in (reason or "")


def test_nobody_but_a_publisher_publishes() -> None:
    assert "not a publisher" in (publish_refusal(DAN, "dan", DAN, DraftState.APPROVED, False) or "")
    assert "not a member" in (publish_refusal(None, "eve", DAN, DraftState.APPROVED, True) or "")


def test_roles_are_parsed_by_name() -> None:
    assert parse_roles(["Drafter", "publisher"]) == {Role.DRAFTER, Role.PUBLISHER}
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        parse_roles(["boss"])
