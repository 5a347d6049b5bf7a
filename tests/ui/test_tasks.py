"""The window's task runner: two lanes, one way back, and no failure dropped."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from desktop_app.domain.errors import NetworkError
from desktop_app.store.database import Store
from desktop_app.ui.tasks import StoreUnavailable, TaskRunner
from tests.ui.conftest import MainWindowFactory


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.close()


def fail(_store: Store | None = None) -> None:
    raise RuntimeError("the disk is full")


def test_a_failure_nobody_handles_is_reported_and_logged(
    qtbot: QtBot, worker: TaskRunner, caplog: pytest.LogCaptureFixture
) -> None:
    owner = QObject()
    caplog.set_level(logging.ERROR, logger="desktop_app.ui.tasks")
    with qtbot.waitSignal(worker.error_reported, timeout=5000) as database_lane:
        worker.submit(owner, fail)
    assert database_lane.args == ["the disk is full"]
    with qtbot.waitSignal(worker.error_reported, timeout=5000) as worker_lane:
        worker.run(owner, fail)
    assert worker_lane.args == ["the disk is full"]
    logged = [r for r in caplog.records if r.exc_info and "disk is full" in str(r.exc_info[1])]
    assert len(logged) == 2


def test_the_error_taxonomy_gives_the_reason_a_person_reads(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    def refused() -> None:
        raise NetworkError("Mastodon did not answer in 30 seconds; try again later")

    with qtbot.waitSignal(runner.error_reported, timeout=5000) as reported:
        runner.run(QObject(), refused)
    assert reported.args == ["Mastodon did not answer in 30 seconds; try again later"]


def test_a_handled_failure_goes_to_its_handler_only(qtbot: QtBot, worker: TaskRunner) -> None:
    owner = QObject()
    handled: list[Exception] = []
    reported: list[str] = []
    worker.error_reported.connect(reported.append)
    worker.submit(owner, fail, None, handled.append)
    qtbot.waitUntil(lambda: len(handled) == 1, timeout=5000)
    # Something queued after it has come back, so a report would have arrived by now.
    done: list[int] = []
    worker.submit(owner, lambda _store: 1, done.append)
    qtbot.waitUntil(lambda: done == [1], timeout=5000)
    assert str(handled[0]) == "the disk is full" and reported == []


def test_lanes_are_separate_threads_and_results_come_back_on_the_gui_thread(
    qtbot: QtBot, worker: TaskRunner
) -> None:
    seen: dict[str, str] = {}
    arrived_on: list[threading.Thread] = []

    def where(lane: str) -> str:
        seen[lane] = threading.current_thread().name
        return lane

    owner = QObject()
    worker.submit(
        owner,
        lambda _store: where("database"),
        lambda _: arrived_on.append(threading.current_thread()),
    )
    worker.run(
        owner, lambda: where("worker"), lambda _: arrived_on.append(threading.current_thread())
    )
    qtbot.waitUntil(lambda: len(arrived_on) == 2, timeout=5000)
    assert seen["database"].startswith("kanal-db")
    assert seen["worker"].startswith("kanal-work")
    assert arrived_on == [threading.main_thread()] * 2


def test_a_job_without_an_open_store_is_reported_not_dropped(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    def read_only() -> Store:
        raise OSError("read-only file system")

    runner.open_store(read_only)
    with qtbot.waitSignal(runner.store_failed, timeout=5000):
        pass
    with qtbot.waitSignal(runner.error_reported, timeout=5000) as reported:
        runner.submit(QObject(), lambda store: store)
    assert reported.args == ["read-only file system"]
    with pytest.raises(StoreUnavailable):
        runner.run_blocking(lambda store: store)


def test_the_window_shows_a_failure_nobody_handled(
    qtbot: QtBot, make_window: MainWindowFactory
) -> None:
    window = make_window()
    window._worker.submit(window, fail)
    qtbot.waitUntil(
        lambda: (
            window.statusBar().currentMessage() == "Something could not be done: the disk is full"
        ),
        timeout=5000,
    )
