"""Schedules the window can be trusted with: refused when past or nonexistent, named on the
button, confirmed before going public, and warned about when this computer must keep them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.domain.networks import Network
from desktop_app.policy import Policy, PolicyValue
from desktop_app.ui.application import display_zone
from desktop_app.ui.composer import ComposerWidget
from desktop_app.ui.preferences import Preferences, PreferencesStore
from desktop_app.ui.publish_gate import PublishGate
from desktop_app.ui.schedule_guard import kept_locally_warning, schedule_problem
from desktop_app.ui.targets import network_target

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def wall(year: int, month: int, day: int, hour: int, minute: int) -> QDateTime:
    """Wall-clock fields as typed (held in UTC so Qt does not move a skipped hour itself)."""
    return QDateTime(QDate(year, month, day), QTime(hour, minute), QTimeZone.utc())


def test_a_time_in_the_past_is_refused_with_the_time_shown() -> None:
    problem = schedule_problem(wall(2020, 1, 1, 10, 0), STOCKHOLM, NOW)
    assert problem is not None
    assert "2020-01-01 10:00 has already passed" in problem


def test_a_time_the_clocks_skip_is_refused() -> None:
    problem = schedule_problem(wall(2026, 3, 29, 2, 30), STOCKHOLM, NOW)
    assert problem is not None
    assert "does not exist" in problem and "02:00-03:00" in problem


def test_a_later_real_time_is_accepted() -> None:
    assert schedule_problem(wall(2026, 3, 29, 3, 30), STOCKHOLM, NOW) is None


def test_scheduling_for_x_warns_that_this_computer_must_keep_it() -> None:
    warning = kept_locally_warning([Network.MASTODON, Network.X])
    assert "X" in warning and "this computer sends it" in warning
    assert kept_locally_warning([Network.MASTODON]) == ""


class Answers:
    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[tuple[list[str], QDateTime | None]] = []
        self.warnings: list[str] = []

    def confirm(self, _parent: QWidget, names: Sequence[str], when: QDateTime | None) -> bool:
        self.asked.append((list(names), when))
        return self.answer

    def warn(self, _parent: QWidget, text: str) -> None:
        self.warnings.append(text)


def gate_for(composer: ComposerWidget, answers: Answers, confirm_on: bool = True) -> PublishGate:
    return PublishGate(
        composer,
        display_zone(),
        list,
        lambda: confirm_on,
        confirm=answers.confirm,
        warn=answers.warn,
    )


def test_the_button_says_schedule_when_a_time_is_set(composer: ComposerWidget) -> None:
    composer.set_publisher(lambda _draft, _split: None)  # type: ignore[arg-type, return-value]
    assert composer.publish_button.text().replace("&", "") == "Publish"
    composer.set_schedule(datetime.now(UTC) + timedelta(hours=2))
    assert composer.publish_button.text().replace("&", "") == "Schedule"
    composer.set_schedule(None)
    assert composer.publish_button.text().replace("&", "") == "Publish"


def test_a_past_schedule_is_refused_before_anything_is_asked_or_sent(
    qtbot: QtBot, composer: ComposerWidget
) -> None:
    answers = Answers(True)
    gate = gate_for(composer, answers)
    composer.set_schedule(datetime.now(UTC) - timedelta(hours=1))
    assert gate.allow() is False
    assert answers.asked == []
    assert len(answers.warnings) == 1 and "has already passed" in answers.warnings[0]
    assert composer.schedule_note.isVisibleTo(composer)
    composer.set_schedule(datetime.now(UTC) + timedelta(hours=1))
    assert not composer.schedule_note.isVisibleTo(composer)  # no longer true: gone


def test_publishing_asks_first_and_a_no_stops_it(qtbot: QtBot, composer: ComposerWidget) -> None:
    answers = Answers(False)
    gate = gate_for(composer, answers)
    assert gate.allow() is False
    assert answers.asked == [([], None)]
    answers.answer = True
    assert gate.allow() is True


def test_the_confirmation_can_be_turned_off(qtbot: QtBot, composer: ComposerWidget) -> None:
    answers = Answers(False)
    gate = gate_for(composer, answers, confirm_on=False)
    assert gate.allow() is True
    assert answers.asked == []


def test_the_note_warns_when_scheduling_for_x(qtbot: QtBot, composer: ComposerWidget) -> None:
    gate_for(composer, Answers(True))
    composer.set_targets([network_target(Network.X)])
    composer.set_schedule(datetime.now(UTC) + timedelta(hours=3))
    assert composer.schedule_note.isVisibleTo(composer)
    assert "this computer sends it" in composer.schedule_note.text()


def test_preferences_persist_and_default_to_swedish_with_confirmation(tmp_path: Path) -> None:
    store = PreferencesStore(tmp_path)
    prefs = store.load()
    assert prefs.language == "sv" and prefs.confirm_before_publishing
    store.save(Preferences(language="en", confirm_before_publishing=False, sync_interval_min=15))
    again = PreferencesStore(tmp_path).load()
    assert (again.language, again.confirm_before_publishing, again.sync_interval_min) == (
        "en",
        False,
        15,
    )


def test_a_locked_policy_value_wins_and_is_marked_locked(tmp_path: Path) -> None:
    PreferencesStore(tmp_path).save(Preferences(language="en", alt_text_required=False))
    policy = Policy(locked={"AltTextRequired": PolicyValue(True, "file policy.json")})
    prefs = PreferencesStore(tmp_path, policy).load()
    assert prefs.alt_text_required is True
    assert prefs.is_locked("alt_text_required") and not prefs.is_locked("language")
    assert prefs.language == "en"
