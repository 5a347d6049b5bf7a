"""One post per account across every desk: the outbox asks the team store before sending."""

from __future__ import annotations

from desktop_app.domain.accounts import Account
from desktop_app.domain.errors import TemporaryFailure
from desktop_app.domain.publications import Publication
from desktop_app.store.team_store import TeamStore, TeamStoreMissing, TeamStoreUnavailable

CLAIMED_ELSEWHERE = "another desk of the team publishes this post to this account"


def account_key(account: Account) -> str:
    """An account's public identity, the same on every desk that connected it."""
    return f"{account.network.value}:{account.base_url.rstrip('/')}:{account.remote_id}"


def publication_key(publication: Publication) -> str:
    """One post of the team: a draft is published at most once per account."""
    return publication.draft_id or publication.id


class TeamClaims:
    """The outbox's ``before_send`` hook: ``True`` when this desk may send this post there.

    While the team store cannot be reached the post waits (a temporary failure the outbox
    retries with back-off) rather than risk a second copy from another desk.
    """

    def __init__(self, team: TeamStore, desk: str, actor: str) -> None:
        self._team = team
        self._desk = desk
        self._actor = actor

    def __call__(self, publication: Publication, account: Account) -> bool:
        try:
            return self._team.claim(
                publication_key(publication), account_key(account), self._desk, self._actor
            )
        except (TeamStoreUnavailable, TeamStoreMissing) as error:
            raise TemporaryFailure(f"{error}; the post waits") from None
