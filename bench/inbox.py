"""Inbox benchmark: a million cached items, search, the first page, GUI stalls, sync fan-out.

Prints ONE JSON line:

* ``first_page_ms``: from constructing the inbox view (database worker started, store opened,
  QApplication already running) until the list has painted its first page of real rows, in a
  fresh process over the 1,000,000-item store. Goal <= 300.
* ``search_p50_ms`` / ``search_p95_ms``: "newest 50 matches" through the store API
  (``InboxRepository.search`` in its own read-only unit of work, rows included) for a seeded
  mix of common and rare words, author names, 2-6 letter prefixes and two-word queries, over
  the same store. Goal p95 <= 10.
* ``max_gui_stall_ms``: the longest gap beyond its interval of a 5 ms QTimer heartbeat on the
  GUI thread while the real sync engine stores 10,000 new items (pages of 100 from a generating
  connector; the view takes them in as they arrive). Goal <= 50.
* ``rss_mb``: peak resident memory of that GUI process (1M store open, view, sync). Goal <= 250.
* ``sync_10_over_1``: wall time to sync 10 accounts over 1 account against the sandbox with
  150 ms latency per request. Goal <= 1.5.

The million-row store is built once (about a minute and a half: executemany in 50,000-row
transactions through the FTS triggers) and cached in the temp folder; ``--rebuild`` forces it.

    python bench/inbox.py [--items 1000000] [--rebuild]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

NETWORKS = ("wordpress", "facebook", "x", "mastodon", "bluesky")
FIRST = (
    "Anna",
    "Erik",
    "Lars",
    "Maria",
    "Karin",
    "Johan",
    "Eva",
    "Per",
    "Sara",
    "Ali",
    "Fatima",
    "Mohammed",
    "Lena",
    "Nils",
    "Ingrid",
    "Oskar",
    "Elsa",
    "Hugo",
    "Åsa",
    "Örjan",
)
LAST = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Ek",
    "Berg",
)
_STEMS = (
    "snö",
    "plog",
    "väg",
    "buss",
    "skol",
    "park",
    "gat",
    "lamp",
    "sop",
    "vatt",
    "cykel",
    "bro",
    "torg",
    "bibliotek",
    "bad",
    "hus",
    "ljus",
    "träd",
    "is",
    "sand",
    "äldre",
    "bygg",
    "lov",
    "simhall",
    "förskol",
    "gymnasi",
    "taxa",
    "avgift",
    "kontor",
    "ärend",
)
_ENDINGS = (
    "",
    "en",
    "et",
    "ar",
    "na",
    "orna",
    "ning",
    "ningen",
    "bil",
    "tid",
    "plats",
    "stråk",
    "huset",
    "vägen",
    "kort",
    "lag",
)
_COMMON = (
    "hej",
    "tack",
    "varför",
    "när",
    "kommer",
    "inte",
    "det",
    "är",
    "och",
    "på",
    "i",
    "att",
    "en",
    "som",
    "för",
    "med",
    "har",
    "kan",
    "vi",
    "ni",
    "kommunen",
    "fråga",
    "svar",
    "igen",
    "idag",
    "imorgon",
    "fel",
    "bra",
    "dålig",
    "trasig",
)


def _vocabulary() -> list[str]:
    words = sorted({stem + end for stem in _STEMS for end in _ENDINGS} | set(_COMMON))
    random.Random(7).shuffle(words)
    return words


def _cache_path(items: int) -> Path:
    from desktop_app.store.migrations import head_revisions

    tag = "-".join(sorted(head_revisions()))
    folder = Path(tempfile.gettempdir()) / "kanal-bench-inbox"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"inbox-{items}-{tag}.sqlite3"


def build_store(path: Path, items: int) -> None:
    """A migrated store with five accounts and ``items`` inbox items (FTS kept by triggers)."""
    import sqlite3

    from desktop_app.config import sqlite_url
    from desktop_app.domain.networks import Network
    from desktop_app.domain.search_text import search_document
    from desktop_app.store.database import Store
    from desktop_app.store.inbox import time_key

    for suffix in ("", "-wal", "-shm", ".tmp", ".tmp-wal", ".tmp-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    building = Path(f"{path}.tmp")
    store = Store(sqlite_url(building), data_dir=building.parent)
    store.migrate()
    accounts: list[tuple[str, str]] = []
    with store.unit_of_work() as uow:
        for network in NETWORKS:
            account = uow.accounts.add(
                network=Network(network),
                display_name=f"Sandvikens kommun ({network})",
                handle=f"sandviken_{network}",
                base_url=f"https://{network}.example",
                remote_id=f"bench-{network}",
            )
            accounts.append((account.id, network))
    store.dispose()

    rng = random.Random(1)
    vocabulary = _vocabulary()
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
    # Most items are long answered; a few wait, some are hidden (as in a real inbox).
    states = ["done"] * 80 + ["answered"] * 16 + ["read"] * 2 + ["new"] * 1 + ["hidden"] * 1
    start = datetime.now(UTC) - timedelta(minutes=items)
    columns = (
        "id, account_id, network, kind, remote_id, parent_remote_id, root_post_remote_id, "
        "author_name, author_handle, author_avatar_url, text, html, url, created_at, "
        "remote_updated_at, first_seen_at, remote_state, state, assigned_to, answered_at, "
        "answered_by, reply_remote_id, flags, seq, search_text"
    )
    insert = f"INSERT INTO inbox_items ({columns}) VALUES ({', '.join('?' * 25)})"
    connection = sqlite3.connect(building, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")
    batch = 50_000
    for first in range(0, items, batch):
        rows = []
        for number in range(first, min(items, first + batch)):
            account_id, network = accounts[number % len(accounts)]
            text = " ".join(rng.choices(vocabulary, weights, k=rng.randint(8, 30)))
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            moment = start + timedelta(minutes=number)
            created = moment.strftime("%Y-%m-%d %H:%M:%S.%f")
            state = states[number % len(states)]
            handle = name.lower().replace(" ", ".")
            rows.append(
                (
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    account_id,
                    network,
                    "comment" if number % 3 else "mention",
                    f"r{number}",
                    None,
                    f"post-{number // 25}",
                    name,
                    handle,
                    "",
                    text,
                    f"<p>{text}</p>",
                    f"https://{network}.example/{number}",
                    created,
                    None,
                    created,
                    "hidden" if state == "hidden" else "visible",
                    state,
                    None,
                    created if state in ("answered", "done") else None,
                    "karin" if state in ("answered", "done") else None,
                    None,
                    "",
                    time_key(moment),  # as the store gives it: newest by the citizen's time
                    search_document(name, handle, text),
                )
            )
        connection.execute("BEGIN")
        connection.executemany(insert, rows)
        connection.execute("COMMIT")
    connection.execute("INSERT INTO inbox_fts(inbox_fts) VALUES ('optimize')")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    building.replace(path)


def search_queries(count: int) -> list[str]:
    rng = random.Random(3)
    vocabulary = _vocabulary()
    queries: list[str] = []
    for n in range(count):
        word = rng.choice(vocabulary)
        kind = n % 6
        if kind == 0:
            queries.append(word)
        elif kind == 1:
            queries.append(word[: rng.randint(2, min(6, max(2, len(word))))])
        elif kind == 2:
            queries.append(f"{rng.choice(FIRST)} {rng.choice(LAST)}")
        elif kind == 3:
            queries.append(f"{word} {rng.choice(vocabulary)[:4]}")
        elif kind == 4:
            queries.append(rng.choice(LAST).lower()[:5])
        else:
            queries.append(f"{rng.choice(_COMMON)} {word}")
    return queries


def measure_search(path: Path, runs: int = 300) -> tuple[float, float]:
    from desktop_app.config import sqlite_url
    from desktop_app.store.database import Store

    store = Store(sqlite_url(path), data_dir=path.parent)
    store.migrate()
    now = datetime.now(UTC)
    timings: list[float] = []
    queries = search_queries(runs)
    for query in queries[:20]:  # warm the page cache the way a running app has it warm
        with store.unit_of_work(read_only=True) as uow:
            uow.inbox.search(query, now, 50)
    for query in queries:
        started = time.perf_counter()
        with store.unit_of_work(read_only=True) as uow:
            uow.inbox.search(query, now, 50)
        timings.append((time.perf_counter() - started) * 1000)
    store.dispose()
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return statistics.median(timings), p95


# --- the GUI phase (runs in its own process) ----------------------------------------------------


# One scenario told in order; its closures share the measured state.
def gui_phase(path: Path, new_items: int) -> dict[str, float]:  # noqa: C901
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_app.config import sqlite_url
    from desktop_app.domain.accounts import Account
    from desktop_app.engine.sync import SyncEngine
    from desktop_app.networks.base import (
        InboxPage,
        ItemKind,
        PlatformLimits,
        RemoteItem,
    )
    from desktop_app.store.database import Store
    from desktop_app.ui.application import GUI_SWITCH_INTERVAL_S
    from desktop_app.ui.inbox.jobs import SyncBridge
    from desktop_app.ui.inbox.model import ItemRole
    from desktop_app.ui.inbox.view import InboxView
    from desktop_app.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)  # as the window's application sets it
    result: dict[str, float] = {}

    class FirstPaint(QObject):
        def __init__(self, started: float) -> None:
            super().__init__()
            self.started = started

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "first_page_ms" not in result:
                index = view.model.index(0)
                if index.isValid() and index.data(ItemRole) is not None:
                    # This paint draws real rows: the first page is on screen.
                    QTimer.singleShot(0, lambda: result.setdefault("first_page_ms", self.ms()))
            return False

        def ms(self) -> float:
            return (time.perf_counter() - self.started) * 1000

    from desktop_app.engine.inbox_actions import InboxActions

    started = time.perf_counter()
    db = TaskRunner()
    opened: list[Store] = []

    def open_store() -> Store:
        opened.append(_open(Store, sqlite_url(path), path.parent))
        return opened[0]

    def no_connector(_account: object) -> NoReturn:
        raise RuntimeError("the bench reaches no platform")

    db.open_store(open_store)
    view = InboxView(db, InboxActions(lambda: opened[0], no_connector), "karin")
    painter = FirstPaint(started)
    view.list.viewport().installEventFilter(painter)
    view.resize(1280, 800)
    view.show()
    view.start()  # its reads queue behind the store's opening on the database worker
    deadline = time.monotonic() + 30
    while "first_page_ms" not in result and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.001)

    # Heartbeat on the GUI thread while a sync stores new items.
    gaps: list[tuple[float, float]] = []  # (seconds into the sync, gap beyond the interval)
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append((now - sync_started, (now - last[0]) * 1000 - 5))
        last[0] = now

    heart = QTimer()
    heart.setInterval(5)
    heart.timeout.connect(beat)

    class Generated:
        """A connector whose inbox is ``new_items`` fresh items, 100 a page."""

        def __init__(self, account: Account) -> None:
            self.network = account.network
            self._account = account

        def list_inbox(self, cursor: str | None) -> InboxPage:
            offset = int(cursor or 0)
            size = min(100, new_items // 5 - offset)
            now = datetime.now(UTC)
            items = tuple(
                RemoteItem(
                    remote_id=f"new-{self._account.id}-{offset + n}",
                    kind=ItemKind.MENTION,
                    author_name="Ny Medborgare",
                    author_handle="ny",
                    author_avatar_url="",
                    text=f"Ny fråga nummer {offset + n} om snöröjningen på Storgatan",
                    html="",
                    created_at=now,
                    updated_at=None,
                    parent_remote_id=None,
                    root_post_remote_id="post-new",
                    url="",
                )
                for n in range(max(0, size))
            )
            end = offset + len(items)
            return InboxPage(items, str(end), end < new_items // 5)

        def limits(self) -> PlatformLimits:
            return PlatformLimits(None, 0, 0)

        def close(self) -> None:
            pass

    sync_store = Store(sqlite_url(path), data_dir=path.parent)
    bridge = SyncBridge()
    view.connect_sync(bridge)
    engine = SyncEngine(sync_store, Generated, callbacks=bridge.callbacks())  # type: ignore[arg-type]
    done: list[Any] = []

    import threading

    def run_sync() -> None:
        done.append(engine.sync())

    sync_started = time.perf_counter()
    last[0] = sync_started
    heart.start()
    worker = threading.Thread(target=run_sync)
    worker.start()
    while (worker.is_alive() or time.perf_counter() - sync_started < 0.5) and (
        time.perf_counter() - sync_started < 120
    ):
        app.processEvents()
        time.sleep(0.0005)
    # Let the view take in the last pages.
    settle = time.perf_counter()
    while time.perf_counter() - settle < 0.6:
        app.processEvents()
        time.sleep(0.0005)
    heart.stop()
    worker.join()
    stored = sum(r.new for r in done[0])
    result["sync_stored"] = float(stored)
    result["sync_s"] = round(time.perf_counter() - sync_started, 2)
    worst_at, worst = max(gaps[1:] or [(0.0, 0.0)], key=lambda g: g[1])
    result["max_gui_stall_ms"] = round(max(0.0, worst), 1)
    result["max_gui_stall_at_s"] = round(worst_at, 2)
    result["stalls_over_20ms"] = float(sum(1 for _t, gap in gaps[1:] if gap > 20))
    result["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["rows_in_view"] = float(view.model.rowCount())
    view.shutdown()
    view.close()
    db.close()
    sync_store.dispose()
    return result


def _open(store_class: Any, url: str, data_dir: Path) -> Any:
    store = store_class(url, data_dir=data_dir)
    store.migrate()
    return store


# --- sync fan-out against the sandbox ----------------------------------------------------------


def measure_sync_fanout(latency_ms: int = 150, accounts: int = 10) -> tuple[float, float, float]:
    folder = Path(tempfile.mkdtemp(prefix="kanal-bench-sync-"))
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    os.environ["XDG_DATA_HOME"] = str(folder / "xdg")
    from dataclasses import replace

    from desktop_app.cli.main import main
    from desktop_app.config import sqlite_url
    from desktop_app.domain.accounts import Account
    from desktop_app.engine.sync import SyncEngine
    from desktop_app.networks.base import Connector
    from desktop_app.networks.factory import build_connector
    from desktop_app.networks.http import HttpClient
    from desktop_app.sandbox.server import SandboxServer
    from desktop_app.secrets import SecretStore
    from desktop_app.store.database import Store

    sandbox = SandboxServer(host="127.0.0.1", port=0, seed=4, latency_ms=0)
    sandbox.start()
    try:
        info = sandbox.platforms()["mastodon"]
        for n in range(30):
            sandbox.stage_public(
                platform="mastodon", kind="mention", author=f"Person {n}", text=f"Fråga {n}"
            )
        args = ["--data-dir", str(folder), "accounts", "add", "--network", "mastodon"]
        args += ["--base-url", info["base_url"], "--json"]
        for key, value in info["credentials"].items():
            args += [f"--{key.replace('_', '-')}", str(value)]
        with contextlib.redirect_stdout(io.StringIO()):
            if main(args) != 0:
                raise RuntimeError("could not add the sandbox account")
        store = Store(sqlite_url(folder / "kanal.sqlite3"), data_dir=folder)
        store.migrate()
        with store.unit_of_work() as uow:
            (first,) = uow.accounts.list()
            for n in range(accounts - 1):
                uow.accounts.add(
                    network=first.network,
                    display_name=first.display_name,
                    handle=first.handle,
                    base_url=first.base_url,
                    remote_id=f"{first.remote_id}-{n}",
                )
        secrets = SecretStore()

        def connectors(account: Account) -> Connector:
            # All accounts log in as the one sandbox user (its secrets are under the first id).
            return build_connector(replace(account, id=first.id), secrets, HttpClient)

        engine = SyncEngine(store, connectors)
        sandbox.latency_ms = latency_ms

        def fresh() -> None:
            with store.unit_of_work() as uow:
                for account in uow.accounts.list():
                    uow.inbox.set_cursor(account.id, None)

        started = time.perf_counter()
        engine.sync([first.id])
        one = time.perf_counter() - started
        fresh()
        started = time.perf_counter()
        results = engine.sync()
        many = time.perf_counter() - started
        if len(results) != accounts or any(r.status.value != "ok" for r in results):
            raise RuntimeError(f"the fan-out sync failed: {results}")
        store.dispose()
        return one, many, many / one
    finally:
        sandbox.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--new-items", type=int, default=10_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--gui-phase", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.gui_phase:
        # Work on a copy: the sync adds items, and the cached store must stay as built.
        sys.stdout.write(json.dumps(gui_phase(Path(args.gui_phase), args.new_items)) + "\n")
        sys.stdout.flush()
        # Skip interpreter teardown: Qt objects collected after QApplication can crash it.
        os._exit(0)

    path = _cache_path(args.items)
    built_s = 0.0
    if args.rebuild or not path.exists():
        started = time.perf_counter()
        build_store(path, args.items)
        built_s = time.perf_counter() - started
    p50, p95 = measure_search(path)

    work = path.with_name(path.stem + "-work.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    with open(path, "rb") as source, open(work, "wb") as target:
        while chunk := source.read(16 * 1024 * 1024):
            target.write(chunk)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO_ROOT))
    completed = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--gui-phase",
            str(work),
            "--new-items",
            str(args.new_items),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=True,
    )
    gui = json.loads(completed.stdout.strip().splitlines()[-1])
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    one_s, ten_s, ratio = measure_sync_fanout()
    figures = {
        "first_page_ms": round(gui["first_page_ms"], 1),
        "search_p50_ms": round(p50, 2),
        "search_p95_ms": round(p95, 2),
        "max_gui_stall_ms": gui["max_gui_stall_ms"],
        "rss_mb": gui["rss_mb"],
        "sync_10_over_1": round(ratio, 2),
        "items": args.items,
        "new_items_synced": int(gui["sync_stored"]),
        "sync_1_s": round(one_s, 3),
        "sync_10_s": round(ten_s, 3),
        "store_build_s": round(built_s, 1),
    }
    sys.stdout.write(json.dumps(figures) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
