"""Checks before anything goes public from the composer: a schedule that makes sense, a warning
for schedules this computer must keep, and a confirmation (a setting can turn it off).

Why here and not in the composer: the composer is one large widget; these are the window's
rules for trusting a schedule, shared with the settings page and testable on their own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.domain.networks import Network
from desktop_app.domain.platforms import display_name
from desktop_app.domain.schedule_keeping import kept_by_this_computer
from desktop_app.domain.scheduling import (
    ScheduleProblem,
    ScheduleRefused,
    check_future,
    resolve_local,
)


def refusal_text(refused: ScheduleRefused) -> str:
    """The reason a schedule was refused, in the user's language."""
    details = refused.details
    if refused.problem is ScheduleProblem.IN_THE_PAST:
        return QCoreApplication.translate(
            "ScheduleGuard", "{when} has already passed (it is now {now}). Choose a later time."
        ).format(when=details.get("when", ""), now=details.get("now", ""))
    if refused.problem is ScheduleProblem.NONEXISTENT:
        return QCoreApplication.translate(
            "ScheduleGuard",
            "{when} does not exist: the clocks jump forward then ({gap}). Choose another time.",
        ).format(when=details.get("when", ""), gap=details.get("gap", ""))
    if refused.problem is ScheduleProblem.AMBIGUOUS:
        return QCoreApplication.translate(
            "ScheduleGuard",
            "{when} happens twice when the clocks go back. Choose a time outside that hour.",
        ).format(when=details.get("when", ""))
    if refused.problem is ScheduleProblem.OUT_OF_RANGE:
        return QCoreApplication.translate(
            "ScheduleGuard", "That time is too far ahead. Choose a time within five years."
        )
    return QCoreApplication.translate("ScheduleGuard", "That is not a date and time.")


def schedule_problem(local: QDateTime, zone: tzinfo, now: datetime) -> str | None:
    """Why the wall-clock time shown in the schedule field cannot be used, or None.

    The field's date and time are read as a wall-clock time in ``zone`` (the authority's), so a
    time the clocks skip is refused rather than silently moved by an hour."""
    date, time = local.date(), local.time()
    naive = datetime(date.year(), date.month(), date.day(), time.hour(), time.minute())
    try:
        moment = resolve_local(naive, zone, fold=0)
        check_future(moment, now=now.astimezone(UTC), zone=zone)
    except ScheduleRefused as refused:
        return refusal_text(refused)
    return None


def kept_locally_warning(networks: Sequence[Network]) -> str:
    """A warning when scheduling for platforms that cannot hold the post themselves."""
    kept = kept_by_this_computer(networks)
    if not kept:
        return ""
    names = ", ".join(display_name(n) for n in kept)
    return QCoreApplication.translate(
        "ScheduleGuard",
        "{networks} cannot hold a scheduled post: this computer sends it, so it must be on and "
        "Kanal running at that time.",
    ).format(networks=names)


def publish_label(scheduled: bool) -> str:
    """The composer's button names what it does."""
    return (
        QCoreApplication.translate("ScheduleGuard", "&Schedule")
        if scheduled
        else QCoreApplication.translate("ScheduleGuard", "&Publish")
    )


def confirmation_text(account_names: Sequence[str], when: QDateTime | None) -> str:
    accounts = ", ".join(account_names)
    if when is None:
        return QCoreApplication.translate(
            "ScheduleGuard", "Publish now to {accounts}? It will be public at once."
        ).format(accounts=accounts)
    shown = QLocale().toString(when, QLocale.FormatType.ShortFormat)
    return QCoreApplication.translate("ScheduleGuard", "Schedule for {when} on {accounts}?").format(
        when=shown, accounts=accounts
    )


def ask_confirmation(parent: QWidget, account_names: Sequence[str], when: QDateTime | None) -> bool:
    """A question whose buttons name the action; Esc cancels."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(
        QCoreApplication.translate("ScheduleGuard", "Schedule the post")
        if when
        else QCoreApplication.translate("ScheduleGuard", "Publish the post")
    )
    box.setText(confirmation_text(account_names, when))
    action = box.addButton(
        QCoreApplication.translate("ScheduleGuard", "Schedule")
        if when
        else QCoreApplication.translate("ScheduleGuard", "Publish now"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    cancel = box.addButton(
        QCoreApplication.translate("ScheduleGuard", "Cancel"), QMessageBox.ButtonRole.RejectRole
    )
    box.setDefaultButton(action)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is action


Confirm = Callable[[QWidget, Sequence[str], QDateTime | None], bool]
