"""Dates and times in the tables follow the UI locale, in Swedish time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QLocale, QTimeZone

from desktop_app.ui.application import display_zone
from desktop_app.ui.formatting import format_date_time

# 15:40 UTC is 16:40 in Stockholm in November (CET, UTC+1).
MOMENT = datetime(2026, 11, 25, 15, 40, tzinfo=UTC)


@pytest.fixture
def restore_locale() -> Iterator[None]:
    before = QLocale()
    yield
    QLocale.setDefault(before)


def test_swedish_short_format_in_stockholm_time(restore_locale: None) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.Swedish, QLocale.Country.Sweden))
    assert format_date_time(MOMENT, display_zone()) == "2026-11-25 16:40"


def test_english_short_format(restore_locale: None) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    assert format_date_time(MOMENT, display_zone()) == "25/11/2026 16:40"


def test_c_locale_falls_back_to_a_real_date_not_day_month_digits(restore_locale: None) -> None:
    QLocale.setDefault(QLocale.c())
    assert format_date_time(MOMENT, display_zone()) == "25/11/2026 16:40"


def test_naive_times_are_utc_and_summer_time_is_applied(restore_locale: None) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.Swedish, QLocale.Country.Sweden))
    summer = datetime(2026, 6, 1, 10, 0)  # naive: stored as UTC
    assert format_date_time(summer, QTimeZone(b"Europe/Stockholm")) == "2026-06-01 12:00"
    assert format_date_time(None, display_zone()) == ""
