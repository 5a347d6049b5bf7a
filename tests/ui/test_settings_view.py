"""The Settings section: saved at once, locked values disabled with a note, and the window
follows the confirmation setting."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.policy import Policy, PolicyValue
from desktop_app.ui.keyboard import unnamed_focusable_controls
from desktop_app.ui.main_window import SECTION_SETTINGS
from desktop_app.ui.preferences import PreferencesStore
from desktop_app.ui.settings_view import SettingsView
from tests.ui.conftest import MainWindowFactory


def test_a_change_is_saved_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    view = SettingsView(PreferencesStore(tmp_path))
    qtbot.addWidget(view)
    assert view.language.currentData() == "sv" and view.confirm.isChecked()
    view.confirm.setChecked(False)
    view.sync_interval.setCurrentIndex(view.sync_interval.findData(15))
    saved = PreferencesStore(tmp_path).load()
    assert not saved.confirm_before_publishing and saved.sync_interval_min == 15


def test_values_the_organisation_locked_are_disabled_with_a_note(
    qtbot: QtBot, tmp_path: Path
) -> None:
    policy = Policy(locked={"DefaultLanguage": PolicyValue("sv", "file policy.json")})
    view = SettingsView(PreferencesStore(tmp_path, policy))
    qtbot.addWidget(view)
    view.show()
    assert not view.language.isEnabled()
    assert view.alt_text.isEnabled()
    assert view.locked_note.isVisibleTo(view)
    assert "language" in view.locked_note.text()


def test_the_settings_section_is_reachable_named_and_drives_the_confirmation(
    qtbot: QtBot, make_window: MainWindowFactory
) -> None:
    window = make_window()
    window.show_section(SECTION_SETTINGS)
    assert window.stack.currentWidget() is window.settings_view
    assert unnamed_focusable_controls(window.settings_view) == []
    assert window.preferences.confirm_before_publishing
    window.settings_view.confirm.setChecked(False)
    assert not window.preferences.confirm_before_publishing
