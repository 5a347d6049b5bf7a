"""Fixtures for the window's tests: a real migrated SQLite store in the test's own folder,
the database thread opened on it, and widgets closed (threads joined) after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.app import open_store
from desktop_app.config import AppConfig, resolve_config
from desktop_app.services import Services
from desktop_app.store.database import Store
from desktop_app.ui.application import display_zone, install_translators, locale_for
from desktop_app.ui.composer import ComposerWidget
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.tasks import TaskRunner
from tests.support.ui import main_window, window_services


@pytest.fixture(autouse=True)
def english_window(qapp: QApplication) -> Iterator[None]:
    """The window in English, as ``--lang en`` makes it: English plurals ("1 draft"), numbers
    and dates. The tests compare the texts people read."""
    previous = QLocale()
    QLocale.setDefault(locale_for("en"))
    translators = install_translators(qapp, "en")
    yield
    for translator in translators:
        qapp.removeTranslator(translator)
    QLocale.setDefault(previous)


@pytest.fixture
def config(tmp_path: Path) -> AppConfig:
    return resolve_config(data_dir=str(tmp_path / "kanal-data"), lang="en")


@pytest.fixture
def worker(qtbot: QtBot, config: AppConfig) -> Iterator[TaskRunner]:
    """The database thread with the store opened (migrated) on it."""
    db = TaskRunner()
    with qtbot.waitSignal(db.store_opened, timeout=20_000):
        db.open_store(lambda: open_store(config))
    yield db
    db.close()


@pytest.fixture
def reader(config: AppConfig, worker: TaskRunner) -> Iterator[Store]:
    """A second, independent Store on the same database: what another process would see."""
    store = Store(config.database_url, data_dir=config.data_dir)
    yield store
    store.dispose()


@pytest.fixture
def composer(qtbot: QtBot, config: AppConfig, worker: TaskRunner) -> Iterator[ComposerWidget]:
    widget = ComposerWidget(worker, config.data_dir, display_zone(), author="tester")
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    yield widget
    widget.save_blocking()
    widget.shutdown()


MainWindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, config: AppConfig) -> Iterator[MainWindowFactory]:
    """Builds main windows the way the program does (store opened on the worker thread)."""
    windows: list[tuple[MainWindow, Services]] = []

    def make(practice_mode: bool = False) -> MainWindow:
        worker = TaskRunner()
        chosen = AppConfig(
            data_dir=config.data_dir,
            database_url=config.database_url,
            lang=config.lang,
            sandbox=practice_mode,
        )
        services = window_services(chosen, store_opener=lambda: open_store(config))
        window = main_window(services, worker)
        qtbot.addWidget(window)
        with qtbot.waitSignal(worker.store_opened, timeout=20_000):
            worker.open_store(services.store)
        windows.append((window, services))
        return window

    yield make
    for window, services in windows:
        window.shutdown()
        services.close()


# The offscreen platform plugin (headless tests) says this whenever a window is shown; it is
# about the plugin, not Kanal, and any other warning still fails the test.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))
