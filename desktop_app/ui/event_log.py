"""A structured log of what the window did, one JSON object per line.

Tests and the start-up benchmark read it instead of poking inside the process: they learn when
the window was shown and when the store was ready from the same file a support person would read.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any


class EventLog:
    """Appends ``{"ts": unix_seconds, "event": name, ...}`` lines to ``path``."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    @property
    def path(self) -> Path:
        return self._path

    def write(self, event: str, **fields: Any) -> None:
        record = {"ts": time.time(), "event": event, "pid": os.getpid(), **fields}
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        with self._lock:
            try:
                with self._path.open("a", encoding="utf-8") as handle:
                    handle.write(line)
            except OSError:
                pass  # a log that cannot be written must never stop the program
