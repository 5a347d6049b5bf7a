"""The composer: one post for several accounts, saved as you type.

Autosave: a change starts a short quiet-period timer and, if none is running, a longer
maximum-interval timer; whichever fires first saves, so a change reaches the store within about
1.2 seconds even while typing never pauses, and again when the window closes. Saves run on the
database thread. A failed save keeps the text in the editor, says why, and is retried.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QDateTime,
    QLocale,
    QSize,
    Qt,
    QTimer,
    QTimeZone,
    Signal,
    Slot,
)
from PySide6.QtGui import QImageReader, QKeySequence, QPixmap, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.accounts import Account
from desktop_app.domain.drafts import Attachment, Draft, DraftState
from desktop_app.domain.networks import Network
from desktop_app.domain.publications import Publication, PublishBlocked
from desktop_app.ui import draft_jobs
from desktop_app.ui.draft_jobs import DraftRef, DraftSnapshot
from desktop_app.ui.formatting import ui_locale
from desktop_app.ui.schedule_guard import publish_label
from desktop_app.ui.targets import (
    NETWORK_ORDER,
    network_label,
    network_of_target,
    network_target,
    networks_of_targets,
)
from desktop_app.ui.tasks import TaskRunner
from desktop_app.ui.text_measurer import Measurement, TextMeasurer

if TYPE_CHECKING:
    from desktop_app.domain.preview import PostPreview
    from desktop_app.engine.outbox import SubmitResult
    from desktop_app.store.database import Store
    from desktop_app.ui.preview_dialog import PreviewDialog

# Queues a draft for its accounts (draft id, split an over-long X text into a thread); runs on
# the database thread, after the composer's own saves.
Publisher = Callable[[str, bool], "SubmitResult"]

QUIET_PERIOD_MS = 600  # save this long after typing stops
MAX_UNSAVED_MS = 1200  # ... and never let a change wait longer: 0.8 s left for the write
RETRY_AFTER_FAILURE_MS = 2000
MEASURE_THROTTLE_MS = 120
ALT_TEXT_ROLE = Qt.ItemDataRole.UserRole + 1
ATTACHMENT_ID_ROLE = Qt.ItemDataRole.UserRole
TARGET_ID_ROLE = Qt.ItemDataRole.UserRole
THUMBNAIL_SIZE = QSize(48, 48)

OVER_LIMIT_STYLE = "color: #b00020; font-weight: 600;"
PUBLISH_PROBLEM_STYLE = "background: #fdecea; color: #611a15; padding: 6px; border-radius: 4px;"
PUBLISH_DONE_STYLE = "background: #e8f5e9; color: #1b5e20; padding: 6px; border-radius: 4px;"
WITHIN_LIMIT_STYLE = "color: #1b5e20;"


@dataclass
class _CounterRow:
    widget: QWidget
    label: QLabel
    customise: QPushButton


class ComposerWidget(QWidget):
    """Edits one draft at a time and keeps it in the store.

    Signals:
        draft_saved(str): the draft with this id was written to the store.
        loaded(str): the draft with this id is now shown, as stored.
        published(str): the draft with this id was queued for its accounts.
    """

    draft_saved = Signal(str)
    loaded = Signal(str)
    published = Signal(str)
    targets_changed = Signal()  # ticked accounts changed (the schedule note depends on them)

    def __init__(
        self,
        worker: TaskRunner,
        data_dir: Path,
        display_zone: QTimeZone,
        author: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._data_dir = data_dir
        self._zone = display_zone
        self._author = author
        self._ref = DraftRef()
        self._accounts: dict[str, Account] = {}
        self._default_targets: tuple[str, ...] = ()  # the Settings section's default accounts
        self._attachments: dict[str, Attachment] = {}
        self._pending_alt_texts: dict[str, str] = {}
        self._variant_editors: dict[Network, QPlainTextEdit] = {}
        self._counter_rows: dict[Network, _CounterRow] = {}
        self._last_measurements: dict[Network, Measurement] = {}
        self._dirty = False
        self._loading = False
        self._last_saved: DraftSnapshot | None = None
        self._publisher: Publisher | None = None
        self._publishing = False

        self._quiet_timer = self._single_shot_timer(QUIET_PERIOD_MS, self.save_now)
        self._max_timer = self._single_shot_timer(MAX_UNSAVED_MS, self.save_now)
        self._retry_timer = self._single_shot_timer(RETRY_AFTER_FAILURE_MS, self.save_now)
        self._measure_timer = self._single_shot_timer(MEASURE_THROTTLE_MS, self._request_measure)
        self._measurer = TextMeasurer(parent=self)
        self._measurer.measured.connect(self._show_measurements)

        self._build()
        self._refresh_targets_list()
        self._update_for_targets()

    # ----- building -------------------------------------------------------------------------

    def _single_shot_timer(self, interval_ms: int, slot: object) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval_ms)
        timer.timeout.connect(slot)
        return timer

    def _build(self) -> None:
        outer = QVBoxLayout(self)

        header = QHBoxLayout()
        self._heading = QLabel(self.tr("New draft"))
        self._heading.setObjectName("composerHeading")
        heading_font = self._heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.3)
        heading_font.setBold(True)
        self._heading.setFont(heading_font)
        header.addWidget(self._heading)
        header.addStretch(1)
        self._save_status = QLabel(self.tr("Not saved yet"))
        self._save_status.setObjectName("saveStatus")
        self._save_status.setAccessibleName(self.tr("Save status"))
        header.addWidget(self._save_status)
        self._new_button = QPushButton(self.tr("&New draft"))
        self._new_button.clicked.connect(self.new_draft)
        header.addWidget(self._new_button)
        outer.addLayout(header)

        self._message = QLabel()
        self._message.setObjectName("composerMessage")
        self._message.setWordWrap(True)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._message.setStyleSheet(
            "background: #fdecea; color: #611a15; padding: 6px; border-radius: 4px;"
        )
        self._message.hide()
        outer.addWidget(self._message)

        columns = QHBoxLayout()
        outer.addLayout(columns, 1)

        # Left: title, texts and their counters.
        left = QVBoxLayout()
        columns.addLayout(left, 3)
        self._title_label = QLabel(self.tr("Blog post &title"))
        self._title_edit = QLineEdit()
        self._title_edit.setAccessibleName(self.tr("Blog post title"))
        self._title_edit.setPlaceholderText(self.tr("Required for the blog"))
        self._title_label.setBuddy(self._title_edit)
        self._title_edit.textChanged.connect(self._on_text_changed)
        left.addWidget(self._title_label)
        left.addWidget(self._title_edit)

        self._tabs = QTabWidget()
        self._tabs.setDocumentMode(True)
        self._body_edit = QPlainTextEdit()
        self._body_edit.setAccessibleName(self.tr("Post text for all networks"))
        self._body_edit.setPlaceholderText(self.tr("Write the post here…"))
        self._body_edit.textChanged.connect(self._on_text_changed)
        self._tabs.addTab(self._body_edit, self.tr("Common text"))
        left.addWidget(self._tabs, 1)

        self._counters_box = QGroupBox(self.tr("Length per network"))
        self._counters_layout = QFormLayout(self._counters_box)
        self._no_targets_label = QLabel(self.tr("Choose where to post to see the length checks."))
        self._no_targets_label.setWordWrap(True)
        self._counters_layout.addRow(self._no_targets_label)
        left.addWidget(self._counters_box)

        # Right: where it goes, when, and with which images.
        right = QVBoxLayout()
        columns.addLayout(right, 2)

        targets_box = QGroupBox(self.tr("Post to"))
        targets_layout = QVBoxLayout(targets_box)
        self._targets_hint = QLabel()
        self._targets_hint.setWordWrap(True)
        targets_layout.addWidget(self._targets_hint)
        self._targets_list = QListWidget()
        self._targets_list.setAccessibleName(self.tr("Accounts to post to"))
        self._targets_list.itemChanged.connect(self._on_target_toggled)
        targets_layout.addWidget(self._targets_list)
        right.addWidget(targets_box, 2)

        schedule_box = QGroupBox(self.tr("When"))
        schedule_layout = QVBoxLayout(schedule_box)
        self._schedule_check = QCheckBox(self.tr("&Schedule for later"))
        self._schedule_check.toggled.connect(self._on_schedule_toggled)
        schedule_layout.addWidget(self._schedule_check)
        self._schedule_edit = QDateTimeEdit()
        self._schedule_edit.setCalendarPopup(True)
        self._schedule_edit.setTimeZone(self._zone)
        self._schedule_edit.setDisplayFormat(
            ui_locale().dateTimeFormat(QLocale.FormatType.ShortFormat)
        )
        self._schedule_edit.setAccessibleName(self.tr("Publishing time"))
        self._schedule_edit.setDateTime(self._next_full_hour())
        self._schedule_edit.setEnabled(False)
        self._schedule_edit.dateTimeChanged.connect(self._on_text_changed)
        schedule_layout.addWidget(self._schedule_edit)
        zone_name = bytes(self._zone.id().data()).decode()
        self._schedule_zone_label = QLabel(self.tr("Local time ({zone})").format(zone=zone_name))
        self._schedule_zone_label.setObjectName("hint")
        schedule_layout.addWidget(self._schedule_zone_label)
        # What the window says about the chosen time (refused, or kept by this computer).
        self.schedule_note = QLabel()
        self.schedule_note.setObjectName("scheduleNote")
        self.schedule_note.setWordWrap(True)
        self.schedule_note.setStyleSheet("color: #7a3e00;")
        self.schedule_note.hide()
        schedule_layout.addWidget(self.schedule_note)
        right.addWidget(schedule_box)

        images_box = QGroupBox(self.tr("Images"))
        images_layout = QVBoxLayout(images_box)
        self._images_list = QListWidget()
        self._images_list.setIconSize(THUMBNAIL_SIZE)
        self._images_list.setAccessibleName(self.tr("Attached images"))
        self._images_list.currentItemChanged.connect(self._on_image_selected)
        images_layout.addWidget(self._images_list)
        alt_row = QHBoxLayout()
        self._alt_label = QLabel(self.tr("&Alt text:"))
        self._alt_edit = QLineEdit()
        self._alt_edit.setAccessibleName(self.tr("Alt text of the selected image"))
        self._alt_edit.setPlaceholderText(self.tr("Describe the image for those who cannot see it"))
        self._alt_label.setBuddy(self._alt_edit)
        self._alt_edit.setEnabled(False)
        self._alt_edit.textEdited.connect(self._on_alt_text_edited)
        alt_row.addWidget(self._alt_label)
        alt_row.addWidget(self._alt_edit, 1)
        images_layout.addLayout(alt_row)
        self._alt_warning = QLabel()
        self._alt_warning.setObjectName("altWarning")
        self._alt_warning.setWordWrap(True)
        self._alt_warning.setStyleSheet(OVER_LIMIT_STYLE)
        self._alt_warning.hide()
        images_layout.addWidget(self._alt_warning)
        buttons = QHBoxLayout()
        self._add_image_button = QPushButton(self.tr("Add &image…"))
        self._add_image_button.clicked.connect(self._choose_images)
        self._remove_image_button = QPushButton(self.tr("&Remove image"))
        self._remove_image_button.clicked.connect(self._remove_selected_image)
        self._remove_image_button.setEnabled(False)
        buttons.addWidget(self._add_image_button)
        buttons.addWidget(self._remove_image_button)
        buttons.addStretch(1)
        images_layout.addLayout(buttons)
        right.addWidget(images_box, 3)

        # Bottom: what publishing said, and the button.
        self._publish_status = QLabel()
        self._publish_status.setObjectName("publishStatus")
        self._publish_status.setWordWrap(True)
        self._publish_status.setTextFormat(Qt.TextFormat.PlainText)
        self._publish_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._publish_status.hide()
        outer.addWidget(self._publish_status)
        publish_row = QHBoxLayout()
        self._thread_check = QCheckBox(self.tr("Publish as a t&hread on X"))
        self._thread_check.setToolTip(
            self.tr("The text is too long for one post on X: split it into numbered posts.")
        )
        self._thread_check.hide()
        publish_row.addWidget(self._thread_check)
        publish_row.addStretch(1)
        self._preview_button = QPushButton(self.tr("Pre&view…"))
        self._preview_button.setToolTip(self.tr("How the post will look on each network"))
        self._preview_button.clicked.connect(self.show_preview)
        publish_row.addWidget(self._preview_button)
        self._publish_button = QPushButton(self.tr("&Publish"))
        self._publish_button.setObjectName("publishButton")
        self._publish_button.setDefault(True)
        self._publish_button.clicked.connect(self.publish)
        publish_row.addWidget(self._publish_button)
        outer.addLayout(publish_row)
        # Asked before anything goes public (schedule sense, confirmation); the window sets it.
        self.before_publish: Callable[[], bool] | None = None
        self._set_up_keyboard()
        self._update_publish_button()

    # ----- public API -----------------------------------------------------------------------

    @property
    def draft_id(self) -> str | None:
        return self._ref.id

    @property
    def body_editor(self) -> QPlainTextEdit:
        return self._body_edit

    @property
    def title_editor(self) -> QLineEdit:
        return self._title_edit

    @property
    def schedule_checkbox(self) -> QCheckBox:
        return self._schedule_check

    @property
    def schedule_editor(self) -> QDateTimeEdit:
        return self._schedule_edit

    def variant_editor(self, network: Network) -> QPlainTextEdit | None:
        return self._variant_editors.get(network)

    def counter_text(self, network: Network) -> str | None:
        row = self._counter_rows.get(network)
        return row.label.text() if row else None

    def counter_is_over(self, network: Network) -> bool:
        row = self._counter_rows.get(network)
        return bool(row and row.label.property("overLimit"))

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    @property
    def publish_button(self) -> QPushButton:
        return self._publish_button

    @property
    def thread_checkbox(self) -> QCheckBox:
        return self._thread_check

    def publish_status_text(self) -> str:
        return self._publish_status.text() if self._publish_status.isVisibleTo(self) else ""

    def set_publisher(self, publisher: Publisher | None) -> None:
        """What the Publish button calls (the window's outbox); None: no Publish button."""
        self._publisher = publisher
        self._update_publish_button()

    def can_publish(self) -> bool:
        """A publisher, at least one connected account ticked, and no publish under way."""
        chosen_accounts = [t for t in self.target_ids() if t in self._accounts]
        return self._publisher is not None and bool(chosen_accounts) and not self._publishing

    def publish(self) -> None:
        """Save what is on screen (database lane), then queue the draft for its accounts.

        Kanal's rules may refuse it (``PublishBlocked``): the problems are shown next to the
        draft, which stays open and editable. Once queued, the composer starts a new draft.
        """
        publisher = self._publisher
        if publisher is None or not self.can_publish():
            return
        if self.before_publish is not None and not self.before_publish():
            return
        for timer in (self._quiet_timer, self._max_timer, self._retry_timer):
            timer.stop()
        # The save is part of the publish job: if it fails, nothing older goes out instead.
        snapshot = self.snapshot()
        needs_save = self._dirty or self._ref.id is None
        ref, author = self._ref, self._author
        split = self._thread_check.isVisibleTo(self) and self._thread_check.isChecked()
        saved: list[Draft] = []

        def save(store: Store) -> str:
            if needs_save:
                saved.append(draft_jobs.save_draft(store, ref, snapshot, author))
            if ref.id is None:
                raise ValueError("the draft could not be saved")
            return ref.id

        def settle_save() -> None:
            if saved and ref is self._ref:
                self._on_saved(ref, snapshot, saved[0])
            elif needs_save and ref is self._ref:
                self._quiet_timer.start()  # still unsaved: autosave tries again

        def submit(draft_id: str) -> None:
            if saved:
                self._dirty = False
                self._pending_alt_texts = {}
            settle_save()
            # The outbox checks the rules and prepares the images (Pillow) on the worker
            # lane, so autosave and paging never wait behind them; it commits what it queues
            # in one unit of work of its own.
            self._worker.run(
                self,
                lambda: publisher(draft_id, split),
                lambda result: self._on_published(ref, draft_id, result),
                lambda error: self._on_publish_failed(ref, error),
            )

        def not_saved(error: Exception) -> None:
            settle_save()
            self._on_publish_failed(ref, error)

        self._set_publishing(True)
        self._show_publish_status(self.tr("Publishing…"), PUBLISH_DONE_STYLE)
        self._worker.submit(self, save, submit, not_saved)

    def set_accounts(self, accounts: Sequence[Account]) -> None:
        """Offer these accounts as targets; without any, offer the networks themselves."""
        chosen = self.target_ids()
        self._accounts = {a.id: a for a in accounts}
        self._refresh_targets_list(chosen)
        if not chosen and self.is_blank():
            self._tick_defaults()  # the accounts arrived after the blank draft was started
        self._update_for_targets()
        self._update_publish_button()

    def set_default_targets(self, target_ids: Sequence[str]) -> None:
        """The accounts a new draft starts with ticked (Settings); a blank draft gets them now."""
        self._default_targets = tuple(target_ids)
        if self.is_blank():
            self._tick_defaults()
            self._update_for_targets()
            self._update_publish_button()

    def _tick_defaults(self) -> None:
        """Tick the default accounts without making the blank draft something to save."""
        wanted = set(self._default_targets)
        self._targets_list.blockSignals(True)
        for row in range(self._targets_list.count()):
            item = self._targets_list.item(row)
            checked = item.data(TARGET_ID_ROLE) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self._targets_list.blockSignals(False)

    def target_ids(self) -> tuple[str, ...]:
        ids: list[str] = []
        for row in range(self._targets_list.count()):
            item = self._targets_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(str(item.data(TARGET_ID_ROLE)))
        return tuple(ids)

    def set_targets(self, target_ids: Sequence[str]) -> None:
        """Tick exactly these targets (the user's action, so it is saved)."""
        wanted = set(target_ids)
        self._targets_list.blockSignals(True)
        for row in range(self._targets_list.count()):
            item = self._targets_list.item(row)
            state = (
                Qt.CheckState.Checked
                if item.data(TARGET_ID_ROLE) in wanted
                else Qt.CheckState.Unchecked
            )
            item.setCheckState(state)
        self._targets_list.blockSignals(False)
        self._update_for_targets()
        self._mark_dirty()

    def chosen_networks(self) -> list[Network]:
        return networks_of_targets(self.target_ids(), self._accounts)

    def customise(self, network: Network) -> QPlainTextEdit:
        """Give ``network`` its own text, starting from the common one."""
        editor = self._variant_editors.get(network)
        if editor is None:
            editor = self._add_variant_editor(network, self._body_edit.toPlainText())
            editor.moveCursor(QTextCursor.MoveOperation.End)
            self._mark_dirty()
        self._tabs.setCurrentWidget(editor)
        editor.setFocus()
        return editor

    def use_common_text(self, network: Network) -> None:
        """Drop ``network``'s own text; it gets the common text again."""
        editor = self._variant_editors.pop(network, None)
        if editor is None:
            return
        index = self._tabs.indexOf(editor)
        self._tabs.removeTab(index)
        editor.deleteLater()
        self._update_counter_buttons()
        self._mark_dirty()

    def new_draft(self) -> None:
        """Save what is open and start an empty draft."""
        self.save_now()
        self._publish_status.hide()
        self._start_blank()

    def _start_blank(self) -> None:
        self._clear_fields()
        self._tick_defaults()
        self._update_for_targets()
        self._ref = DraftRef()
        self._last_saved = None
        self._heading.setText(self.tr("New draft"))
        self._save_status.setText(self.tr("Not saved yet"))
        self._body_edit.setFocus()

    def open_draft(self, draft_id: str, quiet_if_missing: bool = False) -> None:
        """Save what is open, then load ``draft_id`` from the store."""
        self.save_now()

        def show(draft: Draft | None) -> None:
            if quiet_if_missing and (draft is None or draft.state is DraftState.TRASHED):
                return
            self._show_loaded_draft(draft)

        self._worker.submit(
            self,
            lambda store: draft_jobs.load_draft(store, draft_id),
            show,
            self._on_load_failed,
        )

    def is_blank(self) -> bool:
        """Nothing typed and no draft open: safe to replace with a stored draft."""
        return (
            self._ref.id is None
            and not self._dirty
            and not self._body_edit.toPlainText()
            and not self._title_edit.text()
        )

    def save_now(self) -> None:
        """Queue a save of what is on screen if it changed since the last save."""
        self._quiet_timer.stop()
        self._max_timer.stop()
        self._retry_timer.stop()
        if not self._dirty:
            return
        snapshot = self.snapshot()
        if snapshot == self._last_saved and not self._pending_alt_texts:
            self._dirty = False
            return
        self._dirty = False
        self._pending_alt_texts = {}
        self._save_status.setText(self.tr("Saving…"))
        ref, author = self._ref, self._author
        self._worker.submit(
            self,
            lambda store: draft_jobs.save_draft(store, ref, snapshot, author),
            lambda draft: self._on_saved(ref, snapshot, draft),
            lambda error: self._on_save_failed(ref, snapshot, error),
        )

    def save_blocking(self, timeout_s: float = 10.0) -> bool:
        """Save on the database thread and wait: for closing the window. True if saved."""
        self._quiet_timer.stop()
        self._max_timer.stop()
        self._retry_timer.stop()
        if not self._dirty or self._worker.is_closed:
            return not self._dirty
        snapshot = self.snapshot()
        ref, author = self._ref, self._author
        try:
            self._worker.run_blocking(
                lambda store: draft_jobs.save_draft(store, ref, snapshot, author), timeout_s
            )
        except Exception:
            return False
        self._dirty = False
        return True

    def rescue_to(self, folder: Path) -> Path | None:
        """Write what is on screen to a JSON file: the last resort when closing cannot save.

        Returns the file, or None if nothing unsaved was on screen or it could not be written.
        """
        if not self._dirty:
            return None
        snapshot = self.snapshot()
        record = {
            "draft_id": self._ref.id,
            "title": snapshot.title,
            "body": snapshot.body,
            "variants": {n.value: text for n, text in snapshot.variants.items()},
            "targets": list(snapshot.target_ids),
            "scheduled_at": snapshot.scheduled_at.isoformat() if snapshot.scheduled_at else None,
            "alt_texts": dict(snapshot.alt_texts),
        }
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = folder / f"unsaved-draft-{stamp}.json"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError:
            return None
        return path

    def snapshot(self) -> DraftSnapshot:
        variants = {n: e.toPlainText() for n, e in self._variant_editors.items()}
        return DraftSnapshot(
            title=self._title_edit.text(),
            body=self._body_edit.toPlainText(),
            variants=variants,
            target_ids=self.target_ids(),
            scheduled_at=self._scheduled_utc(),
            alt_texts=dict(self._pending_alt_texts),
        )

    def attach_files(self, paths: Sequence[Path]) -> None:
        """Copy each file into the draft as an image; a bad file is reported, nothing lost."""
        for path in paths:
            self._attach_one(path)

    def _attach_one(self, path: Path) -> None:
        snapshot = self.snapshot()
        ref, author = self._ref, self._author

        def job(store: Store) -> Attachment:
            return draft_jobs.attach_file(store, ref, snapshot, author, path)

        def done(attachment: Attachment) -> None:
            self._on_attached(ref, attachment)

        def failed(error: Exception) -> None:
            self._on_attach_failed(path, error)

        self._worker.submit(self, job, done, failed)

    def shutdown(self) -> None:
        """Stop timers and the measuring thread (the window saves first)."""
        for timer in (self._quiet_timer, self._max_timer, self._retry_timer, self._measure_timer):
            timer.stop()
        self._measurer.close()

    # ----- change tracking ------------------------------------------------------------------

    @Slot()
    def _on_text_changed(self) -> None:
        if self._loading:
            return
        self._mark_dirty()
        self._measure_timer.start()

    def _mark_dirty(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self._quiet_timer.start()  # restarts: saves once typing pauses
        if not self._max_timer.isActive():
            self._max_timer.start()  # does not restart: bounds how long a change waits
        self._save_status.setText(self.tr("Unsaved changes"))

    def _on_saved(self, ref: DraftRef, snapshot: DraftSnapshot, draft: Draft) -> None:
        if ref is not self._ref:
            self.draft_saved.emit(draft.id)
            return
        self._last_saved = snapshot
        self._heading.setText(self.tr("Draft"))
        if not self._dirty:
            when = QLocale().toString(QDateTime.currentDateTime().time(), "HH:mm:ss")
            self._save_status.setText(self.tr("Saved {time}").format(time=when))
        self._save_status.setStyleSheet("")
        self.draft_saved.emit(draft.id)

    def _on_save_failed(self, ref: DraftRef, snapshot: DraftSnapshot, error: Exception) -> None:
        if ref is not self._ref:
            return
        # The text stays in the editor; mark it unsaved again and retry shortly.
        self._dirty = True
        self._pending_alt_texts = {**snapshot.alt_texts, **self._pending_alt_texts}
        message = self.tr("Could not save: {reason}. Your text is kept here; trying again.").format(
            reason=_sentence_part(error)
        )
        self._save_status.setText(self.tr("Not saved"))
        self._save_status.setStyleSheet(OVER_LIMIT_STYLE)
        self._show_message(message)
        self._retry_timer.start()

    # ----- loading --------------------------------------------------------------------------

    def _show_loaded_draft(self, draft: Draft | None) -> None:
        if draft is None:
            self._show_message(self.tr("That draft no longer exists."))
            return
        self.save_now()  # anything typed while the draft was being read goes to the old one
        self._publish_status.hide()  # it spoke of the previous draft
        self._loading = True
        try:
            self._clear_fields()
            self._ref = DraftRef(draft.id)
            self._title_edit.setText(draft.title)
            self._body_edit.setPlainText(draft.body)
            known = {
                self._targets_list.item(r).data(TARGET_ID_ROLE)
                for r in range(self._targets_list.count())
            }
            missing = [t for t in draft.target_account_ids if t not in known]
            if missing:
                self._refresh_targets_list(draft.target_account_ids)
            self._targets_list.blockSignals(True)
            for row in range(self._targets_list.count()):
                item = self._targets_list.item(row)
                checked = item.data(TARGET_ID_ROLE) in draft.target_account_ids
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self._targets_list.blockSignals(False)
            for network in NETWORK_ORDER:
                if network in draft.variants:
                    self._add_variant_editor(network, draft.variants[network])
            if draft.scheduled_at is not None:
                self._schedule_check.setChecked(True)
                self._schedule_edit.setDateTime(_to_qdatetime(draft.scheduled_at))
            for attachment in draft.attachments:
                self._add_attachment_item(attachment)
        finally:
            self._loading = False
        self._dirty = False
        self._last_saved = self.snapshot()
        self._heading.setText(self.tr("Draft"))
        self._save_status.setText(self.tr("Saved"))
        self._update_for_targets()
        self._update_alt_warning()
        self._show_refusals_of(draft.id)
        self.loaded.emit(draft.id)

    def _show_refusals_of(self, draft_id: str) -> None:
        """Show why a platform refused this draft earlier, so the text can be fixed and resent."""
        ref = self._ref

        def show(refused: list[Publication]) -> None:
            if ref is not self._ref or not refused:
                return
            lines = [self.tr("Not published everywhere. The platform said:")]
            lines.extend(
                f"• {self._account_name(p.account_id)}: {p.failure_reason or p.state.value}"
                for p in refused
            )
            lines.append(self.tr("Fix the text and press Publish: only these accounts get it."))
            self._show_publish_status("\n".join(lines), PUBLISH_PROBLEM_STYLE)

        self._worker.submit(
            self,
            lambda store: draft_jobs.refused_publications(store, draft_id),
            show,
            lambda _error: None,  # only a hint; the Sent view shows the same from the history
        )

    def _on_load_failed(self, error: Exception) -> None:
        self._show_message(self.tr("Could not open the draft: {reason}").format(reason=str(error)))

    def _clear_fields(self) -> None:
        was_loading = self._loading
        self._loading = True
        try:
            self._title_edit.clear()
            self._body_edit.clear()
            for network in list(self._variant_editors):
                editor = self._variant_editors.pop(network)
                self._tabs.removeTab(self._tabs.indexOf(editor))
                editor.deleteLater()
            self._targets_list.blockSignals(True)
            for row in range(self._targets_list.count()):
                self._targets_list.item(row).setCheckState(Qt.CheckState.Unchecked)
            self._targets_list.blockSignals(False)
            self._schedule_check.setChecked(False)
            self._images_list.clear()
            self._attachments.clear()
            self._pending_alt_texts = {}
            self._alt_edit.clear()
            self._message.hide()
        finally:
            self._loading = was_loading
        self._dirty = False
        self._update_for_targets()
        self._update_alt_warning()

    # ----- targets and counters -------------------------------------------------------------

    def _refresh_targets_list(self, chosen: Sequence[str] = ()) -> None:
        self._targets_list.blockSignals(True)
        self._targets_list.clear()
        entries: list[tuple[str, str]] = []
        if self._accounts:
            self._targets_hint.setText(self.tr("Tick the accounts this post goes to."))
            ordered = sorted(
                self._accounts.values(),
                key=lambda a: (NETWORK_ORDER.index(a.network), a.display_name.lower()),
            )
            for account in ordered:
                handle = f" ({account.handle})" if account.handle else ""
                text = f"{network_label(account.network)}: {account.display_name}{handle}"
                entries.append((account.id, text))
        else:
            self._targets_hint.setText(
                self.tr(
                    "No accounts are connected yet. Choose networks now; "
                    "pick the accounts once they are added."
                )
            )
            for network in NETWORK_ORDER:
                entries.append((network_target(network), network_label(network)))
        known_ids = {target for target, _ in entries}
        for target in chosen:
            if target not in known_ids:
                target_network = network_of_target(target, self._accounts)
                name = (
                    network_label(target_network) if target_network else self.tr("Removed account")
                )
                entries.append((target, name))
        for target, text in entries:
            item = QListWidgetItem(text)
            item.setData(TARGET_ID_ROLE, target)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = target in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self._targets_list.addItem(item)
        self._targets_list.blockSignals(False)

    @Slot(QListWidgetItem)
    def _on_target_toggled(self, _item: QListWidgetItem) -> None:
        self._update_for_targets()
        self._mark_dirty()

    def _update_for_targets(self) -> None:
        self.targets_changed.emit()
        networks = self.chosen_networks()
        blog = Network.WORDPRESS in networks
        self._title_label.setVisible(blog)
        self._title_edit.setVisible(blog)
        for network in list(self._counter_rows):
            if network not in networks:
                row = self._counter_rows.pop(network)
                self._counters_layout.removeRow(row.widget)
        for network in networks:
            if network not in self._counter_rows:
                self._add_counter_row(network)
        self._no_targets_label.setVisible(not networks)
        self._update_counter_buttons()
        self._update_thread_option()
        self._update_publish_button()
        self._request_measure()

    def _add_counter_row(self, network: Network) -> None:
        label = QLabel(f"{network_label(network)}: …")
        label.setAccessibleName(
            self.tr("Length check for {network}").format(network=network_label(network))
        )
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        button = QPushButton()
        button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        button.clicked.connect(lambda: self._toggle_customise(network))
        row_widget = QWidget()
        row_layout = QHBoxLayout(row_widget)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(label, 1)
        row_layout.addWidget(button)
        earlier = NETWORK_ORDER[: NETWORK_ORDER.index(network)]
        position = 1 + sum(1 for n in earlier if n in self._counter_rows)
        self._counters_layout.insertRow(position, row_widget)
        self._counter_rows[network] = _CounterRow(widget=row_widget, label=label, customise=button)

    def _toggle_customise(self, network: Network) -> None:
        if network in self._variant_editors:
            self.use_common_text(network)
        else:
            self.customise(network)

    def _update_counter_buttons(self) -> None:
        for network, row in self._counter_rows.items():
            name = network_label(network)
            if network in self._variant_editors:
                row.customise.setText(self.tr("Use common text"))
                row.customise.setAccessibleName(
                    self.tr("Use the common text for {network}").format(network=name)
                )
            else:
                row.customise.setText(self.tr("Customise"))
                row.customise.setAccessibleName(
                    self.tr("Customise the text for {network}").format(network=name)
                )

    def _add_variant_editor(self, network: Network, text: str) -> QPlainTextEdit:
        editor = QPlainTextEdit()
        editor.setTabChangesFocus(True)
        editor.setPlainText(text)
        editor.setAccessibleName(
            self.tr("Post text for {network}").format(network=network_label(network))
        )
        editor.textChanged.connect(self._on_text_changed)
        self._variant_editors[network] = editor
        index = 1 + sum(
            1 for n in NETWORK_ORDER[: NETWORK_ORDER.index(network)] if n in self._variant_editors
        )
        self._tabs.insertTab(index, editor, network_label(network))
        self._update_counter_buttons()
        self._measure_timer.start()
        return editor

    @Slot()
    def _request_measure(self) -> None:
        networks = self.chosen_networks()
        if not networks:
            return
        body = self._body_edit.toPlainText()
        texts = {
            n: (self._variant_editors[n].toPlainText() if n in self._variant_editors else body)
            for n in networks
        }
        self._measurer.request(texts, self._title_edit.text())

    @Slot(dict)
    def _show_measurements(self, results: dict[Network, Measurement]) -> None:
        self._last_measurements = results
        locale = QLocale()
        for network, row in self._counter_rows.items():
            measurement = results.get(network)
            if measurement is None:
                continue
            row.label.setText(self._counter_text(network, measurement, locale))
            over = measurement.problem
            row.label.setProperty("overLimit", over)
            row.label.setStyleSheet(OVER_LIMIT_STYLE if over else WITHIN_LIMIT_STYLE)
        self._update_thread_option()

    def _counter_text(self, network: Network, m: Measurement, locale: QLocale) -> str:
        """E.g. "X: 291/280 — 11 too many"; the reason in words when something is wrong."""
        name = network_label(network)
        verdict = m.text
        length = locale.toString(verdict.length)
        reason = verdict.reason.value if verdict.reason is not None else None
        if verdict.limit is None:
            text = self.tr("{network}: {length} characters (no limit)").format(
                network=name, length=length
            )
            if m.title_missing:
                text += " — " + self.tr("title missing")
            return text
        limit = locale.toString(verdict.limit)
        if reason == "too_long":
            over = locale.toString(verdict.over_by)
            if not verdict.exact:
                return self.tr("{network}: at least {length}/{limit} — far too long").format(
                    network=name, length=length, limit=limit
                )
            return self.tr("{network}: {length}/{limit} — {over} too many").format(
                network=name, length=length, limit=limit, over=over
            )
        if reason == "too_many_bytes" and verdict.byte_length is not None:
            template = self.tr("{network}: {length}/{limit} — too long in bytes ({bytes}/{max})")
            return template.format(
                network=name,
                length=length,
                limit=limit,
                bytes=locale.toString(verdict.byte_length),
                max=locale.toString(verdict.byte_limit or 0),
            )
        if reason == "invalid_characters":
            return self.tr("{network}: {length}/{limit} — contains characters it refuses").format(
                network=name, length=length, limit=limit
            )
        if reason == "empty":
            return self.tr("{network}: {length}/{limit} — empty").format(
                network=name, length=length, limit=limit
            )
        return f"{name}: {length}/{limit}"

    # ----- schedule -------------------------------------------------------------------------

    @Slot(bool)
    def _on_schedule_toggled(self, checked: bool) -> None:
        self._schedule_edit.setEnabled(checked)
        self._update_publish_button()
        if checked and not self._loading:
            self._schedule_edit.setDateTime(self._next_full_hour())
        self._mark_dirty()

    def _next_full_hour(self) -> QDateTime:
        """A schedule starts from the next full hour rather than a time already past."""
        now = QDateTime.currentDateTime().toTimeZone(self._zone)
        return now.addSecs(3600 - now.time().minute() * 60 - now.time().second())

    def _scheduled_utc(self) -> datetime | None:
        if not self._schedule_check.isChecked():
            return None
        moment = self._schedule_edit.dateTime().toTimeZone(QTimeZone.utc())
        return datetime.fromtimestamp(moment.toSecsSinceEpoch(), tz=UTC)

    def scheduled_local(self) -> QDateTime:
        return self._schedule_edit.dateTime()

    def set_schedule(self, moment_utc: datetime | None) -> None:
        if moment_utc is None:
            self._schedule_check.setChecked(False)
            return
        self._schedule_check.setChecked(True)
        self._schedule_edit.setDateTime(_to_qdatetime(moment_utc).toTimeZone(self._zone))

    # ----- images ---------------------------------------------------------------------------

    def _choose_images(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Add images"),
            str(Path.home()),
            self.tr("Images (*.png *.jpg *.jpeg *.gif *.webp)"),
        )
        self.attach_files([Path(p) for p in paths])

    def _on_attached(self, ref: DraftRef, attachment: Attachment) -> None:
        if ref is not self._ref:
            return
        self._add_attachment_item(attachment)
        self._heading.setText(self.tr("Draft"))
        self._update_alt_warning()
        if ref.id is not None:
            self.draft_saved.emit(ref.id)

    def _on_attach_failed(self, path: Path, error: Exception) -> None:
        if isinstance(error, FileNotFoundError):
            reason = self.tr("the file is no longer there")
        else:
            reason = _sentence_part(error)
        self._show_message(
            self.tr("Could not add the image “{name}”: {reason}. Nothing else was changed.").format(
                name=path.name, reason=reason
            )
        )

    def _add_attachment_item(self, attachment: Attachment) -> None:
        self._attachments[attachment.id] = attachment
        item = QListWidgetItem(attachment.original_name)
        item.setData(ATTACHMENT_ID_ROLE, attachment.id)
        item.setData(ALT_TEXT_ROLE, attachment.alt_text)
        reader = QImageReader(str(self._data_dir / attachment.stored_path))
        reader.setAutoTransform(True)
        size = reader.size()
        if size.isValid():
            reader.setScaledSize(size.scaled(THUMBNAIL_SIZE, Qt.AspectRatioMode.KeepAspectRatio))
        image = reader.read()
        if not image.isNull():
            item.setIcon(QPixmap.fromImage(image))
        self._images_list.addItem(item)
        self._decorate_attachment_item(item)
        self._images_list.setCurrentItem(item)

    def _decorate_attachment_item(self, item: QListWidgetItem) -> None:
        attachment_id = str(item.data(ATTACHMENT_ID_ROLE))
        name = self._attachments[attachment_id].original_name
        alt = str(item.data(ALT_TEXT_ROLE) or "")
        if alt.strip():
            item.setText(f"{name}\n{alt}")
            item.setToolTip(alt)
        else:
            item.setText(f"{name}\n⚠ " + self.tr("no alt text"))
            item.setToolTip(self.tr("This image has no alt text yet."))

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_image_selected(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        has_item = current is not None
        self._alt_edit.setEnabled(has_item)
        self._remove_image_button.setEnabled(has_item)
        self._alt_edit.setText(str(current.data(ALT_TEXT_ROLE) or "") if current else "")

    @Slot(str)
    def _on_alt_text_edited(self, text: str) -> None:
        if self._images_list.currentRow() < 0:
            return
        item = self._images_list.currentItem()
        item.setData(ALT_TEXT_ROLE, text)
        self._decorate_attachment_item(item)
        self._pending_alt_texts[str(item.data(ATTACHMENT_ID_ROLE))] = text
        self._update_alt_warning()
        self._mark_dirty()

    def set_alt_text(self, attachment_id: str, text: str) -> None:
        """Give an attached image its alt text, as typing it would."""
        for row in range(self._images_list.count()):
            item = self._images_list.item(row)
            if item.data(ATTACHMENT_ID_ROLE) == attachment_id:
                self._images_list.setCurrentItem(item)
                self._alt_edit.setText(text)
                self._on_alt_text_edited(text)
                return

    def _remove_selected_image(self) -> None:
        if self._images_list.currentRow() < 0:
            return
        item = self._images_list.currentItem()
        attachment_id = str(item.data(ATTACHMENT_ID_ROLE))
        self._images_list.takeItem(self._images_list.row(item))
        self._attachments.pop(attachment_id, None)
        self._pending_alt_texts.pop(attachment_id, None)
        self._update_alt_warning()
        self._worker.submit(
            self,
            lambda store: draft_jobs.remove_attachment(store, attachment_id),
            None,
            lambda error: self._show_message(
                self.tr("Could not remove the image: {reason}").format(reason=str(error))
            ),
        )

    def missing_alt_text_count(self) -> int:
        count = 0
        for row in range(self._images_list.count()):
            if not str(self._images_list.item(row).data(ALT_TEXT_ROLE) or "").strip():
                count += 1
        return count

    def alt_warning_text(self) -> str:
        return self._alt_warning.text() if self._alt_warning.isVisibleTo(self) else ""

    def _update_alt_warning(self) -> None:
        missing = self.missing_alt_text_count()
        if missing:
            self._alt_warning.setText(
                self.tr(
                    "⚠ %n image(s) lack alt text. Describe every image; "
                    "publishing will require it.",
                    "",
                    missing,
                )
            )
        self._alt_warning.setVisible(missing > 0)

    # ----- messages -------------------------------------------------------------------------

    def _show_message(self, text: str) -> None:
        self._message.setText(text)
        self._message.show()

    def message_text(self) -> str:
        return self._message.text() if self._message.isVisibleTo(self) else ""

    # ----- publishing -----------------------------------------------------------------------

    def previews(self) -> list[PostPreview]:
        """How the draft will look on each chosen network (the preview dialog's content)."""
        # Loaded on first use: the text rules bring twitter-text (~0.25 s), not for the first frame.
        from desktop_app.domain.preview import PreviewImage
        from desktop_app.ui.preview_dialog import composer_previews

        networks = self.chosen_networks()
        common = self._body_edit.toPlainText()
        texts = {}
        for network in networks:
            editor = self._variant_editors.get(network)
            texts[network] = editor.toPlainText() if editor is not None else common
        images = [
            PreviewImage(a.stored_path, self._pending_alt_texts.get(a.id, a.alt_text))
            for a in sorted(self._attachments.values(), key=lambda a: a.position)
        ]
        return composer_previews(
            networks, texts, self._title_edit.text(), images, self._thread_check.isChecked()
        )

    def show_preview(self) -> PreviewDialog:
        from desktop_app.ui.preview_dialog import PreviewDialog

        dialog = PreviewDialog(self.previews(), self._data_dir, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _set_up_keyboard(self) -> None:
        """Names for screen readers, Tab leaving the editors, Ctrl+Enter publishing."""
        self._message.setAccessibleName(self.tr("Message about the draft"))
        self._publish_status.setAccessibleName(self.tr("Publishing status"))
        self._tabs.setAccessibleName(self.tr("Text per network"))
        self._body_edit.setTabChangesFocus(True)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.publish)

    def _update_publish_button(self) -> None:
        self._publish_button.setText(publish_label(self._schedule_check.isChecked()))
        self._publish_button.setVisible(self._publisher is not None)
        self._publish_button.setEnabled(self.can_publish())
        if self._publisher is not None and not self.can_publish() and not self._publishing:
            self._publish_button.setToolTip(self.tr("Tick at least one connected account."))
        else:
            self._publish_button.setToolTip("")

    def _update_thread_option(self) -> None:
        """Offer a thread only while the X text is too long for one post."""
        measurement = self._last_measurements.get(Network.X)
        too_long = (
            Network.X in self.chosen_networks()
            and measurement is not None
            and measurement.text.reason is not None
            and measurement.text.reason.value == "too_long"
        )
        self._thread_check.setVisible(too_long and self._publisher is not None)

    def _set_publishing(self, busy: bool) -> None:
        self._publishing = busy
        # Nothing typed while the draft is being queued could reach the copy that goes out.
        for widget in (self._title_edit, self._tabs, self._targets_list, self._new_button):
            widget.setEnabled(not busy)
        self._update_publish_button()

    def _show_publish_status(self, text: str, style: str) -> None:
        self._publish_status.setText(text)
        self._publish_status.setStyleSheet(style)
        self._publish_status.show()

    def _account_name(self, account_id: str) -> str:
        account = self._accounts.get(account_id)
        if account is None:
            return self.tr("Removed account") if account_id else self.tr("The draft")
        return f"{network_label(account.network)} · {account.handle or account.display_name}"

    def _per_account_lines(self, messages: dict[str, list[str]]) -> list[str]:
        return [
            f"• {self._account_name(account_id)}: {message}"
            for account_id, texts in messages.items()
            for message in texts
        ]

    def _on_published(self, ref: DraftRef, draft_id: str, result: SubmitResult) -> None:
        self._set_publishing(False)
        self.draft_saved.emit(draft_id)  # its state changed: the drafts list shows it
        if not result.publications:
            if ref is self._ref:
                self._show_publish_status(
                    self.tr(
                        "Nothing new to send: every chosen account already has this post "
                        "or it is on its way."
                    ),
                    PUBLISH_DONE_STYLE,
                )
            return
        count = len(result.publications)
        if any(p.scheduled_at is not None for p in result.publications):
            first = self.tr("Scheduled for %n account(s); see Scheduled.", "", count)
        else:
            first = self.tr("Sent to the sending queue for %n account(s).", "", count)
        lines = [first]
        if result.skipped_account_ids:
            lines.append(
                self.tr(
                    "%n account(s) already had it and were skipped.",
                    "",
                    len(result.skipped_account_ids),
                )
            )
        if result.warnings:
            lines.append(self.tr("Worth fixing next time:"))
            lines.extend(self._per_account_lines(result.warnings))
        self._show_publish_status("\n".join(lines), PUBLISH_DONE_STYLE)
        self.published.emit(draft_id)
        if ref is self._ref:
            self._start_blank()

    def _on_publish_failed(self, ref: DraftRef, error: Exception) -> None:
        self._set_publishing(False)
        if ref is not self._ref:
            return
        if isinstance(error, PublishBlocked):
            lines = [self.tr("Not published. Fix this first:")]
            lines.extend(self._per_account_lines(error.problems))
            self._show_publish_status("\n".join(lines), PUBLISH_PROBLEM_STYLE)
            return
        self._show_publish_status(
            self.tr("Could not publish: {reason}. The draft is kept.").format(
                reason=_sentence_part(error)
            ),
            PUBLISH_PROBLEM_STYLE,
        )


def _sentence_part(error: Exception) -> str:
    """An error's message to put inside one of our sentences (without its own full stop)."""
    return (str(error) or type(error).__name__).rstrip(". ")


def _to_qdatetime(moment: datetime) -> QDateTime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()), QTimeZone.utc())
