"""Takes the README's screenshot of the composer: one draft for X, Facebook and Mastodon.

    QT_QPA_PLATFORM=offscreen python scripts/screenshot_composer.py [--lang sv] [--output PATH]

Builds the real main window on a throw-away data folder holding three accounts and a draft whose
text is too long for X (so its counter is red), with a shorter Mastodon variant and two images,
one still without alt text. Works headless (offscreen) or under Xvfb; QWidget.grab() renders
the window without a display.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

DEFAULT_OUTPUT = REPO_ROOT / "docs" / "screenshots" / "composer.png"
WINDOW_SIZE = (1280, 820)

BODY = (
    "Plogbilarna är ute i natt. Vi börjar med huvudgatorna och busslinjerna vid 22, "
    "fortsätter med gång- och cykelvägar och tar bostadsgatorna före kl. 7. "
    "Ställ gärna bilen på tomten så att plogen kommer fram. Läs mer om vinterväghållningen "
    "och se kartan över plogningen på kommunens webbplats: https://www.example.se/snorojning"
)
MASTODON_VARIANT = (
    "Plogbilarna är ute i natt: huvudgator och busslinjer först, bostadsgator före kl. 7. "
    "Ställ gärna bilen på tomten. https://www.example.se/snorojning #snöröjning #vinter"
)


def make_images(folder: Path) -> tuple[Path, Path]:
    from PIL import Image, ImageDraw

    plow = folder / "plogbil.jpg"
    image = Image.new("RGB", (640, 420), (218, 228, 238))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 640, 420), fill=(250, 250, 252))
    draw.rectangle((150, 190, 430, 300), fill=(240, 180, 20))
    draw.rectangle((380, 150, 500, 300), fill=(240, 180, 20))
    draw.polygon([(60, 300), (150, 230), (150, 300)], fill=(90, 90, 95))
    for x in (200, 320, 450):
        draw.ellipse((x - 28, 272, x + 28, 328), fill=(40, 40, 45))
    image.save(plow, quality=90)
    map_image = folder / "plogkarta.png"
    chart = Image.new("RGB", (600, 420), (236, 241, 230))
    draw = ImageDraw.Draw(chart)
    for offset in range(0, 600, 60):
        draw.line((offset, 0, offset + 200, 420), fill=(200, 200, 200), width=6)
    draw.line((40, 380, 300, 200, 560, 60), fill=(11, 92, 173), width=14)
    chart.save(map_image)
    return plow, map_image


def take(output: Path, lang: str) -> Path:
    """Build the scene and write the PNG to ``output``; returns ``output``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_app.app import build_services, open_store
    from desktop_app.config import resolve_config
    from desktop_app.domain.networks import Network
    from desktop_app.ui.application import build_main_window, create_application, open_event_log
    from desktop_app.ui.db_worker import DatabaseWorker
    from desktop_app.ui.main_window import SECTION_COMPOSE

    with tempfile.TemporaryDirectory(prefix="kanal-screenshot-") as folder:
        config = resolve_config(data_dir=str(Path(folder) / "data"), lang=lang)
        store = open_store(config)
        plow, chart = make_images(Path(folder))
        with store.unit_of_work() as uow:
            accounts = [
                uow.accounts.add(
                    network=Network.X,
                    display_name="Sundby kommun",
                    handle="@sundbykommun",
                    base_url="https://x.example",
                    remote_id="1001",
                ),
                uow.accounts.add(
                    network=Network.FACEBOOK,
                    display_name="Sundby kommun",
                    handle="sundbykommun",
                    base_url="https://facebook.example",
                    remote_id="2002",
                ),
                uow.accounts.add(
                    network=Network.MASTODON,
                    display_name="Sundby kommun",
                    handle="@info@sundby.social",
                    base_url="https://sundby.social",
                    remote_id="3003",
                ),
            ]
            draft = uow.drafts.create(
                body=BODY,
                targets=[a.id for a in accounts],
                variants={Network.MASTODON: MASTODON_VARIANT},
                scheduled_at=datetime(2026, 12, 1, 5, 0, tzinfo=UTC),  # 06:00 in Sweden
                author="kommunikation",
            )
            uow.attachments.add(
                draft.id, plow, alt_text="En gul plogbil plogar en snöig gata i gryningen"
            )
            uow.attachments.add(draft.id, chart)
        store.dispose()

        app = create_application(config)
        worker = DatabaseWorker()
        services = build_services(config)
        window = build_main_window(services, worker, open_event_log(config))
        worker.open_store(services.store)
        window.resize(*WINDOW_SIZE)
        window.show_section(SECTION_COMPOSE)
        window.show()
        loop = QEventLoop()
        window.composer.loaded.connect(lambda _id: QTimer.singleShot(600, loop.quit))
        QTimer.singleShot(15_000, loop.quit)  # never hang a build on a screenshot
        window.composer.open_draft(draft.id)
        loop.exec()
        window.set_online(True)
        QCoreApplication.processEvents()
        output.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(output)):
            raise RuntimeError(f"could not write {output}")
        window.shutdown()
        window.deleteLater()
        QCoreApplication.processEvents()
        assert isinstance(app, QApplication)
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
