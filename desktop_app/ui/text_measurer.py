"""Measures texts against each network's rules off the GUI thread.

Counting a megabyte of pasted text by X's rules takes long enough to freeze typing, so the
composer sends the texts here. Requests coalesce: while one measurement runs, only the newest
waiting request is kept, so a burst of typing costs at most two measurements.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from desktop_app.domain.networks import Network

if TYPE_CHECKING:
    # Loading the rules costs ~0.15 s (X's emoji tables); the window must not wait for it, so
    # at run time they are imported on the measuring thread.
    from desktop_app.domain.text_rules import TextMeasure


@dataclass(frozen=True)
class Measurement:
    """One network's verdict on one text (and the title, for a blog), as the counters show it."""

    text: TextMeasure
    title_missing: bool = False

    @property
    def problem(self) -> bool:
        """Whether the counter shows red. An empty text is not yet a problem while writing."""
        from desktop_app.domain.text_rules import InvalidReason

        reason = self.text.reason
        return self.title_missing or (reason is not None and reason != InvalidReason.EMPTY)


MeasureFunction = Callable[[Network, str], "TextMeasure"]


def default_measure() -> MeasureFunction:
    from desktop_app.domain.text_rules import measure

    return measure


def measure_all(
    measure: MeasureFunction, texts: Mapping[Network, str], title: str
) -> dict[Network, Measurement]:
    """Measure each network's text; a blog also needs a title."""
    return {
        network: Measurement(
            text=measure(network, text),
            title_missing=network is Network.WORDPRESS and not title.strip(),
        )
        for network, text in texts.items()
    }


class TextMeasurer(QObject):
    """Runs ``measure_all`` on its own thread and reports the newest result.

    Signals:
        measured(dict): network -> Measurement for the most recent request.
    """

    measured = Signal(dict)
    _finished = Signal(int, dict)

    def __init__(self, measure: MeasureFunction | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._measure = measure
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kanal-measure")
        self._busy = False
        self._pending: tuple[dict[Network, str], str] | None = None
        self._generation = 0
        self._closed = False
        self._finished.connect(self._on_finished)

    def request(self, texts: Mapping[Network, str], title: str) -> None:
        if self._closed:
            return
        self._generation += 1
        self._pending = (dict(texts), title)
        if not self._busy:
            self._start_pending()

    def close(self) -> None:
        """Drop waiting work and join the thread. Idempotent."""
        self._closed = True
        self._pending = None
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _start_pending(self) -> None:
        if self._pending is None:
            return
        texts, title = self._pending
        self._pending = None
        generation = self._generation
        self._busy = True

        def run() -> None:
            # The rule libraries load on this thread at first use, so the window opens
            # without waiting for them.
            try:
                if self._measure is None:
                    self._measure = default_measure()
                results = measure_all(self._measure, texts, title)
            except Exception:
                results = {}
            self._finished.emit(generation, results)

        self._executor.submit(run)

    @Slot(int, dict)
    def _on_finished(self, generation: int, results: dict[Network, Measurement]) -> None:
        self._busy = False
        if self._closed:
            return
        if self._pending is not None:
            self._start_pending()
        if results or generation == self._generation:
            self.measured.emit(results)
