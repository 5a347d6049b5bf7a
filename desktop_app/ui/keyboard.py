"""Keyboard and screen-reader support shared by the sections.

Why one module: the rules (Tab leaves text editors, every focusable control has a name a screen
reader announces, a section hands focus to its main control) hold for the whole window, and the
check the tests run is the same walk the window can use."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)


def is_focusable(widget: QWidget) -> bool:
    """Reachable by Tab or a click once shown (hidden parts count: they appear later)."""
    return widget.focusPolicy() != Qt.FocusPolicy.NoFocus


def accessible_name(widget: QWidget) -> str:
    """The name a screen reader announces (set explicitly, or a button's text, or a buddy label)."""
    interface: QAccessibleInterface | None = QAccessible.queryAccessibleInterface(widget)
    if interface is None:
        return widget.accessibleName()
    return interface.text(QAccessible.Text.Name).replace("&", "").strip()


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName() or ''}".strip()


def unnamed_focusable_controls(root: QWidget) -> list[str]:
    """Focusable controls under ``root`` that a screen reader would announce without a name."""
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.window() is not root.window() or not is_focusable(widget):
            continue
        if widget.parentWidget() is not None and _is_internal_part(widget):
            continue
        if isinstance(widget, QComboBox) and not widget.accessibleName():
            found.append(describe(widget) + " (announced only by its value)")
        elif not accessible_name(widget):
            found.append(describe(widget))
    return found


def _is_internal_part(widget: QWidget) -> bool:
    """Viewports and line edits inside spin/combo boxes: the outer control carries the name."""
    parent = widget.parentWidget()
    if isinstance(parent, (QAbstractSpinBox, QComboBox)):
        return True
    return isinstance(parent, QAbstractScrollArea) and widget is parent.viewport()


def let_tab_leave_text_editors(root: QWidget) -> None:
    """Tab and Shift+Tab move focus on instead of inserting a tab character."""
    for editor in root.findChildren(QPlainTextEdit):
        editor.setTabChangesFocus(True)
    for rich in root.findChildren(QTextEdit):
        rich.setTabChangesFocus(True)


def main_control(section: QWidget) -> QWidget | None:
    """Where work in ``section`` starts: its ``main_control()`` if it names one, else its first
    shown list or table."""
    chosen = getattr(section, "main_control", None)
    if callable(chosen):
        widget = chosen()
        if isinstance(widget, QWidget):
            return widget
    for view in section.findChildren(QAbstractItemView):
        if view.isVisibleTo(section) and view.isEnabled() and is_focusable(view):
            return view
    return None


def focus_main_control(section: QWidget, preferred: QWidget | None = None) -> None:
    """Puts the keyboard focus where the person will work in the section just shown."""
    target = preferred if preferred is not None else main_control(section)
    if target is not None:
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)
