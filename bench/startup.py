"""Start-up benchmark: seconds from process start to the main window, and memory at 100 k drafts.

Prints one JSON line: {"window_s_empty": s, "window_s_100k": s, "rss_mb_100k": MB,
"bare_window_s": s, "ratio_100k": x, ...}.

Each run starts the real program (``python -m desktop_app``) offscreen on a fresh data folder
and measures from just before the process is spawned to the ``window_shown`` line the program
writes to its own event log (``<data dir>/logs/kanal.jsonl``). The resident memory is read from
the operating system once the store has reported ready and the window has settled.

In the same run, a bare PySide6 window (a QApplication and an empty QMainWindow, nothing else)
is started the same way, so the ratio says what Kanal adds on this machine at this moment
(``ratio_*`` = Kanal's time / the bare window's; the goal is at most 3).

    python bench/startup.py [--runs 3] [--drafts 100000] [--source DIR]

``--source`` measures another checkout's program with this script (before/after figures).
The figure for each case is the median of the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

SOURCE = REPO_ROOT  # the checkout whose program is measured (--source)
START_TIMEOUT_S = 60.0
SETTLE_S = 1.0


def fill_store(data_dir: Path, count: int) -> None:
    """Migrate a fresh store and insert ``count`` drafts in a few bulk statements."""
    from sqlalchemy import insert

    from desktop_app.config import sqlite_url
    from desktop_app.store.database import Store
    from desktop_app.store.drafts import DraftRow

    store = Store(sqlite_url(data_dir / "kanal.sqlite3"), data_dir=data_dir)
    store.migrate()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    batch: list[dict[str, Any]] = []
    with store.engine.begin() as connection:
        for number in range(count):
            body = f"Utkast {number}: plogbilarna är ute i natt i område {number % 97}."
            moment = start + timedelta(minutes=number)
            batch.append(
                {
                    "id": str(uuid.uuid4()),
                    "title": "",
                    "body": body,
                    "variants": {},
                    "state": "draft",
                    "author": "bench",
                    "scheduled_at": None,
                    "search_text": body.casefold(),
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
            if len(batch) == 10_000:
                connection.execute(insert(DraftRow), batch)
                batch = []
        if batch:
            connection.execute(insert(DraftRow), batch)
    store.dispose()


def read_events(log_path: Path) -> list[dict[str, Any]]:
    try:
        lines = log_path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    events = []
    for line in lines:
        try:
            events.append(json.loads(line))
        except ValueError:
            continue  # a line still being written
    return events


def wait_for_event(log_path: Path, name: str, process: subprocess.Popen[bytes]) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        for event in read_events(log_path):
            if event.get("event") == name:
                return event
        if process.poll() is not None:
            raise RuntimeError(f"kanal exited with {process.returncode} before {name}")
        time.sleep(0.002)
    raise TimeoutError(f"no {name} event within {START_TIMEOUT_S} s")


def rss_mb(pid: int) -> float | None:
    """Resident memory of ``pid`` in MB (Linux /proc; None where unavailable)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# Starts the window without the command-line parser, to tell the window's own start-up cost
# from that of importing every sub-command (diagnosis only; the figures use the real program).
GUI_ONLY = (
    "import sys; from desktop_app.config import resolve_config; "
    "from desktop_app.app import run_gui; "
    "sys.exit(run_gui(resolve_config(lang='sv')))"
)

# The yardstick: a bare PySide6 window, shown the way Kanal shows its own (announced from the
# event loop's first turn after show()), then idle until it is terminated.
BARE_WINDOW = """
import json, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1280, 720)
window.show()
def shown():
    print(json.dumps({"ts": time.time()}), flush=True)
QTimer.singleShot(0, shown)
sys.exit(app.exec())
"""


def bare_window_run() -> tuple[float, float | None]:
    """Start the bare window once; return (seconds to shown, RSS in MB once settled)."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = env.get("QT_QPA_PLATFORM", "offscreen")
    started = time.time()
    process = subprocess.Popen(
        [sys.executable, "-c", BARE_WINDOW],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the bare window exited with {process.wait()}")
        shown = float(json.loads(line)["ts"])
        time.sleep(SETTLE_S)
        memory = rss_mb(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return shown - started, memory


def one_run(data_dir: Path, gui_only: bool = False) -> tuple[float, float | None]:
    """Start the program once; return (seconds to window shown, RSS in MB once settled)."""
    log_path = data_dir / "logs" / "kanal.jsonl"
    if log_path.exists():
        log_path.unlink()
    env = dict(os.environ)
    env.update(
        {
            "KANAL_DATA_DIR": str(data_dir),
            "QT_QPA_PLATFORM": env.get("QT_QPA_PLATFORM", "offscreen"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(SOURCE), env.get("PYTHONPATH")])),
        }
    )
    env.pop("KANAL_DATABASE_URL", None)
    started = time.time()
    command = ["-c", GUI_ONLY] if gui_only else ["-m", "desktop_app", "--lang", "sv"]
    errors = data_dir / "stderr.txt"
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, *command],
            env=env,
            cwd=SOURCE,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        try:
            shown = wait_for_event(log_path, "window_shown", process)
        except RuntimeError as error:
            tail = errors.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"{error}:\n{tail}") from None
        wait_for_event(log_path, "store_ready", process)
        time.sleep(SETTLE_S)
        memory = rss_mb(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return float(shown["ts"]) - started, memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--drafts", type=int, default=100_000)
    parser.add_argument(
        "--gui-only",
        action="store_true",
        help="start the window without the command-line parser (diagnosis)",
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=REPO_ROOT,
        help="the checkout whose program is measured (default: this one)",
    )
    args = parser.parse_args()
    global SOURCE
    SOURCE = args.source.resolve()
    with tempfile.TemporaryDirectory(prefix="kanal-bench-") as folder:
        empty_dir = Path(folder) / "empty"
        full_dir = Path(folder) / "full"
        empty_dir.mkdir()
        full_dir.mkdir()
        fill_started = time.monotonic()
        fill_store(full_dir, args.drafts)
        fill_s = time.monotonic() - fill_started
        # Warm-up: the first start of the empty store migrates it, and every first start reads
        # Qt's libraries from disk; measure warm starts like a user's.
        bare_window_run()
        one_run(empty_dir, args.gui_only)
        one_run(full_dir, args.gui_only)
        # Interleaved, so the machine's load at any moment weighs on Kanal and the bare window
        # alike (this machine's two cores are shared).
        bare: list[tuple[float, float | None]] = []
        empty: list[tuple[float, float | None]] = []
        full: list[tuple[float, float | None]] = []
        for _ in range(args.runs):
            bare.append(bare_window_run())
            empty.append(one_run(empty_dir, args.gui_only))
            full.append(one_run(full_dir, args.gui_only))
    memories = [m for _, m in full if m is not None]
    bare_s = statistics.median(s for s, _ in bare)
    bare_memories = [m for _, m in bare if m is not None]
    result = {
        "window_s_empty": round(statistics.median(s for s, _ in empty), 3),
        "window_s_100k": round(statistics.median(s for s, _ in full), 3),
        "rss_mb_100k": round(statistics.median(memories), 1) if memories else None,
        "rss_mb_empty": round(statistics.median(m for _, m in empty if m is not None), 1)
        if any(m is not None for _, m in empty)
        else None,
        "bare_window_s": round(bare_s, 3),
        "bare_rss_mb": round(statistics.median(bare_memories), 1) if bare_memories else None,
        "ratio_empty": round(statistics.median(s for s, _ in empty) / bare_s, 2),
        "ratio_100k": round(statistics.median(s for s, _ in full) / bare_s, 2),
        "drafts": args.drafts,
        "runs": args.runs,
        "fill_s": round(fill_s, 1),
        "cpus": os.cpu_count(),
        "entry": "window only" if args.gui_only else "python -m desktop_app",
        "source": str(SOURCE),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
