"""Records settings: the records language, and when and where periodic snapshots go.

Stored in the database (``records_settings``), so a team shares them. The records language is
independent of the window's language: a Swedish authority's records are Swedish even when an
employee runs the window in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_app.domain.audit import AuditKind
from desktop_app.store.records import RecordsRepository

if TYPE_CHECKING:
    from desktop_app.store.unit_of_work import UnitOfWork

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
DEFAULT_SNAPSHOT_MONTHS = 6


@dataclass(frozen=True)
class RecordsSettings:
    language: str = DEFAULT_LANGUAGE
    snapshot_months: int = DEFAULT_SNAPSHOT_MONTHS  # 0: no periodic snapshots
    snapshot_folder: str = ""  # a network share is typical; empty: not configured


def load(uow: UnitOfWork) -> RecordsSettings:
    repo = RecordsRepository(uow)
    language = str(repo.setting("language", DEFAULT_LANGUAGE))
    months = repo.setting("snapshot_months", DEFAULT_SNAPSHOT_MONTHS)
    return RecordsSettings(
        language=language if language in LANGUAGES else DEFAULT_LANGUAGE,
        snapshot_months=int(months) if isinstance(months, int) else DEFAULT_SNAPSHOT_MONTHS,
        snapshot_folder=str(repo.setting("snapshot_folder", "") or ""),
    )


def save(uow: UnitOfWork, actor: str, **changes: object) -> RecordsSettings:
    """Change some settings (``language``, ``snapshot_months``, ``snapshot_folder``), audited."""
    if "language" in changes and changes["language"] not in LANGUAGES:
        raise ValueError(f"records language must be one of {', '.join(LANGUAGES)}")
    months = changes.get("snapshot_months")
    if months is not None and (not isinstance(months, int) or not 0 <= months <= 120):
        raise ValueError("snapshot interval must be 0 (off) to 120 months")
    repo = RecordsRepository(uow)
    for key, value in changes.items():
        if value is not None:
            repo.set_setting(key, value)
    uow.audit.append(
        AuditKind.RECORDS_SETTINGS_CHANGED,
        actor=actor,
        subject_type="records_settings",
        subject_id="records",
        details={k: v for k, v in changes.items() if v is not None},
    )
    return load(uow)
