"""Granska: the department's review queue, where a publisher approves or rejects drafts.

Each submitted draft shows who submitted it and when, its text once and then how it measures on
each network it goes to, the team's notes and any conflicting edit. Approve, reject (with a
reason the drafter sees) and notes go through the team service (engine/team) on the database
lane; the team's continuous sync carries them to the other desks. The queue is read from this
desk's copy, so it works offline, and is read again every few seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, QTimeZone, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.formatting import format_date_time
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_app.domain.networks import Network
    from desktop_app.engine.team.service import ReviewItem, TeamService
    from desktop_app.store.database import Store
    from desktop_app.store.unit_of_work import UnitOfWork

Queue = list[tuple["ReviewItem", list["Network"]]]  # each draft with the networks it goes to

REFRESH_MS = 5000
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole


class ReviewView(QWidget):
    """Signals: ``waiting_changed(count)`` for the sidebar's badge and a publisher's notice."""

    waiting_changed = Signal(int)
    decided = Signal(str, str)  # draft id, "approved" or "rejected"

    def __init__(
        self,
        worker: TaskRunner,
        team: Callable[[], TeamService] | None,
        display_zone: QTimeZone,
        poke_sync: Callable[[], None] = lambda: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._zone = display_zone
        self._team = team
        self._poke_sync = poke_sync
        self._items: dict[str, tuple[ReviewItem, list[Network]]] = {}
        self._waiting = -1
        heading = QLabel(self.tr("Review"))
        heading.setObjectName("sectionHeading")
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Drafts waiting for review"))
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.empty_label = QLabel(self.tr("Nothing waits for review."), self)
        self.empty_label.setWordWrap(True)
        if team is None:
            self.empty_label.setText(
                self.tr(
                    "Reviewing is for a department that shares a team store: IT sets its "
                    "address (organisation policy, or --team-url)."
                )
            )
        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setTabChangesFocus(True)
        self.preview.setAccessibleName(self.tr("The draft and how it measures on each network"))
        self.reason = QLineEdit(self)
        self.reason.setAccessibleName(self.tr("Reason for rejecting"))
        self.reason.setPlaceholderText(self.tr("Why it is rejected (the drafter sees this)"))
        self.note = QLineEdit(self)
        self.note.setAccessibleName(self.tr("Note on the draft"))
        self.note.setPlaceholderText(self.tr("A note for the team"))
        self.approve_button = QPushButton(self.tr("Approve"))
        self.approve_button.clicked.connect(self.approve_selected)
        self.reject_button = QPushButton(self.tr("Reject"))
        self.reject_button.clicked.connect(self.reject_selected)
        self.note_button = QPushButton(self.tr("Add note"))
        self.note_button.clicked.connect(self.note_selected)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        actions = QHBoxLayout()
        for button in (self.approve_button, self.reject_button):
            actions.addWidget(button)
        actions.addStretch(1)
        notes = QHBoxLayout()
        notes.addWidget(self.note, 1)
        notes.addWidget(self.note_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.preview, 2)
        layout.addLayout(actions)
        layout.addWidget(self.reason)
        layout.addLayout(notes)
        layout.addWidget(self.message)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._update_buttons()

    def start(self) -> None:
        self.refresh()
        self._timer.start()

    def shutdown(self) -> None:
        self._timer.stop()

    @Slot()
    def refresh(self) -> None:
        team = self._team
        if team is None:
            return

        def job(store: Store) -> Queue:
            queue = team().review_queue()
            with store.unit_of_work(read_only=True) as uow:
                return [(entry, _networks_of(uow, entry)) for entry in queue]

        self._worker.submit(self, job, self._show_queue)

    def selected_id(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(ITEM_ID_ROLE))

    def _show_queue(self, queue: Queue) -> None:
        current = self.selected_id()
        self._items = {entry.draft.id: (entry, networks) for entry, networks in queue}
        self.list.clear()
        for entry, _networks in queue:
            item = QListWidgetItem(self._line(entry))
            item.setData(ITEM_ID_ROLE, entry.draft.id)
            self.list.addItem(item)
            if entry.draft.id == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.empty_label.setVisible(not queue)
        if len(queue) != self._waiting:
            self._waiting = len(queue)
            self.waiting_changed.emit(len(queue))
        self._show_selected()

    def _line(self, entry: ReviewItem) -> str:
        draft = entry.draft
        first_line = (draft.title or draft.body).strip().splitlines()[0] if draft.body else ""
        when = format_date_time(draft.updated_at, self._zone)
        line = self.tr("%1 · submitted by %2, %3").replace("%1", first_line[:80])
        line = line.replace("%2", entry.submitted_by or draft.author).replace("%3", when)
        if entry.conflicts:
            line += " · " + self.tr("conflicting edit")
        return line

    def _show_selected(self) -> None:
        chosen = self._items.get(self.selected_id() or "")
        self.preview.setPlainText("" if chosen is None else self._preview_text(*chosen))
        self._update_buttons()

    def _preview_text(self, entry: ReviewItem, networks: list[Network]) -> str:
        from desktop_app.domain.text_rules import measure

        draft = entry.draft
        lines = [draft.title, draft.body, ""] if draft.title else [draft.body, ""]
        for network in networks:
            result = measure(network, draft.text_for(network))
            verdict = self.tr("fits") if result.valid else self.tr("too long")
            lines.append(f"{network.value}: {result.length}/{result.limit} ({verdict})")
        for note in entry.notes:
            lines.append(
                self.tr("Note from %1: %2").replace("%1", note.author).replace("%2", note.text)
            )
        for conflict in entry.conflicts:
            lines.append(self.tr("Conflicting edit by %1").replace("%1", conflict.remote_actor))
        return "\n".join(lines)

    def _update_buttons(self) -> None:
        chosen = self.selected_id() is not None
        for button in (self.approve_button, self.reject_button, self.note_button):
            button.setEnabled(chosen)

    @Slot()
    def approve_selected(self) -> None:
        self._decide("approved", lambda team, draft_id: team.approve(draft_id))

    @Slot()
    def reject_selected(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.message.setText(self.tr("Write why it is rejected: the drafter sees it."))
            self.reason.setFocus()
            return
        self._decide("rejected", lambda team, draft_id: team.reject(draft_id, reason))

    @Slot()
    def note_selected(self) -> None:
        draft_id, text = self.selected_id(), self.note.text().strip()
        team = self._team
        if draft_id is None or not text or team is None:
            return

        def done(_note: object) -> None:
            self.note.clear()
            self._poke_sync()
            self.refresh()

        self._worker.submit(
            self, lambda _store: team().add_note(draft_id, text), done, self._failed
        )

    def _decide(self, outcome: str, act: Callable[[TeamService, str], object]) -> None:
        draft_id = self.selected_id()
        team = self._team
        if draft_id is None or team is None:
            return

        def job(_store: Store) -> object:
            return act(team(), draft_id)

        def done(_draft: object) -> None:
            self.reason.clear()
            self.message.setText(
                self.tr("Approved: it can be published now.")
                if outcome == "approved"
                else self.tr("Rejected: the drafter sees your reason.")
            )
            self.decided.emit(draft_id, outcome)
            self._poke_sync()
            self.refresh()

        self._worker.submit(self, job, done, self._failed)

    def _failed(self, error: Exception) -> None:
        self.message.setText(self.tr("Not done: %1").replace("%1", str(error)))


def _networks_of(uow: UnitOfWork, entry: ReviewItem) -> list[Network]:
    """The networks of the accounts a draft goes to, each once, in a fixed order."""
    found = {
        account.network
        for account_id in entry.draft.target_account_ids
        if (account := uow.accounts.get(account_id)) is not None
    }
    found |= set(entry.draft.variants)
    return sorted(found, key=lambda network: network.value)
