"""Takes the screenshot of the Accounts section: five sandbox accounts, one needing sign-in.

    QT_QPA_PLATFORM=offscreen python scripts/screenshot_accounts.py [--lang sv] [--output PATH]

Starts the platform sandbox on loopback, connects its five demo accounts through the same
account service the window uses (credentials in an in-memory keyring: they are the sandbox's
demo credentials), then lets the sandbox answer Mastodon's next check with an expired token,
so that account asks for a new sign-in. Works headless; QWidget.grab() renders the window
without a display.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

DEFAULT_OUTPUT = REPO_ROOT / "docs" / "screenshots" / "accounts.png"
WINDOW_SIZE = (1280, 820)
TIMEOUT_MS = 30_000


def take(output: Path, lang: str) -> Path:
    """Build the scene and write the PNG to ``output``; returns ``output``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from desktop_app.app import build_services
    from desktop_app.config import resolve_config
    from desktop_app.domain.accounts import AccountStatus
    from desktop_app.domain.networks import Network
    from desktop_app.practice import PracticeKeyring
    from desktop_app.sandbox.server import SandboxServer
    from desktop_app.secrets import SecretStore
    from desktop_app.ui.application import build_main_window, create_application, open_event_log
    from desktop_app.ui.db_worker import DatabaseWorker
    from desktop_app.ui.main_window import SECTION_ACCOUNTS

    def wait_until(condition: Callable[[], bool], what: str) -> None:
        """Run the event loop until ``condition`` holds (checked every 50 ms)."""
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
        SandboxServer(host="127.0.0.1", port=0, seed=1, public_rate=0.0) as sandbox,
    ):
        config = resolve_config(data_dir=str(Path(folder) / "data"), lang=lang)
        app = create_application(config)
        worker = DatabaseWorker()
        services = build_services(config, secrets=SecretStore(PracticeKeyring()))
        window = build_main_window(services, worker, open_event_log(config))
        view = window.accounts_view
        opened: list[bool] = []
        worker.store_opened.connect(lambda: opened.append(True))
        worker.open_store(services.store)
        window.resize(*WINDOW_SIZE)
        window.show_section(SECTION_ACCOUNTS)
        window.show()
        wait_until(lambda: bool(opened), "the store")

        # Connect the five accounts the way the Add account dialog does: on a worker thread.
        service = view.service
        platforms = sandbox.platforms()
        failures: list[BaseException] = []

        def connect_all() -> None:
            try:
                for name in ("wordpress", "facebook", "x", "mastodon", "bluesky"):
                    info = platforms[name]
                    credentials = {k: str(v) for k, v in info["credentials"].items()}
                    service.add(Network(name), info["base_url"], credentials)
            except BaseException as error:
                failures.append(error)

        thread = threading.Thread(target=connect_all)
        thread.start()
        wait_until(lambda: not thread.is_alive(), "the accounts")
        if failures:
            raise failures[0]
        view.refresh()
        wait_until(lambda: len(view.accounts()) == 5, "the list")

        sandbox.set_faults(["GET /api/v1/accounts/verify_credentials:expired-token"])
        mastodon = next(a for a in view.accounts() if a.network is Network.MASTODON)
        view.select_account(mastodon.id)
        view.verify_button.click()
        wait_until(
            lambda: any(a.status is AccountStatus.NEEDS_SIGN_IN for a in view.accounts()),
            "the expired sign-in",
        )
        view.list.clearSelection()
        window.set_online(True)
        pause = QEventLoop()
        QTimer.singleShot(400, pause.quit)  # let the avatars that exist arrive and paint
        pause.exec()
        output.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(output)):
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
