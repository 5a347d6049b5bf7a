"""The person's own settings for this computer, and which of them the organisation locks.

Why QSettings (an INI file in the data folder) and not the store: these are one person's
preferences on one workstation (language, notifications, confirmation), not the authority's
records, so they need no audit event, no migration and no database round trip before the
first paint; the data folder keeps them beside the window state. Organisation policy
(``desktop_app.policy``) still wins: a locked value is read from the policy and shown disabled.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from PySide6.QtCore import QSettings

from desktop_app.policy import Policy

SETTINGS_FILE = "settings.ini"
SYNC_INTERVALS_MIN = (1, 2, 5, 10, 15, 30)

# Which preference a policy key governs (only these two exist in the policy today).
POLICY_KEYS = {"language": "DefaultLanguage", "alt_text_required": "AltTextRequired"}


@dataclass(frozen=True)
class Preferences:
    """Defaults fit a Swedish authority: Swedish, confirmation on, notifications on."""

    language: str = "sv"
    default_accounts: tuple[str, ...] = ()
    alt_text_required: bool = True  # as the outbox has always required (policy may relax)
    notifications: bool = True
    confirm_before_publishing: bool = True
    sync_interval_min: int = 5
    locked: frozenset[str] = field(default=frozenset(), compare=False)

    def is_locked(self, name: str) -> bool:
        return name in self.locked


def _flag(value: object, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return default


class PreferencesStore:
    """Reads and writes ``Preferences`` in ``<data folder>/settings.ini``, policy applied."""

    def __init__(self, data_dir: Path, policy: Policy | None = None) -> None:
        self._settings = QSettings(str(data_dir / SETTINGS_FILE), QSettings.Format.IniFormat)
        self._policy = policy if policy is not None else Policy()

    def load(self) -> Preferences:
        s, base = self._settings, Preferences()
        raw = s.value("default_accounts", [])
        accounts: list[object] = (
            [raw] if isinstance(raw, str) and raw else list(raw) if isinstance(raw, list) else []
        )
        try:
            interval = int(str(s.value("sync_interval_min", base.sync_interval_min)))
        except ValueError:
            interval = base.sync_interval_min
        if interval not in SYNC_INTERVALS_MIN:
            interval = base.sync_interval_min
        language = str(s.value("language", base.language))
        prefs = Preferences(
            language=language if language in ("sv", "en") else base.language,
            default_accounts=tuple(str(a) for a in accounts),
            alt_text_required=_flag(s.value("alt_text_required"), base.alt_text_required),
            notifications=_flag(s.value("notifications"), base.notifications),
            confirm_before_publishing=_flag(
                s.value("confirm_before_publishing"), base.confirm_before_publishing
            ),
            sync_interval_min=interval,
        )
        return self._apply_policy(prefs, user_set={k for k in POLICY_KEYS if s.contains(k)})

    def _apply_policy(self, prefs: Preferences, user_set: set[str]) -> Preferences:
        locked: set[str] = set()
        changes: dict[str, object] = {}
        for name, key in POLICY_KEYS.items():
            user_value = getattr(prefs, name) if name in user_set else None
            setting = self._policy.resolve(key, user_value)
            if setting.value is not None:
                changes[name] = setting.value
            if self._policy.is_locked(key):
                locked.add(name)
        return replace(prefs, locked=frozenset(locked), **changes)  # type: ignore[arg-type]

    def save(self, prefs: Preferences) -> None:
        """Writes what the person may change; locked values are left to the policy."""
        s = self._settings
        for name in (
            "language",
            "alt_text_required",
            "notifications",
            "confirm_before_publishing",
            "sync_interval_min",
        ):
            if not prefs.is_locked(name):
                s.setValue(name, getattr(prefs, name))
        s.setValue("default_accounts", list(prefs.default_accounts))
        s.sync()


def sync_interval_s(data_dir: Path) -> float:
    """The inbox sync interval the person chose, for building the services at start."""
    return PreferencesStore(data_dir).load().sync_interval_min * 60.0


def alt_text_required(data_dir: Path) -> bool:
    """Whether the outbox refuses images without alt text (the setting, policy applied)."""
    return PreferencesStore(data_dir).load().alt_text_required
