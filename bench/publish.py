"""How the outbox fans out and how many publications per second it sends.

Starts the sandbox in-process, connects six accounts (WordPress, two Facebook pages, X,
Mastodon, Bluesky) through `kanal accounts add` into a throwaway data folder and keyring, then:

* ``fanout_over_slowest``: with 150 ms emulated latency on every request, the time from Publish
  to the last of six accounts having the post, over the time the slowest single account takes
  alone (median of several rounds). 1.0 is perfect parallelism; the goal is at most 1.3.
* ``outbox_posts_per_s``: with no emulated latency, publications sent per second while draining
  a queue of 80 drafts to five accounts (within X's 100 posts per 15 minutes).

Prints ONE JSON line. ``python bench/publish.py [--rounds 5] [--drafts 80]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

LATENCY_MS = 150


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--drafts", type=int, default=80)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kanal-bench-") as temp:
        # A throwaway keyring and data folder, never the user's.
        os.environ["XDG_DATA_HOME"] = str(Path(temp) / "xdg-data")
        os.environ["XDG_CONFIG_HOME"] = str(Path(temp) / "xdg-config")
        os.environ.pop("KANAL_DATABASE_URL", None)
        result = run(Path(temp) / "kanal-data", args.rounds, args.drafts)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


def run(data_dir: Path, rounds: int, drafts: int) -> dict[str, float | int]:
    from desktop_app.domain.publications import PublicationState
    from desktop_app.engine.outbox import OutboxSettings
    from desktop_app.sandbox.server import SandboxServer
    from tests.support.engine import FAST_POLICY, add_accounts, make_draft, open_store
    from tests.support.engine import running_outbox as outbox_for

    sandbox = SandboxServer(host="127.0.0.1", port=0, seed=7, latency_ms=LATENCY_MS)
    sandbox.start()
    try:
        accounts = add_accounts(sandbox, data_dir, facebook_pages=2)
        store = open_store(data_dir)
        settings = OutboxSettings(policy=FAST_POLICY, workers=8, idle_poll_s=0.05)
        counter = 0

        def publish(targets: list[str]) -> float:
            nonlocal counter
            counter += 1
            draft_id = make_draft(
                store,
                f"Bänkprov {counter}: fan-out till {len(targets)} konton.",
                targets,
                title=f"Bänkprov {counter}",
            )
            started = time.perf_counter()
            result = outbox.submit(draft_id, "bench")
            done = outbox.wait_for([p.id for p in result.publications], timeout=60)
            elapsed = time.perf_counter() - started
            if any(p.state != PublicationState.SENT for p in done):
                raise RuntimeError(f"not sent: {[(p.network, p.failure_reason) for p in done]}")
            return elapsed

        with outbox_for(store, settings=settings) as outbox:
            ids = list(accounts.values())
            publish(ids)  # warm up: sessions, page tokens, connections
            singles: dict[str, list[float]] = {label: [] for label in accounts}
            fanouts: list[float] = []
            for _ in range(rounds):
                for label, account_id in accounts.items():
                    singles[label].append(publish([account_id]))
                fanouts.append(publish(ids))
            slowest = max(statistics.median(times) for times in singles.values())
            fanout = statistics.median(fanouts)

            sandbox.latency_ms = 0
            # Start the drain in fresh rate-limit windows (X takes 100 posts per 15 minutes).
            sandbox.advance(minutes=16)
            five = [accounts[k] for k in ("wordpress", "facebook", "x", "mastodon", "bluesky")]
            queued = [
                make_draft(store, f"Genomströmning {i}", five, title=f"G {i}")
                for i in range(drafts)
            ]
            started = time.perf_counter()
            publication_ids: list[str] = []
            for draft_id in queued:
                publication_ids.extend(p.id for p in outbox.submit(draft_id, "bench").publications)
            outbox.wait_for(publication_ids, timeout=600)
            drain_s = time.perf_counter() - started
        store.dispose()
    finally:
        sandbox.stop()
    return {
        "fanout_over_slowest": round(fanout / slowest, 3),
        "fanout_s": round(fanout, 3),
        "slowest_single_s": round(slowest, 3),
        "accounts": len(accounts),
        "latency_ms": LATENCY_MS,
        "outbox_posts_per_s": round(len(publication_ids) / drain_s, 1),
        "publications": len(publication_ids),
    }


if __name__ == "__main__":
    sys.exit(main())
