"""Moves a local draft through its life cycle the shortest allowed way (a colleague's decision
arriving from the team may skip a step this desk never saw)."""

from __future__ import annotations

import itertools

from desktop_app.domain.drafts import DraftState, InvalidTransition, check_transition
from desktop_app.store.unit_of_work import UnitOfWork


def move_draft(uow: UnitOfWork, draft_id: str, target: DraftState, actor: str) -> bool:
    """``True`` if the draft is (now) in ``target``; ``False`` if no path leads there."""
    draft = uow.drafts.get(draft_id)
    if draft is None:
        return False
    if draft.state == target:
        return True
    for via in ((), (DraftState.DRAFT,), (DraftState.DRAFT, DraftState.IN_REVIEW)):
        path = [draft.state, *via, target]
        try:
            for current, following in itertools.pairwise(path):
                check_transition(current, following)
        except InvalidTransition:
            continue
        for step in path[1:]:
            uow.drafts.set_state(draft_id, step, actor)
        return True
    if target == DraftState.PUBLISHED and draft.state in (DraftState.APPROVED, DraftState.DRAFT):
        uow.drafts.set_state(draft_id, DraftState.QUEUED, actor)
        uow.drafts.set_state(draft_id, DraftState.PUBLISHED, actor)
        return True
    return False
