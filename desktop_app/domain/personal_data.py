"""Spotting Swedish personal identity numbers and phone numbers in free text.

A moderator must be able to hide a citizen's comment that exposes someone's personnummer or phone
number in one step, so the inbox flags such items. Pure functions, no I/O.

Personnummer (Skatteverket, SKV 704): ``YYMMDD-NNNC`` with ``-`` before and ``+`` after the
person's hundredth birthday, or ``YYYYMMDDNNNC``; ``C`` is a Luhn check digit over the ten-digit
form ``YYMMDDNNN``. A samordningsnummer (coordination number) adds 60 to the day. Only numbers
whose date exists and whose check digit is right are flagged: a random ten-digit number (an order
number, say) passes the checksum one time in ten and names a real date far less often.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PersonalDataKind(StrEnum):
    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    PHONE = "phone"


@dataclass(frozen=True)
class PersonalDataMatch:
    kind: PersonalDataKind
    start: int  # character offsets into the scanned text
    end: int
    text: str  # as written

    @property
    def masked(self) -> str:
        """The match with every digit but the last two hidden, safe to show in lists and logs."""
        digits_seen = 0
        total = sum(ch.isdigit() for ch in self.text)
        out = []
        for ch in self.text:
            if ch.isdigit():
                digits_seen += 1
                out.append(ch if digits_seen > total - 2 else "•")
            else:
                out.append(ch)
        return "".join(out)


# 6 or 8 date digits, an optional - or + and four digits, not part of a longer digit run.
_PERSONNUMMER = re.compile(r"(?<![\d+\-])(\d{6}|\d{8})([-+]?)(\d{4})(?![\d])")

# A Swedish number written nationally (0…) or internationally (+46 / 0046), with the usual
# spaces, hyphens and a parenthesised trunk zero: "070-123 45 67", "+46 (0)8 123 456 78".
_PHONE = re.compile(r"(?<![\w+])(?:\+46|0046|0)(?:[ \-]?\(0\))?(?:[ \-]?\d){6,11}(?![\d])")


def luhn_valid(digits: str) -> bool:
    """Whether the Luhn (mod 10) checksum of ``digits`` holds."""
    if not digits.isdigit():
        return False
    total = 0
    for index, ch in enumerate(reversed(digits)):
        value = int(ch)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _century_for(yy: int, separator: str, today: date) -> int:
    """The century of a ten-digit number: the most recent one, or one earlier after "+"."""
    year = today.year - (today.year % 100) + yy
    if year > today.year:
        year -= 100
    if separator == "+":
        year -= 100
    return year - yy


def classify_identity_number(
    date_part: str, separator: str, serial: str, today: date | None = None
) -> PersonalDataKind | None:
    """Which kind of identity number this is, or None when date or checksum is wrong."""
    today = today or date.today()
    if len(date_part) == 8:
        century_digits = int(date_part[:2])
        if century_digits not in (18, 19, 20):
            return None
        full_year = int(date_part[:4])
        short = date_part[2:]
    elif len(date_part) == 6:
        short = date_part
        full_year = _century_for(int(short[:2]), separator, today) + int(short[:2])
    else:
        return None
    month = int(short[2:4])
    day = int(short[4:6])
    kind = PersonalDataKind.PERSONNUMMER
    if day > 60:
        kind = PersonalDataKind.SAMORDNINGSNUMMER
        day -= 60
    try:
        born = date(full_year, month, day)
    except ValueError:
        return None
    if born > today:
        return None
    if not luhn_valid(short + serial):
        return None
    return kind


def find_identity_numbers(text: str, today: date | None = None) -> list[PersonalDataMatch]:
    """Every checksum-valid personnummer or samordningsnummer in ``text``."""
    found: list[PersonalDataMatch] = []
    for match in _PERSONNUMMER.finditer(text):
        kind = classify_identity_number(match.group(1), match.group(2), match.group(3), today)
        if kind is not None:
            found.append(PersonalDataMatch(kind, match.start(), match.end(), match.group(0)))
    return found


def _plausible_swedish_phone(written: str) -> bool:
    digits = re.sub(r"\D", "", written.replace("(0)", ""))
    if digits.startswith("46"):
        national = digits[2:]
    elif digits.startswith("0046"):
        national = digits[4:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return False
    if not national or national[0] == "0":
        return False
    if national[0] == "7":
        # Mobile numbers: 07X-XXX XX XX, nine digits after the trunk zero.
        return len(national) == 9
    # Area code (1-3 digits after the 0) plus a 5-8 digit subscriber number.
    return 7 <= len(national) <= 9


def find_phone_numbers(text: str) -> list[PersonalDataMatch]:
    """Swedish phone numbers in national or international form."""
    found: list[PersonalDataMatch] = []
    for match in _PHONE.finditer(text):
        written = match.group(0).rstrip(" -")
        if _plausible_swedish_phone(written):
            found.append(
                PersonalDataMatch(
                    PersonalDataKind.PHONE, match.start(), match.start() + len(written), written
                )
            )
    return found


def find_personal_data(text: str, today: date | None = None) -> list[PersonalDataMatch]:
    """Identity numbers first; phone-shaped digits inside an identity number do not count twice."""
    identity = find_identity_numbers(text, today)
    phones = [
        phone
        for phone in find_phone_numbers(text)
        if not any(phone.start < m.end and m.start < phone.end for m in identity)
    ]
    return sorted(identity + phones, key=lambda m: m.start)


def personal_data_flags(text: str, today: date | None = None) -> frozenset[PersonalDataKind]:
    """The kinds of personal data found in ``text`` (what the inbox stores and filters by)."""
    return frozenset(m.kind for m in find_personal_data(text, today))
