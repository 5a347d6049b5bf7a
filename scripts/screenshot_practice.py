"""Takes the screenshot of practice mode (`kanal --sandbox`): the banner, the five practice
accounts, and a practice post being written for all of them.

    QT_QPA_PLATFORM=offscreen python scripts/screenshot_practice.py [--lang sv] [--output PATH]

Wires the window exactly as ``kanal --sandbox`` does (desktop_app.practice: the emulator
in-process, the practice data folder, the in-memory keyring, the accounts connected at start)
on a throw-away data folder. QWidget.grab() renders the window without its frame, so the
window's own title is drawn as a strip above it, the way a desktop shows it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

DEFAULT_OUTPUT = REPO_ROOT / "docs" / "screenshots" / "practice-mode.png"
WINDOW_SIZE = (1280, 790)
TITLE_HEIGHT = 30
TIMEOUT_MS = 30_000
PRACTICE_TITLE = "Längre öppettider på biblioteket i vinter"
PRACTICE_TEXT = (
    "Övning: Biblioteket i Sandviken har öppet till kl. 20 på torsdagar under vintern. "
    "Välkommen in! #bibliotek"
)


def take(output: Path, lang: str) -> Path:
    """Build the scene and write the PNG to ``output``; returns ``output``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEventLoop, QRect, Qt, QTimer
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

    from desktop_app.app import build_services
    from desktop_app.config import resolve_config
    from desktop_app.practice import PracticeMode
    from desktop_app.ui.application import build_main_window, create_application, open_event_log
    from desktop_app.ui.db_worker import DatabaseWorker
    from desktop_app.ui.main_window import SECTION_COMPOSE

    def wait_until(condition: Callable[[], bool], what: str) -> None:
        # An event loop and a timer, not a processEvents() loop: PySide6 6.12 on Python 3.11
        # drops a reference to None on every processEvents() call, which ends in a crash.
        if condition():
            return
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(50)
        poll.timeout.connect(lambda: loop.quit() if condition() else None)
        poll.start()
        QTimer.singleShot(TIMEOUT_MS, loop.quit)
        loop.exec()
        poll.stop()
        if not condition():
            raise RuntimeError(f"timed out waiting for {what}")

    with (
        tempfile.TemporaryDirectory(prefix="kanal-screenshot-") as folder,
        PracticeMode(public_rate=0.0) as practice,
    ):
        config = resolve_config(data_dir=str(Path(folder) / "data"), lang=lang, sandbox=True)
        app = create_application(config)
        worker = DatabaseWorker()
        services = build_services(
            config,
            secrets=practice.secrets,
            store_opener=lambda: practice.open_store(config),
            sign_in_presets=practice.presets,
        )
        window = build_main_window(services, worker, open_event_log(config))
        view = window.accounts_view
        worker.open_store(services.store)
        window.resize(*WINDOW_SIZE)
        window.show_section(SECTION_COMPOSE)
        window.show()
        wait_until(lambda: len(view.accounts()) == 5, "the practice accounts")
        composer = window.composer
        composer.set_targets([a.id for a in view.accounts()])
        saved: list[str] = []
        composer.draft_saved.connect(saved.append)
        composer.title_editor.setText(PRACTICE_TITLE)
        composer.body_editor.setPlainText(PRACTICE_TEXT)
        composer.save_now()
        wait_until(lambda: bool(saved), "the practice draft to be saved")
        window.set_online(True)
        pause = QEventLoop()
        QTimer.singleShot(300, pause.quit)  # the counters and the save time repaint
        pause.exec()

        body = window.grab()
        shot = QPixmap(body.width(), body.height() + TITLE_HEIGHT)
        shot.fill(QColor("#2b2f36"))
        painter = QPainter(shot)
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(
            QRect(0, 0, shot.width(), TITLE_HEIGHT),
            Qt.AlignmentFlag.AlignCenter,
            window.windowTitle(),
        )
        painter.drawPixmap(0, TITLE_HEIGHT, body)
        painter.end()
        output.parent.mkdir(parents=True, exist_ok=True)
        if not shot.save(str(output)):
            raise RuntimeError(f"could not write {output}")
        window.shutdown()
        window.deleteLater()
        QCoreApplication.processEvents()
        del app
    return output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["sv", "en"], default="sv")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    print(take(args.output, args.lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
