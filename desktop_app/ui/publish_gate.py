"""What the composer asks before anything goes public, and the note beside its schedule.

Why a separate object: the window owns the settings (confirmation on or off) and the accounts;
the composer only asks ``before_publish()``. Kept small so the composer stays one job."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, QObject, QTimeZone
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.domain.accounts import Account
from desktop_app.ui.composer import ComposerWidget
from desktop_app.ui.schedule_guard import (
    Confirm,
    ask_confirmation,
    kept_locally_warning,
    schedule_problem,
)
from desktop_app.ui.targets import networks_of_targets


def _warn(parent: QWidget, text: str) -> None:
    QMessageBox.warning(parent, parent.tr("The time cannot be used"), text)


class PublishGate(QObject):
    """Refuses a schedule that has passed or does not exist, warns when this computer must keep
    it, and asks before publishing when ``confirm_enabled()`` says so."""

    def __init__(
        self,
        composer: ComposerWidget,
        zone: QTimeZone,
        accounts: Callable[[], Sequence[Account]],
        confirm_enabled: Callable[[], bool],
        *,
        confirm: Confirm = ask_confirmation,
        warn: Callable[[QWidget, str], None] = _warn,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(composer)
        self._composer = composer
        self._zone = ZoneInfo(bytes(zone.id().data()).decode())
        self._accounts = accounts
        self._confirm_enabled = confirm_enabled
        self.confirm = confirm  # replaceable: tests answer the question
        self._warn = warn
        self._clock = clock
        composer.before_publish = self.allow
        composer.schedule_checkbox.toggled.connect(lambda _on: self.update_note())
        composer.schedule_editor.dateTimeChanged.connect(lambda _when: self.update_note())
        composer.targets_changed.connect(self.update_note)

    def _scheduled(self) -> QDateTime | None:
        composer = self._composer
        return composer.scheduled_local() if composer.schedule_checkbox.isChecked() else None

    def note_text(self) -> str:
        """The refusal, else the kept-by-this-computer warning, else nothing."""
        when = self._scheduled()
        if when is None:
            return ""
        problem = schedule_problem(when, self._zone, self._clock())
        if problem is not None:
            return problem
        return kept_locally_warning(self._composer.chosen_networks())

    def update_note(self) -> None:
        text = self.note_text()
        note = self._composer.schedule_note
        note.setText(text)
        note.setVisible(bool(text))

    def allow(self) -> bool:
        """True if publishing may go ahead now."""
        self.update_note()
        when = self._scheduled()
        if when is not None:
            problem = schedule_problem(when, self._zone, self._clock())
            if problem is not None:
                self._warn(self._composer, problem)
                return False
        if not self._confirm_enabled():
            return True
        return self.confirm(self._composer, self._chosen_account_names(), when)

    def _chosen_account_names(self) -> list[str]:
        by_id = {a.id: a for a in self._accounts()}
        targets = self._composer.target_ids()
        names = [by_id[t].display_name or by_id[t].handle for t in targets if t in by_id]
        if names:
            return names
        return [str(n) for n in networks_of_targets(targets, by_id)]
