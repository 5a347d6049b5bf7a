"""Splitting a text that is too long for one X post into a numbered thread (pure).

The split happens only when the user asks for it. Parts break at paragraph, sentence or word
boundaries, never inside a word unless a single word is longer than a whole post, and each part
ends with its number ("1/3"). Lengths are measured with the platform's own counting function,
passed in, so URLs, emoji and CJK count as X counts them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# A piece is a run of non-space text plus the white space after it; joining pieces gives the
# original text back, so nothing the user wrote is dropped or reordered.
_PIECE = re.compile(r"\S+\s*|\s+")
_SENTENCE_END = re.compile(r"[.!?…:;]\s*$")


class ThreadTooLong(ValueError):
    """The text would need more parts than a thread may have."""


def number_suffix(index: int, total: int) -> str:
    return f"\n{index}/{total}"


def split_thread(
    text: str, measure: Callable[[str], int], limit: int, max_parts: int = 25
) -> list[str]:
    """The parts of ``text``, each within ``limit`` by ``measure`` including its number.

    A text that already fits is returned as one part without a number.
    """
    text = text.strip()
    if measure(text) <= limit:
        return [text]
    # The width of the numbering depends on the number of parts, so split with a guess and
    # redo once the count is known (it converges in one or two rounds).
    total_guess = 9
    for _ in range(4):
        parts = _split_with(text, measure, limit, total_guess, max_parts)
        if len(parts) > max_parts:
            raise ThreadTooLong(f"the text needs {len(parts)} posts; at most {max_parts} allowed")
        if len(str(len(parts))) <= len(str(total_guess)):
            total = len(parts)
            return [part + number_suffix(i, total) for i, part in enumerate(parts, start=1)]
        total_guess = 10 ** len(str(len(parts))) - 1
    raise ThreadTooLong("the text could not be split into a thread")


def _split_with(
    text: str, measure: Callable[[str], int], limit: int, total: int, max_parts: int
) -> list[str]:
    # Room for the widest suffix this total can produce.
    suffix = number_suffix(total, total)

    def budget_check(candidate: str) -> bool:
        return measure(candidate + suffix) <= limit

    pieces = _PIECE.findall(text)
    parts: list[str] = []
    current = ""
    last_sentence_break = -1  # index into current where the last sentence ended
    for piece in pieces:
        if len(parts) > max_parts:
            break  # the caller refuses it anyway; measuring the rest would only cost time
        candidate = current + piece
        if budget_check(candidate.rstrip()):
            current = candidate
            if _SENTENCE_END.search(piece):
                last_sentence_break = len(current)
            continue
        if current.strip():
            # Prefer ending the part at the last sentence end if it leaves the part at least
            # half full; otherwise break at the word.
            if last_sentence_break > len(current) // 2:
                head, tail = current[:last_sentence_break], current[last_sentence_break:]
                parts.append(head.rstrip())
                current = tail + piece
            else:
                parts.append(current.rstrip())
                current = piece.lstrip()
        else:
            current = candidate.lstrip()
        last_sentence_break = -1
        # A single word longer than a whole post: cut it by characters.
        while current.strip() and not budget_check(current.rstrip()):
            cut = _longest_prefix(current, budget_check)
            parts.append(current[:cut].rstrip())
            current = current[cut:].lstrip()
    if current.strip():
        parts.append(current.rstrip())
    return [part for part in parts if part]


def _longest_prefix(text: str, fits: Callable[[str], bool]) -> int:
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle]):
            low = middle
        else:
            high = middle - 1
    return low
