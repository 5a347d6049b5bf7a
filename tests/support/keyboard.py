"""Typing any character into a widget as key events.

``QTest.keyClicks`` only knows ASCII (it aborts on "ä"), and Swedish needs å, ä and ö, so each
character is sent as a key press and release carrying the character as its text: the editor
receives exactly what a keyboard would give it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def _key_for(character: str) -> int:
    if character == "\n":
        return int(Qt.Key.Key_Return.value)
    if character == " ":
        return int(Qt.Key.Key_Space.value)
    if character.isascii() and character.isalnum():
        return ord(character.upper())
    return int(Qt.Key.Key_unknown.value)


def type_text(widget: QWidget, text: str) -> None:
    """Send ``text`` to ``widget`` one key press and release per character."""
    for character in text:
        key = _key_for(character)
        event_text = "\r" if character == "\n" else character
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, event_text)
            QApplication.sendEvent(widget, event)
