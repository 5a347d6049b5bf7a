"""The shared HTTP client: retries, timeouts, failure classes, proxies, redaction."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import requests

from desktop_app import __version__
from desktop_app.domain.errors import OutcomeUnknown, RateLimited, TemporaryFailure
from desktop_app.domain.networks import Network
from desktop_app.networks.base import PostRequest
from desktop_app.networks.factory import build_connector
from desktop_app.networks.http import (
    DIRECT,
    HttpClient,
    InsecureCredentials,
    ProxyChooser,
    RedactingFilter,
    check_credentials_transport,
    decode_json,
    is_loopback,
    rate_limit_until,
    redact,
    status_error,
)
from desktop_app.networks.signin import MastodonSignIn
from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore
from tests.support.faulty_server import FaultyServer, closed_port
from tests.support.forward_proxy import ForwardProxy
from tests.support.memory_keyring import MemoryKeyring
from tests.support.networks import make_account, store_credentials


@pytest.fixture
def server() -> Iterator[FaultyServer]:
    running = FaultyServer().start()
    yield running
    running.stop()


@pytest.fixture
def client() -> Iterator[HttpClient]:
    sleeps: list[float] = []
    made = HttpClient(timeout=(2.0, 1.0), backoff_base=0.01, sleep=sleeps.append)
    made.sleeps = sleeps  # type: ignore[attr-defined]
    yield made
    made.close()


def test_user_agent_names_kanal_and_version(server: FaultyServer, client: HttpClient) -> None:
    response = client.request("GET", f"{server.url}/ok", platform="T")
    assert response.status_code == 200
    assert server.headers[-1]["User-Agent"] == f"Kanal/{__version__}"


def test_get_is_retried_on_503_with_retry_after(server: FaultyServer, client: HttpClient) -> None:
    response = client.request("GET", f"{server.url}/flaky", platform="T")
    assert response.status_code == 200
    assert server.hits["GET /flaky"] == 3
    assert len(client.sleeps) == 2  # type: ignore[attr-defined]


def test_get_gives_up_after_max_retries(server: FaultyServer) -> None:
    server.flaky_failures = 100
    client = HttpClient(max_retries=2, backoff_base=0.01, sleep=lambda s: None)
    response = client.request("GET", f"{server.url}/flaky", platform="T")
    assert response.status_code == 503
    assert server.hits["GET /flaky"] == 3


def test_post_is_never_retried(server: FaultyServer, client: HttpClient) -> None:
    response = client.request("POST", f"{server.url}/flaky", platform="T", json={"a": 1})
    assert response.status_code == 503
    assert server.hits["POST /flaky"] == 1


def test_refused_connection_is_temporary_and_post_not_retried(client: HttpClient) -> None:
    url = f"http://127.0.0.1:{closed_port()}/x"
    with pytest.raises(TemporaryFailure):
        client.request("POST", url, platform="T", json={})
    with pytest.raises(TemporaryFailure):
        client.request("GET", url, platform="T")


def test_reset_after_sending_a_post_is_outcome_unknown(
    server: FaultyServer, client: HttpClient
) -> None:
    with pytest.raises(OutcomeUnknown):
        client.request("POST", f"{server.url}/reset", platform="T", json={"a": 1})
    assert server.hits["POST /reset"] == 1


def test_reset_on_a_get_is_retried_then_temporary(server: FaultyServer, client: HttpClient) -> None:
    with pytest.raises(TemporaryFailure):
        client.request("GET", f"{server.url}/reset", platform="T")
    assert server.hits["GET /reset"] == client.max_retries + 1


def test_read_timeout_on_post_is_outcome_unknown(server: FaultyServer, client: HttpClient) -> None:
    with pytest.raises(OutcomeUnknown):
        client.request("POST", f"{server.url}/hang", platform="T", data=b"x")


def test_replay_safe_post_timeout_is_temporary(server: FaultyServer, client: HttpClient) -> None:
    with pytest.raises(TemporaryFailure):
        client.request("POST", f"{server.url}/hang", platform="T", data=b"x", replay_safe=True)


def test_bad_json_is_temporary_on_get_and_unknown_on_post(
    server: FaultyServer, client: HttpClient
) -> None:
    got = client.request("GET", f"{server.url}/badjson", platform="T")
    with pytest.raises(TemporaryFailure):
        decode_json(got, replay_safe=True, platform="T")
    posted = client.request("POST", f"{server.url}/badjson", platform="T")
    with pytest.raises(OutcomeUnknown):
        decode_json(posted, replay_safe=False, platform="T")


def test_5xx_after_a_post_is_outcome_unknown_and_429_is_rate_limited(
    server: FaultyServer, client: HttpClient
) -> None:
    for code in (500, 502, 503, 504):
        posted = client.request("POST", f"{server.url}/status/{code}", platform="T")
        assert isinstance(
            status_error(posted, replay_safe=False, detail="", platform="T"), OutcomeUnknown
        )
        assert isinstance(
            status_error(posted, replay_safe=True, detail="", platform="T"), TemporaryFailure
        )
    limited = client.request("GET", f"{server.url}/ratelimit", platform="T")
    error = status_error(limited, replay_safe=True, detail="", platform="T")
    assert isinstance(error, RateLimited)
    assert error.until > datetime.now(UTC) + timedelta(seconds=100)
    # A long reset is not waited out inside the client: one attempt, then the engine decides.
    assert server.hits["GET /ratelimit"] == 1


def test_reset_headers_in_every_platform_spelling() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    epoch = str(int((now + timedelta(minutes=15)).timestamp()))
    assert rate_limit_until({"x-rate-limit-reset": epoch}, now) == now + timedelta(minutes=15)
    iso = "2026-11-25T12:05:00.000Z"
    assert rate_limit_until({"X-RateLimit-Reset": iso}, now) == now + timedelta(minutes=5)
    assert rate_limit_until({"Retry-After": "30"}, now) == now + timedelta(seconds=30)
    assert rate_limit_until({"RateLimit-Reset": epoch}, now) == now + timedelta(minutes=15)
    daily = str(int((now + timedelta(hours=9)).timestamp()))
    headers = {
        "x-rate-limit-reset": epoch,
        "x-user-limit-24hour-remaining": "0",
        "x-user-limit-24hour-reset": daily,
    }
    assert rate_limit_until(headers, now) == now + timedelta(hours=9)
    assert rate_limit_until({}, now) == now + timedelta(seconds=60)


PROXIED_HOST = "proxied.kanal.test"  # a made-up name the test proxy resolves to 127.0.0.1


def test_requests_go_through_the_environment_proxy(
    server: FaultyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = ForwardProxy(hosts={PROXIED_HOST: "127.0.0.1"}).start()
    try:
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        client = HttpClient(proxy_chooser=ProxyChooser(use_os_pac=False))
        url = f"http://{PROXIED_HOST}:{server.port}/ok"
        response = client.request("GET", url, platform="T")
        assert response.status_code == 200
        assert response.headers.get("Via") == "1.1 kanal-test-proxy"
        assert proxy.relayed == [("GET", url)]
    finally:
        proxy.stop()


def test_https_uses_the_os_trust_store_only_in_this_session() -> None:
    import ssl

    import truststore

    client = HttpClient()
    adapter = client.session.get_adapter("https://example.invalid/")
    assert isinstance(adapter._ssl_context, truststore.SSLContext)  # type: ignore[attr-defined]
    # Nothing global was injected: the standard library's default context is untouched.
    assert not isinstance(ssl.create_default_context(), truststore.SSLContext)
    assert (
        requests.Session().get_adapter("https://example.invalid/").__class__.__name__
        == "HTTPAdapter"
    )


def test_redaction_hides_tokens_everywhere() -> None:
    line = (
        "GET https://graph.facebook.com/v25.0/me?access_token=EAAB123secret&fields=id "
        'Authorization: Bearer abc.def.ghi {"refresh_token": "r-123456", "password": "hunter22"} '
        "code=authcode99&state=s1 eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig "
        "and the known value sekret-value-1"
    )
    cleaned = redact(line, ("sekret-value-1",))
    for secret in (
        "EAAB123secret",
        "abc.def.ghi",
        "r-123456",
        "hunter22",
        "authcode99",
        "eyJhbGciOiJIUzI1NiJ9",
        "sekret-value-1",
    ):
        assert secret not in cleaned
    assert "fields=id" in cleaned and "state=s1" in cleaned


def test_logging_filter_redacts_messages_and_arguments(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("kanal.test.redaction")
    handler = logging.Handler()
    records: list[logging.LogRecord] = []
    handler.emit = records.append  # type: ignore[method-assign]
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.info("calling %s", "https://x/?access_token=TOPSECRET123")
    finally:
        logger.removeHandler(handler)
    assert "TOPSECRET123" not in records[0].getMessage()


def test_loopback_never_goes_through_a_proxy_and_explicit_proxies_win_elsewhere(
    server: FaultyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = ForwardProxy(hosts={PROXIED_HOST: "127.0.0.1"}).start()
    try:
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, proxy.url)
        # No NO_PROXY at all, and Windows' "<local>" would not cover 127.0.0.1 either.
        direct = HttpClient().request("GET", f"{server.url}/ok", platform="T")
        assert direct.status_code == 200 and "Via" not in direct.headers
        explicit = HttpClient(proxies={"http": proxy.url})
        assert "Via" not in explicit.request("GET", f"{server.url}/ok", platform="T").headers
        assert proxy.relayed == []
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name)
        chosen = explicit.request("GET", f"http://{PROXIED_HOST}:{server.port}/ok", platform="T")
        assert chosen.headers.get("Via") == "1.1 kanal-test-proxy"
    finally:
        proxy.stop()


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.8.9.10", "localhost", "LOCALHOST.", "[::1]", "::1", "app.localhost"],
)
def test_loopback_addresses(host: str) -> None:
    assert is_loopback(host)
    netloc = f"[{host}]" if host == "::1" else host
    assert ProxyChooser("http://proxy.example:8080").for_url(f"http://{netloc}:1/x") == DIRECT


@pytest.mark.parametrize("host", ["128.0.0.1", "example.se", "localhost.example.se", "", None])
def test_not_loopback(host: str | None) -> None:
    assert not is_loopback(host)


def test_a_policy_proxy_is_used_for_other_hosts() -> None:
    chooser = ProxyChooser("http://proxy.example:8080", use_os_pac=False)
    assert chooser.for_url("https://mastodon.example/api") == {
        "http": "http://proxy.example:8080",
        "https": "http://proxy.example:8080",
    }
    assert ProxyChooser(use_os_pac=False).for_url("https://mastodon.example/") is None


PAC = """
function FindProxyForURL(url, host) {
    if (dnsDomainIs(host, ".intranet.example")) return "DIRECT";
    return "PROXY pac-proxy.example:3128; DIRECT";
}
"""


def test_a_pac_file_decides_per_url(tmp_path: Path) -> None:
    pac = tmp_path / "proxy.pac"
    pac.write_text(PAC, encoding="utf-8")
    chooser = ProxyChooser(pac_url=pac.as_uri(), use_os_pac=False)
    assert chooser.for_url("https://graph.facebook.com/v25.0/me") == {
        "http": "http://pac-proxy.example:3128",
        "https": "http://pac-proxy.example:3128",
    }
    assert chooser.for_url("https://wiki.intranet.example/") == {"http": None, "https": None}
    assert chooser.for_url("http://127.0.0.1:8080/cb") == DIRECT  # loopback before PAC


def test_a_pac_file_served_over_http_is_fetched_once(server: FaultyServer) -> None:
    server.pac = PAC
    chooser = ProxyChooser(pac_url=f"{server.url}/proxy.pac", use_os_pac=False)
    for _ in range(3):
        assert chooser.for_url("https://bsky.social/")["https"] == (  # type: ignore[index]
            "http://pac-proxy.example:3128"
        )
    assert server.hits["GET /proxy.pac"] == 1


def test_an_unreachable_pac_file_falls_back_to_the_system_proxy(
    caplog: pytest.LogCaptureFixture,
) -> None:
    chooser = ProxyChooser(pac_url=f"http://127.0.0.1:{closed_port()}/p.pac", use_os_pac=False)
    with caplog.at_level(logging.WARNING, logger="desktop_app.networks.http"):
        assert chooser.for_url("https://bsky.social/") is None
    assert "Cannot use the PAC file" in caplog.text


@pytest.mark.parametrize(
    "kwargs",
    [
        {"headers": {"Authorization": "Bearer abc"}},
        {"params": {"access_token": "abc"}},
        {"data": {"client_secret": "abc"}},
        {"auth": ("user", "app-password")},
    ],
)
def test_credentials_are_never_sent_over_plain_http_to_another_host(
    server: FaultyServer, kwargs: dict[str, Any]
) -> None:
    client = HttpClient(proxy_chooser=ProxyChooser(use_os_pac=False))
    with pytest.raises(InsecureCredentials, match=r"https://blog\.example\.se") as refused:
        client.request("POST", "http://blog.example.se/wp-json/wp/v2/posts", platform="W", **kwargs)
    assert "abc" not in str(refused.value) and "app-password" not in str(refused.value)
    with pytest.raises(InsecureCredentials):
        client.request("GET", "http://blog.example.se/x?access_token=abc", platform="W")
    # Loopback (practice mode, sign-in callbacks) is fine over http.
    assert client.request("GET", f"{server.url}/ok", platform="T", **kwargs).status_code == 200
    # And plain http without credentials is not this rule's business.
    check_credentials_transport("http://images.example/a.png", {"Accept": "*/*"}, None, None, None)


def test_a_dead_system_proxy_does_not_stop_practice_mode(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, dead)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    store = SecretStore(MemoryKeyring())
    info = sandbox.platforms()["mastodon"]
    store_credentials(store, "m", info["credentials"])
    connector = build_connector(
        make_account(Network.MASTODON, info["base_url"], account_id="m"), store
    )
    assert connector.verify().handle
    published = connector.publish(
        PostRequest(text=f"Trots proxyn {uuid4().hex[:6]}", idempotency_key=str(uuid4()))
    )
    assert published.remote_id


class DirectBrowser:
    """The system browser (which reaches loopback directly, whatever the proxy settings)."""

    def __init__(self) -> None:
        self.visited: list[str] = []

    def __call__(self, url: str) -> bool:
        self.visited.append(url)
        with requests.Session() as browser:
            browser.trust_env = False
            browser.get(url, timeout=10)
            decision = {"decision": "allow"}
            answer = browser.post(url, data=decision, allow_redirects=False, timeout=10)
            browser.get(answer.headers["Location"], timeout=10)
        return True


def test_a_dead_system_proxy_does_not_stop_loopback_sign_in(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, dead)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    info = sandbox.platforms()["mastodon"]
    tokens = MastodonSignIn(
        info["base_url"], HttpClient(), open_browser=DirectBrowser(), timeout=20
    ).run()
    assert tokens["access_token"]


def test_show_images_goes_through_the_one_client(
    server: FaultyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.ui.inbox.remote_images import ImageRefused, fetch_image

    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")  # dead, and ignored
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(ImageRefused, match="not an image: application/json"):
        fetch_image(f"{server.url}/ok")
    # Kanal's client (its User-Agent, its trust store and proxy rules), not bare requests.
    assert server.headers[-1]["User-Agent"] == f"Kanal/{__version__}"


def test_the_os_pac_address_is_asked_only_when_wanted(monkeypatch: pytest.MonkeyPatch) -> None:
    from pypac import os_settings

    asked: list[str] = []

    def registry() -> str:
        asked.append("registry")
        return "http://wpad.example.se/proxy.pac"

    monkeypatch.setattr(os_settings, "autoconfig_url_from_registry", registry)
    monkeypatch.setattr(os_settings, "autoconfig_url_from_preferences", registry)
    assert ProxyChooser(use_os_pac=False)._pac_address() is None
    assert asked == []
    assert ProxyChooser(use_os_pac=True)._pac_address() == "http://wpad.example.se/proxy.pac"
    assert ProxyChooser("http://p:1", "file:///x.pac", use_os_pac=True)._pac_address() == (
        "file:///x.pac"  # the policy's PAC wins over the system's
    )
