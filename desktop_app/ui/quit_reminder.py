"""A reminder on quitting while scheduled posts wait that only this computer can send.

X and Bluesky cannot hold a scheduled post: Kanal sends it at the time, so quitting means it
goes out late (when Kanal next runs). The person decides, knowing which posts and when."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.domain.publications import Publication
from desktop_app.ui.targets import network_label

if TYPE_CHECKING:
    from desktop_app.store.database import Store

LISTED = 5  # more than this are counted, not listed

AskBeforeQuitting = Callable[[QWidget, Sequence[Publication]], bool]


def kept_locally(store: Store, now: datetime) -> list[Publication]:
    """Scheduled publications this computer must send (a job for the database lane)."""
    # Imported here: the store's libraries are not needed for the first paint.
    from desktop_app.ui.scheduled_view import scheduled_publications

    return [p for p in scheduled_publications(store, now) if not p.platform_scheduled]


def reminder_text(publications: Sequence[Publication]) -> str:
    locale = QLocale()
    lines = []
    for publication in publications[:LISTED]:
        due = publication.scheduled_at or publication.not_before
        when = (
            locale.toString(
                QDateTime.fromSecsSinceEpoch(int(due.timestamp())).toLocalTime(),
                QLocale.FormatType.ShortFormat,
            )
            if due is not None
            else ""
        )
        lines.append(
            f"• {network_label(publication.network)} · {publication.account_label} · {when}"
        )
    if len(publications) > LISTED:
        lines.append(
            QCoreApplication.translate(
                "QuitReminder", "… and %n more", "", len(publications) - LISTED
            )
        )
    head = QCoreApplication.translate(
        "QuitReminder",
        "These scheduled posts are sent by this computer. If Kanal is not running at the time, "
        "they go out only when it next starts:",
    )
    return head + "\n\n" + "\n".join(lines)


def ask_before_quitting(parent: QWidget, publications: Sequence[Publication]) -> bool:
    """True: quit anyway. The default is to stay."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("QuitReminder", "Scheduled posts are waiting"))
    box.setText(reminder_text(publications))
    quit_button = box.addButton(
        QCoreApplication.translate("QuitReminder", "Quit anyway"),
        QMessageBox.ButtonRole.DestructiveRole,
    )
    stay = box.addButton(
        QCoreApplication.translate("QuitReminder", "Keep Kanal running"),
        QMessageBox.ButtonRole.RejectRole,
    )
    box.setDefaultButton(stay)
    box.setEscapeButton(stay)
    box.exec()
    return box.clickedButton() is quit_button
