"""One log file per process, never one another process has open; tokens redacted; stderr when
the folder cannot be written."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app import logsetup

LOG_CHILD = """
import logging, sys
from pathlib import Path
from desktop_app.logsetup import configure_logging
path = configure_logging(Path(sys.argv[1]), role=sys.argv[2])
logging.getLogger("kanal.test").info("Authorization: Bearer abcdefghijklmnop token=hemlig123")
print(path)
"""


@pytest.fixture
def clean_root() -> Iterator[None]:
    """Each test starts with no Kanal handler on the root logger and leaves none behind."""
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    for handler in [h for h in root.handlers if getattr(h, "kanal_log", False)]:
        root.removeHandler(handler)
    yield
    for handler in [h for h in root.handlers if getattr(h, "kanal_log", False)]:
        root.removeHandler(handler)
        handler.close()
    for handler in before:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


def _child(log_dir: Path, role: str) -> Path:
    done = subprocess.run(
        [sys.executable, "-c", LOG_CHILD, str(log_dir), role],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stderr == ""
    return Path(done.stdout.strip())


def test_each_process_writes_its_own_file_with_tokens_redacted(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    first, second = _child(logs, "cli"), _child(logs, "window")
    assert first != second and first.parent == second.parent == logs
    assert first.name.startswith("kanal-cli-") and second.name.startswith("kanal-window-")
    text = first.read_text(encoding="utf-8")
    assert "[redacted]" in text
    assert "abcdefghijklmnop" not in text and "hemlig123" not in text


def _old_file(logs: Path, pid: int, age_days: float, n: int = 0) -> Path:
    path = logs / f"kanal-cli-20200101T0000{n:02d}-{pid}.log"
    path.write_text("old\n", encoding="utf-8")
    moment = time.time() - age_days * 86400
    os.utime(path, (moment, moment))
    return path


def _finished_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def test_prune_removes_old_files_of_finished_processes_only(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    gone = _finished_pid()
    stale = _old_file(logs, gone, age_days=40)
    recent = _old_file(logs, gone, age_days=1, n=1)
    running = _old_file(logs, os.getpid(), age_days=40, n=2)  # "another process" still running
    foreign = logs / "notes.txt"
    foreign.write_text("not ours", encoding="utf-8")
    removed = logsetup.prune(logs)
    assert removed == [stale]
    assert recent.exists() and running.exists() and foreign.exists()


def test_prune_keeps_at_most_the_newest_files(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    gone = _finished_pid()
    files = [_old_file(logs, gone, age_days=1 + n / 100, n=n) for n in range(25)]
    logsetup.prune(logs)
    kept = sorted(p for p in logs.iterdir())
    assert kept == sorted(files[: logsetup.KEEP_FILES])


@pytest.mark.usefixtures("clean_root")
def test_unwritable_folder_falls_back_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    assert logsetup.configure_logging(blocker / "logs") is None
    log = logging.getLogger("kanal.test")
    log.info("not shown: below WARNING")
    log.warning("shown, password=hemligt")
    log.error("only in a file", extra={logsetup.FILE_ONLY: True})
    err = capsys.readouterr().err
    assert "shown, password=[redacted]" in err
    assert "not shown" not in err and "only in a file" not in err


@pytest.mark.usefixtures("clean_root")
def test_a_full_disk_silences_the_file_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = logsetup.configure_logging(tmp_path / "logs")
    assert path is not None
    [handler] = [h for h in logging.getLogger().handlers if getattr(h, "kanal_log", False)]
    assert isinstance(handler, logging.StreamHandler)
    handler.stream.close()  # every later write fails, as on a full disk
    logging.getLogger("kanal.test").warning("lost")
    logging.getLogger("kanal.test").warning("lost too")
    assert capsys.readouterr().err == ""
