"""Takes the working-day screenshots (Swedish): calendar, preview, refusal, settings, spelling.

    QT_QPA_PLATFORM=offscreen python scripts/screenshot_working_day.py [--lang sv] [--folder DIR]

Builds the real main window on a throw-away data folder with three accounts, a week of
published and scheduled posts and a draft with a misspelt word. The refusal is X's own
duplicate answer, stored as the outbox stores it and reported to the window as it reports
it. Works headless (offscreen) or under Xvfb; QWidget.grab() renders without a display.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

DEFAULT_FOLDER = REPO_ROOT / "docs" / "screenshots"
WINDOW_SIZE = (1280, 820)
DRAFT = (
    "Kommunfullmäktige sammanträder i kväll klockan 18 i stadshuset. Mötet sänds direkt och "
    "alla är välkomna att lysna på plats. Dagordningen och handlingarna finns på webbplatsen, "
    "där kan du också ställa frågor till politikerna före mötet: "
    "https://www.example.se/fullmaktige"
)
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."


def take(folder: Path, lang: str) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtWidgets import QWidget

    from desktop_app.app import build_services, open_store
    from desktop_app.config import resolve_config
    from desktop_app.domain.networks import Network
    from desktop_app.domain.publications import FailureKind, PublicationState
    from desktop_app.practice import PracticeKeyring
    from desktop_app.secrets import SecretStore
    from desktop_app.store.publications import NewPublication
    from desktop_app.ui.application import build_main_window, create_application, open_event_log
    from desktop_app.ui.main_window import (
        SECTION_CALENDAR,
        SECTION_COMPOSE,
        SECTION_SETTINGS,
    )
    from desktop_app.ui.tasks import TaskRunner

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def save(widget: QWidget, name: str) -> Path:
        QCoreApplication.processEvents()
        path = folder / name
        if not widget.grab().save(str(path)):
            raise RuntimeError(f"could not write {path}")
        return path

    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="kanal-screenshot-") as data:
        config = resolve_config(data_dir=str(Path(data) / "data"), lang=lang)
        store = open_store(config)
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        with store.unit_of_work() as uow:
            x = uow.accounts.add(
                network=Network.X,
                display_name="Sundby kommun",
                handle="@sundbykommun",
                base_url="https://x.example",
                remote_id="1001",
            )
            facebook = uow.accounts.add(
                network=Network.FACEBOOK,
                display_name="Sundby kommun",
                handle="Sundby kommun",
                base_url="https://facebook.example",
                remote_id="2002",
            )
            mastodon = uow.accounts.add(
                network=Network.MASTODON,
                display_name="Sundby kommun",
                handle="@info@sundby.social",
                base_url="https://sundby.social",
                remote_id="3003",
            )
            texts = [
                (x, "Plogbilarna är ute i natt: huvudgator först.", -2, True),
                (facebook, "Biblioteket har öppet till 20 i kväll.", -1, True),
                (mastodon, "Kommunfullmäktige sänds live i kväll kl. 18.", 0, True),
                (mastodon, "Julmarknad på torget på lördag kl. 11–16.", 1, False),
                (facebook, "Nya öppettider för återvinningscentralen.", 2, False),
                (mastodon, "Frågestund med kommunstyrelsens ordförande.", 3, False),
            ]
            for account, text, days, sent in texts:
                draft = uow.drafts.create(body=text, author="kommunikation", targets=[account.id])
                when = now + timedelta(days=days, hours=2)
                (row,) = uow.publications.add_batch(
                    [
                        NewPublication(
                            draft_id=draft.id,
                            account_id=account.id,
                            account_label=account.handle,
                            network=account.network,
                            author="kommunikation",
                            submitted_by="kommunikation",
                            title="",
                            parts=(text,),
                            media=(),
                            scheduled_at=None if sent else when,
                            platform_scheduled=not sent,
                        )
                    ]
                )
                # Sent, or handed to the platform, which holds it until its time.
                uow.publications.transition(row.id, PublicationState.SENDING)
                uow.publications.transition(
                    row.id, PublicationState.SENT, sent_at=when if sent else now
                )
            refused_draft = uow.drafts.create(
                body=texts[0][1], author="kommunikation", targets=[x.id]
            )
            (refused,) = uow.publications.add_batch(
                [
                    NewPublication(
                        draft_id=refused_draft.id,
                        account_id=x.id,
                        account_label=x.handle,
                        network=Network.X,
                        author="kommunikation",
                        submitted_by="kommunikation",
                        title="",
                        parts=(texts[0][1],),
                        media=(),
                        scheduled_at=None,
                    )
                ]
            )
            uow.publications.transition(refused.id, PublicationState.SENDING)
            failed = uow.publications.transition(
                refused.id,
                PublicationState.FAILED,
                failure_kind=FailureKind.REJECTED,
                failure_reason=DUPLICATE,
            )
            draft = uow.drafts.create(
                body=DRAFT, author="kommunikation", targets=[x.id, facebook.id, mastodon.id]
            )
        store.dispose()

        create_application(config)
        worker = TaskRunner()
        # No credentials: nothing is due, and the refused post is already refused.
        services = build_services(config, secrets=SecretStore(PracticeKeyring()))
        window = build_main_window(services, worker, open_event_log(config))
        worker.open_store(services.store)
        window.resize(*WINDOW_SIZE)
        window.show()
        window.set_online(True)
        folder.mkdir(parents=True, exist_ok=True)

        # spelling: the draft with "lysna" (lyssna) underlined
        window.show_section(SECTION_COMPOSE)
        loop = QEventLoop()
        window.composer.loaded.connect(lambda _id: QTimer.singleShot(300, loop.quit))
        QTimer.singleShot(15_000, loop.quit)
        window.composer.open_draft(draft.id)
        loop.exec()
        for _ in range(100):
            if window.spelling.checkers:
                break
            wait(100)
        window.composer.body_editor.setFocus()
        wait(900)  # the language is chosen when typing pauses
        written.append(save(window, "spelling.png"))

        # preview: the per-network dialog
        dialog = window.composer.show_preview()
        dialog.resize(640, 620)
        wait(300)
        written.append(save(dialog, "preview.png"))
        dialog.close()

        # refusal: X's duplicate answer, as the outbox reports it
        window.refusal_banner.publication_changed(failed)
        wait(200)
        written.append(save(window, "refusal.png"))

        window.show_section(SECTION_SETTINGS)
        wait(300)
        written.append(save(window, "settings.png"))

        window.show_section(SECTION_CALENDAR)
        wait(1500)
        written.append(save(window, "calendar.png"))

        window.shutdown()
        window.deleteLater()
        QCoreApplication.processEvents()
        services.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["sv", "en"], default="sv")
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    args = parser.parse_args()
    for path in take(args.folder, args.lang):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
