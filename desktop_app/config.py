"""Where Kanal keeps its files and which database it talks to."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Kanal"
APP_AUTHOR = "Kanal"
DEFAULT_TIMEZONE = "Europe/Stockholm"


@dataclass(frozen=True)
class AppConfig:
    data_dir: Path
    database_url: str
    lang: str | None = None  # "sv" or "en"; None follows the system locale
    sandbox: bool = False  # practice mode: emulator in-process, own data folder
    # Who acts, as the audit trail names them; None: the OS login name (services.resolve_actor)
    user: str | None = None
    team_url: str | None = None  # the department's team store (--team-url / KANAL_TEAM_URL)

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.as_posix()}"


def resolve_config(
    data_dir: str | None = None,
    database_url: str | None = None,
    lang: str | None = None,
    sandbox: bool = False,
    environ: Mapping[str, str] | None = None,
    user: str | None = None,
    team_url: str | None = None,
) -> AppConfig:
    """Command-line options win over the environment, which wins over the platform default.

    ``user`` (else ``KANAL_USER``) names the person acting, as the audit trail records them.
    Practice mode gets its own data folder below the chosen one, so training never touches the
    real accounts' drafts or history.
    """
    env = os.environ if environ is None else environ
    chosen = data_dir or env.get("KANAL_DATA_DIR")
    base = Path(chosen).expanduser() if chosen else default_data_dir()
    if sandbox:
        base = base / "practice"
    url = database_url or env.get("KANAL_DATABASE_URL")
    if not url or sandbox:
        url = sqlite_url(base / "kanal.sqlite3")
    chosen_user = (user or env.get("KANAL_USER") or "").strip() or None
    return AppConfig(
        data_dir=base,
        database_url=url,
        lang=lang,
        sandbox=sandbox,
        user=chosen_user,
        team_url=None if sandbox else (team_url or env.get("KANAL_TEAM_URL") or None),
    )
