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


def test_the_sync_interval_setting_reaches_the_services_at_start(tmp_path: Path) -> None:
    from desktop_app.ui.preferences import Preferences, sync_interval_s

    assert sync_interval_s(tmp_path) == 300.0  # five minutes unless chosen
    PreferencesStore(tmp_path).save(Preferences(sync_interval_min=15))
    assert sync_interval_s(tmp_path) == 900.0
