"""Every text colour pair in the style sheet meets WCAG 2.1 AA (4.5:1) for normal text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QListView
from pytestqt.qtbot import QtBot

STYLE_SHEET = Path(__file__).resolve().parents[2] / "resources" / "qss" / "kanal.qss"
WINDOW_BACKGROUND = "#ffffff"  # what a rule without its own background is drawn on
AA_NORMAL_TEXT = 4.5


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def colour_pairs(style_sheet: str) -> list[tuple[str, str, str]]:
    """(selector, text colour, background colour) for every rule that sets a text colour."""
    pairs = []
    without_comments = re.sub(r"/\*.*?\*/", "", style_sheet, flags=re.DOTALL)
    for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", without_comments):
        properties = dict(
            (name.strip(), value.strip().lower())
            for name, value in re.findall(r"([\w-]+)\s*:\s*([^;]+);", body)
        )
        name = " ".join(selector.split())
        if "color" in properties:
            background = properties.get("background", properties.get("background-color"))
            pairs.append((name, properties["color"], background or WINDOW_BACKGROUND))
        if "selection-color" in properties:
            pairs.append(
                (
                    f"{name} (selection)",
                    properties["selection-color"],
                    properties.get("selection-background-color", WINDOW_BACKGROUND),
                )
            )
    return pairs


def test_the_known_numbers() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#308cc6", "#ffffff") == pytest.approx(3.69, abs=0.01)


def test_the_style_sheet_sets_an_accessible_selection_colour() -> None:
    selectors = [selector for selector, _, _ in colour_pairs(STYLE_SHEET.read_text("utf-8"))]
    assert "QAbstractItemView (selection)" in selectors


@pytest.mark.parametrize("pair", colour_pairs(STYLE_SHEET.read_text("utf-8")), ids=lambda p: p[0])
def test_every_colour_pair_meets_aa(pair: tuple[str, str, str]) -> None:
    selector, foreground, background = pair
    ratio = contrast(foreground, background)
    assert ratio >= AA_NORMAL_TEXT, f"{selector}: {foreground} on {background} is {ratio:.2f}:1"


def test_a_selected_row_in_a_list_is_drawn_with_accessible_colours(qtbot: QtBot) -> None:
    """The inbox's delegate paints selection with the palette the style sheet gives the view."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.styleSheet()
    app.setStyleSheet(STYLE_SHEET.read_text("utf-8"))
    try:
        view = QListView()
        qtbot.addWidget(view)
        view.show()
        palette = view.palette()
        highlight = palette.color(QPalette.ColorRole.Highlight).name()
        text = palette.color(QPalette.ColorRole.HighlightedText).name()
        assert contrast(text, highlight) >= AA_NORMAL_TEXT, f"{text} on {highlight}"
    finally:
        app.setStyleSheet(before)
