"""Logging set up once per process: its own file, tokens redacted, stderr when no file can be had.

One file per process (``kanal-<role>-<start time>-<pid>.log`` in the data folder's ``logs``):
the window and a ``kanal publish`` run side by side never share, so no process ever renames or
deletes a file another has open (Windows refuses to rename an open file, which broke the old
shared rotating log). A process rotates only its own file, once, when it grows large. At start,
files of finished processes beyond the newest ``KEEP_FILES`` or older than ``KEEP_DAYS`` are
removed; a file whose process still runs, or that cannot be removed, is left alone.

When the log folder cannot be written (a read-only data folder, a full disk), records of
WARNING and above go to stderr instead, so read-only commands still work.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import time
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

KEEP_FILES = 20
KEEP_DAYS = 30
MAX_BYTES = 5_000_000
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
# Set on records meant for the log file only (a traceback the user already got as one line).
FILE_ONLY = "kanal_file_only"

_NAME = re.compile(r"^kanal-[a-z]+-\d{8}T\d{6}-(\d+)\.log(\.1)?$")

_configured: Path | None = None


class _QuietFileHandler(RotatingFileHandler):
    """A file that stops writing, without a traceback on stderr, when the disk refuses.

    logging's default ``handleError`` prints a traceback to stderr, which would break the
    CLI's one-line promise when the disk fills up during a command.
    """

    broken = False

    def emit(self, record: logging.LogRecord) -> None:
        if not self.broken:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        self.broken = True
        with contextlib.suppress(Exception):
            self.close()


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the moment (it may be redirected later)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass

    def handleError(self, record: logging.LogRecord) -> None:
        pass  # nowhere left to report to


class _NotFileOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, FILE_ONLY, False)


def configure_logging(log_dir: Path, role: str = "cli", level: int = logging.INFO) -> Path | None:
    """Attach this process's log handler to the root logger (once); returns the file or None
    when logging fell back to stderr."""
    global _configured
    root = logging.getLogger()
    if any(getattr(h, "kanal_log", False) for h in root.handlers):
        return _configured
    # Imported here: the HTTP module (and requests) load only once logging is wanted.
    from desktop_app.networks.http import install_redaction

    handler: logging.Handler
    try:
        path = _open_path(log_dir, role)
        handler = _QuietFileHandler(path, maxBytes=MAX_BYTES, backupCount=1, encoding="utf-8")
        handler.setLevel(level)
        _configured = path
    except OSError:
        handler = _StderrHandler()
        handler.setLevel(logging.WARNING)
        handler.addFilter(_NotFileOnly())
        _configured = None
    handler.setFormatter(logging.Formatter(FORMAT))
    setattr(handler, "kanal_log", True)  # noqa: B010 - a marker other code looks for
    root.addHandler(install_redaction(handler))
    root.setLevel(min(root.level or level, level))
    return _configured


def current_log_file() -> Path | None:
    return _configured


def _open_path(log_dir: Path, role: str) -> Path:
    """Create the folder, tidy old files, and make sure this process's file can be written."""
    log_dir.mkdir(parents=True, exist_ok=True)
    if not os.access(log_dir, os.W_OK):
        raise PermissionError(f"{log_dir} is not writable")
    prune(log_dir)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime())
    safe_role = re.sub(r"[^a-z]", "", role.lower()) or "kanal"
    path = log_dir / f"kanal-{safe_role}-{stamp}-{os.getpid()}.log"
    with path.open("a", encoding="utf-8"):
        pass
    return path


def prune(log_dir: Path, *, now: float | None = None) -> list[Path]:
    """Remove the log files of finished processes beyond the newest ``KEEP_FILES`` or older
    than ``KEEP_DAYS``; returns what was removed."""
    moment = time.time() if now is None else now
    files: list[tuple[float, Path, int]] = []
    for path in log_dir.iterdir():
        match = _NAME.match(path.name)
        if match is None:
            continue
        with contextlib.suppress(OSError):
            files.append((path.stat().st_mtime, path, int(match.group(1))))
    files.sort(reverse=True)
    removed: list[Path] = []
    for index, (mtime, path, pid) in enumerate(files):
        old = moment - mtime > KEEP_DAYS * 86400
        if (index < KEEP_FILES and not old) or _running(pid):
            continue
        try:
            path.unlink()
        except OSError:  # open elsewhere (Windows) or not ours to remove
            continue
        removed.append(path)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        # No cheap check without extra modules; an open file cannot be deleted there anyway.
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True
