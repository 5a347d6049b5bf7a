"""A real sandbox, real accounts (added through `kanal accounts add`) and a real store, for the
publishing engine's tests and benchmarks.

Secrets go to keyrings.alt's file keyring inside the test's own XDG data folder (the conftest
isolates it per test), chosen explicitly through PYTHON_KEYRING_BACKEND as IT would.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop_app.cli.main import main
from desktop_app.domain.accounts import Account
from desktop_app.domain.networks import Network
from desktop_app.engine.outbox import Outbox, OutboxCallbacks, OutboxSettings
from desktop_app.engine.retry import RetryPolicy
from desktop_app.networks.base import Connector
from desktop_app.networks.factory import build_connector
from desktop_app.networks.http import HttpClient
from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore
from desktop_app.store.database import Store

KEYRING_BACKEND = "keyrings.alt.file.PlaintextKeyring"
ALL_NETWORKS = ("wordpress", "facebook", "x", "mastodon", "bluesky")


def use_test_keyring() -> None:
    os.environ["PYTHON_KEYRING_BACKEND"] = KEYRING_BACKEND


def add_accounts(
    sandbox: SandboxServer,
    data_dir: Path,
    networks: Sequence[str] = ALL_NETWORKS,
    facebook_pages: int = 1,
) -> dict[str, str]:
    """Connect one sandbox account per network (Facebook: up to two pages) through the CLI.

    Returns a label ("x", "facebook", "facebook2", ...) -> account id.
    """
    use_test_keyring()
    platforms = sandbox.platforms()
    ids: dict[str, str] = {}
    for network in networks:
        info = platforms[network]
        pages: list[str | None] = [None]
        if network == "facebook":
            pages = list(info["page_ids"][:facebook_pages])
        for index, page in enumerate(pages):
            args = ["--data-dir", str(data_dir), "accounts", "add", "--network", network]
            args += ["--base-url", info["base_url"], "--json"]
            for key, value in info["credentials"].items():
                args += [f"--{key.replace('_', '-')}", str(value)]
            if page is not None:
                args += ["--page-id", page]
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = main(args)
            if code != 0:
                raise RuntimeError(f"could not add the sandbox {network} account")
            label = network if index == 0 else f"{network}{index + 1}"
            ids[label] = json.loads(out.getvalue())["id"]
    return ids


def open_store(data_dir: Path) -> Store:
    """The desk's store as Kanal opens it: migrated, its audit chain sealed with the keyring's
    key (the test's file keyring), so what a test writes and what `kanal` writes agree."""
    from desktop_app.engine.records.chain_keys import use_keyring_chain_key

    store = Store(f"sqlite:///{(data_dir / 'kanal.sqlite3').as_posix()}", data_dir=data_dir)
    store.migrate()
    use_keyring_chain_key(store)
    return store


def connector_factory(read_timeout: float = 5.0) -> Callable[[Account], Connector]:
    secrets = SecretStore()

    def build(account: Account) -> Connector:
        return build_connector(
            account,
            secrets,
            lambda: HttpClient(
                timeout=(2.0, read_timeout),
                max_retries=2,
                backoff_base=0.02,
                backoff_cap=0.1,
                max_retry_wait=0.5,
            ),
        )

    return build


FAST_POLICY = RetryPolicy(
    base_delay_s=0.02,
    max_delay_s=0.3,
    verify_delay_s=0.02,
    min_rate_limit_wait_s=0.05,
    max_rate_limit_wait_s=0.5,
)


@dataclass
class Recorder:
    """Collects what the outbox reports through its callbacks."""

    queue_sizes: list[int] = field(default_factory=list)
    paused: list[tuple[str, str]] = field(default_factory=list)
    changes: list[tuple[str, str]] = field(default_factory=list)

    def callbacks(self) -> OutboxCallbacks:
        return OutboxCallbacks(
            on_publication=lambda p: self.changes.append((p.id, p.state.value)),
            on_queue_size=self.queue_sizes.append,
            on_account_paused=lambda a, m: self.paused.append((a, m)),
        )


@contextlib.contextmanager
def running_outbox(
    store: Store,
    *,
    recorder: Recorder | None = None,
    read_timeout: float = 5.0,
    settings: OutboxSettings | None = None,
    seed: int = 1,
    callbacks: OutboxCallbacks | None = None,
) -> Iterator[Outbox]:
    outbox = Outbox(
        store,
        connector_factory(read_timeout),
        settings=settings or OutboxSettings(policy=FAST_POLICY, idle_poll_s=0.2),
        callbacks=callbacks or (recorder or Recorder()).callbacks(),
        rng=random.Random(seed),
    )
    outbox.start()
    try:
        yield outbox
    finally:
        outbox.stop()


def make_draft(
    store: Store,
    text: str,
    targets: Sequence[str],
    *,
    title: str = "",
    author: str = "Anna Svensson",
    scheduled_at: datetime | None = None,
    variants: dict[Network, str] | None = None,
) -> str:
    with store.unit_of_work() as uow:
        draft = uow.drafts.create(
            body=text,
            title=title,
            targets=list(targets),
            author=author,
            scheduled_at=scheduled_at,
            variants=variants,
        )
    return draft.id


def posts_on(sandbox: SandboxServer) -> dict[str, list[dict[str, Any]]]:
    """Every post of the demo accounts per platform, as /_sandbox/state shows them."""
    state = sandbox.state()["platforms"]
    return {name: _posts(name, state.get(name, {})) for name in ALL_NETWORKS}


def _posts(network: str, platform_state: dict[str, Any]) -> list[dict[str, Any]]:
    for key in ("posts", "statuses", "tweets", "records"):
        value = platform_state.get(key)
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            return list(value.values())
    return []


def post_text(post: dict[str, Any]) -> str:
    for key in ("text", "message", "content", "status"):
        value = post.get(key)
        if isinstance(value, dict):
            value = value.get("raw") or value.get("rendered")
        if isinstance(value, str):
            return value
    record = post.get("record") or post.get("value")
    if isinstance(record, dict) and isinstance(record.get("text"), str):
        return str(record["text"])
    return ""
