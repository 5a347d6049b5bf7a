"""Working as a department: roles and review (``TeamService``), the desk's link to the team
store (``TeamSync``) and the cross-desk publication claim the outbox asks before sending."""

from desktop_app.engine.team.claims import TeamClaims, account_key
from desktop_app.engine.team.loop import TeamSyncLoop
from desktop_app.engine.team.service import TeamService
from desktop_app.engine.team.sync import SyncCounts, TeamSync

__all__ = ["SyncCounts", "TeamClaims", "TeamService", "TeamSync", "TeamSyncLoop", "account_key"]
