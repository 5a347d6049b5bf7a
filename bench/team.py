"""Team benchmark: 20 desks on one PostgreSQL team store, and five years of a large
municipality's history in it.

Prints ONE JSON line:

* ``review_latency_p50_s`` / ``review_latency_p95_s``: from a drafter's ``submit`` on one desk
  until the draft is in another desk's review queue (its local copy), over every (submission,
  other desk) pair, while all 20 desks sync every ``--interval`` seconds (each desk its own
  ``TeamSyncLoop`` thread and SQLite data folder, all against one team store; the submitting
  desk pokes its loop, as the window does). Goal p95 <= 5 s online.
* ``history_search_p50_ms`` / ``history_search_p95_ms``: "newest 50 sent posts with these
  words" (``TeamStore.search_history``) for a seeded mix of common words, rare words (street
  names) and two-word queries over the synthetic history. Goal p95 <= 100 ms.
* ``history_newest_p95_ms``: the newest 100 rows of the team's history (``TeamStore.history``).
* ``team_store_mb`` and the row counts: the team store's size (tables and indexes) with
  ``--years`` of history at ``--posts-per-day`` posts, each to ``--accounts-per-post`` accounts,
  with five change-log entries per post (saved, submitted, approved, published, a note).

The team store is a fresh schema of ``KANAL_TEST_POSTGRES_URL`` (``.ci/setup-postgres.sh``),
dropped at the end.

    eval "$(bash .ci/setup-postgres.sh)"
    python bench/team.py [--desks 20] [--submissions 30] [--interval 1.0] [--years 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.engine.team import SyncCounts, TeamService, TeamSync, TeamSyncLoop
from desktop_app.store.database import Store
from desktop_app.store.team_store import TeamStore

COMMON = [
    "kommunen",
    "informerar",
    "vägarbete",
    "storgatan",
    "simhallen",
    "biblioteket",
    "öppettider",
    "stängt",
    "snöröjning",
    "sophämtning",
    "skolan",
    "förskolan",
    "vatten",
    "avlopp",
    "buss",
    "trafik",
    "parkering",
    "evenemang",
    "kultur",
    "idrott",
    "fritid",
    "äldreomsorg",
    "bygglov",
    "detaljplan",
    "samråd",
    "val",
    "nämnd",
    "fullmäktige",
    "beslut",
    "budget",
    "skatt",
    "vård",
    "krisberedskap",
    "brand",
    "räddningstjänsten",
    "polisen",
    "varning",
    "storm",
    "ström",
    "avbrott",
    "hemtjänst",
    "lediga",
    "jobb",
    "sommar",
    "vinter",
    "höst",
    "vår",
    "helg",
    "kväll",
    "morgon",
    "idag",
    "imorgon",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def fresh_schema(base_url: str) -> tuple[str, str]:
    schema = f"kanal_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in base_url else "?"
    return schema, f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"


def drop_schema(base_url: str, schema: str) -> None:
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


# -- 1: from submission to another desk's review queue -----------------------------------------


class BenchDesk:
    """One simulated desk: its own SQLite data folder and its continuous team sync."""

    def __init__(self, name: str, folder: Path, url: str, interval: float) -> None:
        self.name = name
        self.store = Store(f"sqlite:///{(folder / 'kanal.sqlite3').as_posix()}", folder)
        self.store.migrate()
        self.team = TeamStore(url)
        self.service = TeamService(self.store, self.team, name)
        self.service.refresh_members()
        self.seen: dict[str, float] = {}
        self.errors: list[str] = []
        self.loop = TeamSyncLoop(
            TeamSync(self.store, self.team, self.service),
            interval_s=interval,
            on_synced=self._look,
            on_offline=self.errors.append,
        )

    def _look(self, _counts: SyncCounts) -> None:
        # What the review queue ("Granska") shows after each round of sync.
        now = time.monotonic()
        for item in self.service.review_queue():
            self.seen.setdefault(item.draft.id, now)

    def close(self) -> None:
        self.loop.stop()
        self.team.dispose()
        self.store.dispose()


def review_latency(url: str, desks: int, submissions: int, interval: float) -> dict[str, Any]:
    admin = TeamStore(url)
    admin.create_schema("admin")
    for number in range(desks):
        admin.put_member(f"desk{number:02d}", "drafter,publisher", "admin")
    admin.dispose()
    root = Path(tempfile.mkdtemp(prefix="kanal-team-bench-"))
    team_desks = [
        BenchDesk(f"desk{n:02d}", root / f"desk{n:02d}", url, interval) for n in range(desks)
    ]
    rng = random.Random(14)
    for desk in team_desks:
        desk.loop.start()
        time.sleep(rng.random() * interval / desks)  # desks do not sync in lock-step
    submitted: dict[str, tuple[float, str]] = {}
    for number in range(submissions):
        desk = rng.choice(team_desks)
        with desk.store.unit_of_work() as uow:
            draft = uow.drafts.create(body=f"Bench {number}", author=desk.name)
        desk.service.submit(draft.id)
        submitted[draft.id] = (time.monotonic(), desk.name)
        desk.loop.poke()  # as the window does after a submission
        time.sleep(rng.uniform(0.2, 0.6))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all(
            len([d for d in team_desks if i in d.seen and d.name != who]) == desks - 1
            for i, (_t, who) in submitted.items()
        ):
            break
        time.sleep(0.2)
    latencies = [
        desk.seen[draft_id] - at
        for draft_id, (at, who) in submitted.items()
        for desk in team_desks
        if desk.name != who and draft_id in desk.seen
    ]
    missing = submissions * (desks - 1) - len(latencies)
    errors = sum(len(d.errors) for d in team_desks)
    for desk in team_desks:
        desk.close()
    return {
        "desks": desks,
        "submissions": submissions,
        "sync_interval_s": interval,
        "review_latency_p50_s": round(statistics.median(latencies), 3),
        "review_latency_p95_s": round(percentile(latencies, 0.95), 3),
        "review_latency_max_s": round(max(latencies), 3),
        "pairs_never_seen": missing,
        "sync_errors": errors,
    }


# -- 2: five years of history ------------------------------------------------------------------


def fill_history(url: str, years: int, posts_per_day: int, accounts_per_post: int) -> int:
    posts = years * 365 * posts_per_day
    words = "ARRAY[" + ",".join(f"'{w}'" for w in COMMON) + "]"
    engine = create_engine(url)
    with engine.begin() as connection:
        # One row per post and account, spread evenly over the years, newest first; texts of
        # 20 common words and two rare ones (a street name and a case number).
        connection.execute(
            text(
                "INSERT INTO team_publications (key, draft_id, account_key, network, text,"
                " remote_url, drafted_by, approved_by, published_by, published_at)"
                " SELECT 'p-' || g || '-' || a, md5(g::text)::uuid::text,"
                " 'acct:' || a,"
                " (ARRAY['x','mastodon','bluesky','facebook','wordpress'])[1 + a % 5],"
                " (SELECT string_agg(w[1 + ((g * 7919 + k * 104729) % cardinality(w))], ' ')"
                "    FROM generate_series(1, 20) k)"
                "   || ' gata' || (g % 4000) || ' dnr' || (g % 50000),"
                " 'https://example.invalid/' || g, 'drafter' || (g % 60), 'publisher' || (g % 8),"
                " 'publisher' || (g % 8),"
                " now() - (g * (:days * interval '1 day') / :posts)"
                f" FROM generate_series(1, :posts) g, generate_series(1, :accounts) a,"
                f" (SELECT {words} AS w) v"
            ),
            {"posts": posts, "accounts": accounts_per_post, "days": years * 365},
        )
        connection.execute(
            text(
                "INSERT INTO team_changes (change_id, desk, actor, kind, entity_id, payload,"
                " conflict, made_at, received_at)"
                " SELECT md5(g::text || '-' || k)::uuid::text, 'desk' || (g % 20),"
                " 'drafter' || (g % 60),"
                " (ARRAY['draft.saved','draft.submitted','draft.approved','draft.published',"
                "  'draft.note'])[k], md5(g::text)::uuid::text,"
                " json_build_object('title', '', 'body', 'Text ' || g, 'base_seq', 0),"
                " false, now() - (g * (:days * interval '1 day') / :posts),"
                " now() - (g * (:days * interval '1 day') / :posts)"
                " FROM generate_series(1, :posts) g, generate_series(1, 5) k"
            ),
            {"posts": posts, "days": years * 365},
        )
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return posts


def history_queries(url: str, rounds: int) -> dict[str, Any]:
    team = TeamStore(url)
    rng = random.Random(5)
    queries = []
    for _ in range(rounds):
        kind = rng.random()
        if kind < 0.4:
            queries.append(rng.choice(COMMON))
        elif kind < 0.7:
            queries.append(f"gata{rng.randrange(4000)}")
        else:
            queries.append(f"{rng.choice(COMMON)} {rng.choice(COMMON)}")
    team.search_history("storgatan")  # warm the pool and the caches once
    search_ms = []
    for query in queries:
        started = time.perf_counter()
        team.search_history(query, limit=50)
        search_ms.append((time.perf_counter() - started) * 1000)
    newest_ms = []
    for _ in range(50):
        started = time.perf_counter()
        team.history(100)
        newest_ms.append((time.perf_counter() - started) * 1000)
    with team.session() as session:
        rows = {
            table: int(session.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
            for table in ("team_publications", "team_changes")
        }
    size = team.size_bytes()
    team.dispose()
    return {
        "history_search_p50_ms": round(statistics.median(search_ms), 1),
        "history_search_p95_ms": round(percentile(search_ms, 0.95), 1),
        "history_newest_p95_ms": round(percentile(newest_ms, 0.95), 1),
        "team_store_mb": round(size / 1e6, 1),
        "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=20)
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--interval", type=float, default=1.0, help="each desk's sync period")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--posts-per-day", type=int, default=30)
    parser.add_argument("--accounts-per-post", type=int, default=3)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    base = os.environ.get("KANAL_TEST_POSTGRES_URL")
    if not base:
        sys.stderr.write('bench/team.py: eval "$(bash .ci/setup-postgres.sh)" first\n')
        return 2
    result: dict[str, Any] = {}
    schema, url = fresh_schema(base)
    try:
        result.update(review_latency(url, args.desks, args.submissions, args.interval))
    finally:
        drop_schema(base, schema)
    schema, url = fresh_schema(base)
    try:
        team = TeamStore(url)
        team.create_schema("admin")
        team.dispose()
        started = time.perf_counter()
        posts = fill_history(url, args.years, args.posts_per_day, args.accounts_per_post)
        result["history_posts"] = posts
        result["history_fill_s"] = round(time.perf_counter() - started, 1)
        result.update(history_queries(url, args.queries))
    finally:
        drop_schema(base, schema)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
