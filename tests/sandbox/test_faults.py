"""Every fault kind does exactly what the spec says (``ENDPOINT_GLOB:KIND[:RATE]``)."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from typing import Any

import pytest
import requests

from desktop_app.sandbox.faults import FaultPlan, parse_fault
from desktop_app.sandbox.server import SandboxServer, _connection_ended


def x_auth(sb: SandboxServer) -> dict[str, str]:
    return {"Authorization": "Bearer " + sb.platforms()["x"]["credentials"]["access_token"]}


def wp_auth(sb: SandboxServer) -> tuple[str, str]:
    creds = sb.platforms()["wordpress"]["credentials"]
    return creds["username"], creds["application_password"]


def x_posts(sb: SandboxServer) -> list[str]:
    return [p["text"] for p in sb.state()["platforms"]["x"]["posts"]]


def fb_page(sb: SandboxServer, http: requests.Session) -> dict[str, Any]:
    token = sb.platforms()["facebook"]["credentials"]["access_token"]
    accounts = http.get(
        f"{sb.base_url}/facebook/v25.0/me/accounts", params={"access_token": token}, timeout=5
    )
    page: dict[str, Any] = accounts.json()["data"][0]
    return page


def test_parse_fault_specs() -> None:
    rule = parse_fault("POST /2/tweets:commit-drop:0.3")
    assert (rule.method, rule.path_glob, rule.kind, rule.rate) == (
        "POST",
        "/2/tweets",
        "commit-drop",
        0.3,
    )
    rule = parse_fault("/v*/*/feed:latency=250")
    assert (rule.method, rule.kind, rule.value, rule.rate) == (None, "latency", 250, 1.0)
    assert parse_fault("GET /wp-json/wp/v2/posts:status=503").value == 503
    for bad in ("POST /2/tweets", "POST /2/tweets:explode", "x:status=abc", "x:status=42",
                "x:latency", "x:reset=3", "x:hang:1.5"):  # fmt: skip
        with pytest.raises(ValueError):
            parse_fault(bad)


def test_latency_delays_then_answers(sb: SandboxServer, http: requests.Session) -> None:
    sb.set_faults(["GET /2/users/me:latency=3000"])
    started = time.monotonic()
    answer = http.get(f"{sb.base_url}/x/2/users/me", headers=x_auth(sb), timeout=10)
    assert answer.status_code == 200
    assert time.monotonic() - started >= 3.0
    started = time.monotonic()
    http.get(
        f"{sb.base_url}/x/2/users/{sb.platforms()['x']['user_id']}/tweets",
        headers=x_auth(sb),
        timeout=5,
    )
    # Other endpoints are not delayed: far below the 3 s, with room for a busy machine.
    assert time.monotonic() - started < 2.0


def test_status_answers_with_the_platform_error_and_does_no_work(
    sb: SandboxServer, http: requests.Session
) -> None:
    sb.set_faults(["POST /2/tweets:status=503", "POST /wp-json/wp/v2/posts:status=500"])
    before = x_posts(sb)
    answer = http.post(
        f"{sb.base_url}/x/2/tweets", json={"text": "Nej"}, headers=x_auth(sb), timeout=5
    )
    assert answer.status_code == 503
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert answer.json()["status"] == 503
    assert x_posts(sb) == before
    wordpress = http.post(
        f"{sb.base_url}/wordpress/?rest_route=/wp/v2/posts",  # the glob matches both URL forms
        json={"title": "Nej", "status": "publish"},
        auth=wp_auth(sb),
        timeout=5,
    )
    assert wordpress.status_code == 500
    assert "critical error" in wordpress.text


def test_ratelimit_uses_each_platform_s_own_signals(
    sb: SandboxServer, http: requests.Session
) -> None:
    sb.set_faults([
        "POST /2/tweets:ratelimit",
        "POST /v*/*/feed:ratelimit",
        "POST /api/v1/statuses:ratelimit",
        "POST /xrpc/com.atproto.repo.*:ratelimit",
        "GET /wp-json/wp/v2/posts:ratelimit",
    ])  # fmt: skip
    x = http.post(f"{sb.base_url}/x/2/tweets", json={"text": "a"}, headers=x_auth(sb), timeout=5)
    assert x.status_code == 429
    assert x.headers["x-rate-limit-remaining"] == "0"
    assert int(x.headers["x-rate-limit-reset"]) > time.time()

    page = fb_page(sb, http)
    fb = http.post(
        f"{sb.base_url}/facebook/v25.0/{page['id']}/feed",
        data={"message": "a", "access_token": page["access_token"]},
        timeout=5,
    )
    assert fb.json()["error"]["code"] == 32
    assert json.loads(fb.headers["X-Page-Usage"])["call_count"] == 100
    buc = json.loads(fb.headers["X-Business-Use-Case-Usage"])
    assert buc[page["id"]][0]["estimated_time_to_regain_access"] > 0

    token = sb.platforms()["mastodon"]["credentials"]["access_token"]
    mastodon = http.post(
        f"{sb.base_url}/mastodon/api/v1/statuses",
        data={"status": "a"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert mastodon.status_code == 429
    assert mastodon.headers["X-RateLimit-Remaining"] == "0"
    assert "T" in mastodon.headers["X-RateLimit-Reset"]  # ISO 8601, not epoch seconds

    bluesky = http.post(
        f"{sb.base_url}/bluesky/xrpc/com.atproto.repo.createRecord", json={}, timeout=5
    )
    assert bluesky.status_code == 429
    assert bluesky.json()["error"] == "RateLimitExceeded"
    assert bluesky.headers["RateLimit-Remaining"] == "0"
    assert int(bluesky.headers["RateLimit-Reset"]) > time.time()

    wordpress = http.get(f"{sb.base_url}/wordpress/wp-json/wp/v2/posts", timeout=5)
    assert wordpress.status_code == 429
    assert wordpress.headers["Retry-After"] == "60"


def test_reset_closes_the_connection_without_doing_the_work(
    sb: SandboxServer, http: requests.Session
) -> None:
    sb.set_faults(["POST /2/tweets:reset"])
    before = x_posts(sb)
    with pytest.raises(requests.ConnectionError):
        http.post(
            f"{sb.base_url}/x/2/tweets", json={"text": "Borta"}, headers=x_auth(sb), timeout=5
        )
    assert x_posts(sb) == before


def test_reset_and_clients_that_reset_leave_no_traceback_on_stderr(
    sb: SandboxServer, http: requests.Session, capfd: pytest.CaptureFixture[str]
) -> None:
    sb.set_faults(["POST /2/tweets:reset"])
    host, port = sb.base_url.removeprefix("http://").rsplit(":", 1)
    for n in range(5):
        with pytest.raises(requests.ConnectionError):
            http.post(
                f"{sb.base_url}/x/2/tweets",
                json={"text": f"Borta {n}"},
                headers=x_auth(sb),
                timeout=5,
            )
        # A client that gives up half-way through a request and resets its connection.
        raw = socket.create_connection((host, int(port)), timeout=5)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        raw.sendall(b"GET /x/2/users/me HTTP/1.1\r\nHost: x\r\n")
        raw.close()
    # The server still answers, on a new and on a kept-alive connection.
    for _ in range(2):
        # (no name kept: a response holds its connection open until it is collected)
        assert http.get(f"{sb.base_url}/x/2/users/me", headers=x_auth(sb), timeout=5).ok
    http.close()
    deadline = time.monotonic() + 5
    while sb._connections and time.monotonic() < deadline:  # let the handlers finish
        time.sleep(0.02)
    time.sleep(0.1)
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception occurred" not in err, err


def test_only_ended_connections_are_kept_quiet() -> None:
    assert _connection_ended(ConnectionResetError(104, "Connection reset by peer"))
    assert _connection_ended(ValueError("I/O operation on closed file."))
    assert not _connection_ended(ValueError("invalid literal for int()"))
    assert not _connection_ended(RuntimeError("a sandbox bug"))


def test_commit_drop_does_the_work_then_closes(sb: SandboxServer, http: requests.Session) -> None:
    sb.set_faults(["POST /2/tweets:commit-drop"])
    with pytest.raises(requests.ConnectionError):
        http.post(
            f"{sb.base_url}/x/2/tweets",
            json={"text": "Skickad ändå"},
            headers=x_auth(sb),
            timeout=5,
        )
    assert "Skickad ändå" in x_posts(sb)
    # The server is fine afterwards: the duplicate check now tells the retry what happened.
    sb.set_faults([])
    retry = http.post(
        f"{sb.base_url}/x/2/tweets", json={"text": "Skickad ändå"}, headers=x_auth(sb), timeout=5
    )
    assert retry.status_code == 403


def test_hang_holds_the_request_and_stop_is_prompt(
    sb: SandboxServer, http: requests.Session
) -> None:
    sb.set_faults(["GET /api/v1/notifications:hang"])
    token = sb.platforms()["mastodon"]["credentials"]["access_token"]
    url = f"{sb.base_url}/mastodon/api/v1/notifications"
    with pytest.raises(requests.ReadTimeout):
        http.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=0.5)
    outcome: list[str] = []

    def hanging() -> None:
        try:
            with requests.Session() as session:
                session.trust_env = False
                session.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
            outcome.append("answered")
        except requests.RequestException as error:
            outcome.append(type(error).__name__)

    worker = threading.Thread(target=hanging)
    worker.start()
    time.sleep(0.3)
    started = time.monotonic()
    sb.stop()
    worker.join(timeout=5)
    assert time.monotonic() - started < 3
    assert outcome == ["ConnectionError"]  # closed without an answer, not after 30 s


def test_hang_ends_by_itself(http: requests.Session) -> None:
    server = SandboxServer(port=0, seed=1, hang_seconds=0.5, faults=["GET /2/users/me:hang"])
    server.start()
    try:
        started = time.monotonic()
        with pytest.raises(requests.ConnectionError):
            http.get(f"{server.base_url}/x/2/users/me", headers=x_auth(server), timeout=10)
        assert 0.5 <= time.monotonic() - started < 5
    finally:
        server.stop()


def test_bad_json_keeps_status_and_does_the_work(sb: SandboxServer, http: requests.Session) -> None:
    sb.set_faults(["POST /2/tweets:bad-json"])
    answer = http.post(
        f"{sb.base_url}/x/2/tweets", json={"text": "Trasig"}, headers=x_auth(sb), timeout=5
    )
    assert answer.status_code == 201
    with pytest.raises(ValueError):
        json.loads(answer.text)
    assert "Trasig" in x_posts(sb)


def test_expired_token_answers_like_each_platform(
    sb: SandboxServer, http: requests.Session
) -> None:
    sb.set_faults([
        "GET /2/users/me:expired-token",
        "GET /v*/me/accounts:expired-token",
        "GET /api/v1/accounts/verify_credentials:expired-token",
        "GET /xrpc/com.atproto.server.getSession:expired-token",
        "GET /wp-json/wp/v2/users/me:expired-token",
    ])  # fmt: skip
    x = http.get(f"{sb.base_url}/x/2/users/me", headers=x_auth(sb), timeout=5)
    assert (x.status_code, x.json()["title"]) == (401, "Unauthorized")
    token = sb.platforms()["facebook"]["credentials"]["access_token"]
    fb = http.get(
        f"{sb.base_url}/facebook/v25.0/me/accounts", params={"access_token": token}, timeout=5
    )
    assert fb.status_code == 400
    assert (fb.json()["error"]["code"], fb.json()["error"]["error_subcode"]) == (190, 463)
    mastodon = http.get(
        f"{sb.base_url}/mastodon/api/v1/accounts/verify_credentials",
        headers={
            "Authorization": "Bearer " + sb.platforms()["mastodon"]["credentials"]["access_token"]
        },
        timeout=5,
    )
    assert mastodon.status_code == 401
    assert mastodon.json() == {"error": "The access token is invalid"}
    bluesky = http.get(f"{sb.base_url}/bluesky/xrpc/com.atproto.server.getSession", timeout=5)
    assert (bluesky.status_code, bluesky.json()["error"]) == (400, "ExpiredToken")
    wordpress = http.get(
        f"{sb.base_url}/wordpress/wp-json/wp/v2/users/me", auth=wp_auth(sb), timeout=5
    )
    # Application passwords do not expire; a revoked one makes the request anonymous.
    assert (wordpress.status_code, wordpress.json()["code"]) == (401, "rest_not_logged_in")


def test_rates_are_deterministic_under_the_seed() -> None:
    def outcomes(seed: int) -> list[bool]:
        plan = FaultPlan(seed, ["POST /2/tweets:status=500:0.5"])
        return [plan.decide("POST", ("/2/tweets",)).terminal is not None for _ in range(200)]

    first = outcomes(11)
    assert first == outcomes(11)
    assert first != outcomes(12)
    assert 60 < sum(first) < 140  # about half


def test_rate_over_http_repeats_with_the_same_seed(http: requests.Session) -> None:
    def run() -> list[int]:
        server = SandboxServer(port=0, seed=5, faults=["GET /2/users/*/tweets:status=502:0.4"])
        server.start()
        try:
            url = f"{server.base_url}/x/2/users/{server.platforms()['x']['user_id']}/tweets"
            return [http.get(url, headers=x_auth(server), timeout=5).status_code for _ in range(20)]
        finally:
            server.stop()

    first = run()
    assert first == run()
    assert set(first) == {200, 502}


def test_faults_through_the_control_endpoint(sb: SandboxServer, http: requests.Session) -> None:
    control = f"{sb.base_url}/_sandbox/faults"
    bad = http.post(control, json={"faults": ["POST /2/tweets:melt"]}, timeout=5)
    assert bad.status_code == 400
    ok = http.post(control, json={"faults": ["GET /x/2/users/me:status=418"]}, timeout=5)
    assert ok.json() == {"faults": ["GET /x/2/users/me:status=418"]}
    # the glob may also name the platform prefix
    assert http.get(f"{sb.base_url}/x/2/users/me", headers=x_auth(sb), timeout=5).status_code == 418
    assert http.get(control, timeout=5).json()["faults"] == ["GET /x/2/users/me:status=418"]
    # control endpoints are never faulted
    sb.set_faults(["*:reset"])
    assert http.get(f"{sb.base_url}/_sandbox/state", timeout=5).status_code == 200
