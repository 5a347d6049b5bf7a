"""The main window's shell: sections, keyboard, status bar, window state, practice mode, close."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from pytestqt.qtbot import QtBot

from desktop_app.config import AppConfig
from desktop_app.ui.accounts_view import AccountsView
from desktop_app.ui.application import choose_language
from desktop_app.ui.connectivity import ConnectivityMonitor
from desktop_app.ui.history_view import HistoryView
from desktop_app.ui.inbox.view import InboxView
from desktop_app.ui.main_window import (
    SECTION_ACCOUNTS,
    SECTION_COMPOSE,
    SECTION_DRAFTS,
    SECTION_INBOX,
    SECTION_SCHEDULED,
    SECTION_SENT,
)
from desktop_app.ui.scheduled_view import ScheduledView
from desktop_app.ui.tasks import TaskRunner
from tests.ui.conftest import MainWindowFactory

SECTION_NAMES = [
    "Inbox",
    "Compose",
    "Drafts",
    "Scheduled",
    "Sent",
    "Accounts",
    "Calendar",
    "Settings",
    "Review",
]


def kanal_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("kanal-")]


def test_sidebar_lists_the_sections_and_opens_on_the_composer(
    make_window: MainWindowFactory,
) -> None:
    window = make_window()
    names = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert names == SECTION_NAMES
    assert window.current_section() == SECTION_COMPOSE
    assert window.stack.currentWidget() is window.composer


def test_every_section_is_built(make_window: MainWindowFactory) -> None:
    window = make_window()
    assert isinstance(window.stack.widget(SECTION_ACCOUNTS), AccountsView)
    assert isinstance(window.stack.widget(SECTION_INBOX), InboxView)
    assert isinstance(window.stack.widget(SECTION_SCHEDULED), ScheduledView)
    assert isinstance(window.stack.widget(SECTION_SENT), HistoryView)


def test_sections_are_reachable_from_the_keyboard(
    qtbot: QtBot, make_window: MainWindowFactory
) -> None:
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == SECTION_DRAFTS
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == SECTION_ACCOUNTS
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Up)
    assert window.current_section() == SECTION_ACCOUNTS - 1


def test_status_bar_shows_connection_and_sending_queue(make_window: MainWindowFactory) -> None:
    window = make_window()
    assert window.queue_label.text() == "Sending queue: 0"
    window.set_queue_length(3)
    assert window.queue_label.text() == "Sending queue: 3"
    window.set_online(False)
    assert window.online_label.text().startswith("○ Offline")
    window.set_online(True)
    assert window.online_label.text() == "● Online"


def test_the_fallback_connectivity_check_runs_off_the_gui_thread(qtbot: QtBot) -> None:
    answers = [False, False, True]
    asked_on: list[str] = []

    def probe() -> bool:
        asked_on.append(threading.current_thread().name)
        return answers.pop(0) if len(answers) > 1 else answers[0]

    runner = TaskRunner()
    monitor = ConnectivityMonitor(runner, use_system=False, probe=probe, interval_ms=20)
    try:
        assert not monitor.uses_system_backend
        with qtbot.waitSignal(monitor.online_changed, timeout=5000) as offline:
            pass
        assert offline.args == [False]
        # The same answer again is no news; the change is.
        with qtbot.waitSignal(monitor.online_changed, timeout=5000) as online:
            pass
        assert online.args == [True] and monitor.online is True
        assert len(asked_on) >= 3
        # On the window's one worker lane, not a thread of its own.
        assert all(name.startswith("kanal-work") for name in asked_on)
    finally:
        monitor.close()
        runner.close()


def test_window_size_and_section_come_back(
    qtbot: QtBot, make_window: MainWindowFactory, config: AppConfig
) -> None:
    first = make_window()
    first.show()
    qtbot.waitExposed(first)
    first.resize(QSize(700, 520))
    first.show_section(SECTION_DRAFTS)
    first.close()
    saved = json.loads((config.data_dir / "window.json").read_text(encoding="utf-8"))
    assert set(saved) == {"geometry", "section", "open_draft"}  # plain data, not pickled
    second = make_window()
    second.show()
    qtbot.waitExposed(second)
    assert second.size() == QSize(700, 520)
    assert second.current_section() == SECTION_DRAFTS


def test_a_damaged_window_state_file_is_ignored(
    make_window: MainWindowFactory, config: AppConfig
) -> None:
    config.data_dir.mkdir(parents=True, exist_ok=True)
    Path(config.data_dir / "window.json").write_text('{"geometry": "%%%", "section": 99')
    window = make_window()
    assert window.current_section() == SECTION_COMPOSE


def test_practice_mode_says_so_in_title_and_banner(make_window: MainWindowFactory) -> None:
    normal = make_window()
    assert normal.windowTitle() == "Kanal"
    assert not normal.practice_banner.isVisibleTo(normal)
    practice = make_window(practice_mode=True)
    assert practice.practice_mode
    assert "Practice mode" in practice.windowTitle()
    assert practice.practice_banner.isVisibleTo(practice)


def test_closing_saves_the_draft_and_joins_every_thread(
    qtbot: QtBot, make_window: MainWindowFactory, config: AppConfig
) -> None:
    from desktop_app.store.database import Store

    window = make_window()
    window.show()
    window.composer.body_editor.setPlainText("Skrivet precis innan stängning")
    assert window.composer.has_unsaved_changes()
    with qtbot.waitSignal(window.closed):
        window.close()
    assert kanal_threads() == []
    store = Store(config.database_url, data_dir=config.data_dir)
    try:
        with store.unit_of_work(read_only=True) as uow:
            bodies = [d.body for d in uow.drafts.list()]
    finally:
        store.dispose()
    assert bodies == ["Skrivet precis innan stängning"]


def test_language_is_swedish_unless_chosen_whatever_the_system_locale() -> None:
    from desktop_app.ui.preferences import Preferences

    assert choose_language(None) == "sv"  # no option, no setting: Swedish, even under C
    assert choose_language("en") == "en"
    assert choose_language(None, Preferences(language="en")) == "en"
    assert choose_language("en", Preferences(language="sv")) == "en"  # the option wins
    locked = Preferences(language="sv", locked=frozenset({"language"}))
    assert choose_language("en", locked) == "sv"  # unless IT locked it


def test_text_that_cannot_be_saved_on_close_is_kept_in_a_file(
    qtbot: QtBot, make_window: MainWindowFactory, config: AppConfig
) -> None:
    from desktop_app.domain.drafts import DraftState
    from desktop_app.store.database import Store

    window = make_window()
    window.composer.body_editor.setPlainText("Första versionen")
    with qtbot.waitSignal(window.composer.draft_saved, timeout=5000) as saved:
        window.composer.save_now()
    store = Store(config.database_url, data_dir=config.data_dir)
    try:
        with store.unit_of_work() as uow:  # queued elsewhere: no longer editable
            uow.drafts.set_state(saved.args[0], DraftState.QUEUED)
    finally:
        store.dispose()
    window.composer.body_editor.setPlainText("Andra versionen, skriven sist")
    window.close()
    rescued = list((config.data_dir / "unsaved").glob("unsaved-draft-*.json"))
    assert len(rescued) == 1
    record = json.loads(rescued[0].read_text(encoding="utf-8"))
    assert record["body"] == "Andra versionen, skriven sist"
    assert record["draft_id"] == saved.args[0]
