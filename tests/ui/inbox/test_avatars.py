"""Avatars come only from the platform's own hosts and are cached on disk."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.networks import Network
from desktop_app.engine.avatars import AvatarCache, allowed_avatar_url
from desktop_app.sandbox.server import SandboxServer
from tests.support.engine import add_accounts, open_store
from tests.support.inbox_sandbox import all_items, fast_engine
from tests.support.sandbox import keyring_data_dir, running_sandbox


def _account(network: Network, base_url: str) -> Account:
    return Account(
        id="a1",
        network=network,
        display_name="",
        handle="",
        base_url=base_url,
        remote_id="1",
        status=AccountStatus.WORKING,
        rate_limited_until=None,
        avatar_url="",
        created_at=datetime.now(UTC),
    )


@pytest.mark.parametrize(
    ("network", "base", "url", "allowed"),
    [
        (Network.X, "https://api.x.com", "https://pbs.twimg.com/profile_images/1/a.jpg", True),
        (Network.X, "https://api.x.com", "http://pbs.twimg.com/a.jpg", False),
        (Network.X, "https://api.x.com", "https://evil.example/twimg.com.jpg", False),
        (Network.X, "https://api.x.com", "https://twimg.com.evil.example/a.jpg", False),
        (Network.FACEBOOK, "https://graph.facebook.com", "https://x.fbcdn.net/p.jpg", True),
        (Network.MASTODON, "https://mastodon.social", "https://files.mastodon.social/a.png", True),
        (Network.MASTODON, "https://mastodon.social", "https://other.instance/a.png", False),
        (Network.WORDPRESS, "https://kommun.example", "https://secure.gravatar.com/avatar/x", True),
        (Network.WORDPRESS, "https://kommun.example", "https://site.example/me.png", False),
        (Network.WORDPRESS, "http://127.0.0.1:8080/wp", "http://127.0.0.1:8080/a.png", True),
        (Network.WORDPRESS, "http://127.0.0.1:8080/wp", "http://127.0.0.1:9999/a.png", False),
        (Network.BLUESKY, "https://bsky.social", "https://cdn.bsky.app/img/avatar/a.jpg", True),
        (Network.BLUESKY, "https://bsky.social", "file:///etc/passwd", False),
    ],
)  # fmt: skip
def test_only_the_platforms_own_hosts_are_asked(
    network: Network, base: str, url: str, allowed: bool
) -> None:
    assert allowed_avatar_url(url, _account(network, base)) is allowed


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return keyring_data_dir(tmp_path, monkeypatch)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(seed=51) as server:
        yield server


def test_an_avatar_is_fetched_once_and_kept_on_disk(sandbox: SandboxServer, data_dir: Path) -> None:
    add_accounts(sandbox, data_dir, networks=("x",))
    sandbox.stage_public(platform="x", kind="mention", author="Stina Ek", text="Hej @kommunen")
    store = open_store(data_dir)
    try:
        fast_engine(store).sync()
        (item,) = all_items(store)
        with store.unit_of_work(read_only=True) as uow:
            account = uow.accounts.get(item.account_id)
        assert account is not None and item.author_avatar_url
        cache = AvatarCache(data_dir / "avatars")
        path = cache.fetch(item.author_avatar_url, account)
        assert path is not None and path.read_bytes().startswith(b"\x89PNG")
        stamp = os.stat(path).st_mtime_ns
        sandbox.stop()  # offline now: the cached file still answers
        assert cache.fetch(item.author_avatar_url, account) == path
        assert os.stat(path).st_mtime_ns == stamp
        stranger = replace(account, base_url="https://api.x.com")
        assert cache.fetch("http://127.0.0.1:1/a.png", stranger) is None
    finally:
        store.dispose()
