"""The composition root: one Services per process, the acting person resolved once, no cycles."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.app import build_services
from desktop_app.config import resolve_config
from desktop_app.secrets import SecretStore
from desktop_app.services import ActingPersonUnknown, resolve_actor
from tests.support.memory_keyring import MemoryKeyring


def login(name: str) -> object:
    return lambda: name


def no_login() -> str:
    raise KeyError("getpwuid(): uid not found: 1234")


def test_the_configured_name_wins_over_the_login_name() -> None:
    assert resolve_actor("  Karin Berg ", login("kberg")) == "Karin Berg"


@pytest.mark.parametrize("configured", [None, "", "   ", "kanal", "KANAL", "unknown", "system"])
def test_without_a_usable_configured_name_the_login_name_is_used(configured: str | None) -> None:
    assert resolve_actor(configured, login("kberg")) == "kberg"


@pytest.mark.parametrize("name", ["", "kanal", "unknown"])
def test_never_the_system_actor_a_placeholder_or_blank(name: str) -> None:
    with pytest.raises(ActingPersonUnknown, match="KANAL_USER"):
        resolve_actor(None, login(name))


def test_no_login_name_at_all_asks_for_kanal_user() -> None:
    with pytest.raises(ActingPersonUnknown, match="KANAL_USER"):
        resolve_actor(None, no_login)
    assert resolve_actor("Karin", no_login) == "Karin"


def test_kanal_user_reaches_the_services(tmp_path: Path) -> None:
    config = resolve_config(data_dir=str(tmp_path), environ={"KANAL_USER": "Karin Berg"})
    assert config.user == "Karin Berg"
    assert resolve_config(data_dir=str(tmp_path), environ={}, user="Olle").user == "Olle"
    services = build_services(config, secrets=SecretStore(MemoryKeyring()))
    assert services.actor == "Karin Berg"
    # Built once, opening nothing: the store opens on first use, the same one every time.
    assert not services.store_is_open
    assert not (tmp_path / "kanal.sqlite3").exists()
    assert services.inbox_actions is services.inbox_actions
    assert not services.store_is_open
    try:
        assert services.store() is services.store()
    finally:
        services.close()
    assert not services.store_is_open


def imported_after(statement: str, prefixes: tuple[str, ...]) -> list[str]:
    """Which of Kanal's modules starting with ``prefixes`` a fresh interpreter has loaded
    after running ``statement``."""
    probe = (
        f"import json, sys\n{statement}\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""},
        timeout=120,
    )
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def test_no_import_cycle_between_the_root_the_window_and_practice_mode() -> None:
    """The window's modules never import the root or practice mode; practice never the window;
    the root imports neither until it is asked to start the window."""
    window = "import desktop_app.ui.application, desktop_app.ui.engines, desktop_app.ui.main_window"
    assert imported_after(window, ("desktop_app.app", "desktop_app.practice")) == []
    assert imported_after("import desktop_app.practice", ("desktop_app.ui",)) == []
    root = imported_after("import desktop_app.app", ("desktop_app.ui", "desktop_app.practice"))
    assert root == []
