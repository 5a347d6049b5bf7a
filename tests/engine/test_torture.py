"""Acceptance: 200 posts to all five sandbox platforms through commit-drop, reset, hang, 429 and
5xx faults on 30 % of posting requests, while the publishing process is SIGKILLed at random
(seeded) moments and restarted. Afterwards every target account has exactly one copy of every
post, and Kanal's history says the same."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from desktop_app.domain.publications import PublicationState
from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.publications import HistoryFilter
from tests.support.engine import add_accounts, make_draft, open_store, post_text, posts_on

POSTS = 200
SEED = 2026
READ_TIMEOUT_S = 0.6
KILLS = 6
REPO_ROOT = Path(__file__).resolve().parents[2]

# Every posting endpoint of the five platforms; the five fault kinds share the 30 %.
POSTING = (
    "POST /wp-json/wp/v2/posts",
    "POST /v*/*/feed",
    "POST /2/tweets",
    "POST /api/v1/statuses",
    "POST /xrpc/com.atproto.repo.*",
)
KINDS = ("commit-drop", "reset", "hang", "ratelimit", "status=503")


def fault_specs(total_rate: float = 0.30) -> list[str]:
    # The sandbox applies the first rule that fires; rates chosen so each kind fires on an equal
    # share and all together on ``total_rate`` of the requests.
    specs = []
    remaining = 1.0
    share = total_rate / len(KINDS)
    for kind in KINDS:
        rate = share / remaining
        remaining -= share
        specs.extend(f"{endpoint}:{kind}:{rate:.4f}" for endpoint in POSTING)
    return specs


def _runner(data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    with log.open("ab") as stderr:
        # A file, not a pipe: a full pipe would block the process the test means to kill.
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.torture_runner",
                str(data_dir),
                str(READ_TIMEOUT_S),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


@pytest.mark.slow
@pytest.mark.timeout(900)  # up to 200 posts through kills and faults on a slow, shared machine
def test_two_hundred_posts_arrive_exactly_once_through_faults_and_kills(
    tmp_path: Path, data_dir: Path
) -> None:
    rng = random.Random(SEED)
    sandbox = SandboxServer(host="127.0.0.1", port=0, seed=SEED, hang_seconds=2.0)
    sandbox.start()
    stop_clock = threading.Event()

    def keep_time() -> None:
        # A 429 exhausts the platform's window (5 to 15 minutes); move the emulator's clock on
        # so windows pass in seconds, as they would over a long afternoon.
        while not stop_clock.wait(0.5):
            sandbox.advance(minutes=5)

    clock_thread = threading.Thread(target=keep_time, daemon=True)
    try:
        accounts = add_accounts(sandbox, data_dir)
        store = open_store(data_dir)
        for i in range(POSTS):
            make_draft(
                store,
                f"Torture {i:03d}: besked nummer {i} från kommunen, seed {SEED}.",
                list(accounts.values()),
                title=f"Besked {i:03d}",
            )
        store.dispose()
        sandbox.set_faults(fault_specs())
        clock_thread.start()

        kills = 0
        runs = 0
        started = time.monotonic()
        while True:
            runs += 1
            process = _runner(data_dir, tmp_path / "runner.log")
            if kills < KILLS:
                try:
                    process.wait(timeout=rng.uniform(0.5, 4.0))
                except subprocess.TimeoutExpired:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    kills += 1
                    continue
            else:
                process.wait(timeout=240)
            if process.returncode == 0:
                break
            log_tail = (tmp_path / "runner.log").read_text(errors="replace")[-3000:]
            assert runs < KILLS + 5, log_tail
        elapsed = time.monotonic() - started
    finally:
        stop_clock.set()
        sandbox.set_faults([])

    try:
        posts = posts_on(sandbox)
        fb_page = sandbox.platforms()["facebook"]["page_ids"][0]
        for network, platform_posts in posts.items():
            mine = [
                p
                for p in platform_posts
                if network != "facebook" or str(p.get("page_id")) == fb_page
            ]
            counts = Counter(
                text.split(":")[0] for text in (post_text(p) for p in mine) if "Torture" in text
            )
            assert len(counts) == POSTS, (network, POSTS - len(counts), "missing")
            duplicates = {k: v for k, v in counts.items() if v != 1}
            assert not duplicates, (network, duplicates)
    finally:
        sandbox.stop()

    store = open_store(data_dir)
    try:
        with store.unit_of_work(read_only=True) as uow:
            history = uow.publications.history(HistoryFilter())
            _count, problems = uow.audit.verify()
    finally:
        store.dispose()
    assert len(history) == POSTS * 5
    assert Counter(p.state for p in history) == {PublicationState.SENT: POSTS * 5}
    remote = {(p.network.value, p.account_id, p.remote_ids[0]) for p in history}
    assert len(remote) == POSTS * 5  # no two publications claim the same remote post
    assert problems == []
    assert kills == KILLS
    print(f"torture: {runs} runs, {kills} kills, {elapsed:.1f} s")


@pytest.mark.timeout(300)  # two subprocess runs of up to 120 s each
def test_kanal_publish_killed_mid_send_and_run_again_sends_each_post_once(
    tmp_path: Path, data_dir: Path
) -> None:
    """The real command, killed while sending through lost answers, then run to the end."""
    sandbox = SandboxServer(host="127.0.0.1", port=0, seed=SEED + 1)
    sandbox.start()
    try:
        accounts = add_accounts(sandbox, data_dir)
        store = open_store(data_dir)
        drafts = [
            make_draft(
                store,
                f"Kommando {i:02d}: besked via kanal publish.",
                list(accounts.values()),
                title=f"Kommando {i:02d}",
            )
            for i in range(12)
        ]
        store.dispose()
        sandbox.set_faults([f"{endpoint}:commit-drop:0.3" for endpoint in POSTING])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        command = [
            sys.executable,
            "-m",
            "desktop_app",
            "--data-dir",
            str(data_dir),
            "publish",
            *drafts,
            "--wait",
            "--json",
            "--read-timeout",
            "2",
        ]
        first = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(2.5)
        first.send_signal(signal.SIGKILL)
        first.wait()
        finished = subprocess.run(
            [*command[:-4], "--pending", "--wait", "--json"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            timeout=120,
        )
        second = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, timeout=120)
        assert finished.returncode == 0, finished.stderr.decode()[-2000:]
        assert second.returncode == 0, second.stderr.decode()[-2000:]
        results = json.loads(second.stdout)["publications"]
        assert len(results) == 12 * 5 and {r["result"] for r in results} == {"sent"}
        for network, platform_posts in posts_on(sandbox).items():
            counts = Counter(
                post_text(p).split(":")[0] for p in platform_posts if "Kommando" in post_text(p)
            )
            assert len(counts) == 12 and set(counts.values()) == {1}, (network, counts)
    finally:
        sandbox.stop()
