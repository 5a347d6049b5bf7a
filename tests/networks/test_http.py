"""The shared HTTP client: retries, timeouts, failure classes, proxies, redaction."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from desktop_app import __version__
from desktop_app.domain.errors import OutcomeUnknown, RateLimited, TemporaryFailure
from desktop_app.networks.http import (
    HttpClient,
    RedactingFilter,
    decode_json,
    rate_limit_until,
    redact,
    status_error,
)
from tests.support.faulty_server import FaultyServer, closed_port
from tests.support.forward_proxy import ForwardProxy


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


def test_requests_go_through_the_environment_proxy(
    server: FaultyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = ForwardProxy().start()
    try:
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        client = HttpClient()
        response = client.request("GET", f"{server.url}/ok", platform="T")
        assert response.status_code == 200
        assert response.headers.get("Via") == "1.1 kanal-test-proxy"
        assert proxy.relayed == [("GET", f"{server.url}/ok")]
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


def test_no_proxy_bypass_is_honoured_and_explicit_proxies_win(
    server: FaultyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = ForwardProxy().start()
    try:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        monkeypatch.setenv("no_proxy", "127.0.0.1")
        direct = HttpClient().request("GET", f"{server.url}/ok", platform="T")
        assert direct.status_code == 200 and "Via" not in direct.headers
        assert proxy.relayed == []
        for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name)
        chosen = HttpClient(proxies={"http": proxy.url}).request(
            "GET", f"{server.url}/ok", platform="T"
        )
        assert chosen.headers.get("Via") == "1.1 kanal-test-proxy"
    finally:
        proxy.stop()
