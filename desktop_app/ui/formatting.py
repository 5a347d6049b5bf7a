"""How the tables show dates and times: the UI locale's short format, in the display zone.

Times are stored in UTC; the views show them in the display zone (Swedish time unless told
otherwise, see ``application.display_zone``) with the short date and time format of the current
UI locale: "2026-11-25 16:40" in Swedish, "25/11/2026 16:40" in British English.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QLocale, QTimeZone


def ui_locale() -> QLocale:
    """The locale the UI speaks; the C locale (no language chosen yet, e.g. a bare
    QApplication) falls back to British English, whose short format is a real date."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    return locale


def format_date_time(moment: datetime | None, zone: QTimeZone) -> str:
    """``moment`` (naive means UTC) as the UI locale's short date and time in ``zone``."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    shown = QDateTime.fromSecsSinceEpoch(int(moment.timestamp()), zone)
    return ui_locale().toString(shown, QLocale.FormatType.ShortFormat)
