"""The real program with someone typing into it, for the crash-recovery test.

Runs Kanal exactly as ``python -m desktop_app`` does (``run_application`` with the same
configuration from the environment) and, once the window is shown, types a text into the
composer one key press every ``--interval-ms``, through the same key events a keyboard produces,
so the real autosave path (timers, database thread, SQLite) does the saving. After each key it
prints ``{"typed": N, "t": unix_seconds}`` on stdout, so the test knows what was typed when.

A test-only entry point instead of a hook inside the program: the offscreen platform has no
keyboard to type on, and the shipped program carries no remote-control backdoor.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from PySide6.QtCore import QTimer

from desktop_app.app import run_gui
from desktop_app.config import resolve_config
from desktop_app.ui.main_window import SECTION_COMPOSE, MainWindow
from tests.support.keyboard import type_text

TEXT = (
    "Plogbilarna är ute i natt. Vi börjar med huvudgatorna och busslinjerna, "
    "sedan gång- och cykelvägar och sist bostadsgatorna. Parkera gärna på tomten "
    "så att plogen kommer fram. Tack för ert tålamod! "
) * 4


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interval-ms", type=int, default=30)
    args = parser.parse_args()
    config = resolve_config(lang="en")

    def start_typing(window: MainWindow) -> None:
        window.show_section(SECTION_COMPOSE)
        editor = window.composer.body_editor
        editor.setFocus()
        timer = QTimer(window)
        timer.setInterval(args.interval_ms)
        typed = 0

        def type_next() -> None:
            nonlocal typed
            if typed >= len(TEXT):
                timer.stop()
                print(json.dumps({"done": typed, "t": time.time()}), flush=True)
                return
            type_text(editor, TEXT[typed])
            typed += 1
            print(json.dumps({"typed": typed, "t": time.time()}), flush=True)

        timer.timeout.connect(type_next)
        timer.start()

    return run_gui(config, on_window_shown=start_typing)  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
