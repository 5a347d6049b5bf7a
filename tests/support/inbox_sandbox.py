"""A sandbox with real accounts for the inbox tests, and helpers to stage citizens' items."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop_app.domain.inbox import InboxFilter, InboxItem, InboxState
from desktop_app.engine.sync import SyncEngine, SyncSettings
from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.database import Store
from tests.support.engine import connector_factory
from tests.support.inbox import T0

# Where each platform's citizens write to the account. WordPress has comments only; on
# Facebook a "mention" is a visitor's post on the Page.
KINDS = {
    "wordpress": ("comment",),
    "facebook": ("comment", "mention"),
    "x": ("comment", "mention"),
    "mastodon": ("comment", "mention"),
    "bluesky": ("comment", "mention"),
}
# Platforms where a reply to a citizen's comment reaches the account's inbox through the
# connector (all but WordPress, where a reply is just another comment).
REPLY_PLATFORMS = frozenset({"facebook", "x", "mastodon", "bluesky"})

_TEXTS = itertools.cycle(
    [
        "När plogas Björkvägen?",
        "Tack för snabbt svar!",
        "Gatlampan på Storgatan 4 är trasig.",
        "Ring mig på 070-123 45 67",
        "Hur lång är kön till äldreboendet?",
    ]
)


@dataclass(frozen=True)
class Staged:
    platform: str
    remote_id: str
    text: str


def stage_items(sandbox: SandboxServer, per_platform: int, tag: str = "") -> list[Staged]:
    """Stage ``per_platform`` items on every platform, a third of them replies."""
    staged: list[Staged] = []
    for platform, kinds in KINDS.items():
        last: str | None = None
        for n in range(per_platform):
            text = f"{next(_TEXTS)} [{tag}{platform}-{n}]"
            if last is not None and n % 3 == 2 and platform in REPLY_PLATFORMS:
                item = sandbox.stage_public(
                    platform=platform, kind="reply", author=f"Svar {n}", text=text, in_reply_to=last
                )
            else:
                kind = kinds[n % len(kinds)]
                item = sandbox.stage_public(
                    platform=platform, kind=kind, author=f"Medborgare {n}", text=text
                )
                if kind == "comment":
                    last = str(item["id"])
            staged.append(Staged(platform, str(item["id"]), text))
    return staged


def all_items(store: Store) -> list[InboxItem]:
    everything = InboxFilter(states=frozenset(InboxState))
    with store.unit_of_work(read_only=True) as uow:
        repo = uow.inbox
        return repo.list(everything, T0, limit=100_000)


def fast_engine(store: Store, read_timeout: float = 1.5, **settings: float) -> SyncEngine:
    options: dict[str, float] = {
        "backoff_base_s": 0.02,
        "backoff_max_s": 0.2,
        "max_rate_limit_wait_s": 2.0,
    }
    options.update(settings)
    return SyncEngine(
        store,
        connector_factory(read_timeout),
        settings=SyncSettings(
            backoff_base_s=options["backoff_base_s"],
            backoff_max_s=options["backoff_max_s"],
            max_rate_limit_wait_s=options["max_rate_limit_wait_s"],
            temporary_retries=8,
        ),
    )


def reference_store(store: Store, data_dir: Path) -> Iterator[Store]:
    """A second store with the same accounts, filled by one fault-free sync from scratch."""
    other = Store(f"sqlite:///{(data_dir / 'reference.sqlite3').as_posix()}", data_dir)
    other.migrate()
    with store.unit_of_work(read_only=True) as uow:
        accounts = uow.accounts.list()
    with other.unit_of_work() as uow:
        for account in accounts:
            uow.accounts.add(
                network=account.network,
                display_name=account.display_name,
                handle=account.handle,
                base_url=account.base_url,
                remote_id=account.remote_id,
                account_id=account.id,
            )
    try:
        yield other
    finally:
        other.dispose()
