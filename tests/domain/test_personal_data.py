"""Personnummer, samordningsnummer and phone-number detection."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.domain.personal_data import (
    PersonalDataKind,
    find_personal_data,
    luhn_valid,
    personal_data_flags,
)

TODAY = date(2026, 11, 25)


def _check_digit(nine: str) -> str:
    for digit in "0123456789":
        if luhn_valid(nine + digit):
            return digit
    raise AssertionError("no check digit")


@pytest.mark.parametrize(
    "written",
    [
        "811228-9874",  # Skatteverket's documented example
        "8112289874",
        "19811228-9874",
        "198112289874",
        "121212-1212",
        "201212121212",
    ],
)
def test_valid_personnummer_is_flagged_in_every_written_form(written: str) -> None:
    text = f"Mitt nummer är {written}, ring mig."
    found = find_personal_data(text, TODAY)
    assert [m.kind for m in found] == [PersonalDataKind.PERSONNUMMER]
    assert found[0].text == written
    assert text[found[0].start : found[0].end] == written


@pytest.mark.parametrize("written", ["811228-9875", "8112289873", "19811228-9870", "121212-1213"])
def test_wrong_check_digit_is_not_flagged(written: str) -> None:
    assert find_personal_data(f"nummer {written}", TODAY) == []


def test_impossible_dates_are_not_flagged_even_with_a_right_check_digit() -> None:
    for nine in ("811328987", "810230987", "990229123"):  # month 13, 30 Feb, 29 Feb 1999
        written = f"{nine[:6]}-{nine[6:]}{_check_digit(nine)}"
        assert find_personal_data(written, TODAY) == [], written


def test_samordningsnummer_adds_sixty_to_the_day() -> None:
    nine = "701063" + "234"  # born 3 Oct 1970, coordination number
    written = f"{nine[:6]}-{nine[6:]}{_check_digit(nine)}"
    found = find_personal_data(f"samordningsnummer {written}", TODAY)
    assert [m.kind for m in found] == [PersonalDataKind.SAMORDNINGSNUMMER]


def test_plus_separator_means_a_century_earlier() -> None:
    nine = "120101" + "123"
    check = _check_digit(nine)
    assert find_personal_data(f"120101+123{check}", TODAY)  # born 1912: plausible
    # A ten-digit number means the most recent such date: "270101" is 1927, not 2027.
    future = "270101" + "123"
    assert find_personal_data(f"270101-123{_check_digit(future)}", TODAY)
    # A twelve-digit number names its century, and a birth date in the future is refused.
    assert find_personal_data(f"20270101-123{_check_digit(future)}", TODAY) == []


def test_longer_digit_runs_are_not_personnummer() -> None:
    assert find_personal_data("order 18112289874123", TODAY) == []


@pytest.mark.parametrize(
    "written",
    ["070-123 45 67", "0701234567", "+46 70 123 45 67", "+46701234567", "08-123 456 78",
     "031-12 34 56", "0046 8 123 456 78", "+46 (0)8 123 456 78"],
)  # fmt: skip
def test_swedish_phone_numbers_are_flagged(written: str) -> None:
    found = find_personal_data(f"Ring {written} efter fem", TODAY)
    assert [m.kind for m in found] == [PersonalDataKind.PHONE], written


@pytest.mark.parametrize("text", ["år 2024 var det 12 grader", "070-12", "ärende 12345", "1/2"])
def test_other_numbers_are_not_phones(text: str) -> None:
    assert find_personal_data(text, TODAY) == []


def test_a_personnummer_is_not_also_reported_as_a_phone() -> None:
    assert personal_data_flags("811228-9874", TODAY) == {PersonalDataKind.PERSONNUMMER}


def test_masked_hides_all_but_the_last_two_digits() -> None:
    (match,) = find_personal_data("811228-9874", TODAY)
    assert match.masked == "••••••-••74"
