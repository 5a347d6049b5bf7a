"""argparse ``type=`` validators: a bad value is refused while parsing, before anything is opened.

Each returns a callable argparse calls with the option's text; a refusal raises ``UsageError``
(one line, exit 2) rather than argparse's two-line usage message.
"""

from __future__ import annotations

import math
import stat
from collections.abc import Callable
from pathlib import Path

from desktop_app.cli.errors import UsageError

# SQLite's integers are 64-bit; anything above is refused before it reaches a query.
MAX_ROWS = 2**31 - 1
MAX_SEARCH_WORDS = 32
MAX_PORT = 65535


def whole_number(option: str, *, minimum: int = 0, maximum: int = MAX_ROWS) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise UsageError("not_a_number", option=option, value=text) from None
        if value < minimum:
            raise UsageError("number_too_small", option=option, value=value, minimum=minimum)
        if value > maximum:
            raise UsageError("number_too_large", option=option, value=value, maximum=maximum)
        return value

    parse.__name__ = "whole number"  # argparse names the type in its own messages
    return parse


def seconds(option: str, *, maximum: float = 7 * 24 * 3600.0) -> Callable[[str], float]:
    """A finite, non-negative number of seconds (no inf, no nan)."""

    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise UsageError("not_finite", option=option, value=text) from None
        if not math.isfinite(value):
            raise UsageError("not_finite", option=option, value=text)
        if value < 0:
            raise UsageError("negative", option=option, value=text)
        if value > maximum:
            raise UsageError("number_too_large", option=option, value=text, maximum=f"{maximum:g}")
        return value

    parse.__name__ = "seconds"
    return parse


def port(option: str = "--port") -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise UsageError("bad_port", option=option, value=text) from None
        if not 0 <= value <= MAX_PORT:
            raise UsageError("bad_port", option=option, value=value)
        return value

    parse.__name__ = "port"
    return parse


def search_words(option: str = "--search", maximum: int = MAX_SEARCH_WORDS) -> Callable[[str], str]:
    """A search of at most ``maximum`` words (each word is one condition in the query)."""

    def parse(text: str) -> str:
        count = len(text.split())
        if count > maximum:
            raise UsageError("too_many_words", option=option, count=count, maximum=maximum)
        return text

    parse.__name__ = "search"
    return parse


def check_regular_file(option: str, path: Path) -> None:
    """A file to read must be a plain file: a FIFO or a device would block or never end."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return  # the store says it in its own words ("no longer at ...")
    except OSError as error:
        raise UsageError("file_unreadable", option=option, path=str(path),
                         detail=error.strerror or type(error).__name__) from None  # fmt: skip
    if not stat.S_ISREG(mode):
        raise UsageError("file_not_regular", option=option, path=str(path))
