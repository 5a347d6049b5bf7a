"""Platform text made valid Unicode before Kanal keeps it: kept, never dropped.

Real services emit text that is not valid Unicode: a post cut in the middle of an emoji leaves
a lone surrogate (``"\\ud83d"``), and some carry NUL or non-characters. Python holds such text
happily, but encoding it (SQLite, PostgreSQL, JSON export, Qt) fails, and one such item used to
stop an account's whole sync. Each invalid code point becomes U+FFFD (the replacement
character), so the rest of the text stays readable and searchable.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

REPLACEMENT = "\ufffd"

# C0 controls other than tab, line feed and carriage return (NUL among them), and the
# non-characters U+FDD0..U+FDEF and U+xFFFE/U+xFFFF of every plane.
_INVALID = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
    + "]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")

T = TypeVar("T")


def clean_text(value: str) -> str:
    """``value`` as valid, storable Unicode; invalid code points become U+FFFD.

    A surrogate *pair* left in a str (text decoded as UTF-16 code units) is joined into the
    character it encodes; a lone surrogate is replaced.
    """
    if _SURROGATE.search(value):
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _INVALID.sub(REPLACEMENT, value)


def clean_fields(item: T) -> T:
    """A copy of a dataclass with every ``str`` field cleaned (same object when all are valid)."""
    if not dataclasses.is_dataclass(item) or isinstance(item, type):
        raise TypeError("clean_fields takes a dataclass instance")
    changes: dict[str, str] = {}
    for field in dataclasses.fields(item):
        value = getattr(item, field.name)
        if isinstance(value, str):
            cleaned = clean_text(value)
            if cleaned != value:
                changes[field.name] = cleaned
    return dataclasses.replace(item, **changes) if changes else item
