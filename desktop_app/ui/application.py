"""Starts the window: application identity, language, the database thread, the main window.

Everything the window works with comes in one ``Services`` from the composition root
(``desktop_app.app``); this module builds only widgets and never imports the root.

The window is shown before the database is opened: opening and migrating run on the database
thread, and the sections fill in when the store reports ready.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QSocketNotifier,
    QTimer,
    QTimeZone,
    QTranslator,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop_app import __version__, resources_access
from desktop_app.config import APP_AUTHOR, APP_NAME, DEFAULT_TIMEZONE, AppConfig
from desktop_app.policy import load_policy
from desktop_app.ui.account_jobs import worker_store_access
from desktop_app.ui.accounts_view import AccountsView, loopback_only
from desktop_app.ui.connectivity import ConnectivityMonitor
from desktop_app.ui.event_log import EventLog
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.preferences import Preferences, PreferencesStore
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_app.engine.accounts import AccountService
    from desktop_app.services import Services


# Inside the package in every kind of install (desktop_app/resources_access.py).
TRANSLATIONS_DIR = resources_access.translations_dir()
STYLE_SHEET = resources_access.style_sheet_path()
EVENT_LOG_NAME = "kanal.jsonl"
AVATARS_FOLDER = "avatars"  # accounts' and authors' avatars, cached by URL
SUPPORTED_LANGUAGES = ("sv", "en")
# How long a Python thread may hold the GIL while another waits (CPython's default is 5 ms).
# The sync and the outbox run Python on their threads while the GUI paints; with several of
# them busy, 5 ms each adds up to dropped frames. 1 ms keeps the GUI thread's wait under a frame.
GUI_SWITCH_INTERVAL_S = 0.001

WindowShownHook = Callable[[MainWindow], None]


def choose_language(requested: str | None, preferences: Preferences | None = None) -> str:
    """A language IT locked wins; then ``--lang``; then the person's setting (or IT's
    recommendation); else Swedish. The OS locale is not asked: a Swedish authority works in
    Swedish even on a machine set up in English or with a C locale."""
    if preferences is not None and preferences.is_locked("language"):
        return preferences.language
    if requested in SUPPORTED_LANGUAGES:
        return requested
    if preferences is not None and preferences.language in SUPPORTED_LANGUAGES:
        return preferences.language
    return "sv"


def locale_for(language: str) -> QLocale:
    if language == "sv":
        return QLocale(QLocale.Language.Swedish, QLocale.Country.Sweden)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load Kanal's own messages and Qt's (standard dialogs) for ``language``."""
    installed: list[QTranslator] = []
    own = QTranslator(app)
    own_file = resources_access.translation_file(language)
    if own_file is not None and own.load(str(own_file)):
        app.installTranslator(own)
        installed.append(own)
    elif own_file is not None:
        resources_access.report(f"The {language} translation {own_file.name} could not be read.")
    qt_base = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if language != "en" and qt_base.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt_base)
        installed.append(qt_base)
    return installed


def display_zone() -> QTimeZone:
    """Times are shown in Swedish time by default; stored in UTC."""
    zone = QTimeZone(DEFAULT_TIMEZONE.encode("ascii"))
    return zone if zone.isValid() else QTimeZone.systemTimeZone()


def create_application(config: AppConfig, argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication(argv if argv is not None else [APP_NAME.lower()])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("kanal")
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
    language = choose_language(config.lang, PreferencesStore(config.data_dir, load_policy()).load())
    QLocale.setDefault(locale_for(language))
    install_translators(app, language)
    style = resources_access.style_sheet()
    if style:
        app.setStyleSheet(style)
    icon = resources_access.icon_path()
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))
    return app


def build_main_window(services: Services, worker: TaskRunner, event_log: EventLog) -> MainWindow:
    """The window and its sections, all on the one ``services`` (its keyring, connectors,
    inbox actions, engines and acting person) and the one database thread ``worker``."""
    from desktop_app.engine.avatars import AvatarCache
    from desktop_app.ui.engines import WindowEngines
    from desktop_app.ui.history_view import HistoryView
    from desktop_app.ui.inbox.notifications import InboxNotifier
    from desktop_app.ui.inbox.view import InboxView
    from desktop_app.ui.review_view import ReviewView
    from desktop_app.ui.scheduled_view import ScheduledView

    config, user = services.config, services.actor

    def make_account_service() -> AccountService:
        # Built on first use: it brings the sign-in flows, which the first paint does not need.
        return services.account_service(worker_store_access(worker))

    zone = display_zone()
    engines = WindowEngines(services, worker)
    inbox_view = InboxView(
        worker,
        services.inbox_actions,
        user,
        notifier=InboxNotifier(),
        avatars=AvatarCache(config.data_dir / AVATARS_FOLDER),
    )
    history_view = HistoryView(worker, zone, retry_failed=engines.retry_failed)
    scheduled_view = ScheduledView(worker, zone, engines.cancel, engines.reschedule, actor=user)
    accounts_view = AccountsView(
        worker,
        make_account_service,
        zone,
        avatars_dir=config.data_dir / AVATARS_FOLDER,
        presets=services.sign_in_presets,
        # Practice mode never reaches out: the demo blog's avatar is a Gravatar address.
        avatar_filter=loopback_only if config.sandbox else None,
    )
    review_view = ReviewView(
        worker,
        services.team if services.has_team else None,
        zone,
        poke_sync=services.poke_team_sync,
    )
    return MainWindow(
        worker=worker,
        data_dir=config.data_dir,
        display_zone=zone,
        author=user,
        practice_mode=config.sandbox,
        event_log=event_log,
        connectivity=ConnectivityMonitor(worker),
        accounts_view=accounts_view,
        engines=engines,
        inbox_view=inbox_view,
        history_view=history_view,
        scheduled_view=scheduled_view,
        review_view=review_view,
    )


def open_event_log(config: AppConfig) -> EventLog:
    config.data_dir.mkdir(parents=True, exist_ok=True)
    return EventLog(config.log_dir / EVENT_LOG_NAME)


def run_application(services: Services, on_window_shown: WindowShownHook | None = None) -> int:
    """Show the main window at once, open the store behind it, run until the window closes.

    ``on_window_shown`` is called with the window once it is on screen; the crash-recovery test
    uses it to type into the real composer of the real program. The store opens (through
    ``services``) on the database thread while the window paints.
    """
    config = services.config
    event_log = open_event_log(config)
    event_log.write("starting", version=__version__, practice_mode=config.sandbox)
    app = create_application(config)
    worker = TaskRunner()
    window = build_main_window(services, worker, event_log)
    worker.open_store(services.store)
    window.show()

    def announce() -> None:
        event_log.write("window_shown", practice_mode=config.sandbox)
        if on_window_shown is not None:
            on_window_shown(window)

    QTimer.singleShot(0, announce)
    stop_on_signals = _quit_on_termination_signals(app)
    try:
        code = app.exec()
    finally:
        window.shutdown()
        services.close()
        stop_on_signals()
    return int(code)


def _quit_on_termination_signals(app: QApplication) -> Callable[[], None]:
    """SIGTERM/SIGINT close the window normally, so the draft is saved.

    Python runs signal handlers only between bytecodes; while Qt's loop waits in C++ none run.
    ``set_wakeup_fd`` writes a byte to a socket on each signal and a QSocketNotifier wakes the
    loop, which lets the handler run.
    """
    receiver, sender = socket.socketpair()
    receiver.setblocking(False)
    sender.setblocking(False)
    previous_fd = signal.set_wakeup_fd(sender.fileno())
    notifier = QSocketNotifier(receiver.fileno(), QSocketNotifier.Type.Read, app)

    def drain() -> None:
        with contextlib.suppress(OSError):
            receiver.recv(64)

    notifier.activated.connect(drain)
    previous_handlers = {
        sig: signal.signal(sig, lambda _signum, _frame: app.quit())
        for sig in (signal.SIGTERM, signal.SIGINT)
    }

    def restore() -> None:
        notifier.setEnabled(False)
        signal.set_wakeup_fd(previous_fd)
        for sig, handler in previous_handlers.items():
            signal.signal(sig, handler)
        receiver.close()
        sender.close()

    return restore
