"""The account service against the real sandbox over loopback, a real SQLite store and an
in-memory keyring backend (the one thing a test machine cannot offer for real)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from desktop_app.app import open_store
from desktop_app.config import resolve_config
from desktop_app.domain.accounts import AccountStatus
from desktop_app.domain.errors import AuthExpired, Rejected, TemporaryFailure
from desktop_app.domain.networks import Network
from desktop_app.engine.accounts import (
    AccountService,
    BrowserHandoff,
    FacebookPage,
    MissingBaseUrl,
    MissingCredentials,
    direct_access,
    sign_in_with_browser,
)
from desktop_app.networks.signin import SignInCancelled
from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore
from desktop_app.store.database import Store
from desktop_app.store.errors import DuplicateAccount, UnknownAccount
from tests.support.memory_keyring import MemoryKeyring
from tests.support.networks import ConsentBrowser, fast_http
from tests.support.sandbox import running_sandbox

NETWORKS = ("wordpress", "facebook", "x", "mastodon", "bluesky")


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(quiet=True, seed=5) as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(resolve_config(data_dir=str(tmp_path / "data")))
    yield opened
    opened.dispose()


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def service(store: Store, keyring_backend: MemoryKeyring) -> AccountService:
    return AccountService(
        direct_access(store), SecretStore(keyring_backend), fast_http, actor="karin"
    )


def credentials(info: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in info["credentials"].items()}


def names_in_keyring(backend: MemoryKeyring, account_id: str) -> list[str]:
    return sorted(u for (_s, u) in backend.entries if u.startswith(account_id + "/"))


def test_add_verifies_and_keeps_secrets_only_in_the_keyring(
    service: AccountService, sandbox: SandboxServer, keyring_backend: MemoryKeyring, store: Store
) -> None:
    platforms = sandbox.platforms()
    added = {}
    for name in NETWORKS:
        info = platforms[name]
        account = service.add(Network(name), info["base_url"], credentials(info))
        assert account.status is AccountStatus.WORKING
        assert account.base_url == info["base_url"]
        assert account.display_name and account.handle
        added[name] = account
    assert added["x"].handle == "@" + platforms["x"]["username"]
    assert added["x"].avatar_url.startswith(sandbox.base_url)
    assert added["facebook"].remote_id == platforms["facebook"]["page_ids"][0]
    assert sorted(a.id for a in service.list()) == sorted(a.id for a in added.values())
    stored = keyring_backend.values()
    for info in platforms.values():
        for value in info["credentials"].values():
            assert value in stored
    raw = b"".join(p.read_bytes() for p in store.data_dir.glob("kanal.sqlite3*"))
    assert platforms["mastodon"]["credentials"]["access_token"].encode() not in raw
    assert platforms["bluesky"]["credentials"]["app_password"].encode() not in raw


def test_facebook_takes_the_first_page_and_names_the_others(
    service: AccountService, sandbox: SandboxServer
) -> None:
    info = sandbox.platforms()["facebook"]
    told: list[tuple[FacebookPage, Sequence[FacebookPage]]] = []
    account = service.add(
        Network.FACEBOOK,
        info["base_url"],
        credentials(info),
        None,
        lambda chosen, others: told.append((chosen, others)),
    )
    assert account.display_name == "Sandvikens kommun"
    [(chosen, others)] = told
    assert chosen.id == account.remote_id
    assert [page.name for page in others] == ["Sandvikens bibliotek"]
    second = service.add(Network.FACEBOOK, info["base_url"], credentials(info), others[0].id)
    assert second.display_name == "Sandvikens bibliotek"


def test_a_refused_add_leaves_nothing_behind(
    service: AccountService, sandbox: SandboxServer, keyring_backend: MemoryKeyring
) -> None:
    info = sandbox.platforms()["mastodon"]
    with pytest.raises(AuthExpired):
        service.add(Network.MASTODON, info["base_url"], {"access_token": "not-a-real-token"})
    assert service.list() == []
    assert keyring_backend.entries == {}


def test_a_duplicate_is_refused_and_its_secrets_removed(
    service: AccountService, sandbox: SandboxServer, keyring_backend: MemoryKeyring
) -> None:
    info = sandbox.platforms()["bluesky"]
    first = service.add(Network.BLUESKY, info["base_url"], credentials(info))
    before = dict(keyring_backend.entries)
    with pytest.raises(DuplicateAccount, match="already connected"):
        service.add(Network.BLUESKY, info["base_url"], credentials(info))
    assert [a.id for a in service.list()] == [first.id]
    assert keyring_backend.entries == before


def test_missing_address_or_credentials_are_named_before_any_call(
    service: AccountService,
) -> None:
    with pytest.raises(MissingBaseUrl):
        service.add(Network.MASTODON, "", {"access_token": "abc"})
    with pytest.raises(MissingCredentials) as missing:
        service.add(Network.BLUESKY, None, {"identifier": "a.bsky.social"})
    assert missing.value.names == ("app_password",)
    with pytest.raises(MissingCredentials) as missing_x:
        service.add(Network.X, None, {"consumer_key": "k", "access_token": "t"})
    assert missing_x.value.names == ("consumer_secret", "access_token_secret")


def test_verify_records_needs_sign_in_rate_limit_and_recovery(
    service: AccountService, sandbox: SandboxServer
) -> None:
    platforms = sandbox.platforms()
    mastodon = service.add(
        Network.MASTODON, platforms["mastodon"]["base_url"], credentials(platforms["mastodon"])
    )
    x = service.add(Network.X, platforms["x"]["base_url"], credentials(platforms["x"]))

    sandbox.set_faults(["GET /api/v1/accounts/verify_credentials:expired-token"])
    assert service.verify(mastodon.id).status is AccountStatus.NEEDS_SIGN_IN
    assert service.get(mastodon.id).status is AccountStatus.NEEDS_SIGN_IN

    sandbox.set_faults(["GET /2/users/me:ratelimit"])
    limited = service.verify(x.id)
    assert limited.status is AccountStatus.RATE_LIMITED
    assert limited.rate_limited_until is not None
    assert limited.rate_limited_until > datetime.now(UTC)

    sandbox.set_faults(["GET /2/users/me:status=503"])
    with pytest.raises(TemporaryFailure):
        service.verify(x.id)
    assert service.get(x.id).status is AccountStatus.RATE_LIMITED  # unknown: left as it was

    sandbox.set_faults([])
    assert service.verify(mastodon.id).status is AccountStatus.WORKING
    sandbox.advance(minutes=16)  # the X rate-limit window is over
    recovered = service.verify(x.id)
    assert recovered.status is AccountStatus.WORKING and recovered.rate_limited_until is None


def test_remove_deletes_the_row_and_every_secret(
    service: AccountService, sandbox: SandboxServer, keyring_backend: MemoryKeyring
) -> None:
    platforms = sandbox.platforms()
    x = service.add(Network.X, platforms["x"]["base_url"], credentials(platforms["x"]))
    wp = service.add(
        Network.WORDPRESS, platforms["wordpress"]["base_url"], credentials(platforms["wordpress"])
    )
    assert names_in_keyring(keyring_backend, x.id)
    removed = service.remove(x.id)
    assert removed.id == x.id
    assert names_in_keyring(keyring_backend, x.id) == []
    assert [a.id for a in service.list()] == [wp.id]
    assert names_in_keyring(keyring_backend, wp.id)
    with pytest.raises(UnknownAccount):
        service.remove(x.id)


def test_reconnect_moves_the_account_and_restores_secrets_on_failure(
    service: AccountService, sandbox: SandboxServer, keyring_backend: MemoryKeyring
) -> None:
    info = sandbox.platforms()["mastodon"]
    account = service.add(Network.MASTODON, info["base_url"], credentials(info))
    before = dict(keyring_backend.entries)

    with pytest.raises(AuthExpired):
        service.reconnect(account.id, {"access_token": "wrong"})
    assert keyring_backend.entries == before
    assert service.get(account.id).status is AccountStatus.WORKING

    # The same demo world on another port (as practice mode gets at each start).
    with SandboxServer(host="127.0.0.1", port=0, seed=5, public_rate=0.0) as moved:
        new_info = moved.platforms()["mastodon"]
        sandbox.stop()
        again = service.reconnect(account.id, credentials(new_info), new_info["base_url"])
        assert again.id == account.id
        assert again.base_url == new_info["base_url"] != info["base_url"]
        assert again.status is AccountStatus.WORKING
        assert service.verify(account.id).status is AccountStatus.WORKING


def test_reconnect_refuses_another_account(
    service: AccountService, sandbox: SandboxServer, keyring_backend: MemoryKeyring
) -> None:
    platforms = sandbox.platforms()
    info = platforms["x"]
    account = service.add(Network.X, info["base_url"], credentials(info))
    before = dict(keyring_backend.entries)
    # Signing in as someone else: another seed's demo world has another X user.
    with SandboxServer(host="127.0.0.1", port=0, seed=99, public_rate=0.0) as other:
        other_x = other.platforms()["x"]
        assert other_x["user_id"] != info["user_id"]
        with pytest.raises(Rejected) as refused:
            service.reconnect(account.id, credentials(other_x), other_x["base_url"])
    assert "different account" in refused.value.reason
    assert keyring_backend.entries == before
    assert service.get(account.id).base_url == info["base_url"]


def test_browser_sign_in_then_add(service: AccountService, sandbox: SandboxServer) -> None:
    platforms = sandbox.platforms()
    browser = ConsentBrowser()
    x = sign_in_with_browser(
        Network.X,
        platforms["x"]["base_url"],
        browser,
        client_id=platforms["x"]["credentials"]["client_id"],
        http_factory=fast_http,
    )
    assert x["refresh_token"] and x["access_token"] != platforms["x"]["credentials"]["access_token"]
    assert service.add(Network.X, platforms["x"]["base_url"], x).status is AccountStatus.WORKING
    mastodon = sign_in_with_browser(
        Network.MASTODON, platforms["mastodon"]["base_url"], browser, http_factory=fast_http
    )
    account = service.add(Network.MASTODON, platforms["mastodon"]["base_url"], mastodon)
    assert account.handle.startswith("@sandviken")
    with pytest.raises(ValueError, match="no browser sign-in"):
        sign_in_with_browser(Network.BLUESKY, "https://bsky.social", browser)
    with pytest.raises(ValueError, match="client id"):
        sign_in_with_browser(Network.X, "https://api.x.com", browser)


def test_cancelling_a_waiting_sign_in_ends_it_at_once(sandbox: SandboxServer) -> None:
    opened = threading.Event()
    handoff = BrowserHandoff(lambda _url: opened.set())  # a browser that never comes back
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            sign_in_with_browser(
                Network.MASTODON,
                sandbox.platforms()["mastodon"]["base_url"],
                handoff.open,
                http_factory=fast_http,
            )
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    assert opened.wait(10)
    started = time.monotonic()
    handoff.cancel()
    thread.join(10)
    assert not thread.is_alive()
    assert time.monotonic() - started < 5
    assert len(outcome) == 1 and isinstance(outcome[0], SignInCancelled)


def test_cancelling_before_the_browser_opens_also_ends_the_sign_in(
    sandbox: SandboxServer,
) -> None:
    browser_calls: list[str] = []
    handoff = BrowserHandoff(browser_calls.append)
    handoff.cancel()
    with pytest.raises(SignInCancelled):
        sign_in_with_browser(
            Network.MASTODON,
            sandbox.platforms()["mastodon"]["base_url"],
            handoff.open,
            http_factory=fast_http,
            timeout=10,
        )
    assert browser_calls == []
