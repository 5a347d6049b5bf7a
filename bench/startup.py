"""Start-up benchmark: seconds from process start to the main window, and memory at 100 k drafts.

Prints one JSON line: {"window_s_empty": s, "window_s_100k": s, "rss_mb_100k": MB, ...}.

Each run starts the real program (``python -m desktop_app``) offscreen on a fresh data folder
and measures from just before the process is spawned to the ``window_shown`` line the program
writes to its own event log (``<data dir>/logs/kanal.jsonl``). The resident memory is read from
the operating system once the store has reported ready and the window has settled.

    python bench/startup.py [--runs 3] [--drafts 100000]

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
    "from desktop_app.ui.application import run_application; "
    "sys.exit(run_application(resolve_config(lang='sv')))"
)


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
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        }
    )
    env.pop("KANAL_DATABASE_URL", None)
    started = time.time()
    command = ["-c", GUI_ONLY] if gui_only else ["-m", "desktop_app", "--lang", "sv"]
    process = subprocess.Popen(
        [sys.executable, *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        shown = wait_for_event(log_path, "window_shown", process)
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kanal-bench-") as folder:
        empty_dir = Path(folder) / "empty"
        full_dir = Path(folder) / "full"
        empty_dir.mkdir()
        full_dir.mkdir()
        # The first start of the empty store migrates it; measure warm starts like a user's.
        one_run(empty_dir, args.gui_only)
        empty = [one_run(empty_dir, args.gui_only) for _ in range(args.runs)]
        fill_started = time.monotonic()
        fill_store(full_dir, args.drafts)
        fill_s = time.monotonic() - fill_started
        full = [one_run(full_dir, args.gui_only) for _ in range(args.runs)]
    memories = [m for _, m in full if m is not None]
    result = {
        "window_s_empty": round(statistics.median(s for s, _ in empty), 3),
        "window_s_100k": round(statistics.median(s for s, _ in full), 3),
        "rss_mb_100k": round(statistics.median(memories), 1) if memories else None,
        "rss_mb_empty": round(statistics.median(m for _, m in empty if m is not None), 1)
        if any(m is not None for _, m in empty)
        else None,
        "drafts": args.drafts,
        "runs": args.runs,
        "fill_s": round(fill_s, 1),
        "cpus": os.cpu_count(),
        "entry": "window only" if args.gui_only else "python -m desktop_app",
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
