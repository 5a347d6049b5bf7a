"""The pinned Qt binding must not leak or drop references on the paths Kanal uses constantly.

PySide6 6.12.0 returned True from ``SignalInstance.emit`` without a new reference: every emit
took one from True until the interpreter aborted ("bool_dealloc"), hours into a session. From
Python 3.12 True is immortal and the count no longer moves, so the check applies before that.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot


class Emitter(QObject):
    text_changed = Signal(str)
    nothing = Signal()


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True is immortal from Python 3.12")
def test_emitting_signals_keeps_the_reference_count_of_true(qtbot: QtBot) -> None:
    emitter = Emitter()
    received: list[str] = []
    emitter.text_changed.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(1_000):
        emitter.text_changed.emit("x")
        emitter.nothing.emit()
    assert len(received) == 1_000
    # A few references come and go elsewhere; the 6.12.0 bug would show as -2,000.
    assert abs(sys.getrefcount(True) - before) < 20
