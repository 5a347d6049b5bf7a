"""Crash-proof drafts: kill the real program mid-typing, start it again, the draft is there.

The program runs as its own process on this test's data folder (offscreen), typing into the
composer through real key events (see ``crash_driver``). It is killed with SIGKILL (no chance to
save on close), the database is read by a separate Store, and the real ``python -m desktop_app``
is started again and must reopen the draft. At most the last 2 seconds of typing may be lost.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from desktop_app.config import AppConfig
from desktop_app.store.database import Store
from tests.support.crash_driver import TEXT

REPO_ROOT = Path(__file__).resolve().parents[2]
TYPING_BEFORE_KILL_S = 3.3
MIN_KEYS = 100
ALLOWED_LOSS_S = 2.0


class LineCollector:
    """Reads a child's stdout on a thread, keeping each JSON line with its arrival."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.records: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        for raw in stream:
            try:
                record = json.loads(raw)
            except ValueError:
                continue
            with self._lock:
                self.records.append(record)

    def typed(self) -> list[tuple[int, float]]:
        with self._lock:
            return [(int(r["typed"]), float(r["t"])) for r in self.records if "typed" in r]

    def join(self) -> None:
        self._thread.join(timeout=5)


def child_env(config: AppConfig) -> dict[str, str]:
    env = dict(os.environ)
    env["KANAL_DATA_DIR"] = str(config.data_dir)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.pop("KANAL_DATABASE_URL", None)
    return env


def events(config: AppConfig) -> list[dict[str, Any]]:
    path = config.log_dir / "kanal.jsonl"
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return found


def wait_for(condition: Any, timeout_s: float, what: str) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def stored_bodies(config: AppConfig) -> list[str]:
    store = Store(config.database_url, data_dir=config.data_dir)
    try:
        with store.unit_of_work(read_only=True) as uow:
            return [d.body for d in uow.drafts.list()]
    finally:
        store.dispose()


def test_killed_while_typing_loses_at_most_two_seconds(config: AppConfig) -> None:
    env = child_env(config)
    typist = subprocess.Popen(
        [sys.executable, "-m", "tests.support.crash_driver", "--interval-ms", "30"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert typist.stdout is not None
    output = LineCollector(typist.stdout)
    try:
        first = wait_for(output.typed, 30, "the first key press")
        started_typing = first[0][1]

        def typed_enough() -> bool:
            # Long enough that the kill falls well after the first saves, even on a busy
            # machine where the keys come slower.
            keys = output.typed()
            return len(keys) >= MIN_KEYS and time.time() - started_typing >= TYPING_BEFORE_KILL_S

        wait_for(typed_enough, 60, f"{MIN_KEYS} key presses")
        killed_at = time.time()
        typist.kill()  # SIGKILL: no close event, no last save
    finally:
        typist.kill()
        typist.wait(timeout=10)
        output.join()
    assert typist.returncode == -signal.SIGKILL if os.name == "posix" else True

    keys = output.typed()
    typed_at_kill = max(n for n, t in keys if t <= killed_at)
    due = max((n for n, t in keys if t <= killed_at - ALLOWED_LOSS_S), default=0)
    assert due > 30, "not enough typing before the kill to test anything"

    bodies = stored_bodies(config)
    assert len(bodies) == 1
    saved = bodies[0]
    assert TEXT.startswith(saved), "the stored text is not what was typed"
    assert due <= len(saved) <= typed_at_kill + 1, (due, len(saved), typed_at_kill)
    lost_since = min((t for n, t in keys if n > len(saved)), default=killed_at)
    print(f"typed {typed_at_kill}, saved {len(saved)}, lost {killed_at - lost_since:.2f} s")

    # Start the real program again: it reopens the draft that was being written.
    restarted = subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "--lang", "en"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        opened = wait_for(
            lambda: [
                e
                for e in events(config)
                if e.get("event") == "draft_opened" and e.get("pid") == restarted.pid
            ],
            30,
            "the restarted program to reopen the draft",
        )
        assert opened[0]["body_chars"] == len(saved)
    finally:
        restarted.terminate()
        _, errors = restarted.communicate(timeout=20)
    if os.name == "posix":
        assert restarted.returncode == 0, errors.decode(errors="replace")
        closed = [
            e
            for e in events(config)
            if e.get("event") == "window_closed" and e.get("pid") == restarted.pid
        ]
        assert closed, "SIGTERM should close the window normally"
    assert stored_bodies(config) == [saved]
