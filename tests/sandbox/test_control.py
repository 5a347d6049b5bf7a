"""The control surface: /_sandbox/state, /public, /reset, /advance and the in-process API."""

from __future__ import annotations

import base64
import socket
from typing import Any

import pytest
import requests

from desktop_app.sandbox.platforms.base import StageError
from desktop_app.sandbox.server import SandboxServer


def wp_auth(sb: SandboxServer) -> tuple[str, str]:
    creds = sb.platforms()["wordpress"]["credentials"]
    return creds["username"], creds["application_password"]


def test_platforms_and_state(sb: SandboxServer, http: requests.Session) -> None:
    platforms = sb.platforms()
    assert set(platforms) == {"wordpress", "facebook", "x", "mastodon", "bluesky"}
    for name, info in platforms.items():
        assert info["base_url"] == f"{sb.base_url}/{name}"
        assert info["credentials"] and all(info["credentials"].values())
    assert set(platforms["wordpress"]["credentials"]) == {"username", "application_password"}
    assert set(platforms["facebook"]["credentials"]) == {"access_token"}
    assert set(platforms["x"]["credentials"]) == {"client_id", "access_token", "refresh_token"}
    assert set(platforms["x"]["credentials_oauth1"]) == {
        "consumer_key", "consumer_secret", "access_token", "access_token_secret",
    }  # fmt: skip
    assert set(platforms["mastodon"]["credentials"]) == {"access_token"}
    assert set(platforms["bluesky"]["credentials"]) == {"identifier", "app_password"}
    over_http = http.get(f"{sb.base_url}/_sandbox/platforms", timeout=5).json()
    assert over_http["platforms"] == platforms

    state = http.get(f"{sb.base_url}/_sandbox/state", timeout=5).json()
    assert state == sb.state() | {"now": state["now"]}
    assert len(state["platforms"]["wordpress"]["posts"]) == 3  # the demo world
    posted = http.post(
        f"{sb.base_url}/wordpress/wp-json/wp/v2/posts",
        json={"title": "Syns i state", "status": "publish"},
        auth=wp_auth(sb),
        timeout=5,
    ).json()
    titles = [p["title"] for p in sb.state()["platforms"]["wordpress"]["posts"]]
    assert "Syns i state" in titles
    assert posted["id"] in [p["id"] for p in sb.state()["platforms"]["wordpress"]["posts"]]


def staged_visible(
    sb: SandboxServer, http: requests.Session, platform: str, item: dict[str, Any]
) -> bool:
    """Whether a staged item shows through the platform's own API."""
    info = sb.platforms()[platform]
    if platform == "wordpress":
        comments = http.get(
            f"{info['base_url']}/wp-json/wp/v2/comments",
            params={"post": item["post_id"]},
            timeout=5,
        )
        return int(item["id"]) in [c["id"] for c in comments.json()]
    if platform == "facebook":
        token = info["credentials"]["access_token"]
        page = http.get(
            f"{info['base_url']}/v25.0/me/accounts", params={"access_token": token}, timeout=5
        ).json()["data"][0]
        if item["kind"] == "mention":
            url = f"{info['base_url']}/v25.0/{page['id']}/visitor_posts"
        else:
            url = f"{info['base_url']}/v25.0/{item['in_reply_to'] or item['post_id']}/comments"
        found = http.get(
            url, params={"access_token": page["access_token"], "limit": 100}, timeout=5
        ).json()
        return item["id"] in [c["id"] for c in found["data"]]
    if platform == "x":
        url = f"{info['base_url']}/2/users/{info['user_id']}/mentions"
        found = http.get(
            url,
            headers={"Authorization": "Bearer " + info["credentials"]["access_token"]},
            timeout=5,
        )
        return item["id"] in [t["id"] for t in found.json().get("data", [])]
    if platform == "mastodon":
        found = http.get(
            f"{info['base_url']}/api/v1/notifications",
            headers={"Authorization": "Bearer " + info["credentials"]["access_token"]},
            timeout=5,
        )
        return item["id"] in [n["status"]["id"] for n in found.json()]
    creds = info["credentials"]
    jwt = http.post(
        f"{info['base_url']}/xrpc/com.atproto.server.createSession",
        json={"identifier": creds["identifier"], "password": creds["app_password"]},
        timeout=5,
    ).json()["accessJwt"]
    found = http.get(
        f"{info['base_url']}/xrpc/app.bsky.notification.listNotifications",
        headers={"Authorization": f"Bearer {jwt}"},
        timeout=5,
    ).json()
    return item["id"] in [n["uri"] for n in found["notifications"]]


@pytest.mark.parametrize("platform", ["wordpress", "facebook", "x", "mastodon", "bluesky"])
def test_staged_public_items_show_through_the_platform_api(
    sb: SandboxServer, http: requests.Session, platform: str
) -> None:
    control = f"{sb.base_url}/_sandbox/public"
    kinds = ["comment", "reply"] if platform == "wordpress" else ["comment", "mention", "reply"]
    previous: str | None = None
    for kind in kinds:
        payload: dict[str, Any] = {"platform": platform, "kind": kind, "author": "Märta Öberg",
                   "text": f"Hej från {kind} <b>!</b> 👋🏽"}  # fmt: skip
        if kind == "reply":
            payload["in_reply_to"] = previous
        answer = http.post(control, json=payload, timeout=5)
        assert answer.status_code == 201, answer.text
        item = answer.json()
        assert item["platform"] == platform and item["kind"] == kind and item["id"]
        assert item["author"] == "Märta Öberg"
        assert staged_visible(sb, http, platform, item), item
        if kind == "comment":
            previous = str(item["id"])


def test_bad_public_requests(sb: SandboxServer, http: requests.Session) -> None:
    control = f"{sb.base_url}/_sandbox/public"
    for payload in (
        {"platform": "myspace", "kind": "comment", "text": "x"},
        {"platform": "wordpress", "kind": "mention", "text": "x"},
        {"platform": "x", "kind": "shout", "text": "x"},
        {"platform": "x", "kind": "comment", "text": ""},
        {"platform": "facebook", "kind": "reply", "text": "x", "in_reply_to": "nope"},
        {"platform": "wordpress", "kind": "comment", "text": "x", "post_id": "999999"},
    ):
        answer = http.post(control, json=payload, timeout=5)
        assert answer.status_code == 400, payload
        assert answer.json()["error"]
    assert http.post(control, data=b"not json", timeout=5).status_code == 400
    assert http.get(f"{sb.base_url}/_sandbox/nothing", timeout=5).status_code == 404
    with pytest.raises(StageError):
        sb.stage_public(
            platform="bluesky", kind="reply", author="A", text="B", in_reply_to="at://x/y/z"
        )


def test_reset_restores_the_demo_world_and_revokes_issued_tokens(
    sb: SandboxServer, http: requests.Session
) -> None:
    before = sb.platforms()
    demo_state = sb.state()["platforms"]
    x = before["x"]
    headers = {"Authorization": "Bearer " + x["credentials"]["access_token"]}
    http.post(
        f"{x['base_url']}/2/tweets", json={"text": "Före återställning"}, headers=headers, timeout=5
    )
    refreshed = http.post(
        x["token_url"],
        data={
            "grant_type": "refresh_token",
            "refresh_token": x["credentials"]["refresh_token"],
            "client_id": x["credentials"]["client_id"],
        },
        timeout=5,
    ).json()
    sb.advance(minutes=5)
    answer = http.post(f"{sb.base_url}/_sandbox/reset", timeout=5)
    assert answer.status_code == 200
    assert sb.platforms() == before  # same seed, same demo credentials
    after = sb.state()["platforms"]
    assert [p["text"] for p in after["x"]["posts"]] == [p["text"] for p in demo_state["x"]["posts"]]
    assert sb.state()["clock_offset_seconds"] == 0
    stale = http.get(
        f"{x['base_url']}/2/users/me",
        headers={"Authorization": "Bearer " + refreshed["access_token"]},
        timeout=5,
    )
    assert stale.status_code == 401
    assert http.get(f"{x['base_url']}/2/users/me", headers=headers, timeout=5).status_code == 200


def test_advance_over_http(sb: SandboxServer, http: requests.Session) -> None:
    answer = http.post(
        f"{sb.base_url}/_sandbox/advance", json={"hours": 1, "minutes": 30}, timeout=5
    )
    assert answer.status_code == 200
    assert sb.state()["clock_offset_seconds"] == pytest.approx(5400, abs=1)
    assert (
        http.post(f"{sb.base_url}/_sandbox/advance", json={"minutes": -1}, timeout=5).status_code
        == 400
    )


def test_same_seed_same_world() -> None:
    first, second, other = (SandboxServer(port=0, seed=s) for s in (21, 21, 22))
    for server in (first, second, other):
        server.start()
    try:
        assert first.platforms()["x"]["credentials"] == second.platforms()["x"]["credentials"]
        assert first.platforms()["x"]["credentials"] != other.platforms()["x"]["credentials"]
        assert (first.platforms()["wordpress"]["credentials"]
                == second.platforms()["wordpress"]["credentials"])  # fmt: skip
        for server in (first, second):
            server.stage_public(platform="x", kind="mention", author="Per", text="Hej")
        ids_first = [p["id"] for p in first.state()["platforms"]["x"]["posts"]]
        ids_second = [p["id"] for p in second.state()["platforms"]["x"]["posts"]]
        assert ids_first == ids_second
    finally:
        for server in (first, second, other):
            server.stop()


def test_start_stop_lifecycle(http: requests.Session) -> None:
    server = SandboxServer(port=0, seed=1)
    with pytest.raises(RuntimeError):
        _ = server.base_url
    server.start()
    with pytest.raises(RuntimeError):
        server.start()
    port = int(server.base_url.rsplit(":", 1)[1])
    # A keep-alive connection that is open when stop() runs is closed too.
    http.get(f"{server.base_url}/_sandbox/state", timeout=5)
    server.stop()
    with pytest.raises(requests.ConnectionError):
        http.get(f"{server.base_url}/_sandbox/state", timeout=2)
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    server.stop()  # stopping twice is harmless


def test_unknown_prefix_and_index(sb: SandboxServer, http: requests.Session) -> None:
    assert http.get(f"{sb.base_url}/myspace/api", timeout=5).status_code == 404
    index = http.get(f"{sb.base_url}/", timeout=5).json()
    assert index["sandbox"] is True and set(index["platforms"]) == set(sb.platforms())


def test_wordpress_scheduling_meta_and_staged_comment_html(
    sb: SandboxServer, http: requests.Session
) -> None:
    base = f"{sb.base_url}/wordpress/wp-json/wp/v2"
    future = http.post(
        f"{base}/posts",
        json={
            "title": "Schemalagd",
            "status": "future",
            "date_gmt": "2099-01-01T10:00:00",
            "meta": {"kanal_token": "abc"},
            "slug": "kanal-abc",
        },
        auth=wp_auth(sb),
        timeout=5,
    ).json()
    assert future["status"] == "future"
    assert future["meta"] == []  # no registered meta on a stock site: the slug is the token
    soon = http.post(
        f"{base}/posts",
        json={"title": "Om en stund", "status": "future", "date_gmt": _gmt_in(sb, 600)},
        auth=wp_auth(sb),
        timeout=5,
    ).json()
    sb.advance(minutes=11)
    assert http.get(f"{base}/posts/{soon['id']}", timeout=5).json()["status"] == "publish"
    found = http.get(
        f"{base}/posts",
        params={"slug": "kanal-abc", "status": "future"},
        auth=wp_auth(sb),
        timeout=5,
    )
    assert [p["id"] for p in found.json()] == [future["id"]]
    item = sb.stage_public(
        platform="wordpress",
        kind="comment",
        author="Bo",
        text='<script>alert(1)</script>Hej <img src="http://tracker.example/p.gif">',
    )
    comment = http.get(f"{base}/comments/{item['id']}", timeout=5).json()
    assert (
        "<script" not in comment["content"]["rendered"]
        and "tracker" not in comment["content"]["rendered"]
    )


def _gmt_in(sb: SandboxServer, seconds: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(sb.clock.now() + seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def test_wordpress_media_multipart_and_basic_auth_header(
    sb: SandboxServer, http: requests.Session
) -> None:
    from tests.support.images import png

    user, password = wp_auth(sb)
    token = base64.b64encode(f"{user}:{password.replace(' ', '')}".encode()).decode()
    media = http.post(
        f"{sb.base_url}/wordpress/?rest_route=/wp/v2/media",
        files={"file": ("plog.png", png(7, 5), "image/png")},
        data={"alt_text": "Plogbil"},
        headers={"Authorization": f"Basic {token}"},  # spaces in the password are optional
        timeout=5,
    )
    assert media.status_code == 201
    body = media.json()
    assert (body["media_details"]["width"], body["media_details"]["height"]) == (7, 5)
    assert body["alt_text"] == "Plogbil"


@pytest.mark.parametrize("platform", ["mastodon", "bluesky", "x", "facebook", "wordpress"])
def test_a_staged_item_with_a_lone_surrogate_is_refused_and_not_stored(
    sb: SandboxServer, http: requests.Session, platform: str
) -> None:
    before = sb.state()
    kind = "comment" if platform == "wordpress" else "mention"
    # JSON may carry a lone surrogate as an escape; it decodes to a str nothing can encode.
    body = f'{{"platform": "{platform}", "kind": "{kind}", "text": "Halv \\ud83d emoji"}}'
    answer = http.post(
        f"{sb.base_url}/_sandbox/public",
        data=body.encode("ascii"),
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert answer.status_code == 400 and "Unicode" in answer.json()["error"]
    with pytest.raises(StageError):
        sb.stage_public(platform=platform, kind=kind, author="Namn\udc00", text="Hej")
    after = sb.state()
    assert after["platforms"] == before["platforms"]  # nothing stored
    # ... and the emulator still answers normally afterwards.
    assert http.get(f"{sb.base_url}/_sandbox/state", timeout=5).status_code == 200
    staged = sb.stage_public(platform=platform, kind=kind, text="Hela 😀 emojin")
    assert staged["text"].endswith("Hela 😀 emojin")


@pytest.mark.parametrize(
    "payload",
    [
        {"hours": 1e308},
        {"seconds": 1e300},
        {"hours": 24 * 400},
        {"minutes": "nan"},
        {"seconds": "inf"},
        {"hours": "-inf"},
        {"seconds": -0.5},
        {"minutes": "soon"},
    ],
)
def test_advance_refuses_huge_non_finite_and_negative_steps(
    sb: SandboxServer, http: requests.Session, payload: dict[str, Any]
) -> None:
    answer = http.post(f"{sb.base_url}/_sandbox/advance", json=payload, timeout=5)
    assert answer.status_code == 400
    state = sb.state()
    assert state["clock_offset_seconds"] == 0
    # The state is sane: time still moves and every platform still answers.
    assert http.post(f"{sb.base_url}/_sandbox/advance", json={"hours": 2}, timeout=5).ok
    assert sb.state()["clock_offset_seconds"] == pytest.approx(7200, abs=1)
    token = sb.platforms()["mastodon"]["credentials"]["access_token"]
    home = http.get(
        f"{sb.base_url}/mastodon/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert home.status_code == 200


def test_a_years_jump_with_a_busy_public_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.sandbox import public

    assert public.MAX_CATCH_UP <= 20_000
    monkeypatch.setattr(public, "MAX_CATCH_UP", 300)  # the same bound, quicker to reach
    server = SandboxServer(port=0, seed=3, public_rate=600.0)
    server.advance(hours=24 * 366)  # 600 a minute for a year would be 316 million items
    assert 0 < server._public.staged <= 300
    assert server.state()["clock_offset_seconds"] == pytest.approx(366 * 86400, abs=1)


@pytest.mark.parametrize(
    "options",
    [{"latency_ms": -1}, {"public_rate": -0.1}, {"public_rate": float("nan")}],
)
def test_negative_latency_and_public_rate_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        SandboxServer(port=0, **options)
    server = SandboxServer(port=0)
    with pytest.raises(ValueError):
        for name, value in options.items():
            setattr(server, name, value)
    assert (server.latency_ms, server.public_rate) == (0, 0.0)
