"""What the CLI prints: UTF-8 whatever the console's code page, and citizens' text made harmless.

Why: a Windows console or redirect in cp1252 used to raise UnicodeEncodeError on the first emoji
*after* ``draft new`` had saved the draft, so a retrying script made duplicates. And a citizen's
name or comment may carry terminal escape sequences (recolour, retitle, hide text, move the
cursor) or bidi overrides that reorder what a moderator reads; human output shows them as
visible escapes. ``--json`` output is left exact (JSON escapes what it must itself).
"""

from __future__ import annotations

import io
import os
import sys
import unicodedata
from typing import IO, Any

# Bidi embedding/override/isolate marks: format characters (Cf) that reorder the text shown.
# Other format characters (the zero-width joiner in emoji sequences, soft hyphens) stay.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_KEPT = frozenset("\n\t")


def _escaped(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """C0 and C1 controls (but line feed and tab), DEL, line/paragraph separators and bidi
    controls written as visible ``\\x1b`` / ``\\u202e`` escapes; everything else unchanged."""
    text = text.replace("\r\n", "\n")
    if text.isprintable():
        return text
    out: list[str] = []
    for char in text:
        if char in _KEPT:
            out.append(char)
        elif char in _BIDI or unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            out.append(_escaped(char))
        else:
            out.append(char)
    return "".join(out)


def one_line(text: str) -> str:
    """A value shown inside one line of output: breaks folded to spaces, controls escaped."""
    return escape_controls(" ".join(text.split()))


class EscapingWriter(io.TextIOBase):
    """A text stream that escapes control characters before passing text on (human output)."""

    def __init__(self, target: IO[str]) -> None:
        super().__init__()
        self._target = target

    def write(self, text: str) -> int:
        self._target.write(escape_controls(text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._target.isatty()

    def fileno(self) -> int:
        return self._target.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self._target, "encoding", "utf-8"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


def use_utf8_streams() -> None:
    """stdout and stderr in UTF-8, with replacement instead of an error for anything unwritable.

    The console's code page (cp1252, cp850) or ``PYTHONIOENCODING`` no longer decides whether a
    command can print what it has just saved.
    """
    # A windowed build has no console streams at all: printing then goes nowhere, quietly.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:  # replaced by a test harness or missing in a windowed build
            continue
        try:
            reconfigure(encoding="utf-8", errors="backslashreplace")
        except (OSError, ValueError):  # a closed or detached stream: nothing to fix
            continue


def install_escaping_stdout() -> IO[str]:
    """Route human output through ``EscapingWriter``; returns the original stream."""
    original = sys.stdout
    if original is not None and not isinstance(original, EscapingWriter):
        sys.stdout = EscapingWriter(original)
    return original
