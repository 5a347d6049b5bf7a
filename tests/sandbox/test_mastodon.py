"""The emulated Mastodon instance over loopback HTTP."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from desktop_app.sandbox.server import SandboxServer
from tests.support.contract_mastodon import MastodonContract
from tests.support.images import png


@pytest.fixture
def http(sb: SandboxServer) -> Iterator[requests.Session]:
    """Every request of these tests and every answer of the emulated instance is checked
    against the Mastodon OpenAPI document."""
    contract = MastodonContract(f"{sb.base_url}/mastodon")
    session = contract.session()
    try:
        yield session
    finally:
        session.close()
    contract.assert_valid()


def auth(sb: SandboxServer) -> dict[str, str]:
    return {"Authorization": "Bearer " + sb.platforms()["mastodon"]["credentials"]["access_token"]}


def api(sb: SandboxServer, path: str) -> str:
    return f"{sb.base_url}/mastodon{path}"


def test_app_registration_oauth_and_verify(sb: SandboxServer, http: requests.Session) -> None:
    app = http.post(
        api(sb, "/api/v1/apps"),
        data={
            "client_name": "Kanal",
            "redirect_uris": "http://127.0.0.1:9999/cb",
            "scopes": "read write",
        },
        timeout=5,
    ).json()
    assert set(app) >= {"client_id", "client_secret", "redirect_uri", "name", "scopes"}
    verifier = secrets.token_urlsafe(40)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    )
    params = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": "http://127.0.0.1:9999/cb",
        "scope": "read write",
        "state": "m1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    assert "decision" in http.get(api(sb, "/oauth/authorize"), params=params, timeout=5).text
    answer = http.post(
        api(sb, "/oauth/authorize"),
        params=params,
        data={"decision": "allow"},
        allow_redirects=False,
        timeout=5,
    )
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["m1"]
    form = {
        "grant_type": "authorization_code",
        "code": query["code"][0],
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "redirect_uri": "http://127.0.0.1:9999/cb",
        "code_verifier": verifier,
    }
    token = http.post(api(sb, "/oauth/token"), data=form, timeout=5).json()
    assert token["token_type"] == "Bearer" and token["scope"] == "read write"
    reused = http.post(api(sb, "/oauth/token"), data=form, timeout=5)
    assert (reused.status_code, reused.json()["error"]) == (400, "invalid_grant")
    me = http.get(
        api(sb, "/api/v1/accounts/verify_credentials"),
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=5,
    )
    assert me.json()["acct"] == "sandviken" and "source" in me.json()
    unknown = http.get(
        api(sb, "/api/v1/accounts/verify_credentials"),
        headers={"Authorization": "Bearer x"},
        timeout=5,
    )
    assert (unknown.status_code, unknown.json()) == (401, {"error": "The access token is invalid"})


def test_status_with_idempotency_key_media_and_limits(
    sb: SandboxServer, http: requests.Session
) -> None:
    media = http.post(
        api(sb, "/api/v2/media"),
        files={"file": ("a.png", png(4, 3), "image/png")},
        data={"description": "Plogbil"},
        headers=auth(sb),
        timeout=5,
    ).json()
    assert media["type"] == "image" and media["description"] == "Plogbil"
    sb.advance(minutes=1)  # processing ends within simulated time too
    headers = {**auth(sb), "Idempotency-Key": "kanal-123"}
    first = http.post(
        api(sb, "/api/v1/statuses"),
        data={"status": "Hej & välkommen https://www.sandviken.se", "media_ids[]": [media["id"]]},
        headers=headers,
        timeout=5,
    )
    assert first.status_code == 200
    body = first.json()
    assert body["content"].startswith("<p>Hej &amp; välkommen")
    assert body["media_attachments"][0]["id"] == media["id"]
    again = http.post(
        api(sb, "/api/v1/statuses"),
        data={"status": "Hej & välkommen https://www.sandviken.se"},
        headers=headers,
        timeout=5,
    )
    assert again.json()["id"] == body["id"]
    mine = [
        s
        for s in sb.state()["platforms"]["mastodon"]["statuses"]
        if s["text"].startswith("Hej & välkommen")
    ]
    assert len(mine) == 1
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first.headers["X-RateLimit-Reset"]
    )
    sb.advance(minutes=61)  # the key is honoured for an hour only
    later = http.post(
        api(sb, "/api/v1/statuses"),
        data={"status": "Hej & välkommen https://www.sandviken.se"},
        headers=headers,
        timeout=5,
    )
    assert later.json()["id"] != body["id"]
    too_long = http.post(
        api(sb, "/api/v1/statuses"), data={"status": "å" * 501}, headers=auth(sb), timeout=5
    )
    assert too_long.status_code == 422 and "character limit" in too_long.json()["error"]
    url_counts_23 = http.post(
        api(sb, "/api/v1/statuses"),
        json={"status": "x" * 470 + " https://www.sandviken.se/" + "a" * 200},
        headers=auth(sb),
        timeout=5,
    )
    assert url_counts_23.status_code == 200
    blank = http.post(api(sb, "/api/v1/statuses"), data={"status": ""}, headers=auth(sb), timeout=5)
    assert blank.status_code == 422


def test_scheduled_status(sb: SandboxServer, http: requests.Session) -> None:
    soon = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    rejected = http.post(
        api(sb, "/api/v1/statuses"),
        data={"status": "Snart", "scheduled_at": soon},
        headers=auth(sb),
        timeout=5,
    )
    assert rejected.status_code == 422
    when = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    scheduled = http.post(
        api(sb, "/api/v1/statuses"),
        data={"status": "Om en timme", "scheduled_at": when},
        headers=auth(sb),
        timeout=5,
    ).json()
    assert set(scheduled) >= {"id", "scheduled_at", "params", "media_attachments"}
    assert scheduled["params"]["text"] == "Om en timme"
    listed = http.get(api(sb, "/api/v1/scheduled_statuses"), headers=auth(sb), timeout=5).json()
    assert [s["id"] for s in listed] == [scheduled["id"]]
    withdrawn = http.post(
        api(sb, "/api/v1/statuses"),
        data={"status": "Ångras", "scheduled_at": when},
        headers=auth(sb),
        timeout=5,
    ).json()
    one = api(sb, f"/api/v1/scheduled_statuses/{withdrawn['id']}")
    assert http.get(one, headers=auth(sb), timeout=5).json()["params"]["text"] == "Ångras"
    assert http.delete(one, headers=auth(sb), timeout=5).json() == {}
    assert http.get(one, headers=auth(sb), timeout=5).status_code == 404
    sb.advance(minutes=61)
    account = sb.platforms()["mastodon"]["account_id"]
    statuses = http.get(
        api(sb, f"/api/v1/accounts/{account}/statuses"), headers=auth(sb), timeout=5
    ).json()
    assert statuses[0]["content"] == "<p>Om en timme</p>"
    assert http.get(api(sb, "/api/v1/scheduled_statuses"), headers=auth(sb), timeout=5).json() == []


def test_notifications_paging_with_link_header(sb: SandboxServer, http: requests.Session) -> None:
    staged = [
        sb.stage_public(platform="mastodon", kind="mention", author=f"Tiina {i}", text=f"Hej {i}")
        for i in range(5)
    ]
    url = api(sb, "/api/v1/notifications")
    first = http.get(url, params={"limit": "2", "types[]": "mention"}, headers=auth(sb), timeout=5)
    notes = first.json()
    assert [n["status"]["id"] for n in notes] == [staged[4]["id"], staged[3]["id"]]
    assert notes[0]["type"] == "mention" and notes[0]["account"]["display_name"] == "Tiina 4"
    assert first.links["next"]["url"] and first.links["prev"]["url"]
    second = http.get(first.links["next"]["url"], headers=auth(sb), timeout=5).json()
    assert [n["status"]["id"] for n in second] == [staged[2]["id"], staged[1]["id"]]
    newer = http.get(url, params={"since_id": notes[0]["id"]}, headers=auth(sb), timeout=5).json()
    assert newer == []
    sb.stage_public(platform="mastodon", kind="mention", author="Ny", text="Ny fråga")
    newer = http.get(url, params={"since_id": notes[0]["id"]}, headers=auth(sb), timeout=5).json()
    assert len(newer) == 1
    too_many = http.get(url, params={"limit": 500}, headers=auth(sb), timeout=5).json()
    assert len(too_many) == 6  # limit is capped at 80
    # Replying in the thread: a reply to the citizen's status.
    reply = http.post(
        api(sb, "/api/v1/statuses"),
        data={"status": "@tiina_4 Tack!", "in_reply_to_id": staged[4]["id"]},
        headers=auth(sb),
        timeout=5,
    ).json()
    assert reply["in_reply_to_id"] == staged[4]["id"]
    context = http.get(
        api(sb, f"/api/v1/statuses/{staged[4]['id']}/context"), headers=auth(sb), timeout=5
    ).json()
    assert [s["id"] for s in context["descendants"]] == [reply["id"]]
    deleted = http.delete(
        api(sb, f"/api/v1/statuses/{reply['id']}"), headers=auth(sb), timeout=5
    ).json()
    assert deleted["text"] == "@tiina_4 Tack!"
    assert (
        http.get(
            api(sb, f"/api/v1/statuses/{reply['id']}"), headers=auth(sb), timeout=5
        ).status_code
        == 404
    )


def test_media_is_processed_in_the_background_202_then_206_until_ready(
    sb: SandboxServer, http: requests.Session
) -> None:
    upload = http.post(
        api(sb, "/api/v2/media"),
        files={"file": ("a.png", png(4, 3), "image/png")},
        headers=auth(sb),
        timeout=5,
    )
    assert upload.status_code == 202
    media = upload.json()
    assert media["url"] is None and media["preview_url"]
    early = http.post(
        api(sb, "/api/v1/statuses"),
        data={"status": "Med bild", "media_ids[]": [media["id"]]},
        headers=auth(sb),
        timeout=5,
    )
    assert early.status_code == 422 and "not finished processing" in early.json()["error"]
    codes = [
        http.get(api(sb, f"/api/v1/media/{media['id']}"), headers=auth(sb), timeout=5)
        for _ in range(3)
    ]
    assert [c.status_code for c in codes] == [206, 206, 200]
    assert codes[0].json()["url"] is None and codes[2].json()["url"]
    attached = http.post(
        api(sb, "/api/v1/statuses"),
        data={"status": "Med bild", "media_ids[]": [media["id"]]},
        headers=auth(sb),
        timeout=5,
    )
    assert attached.status_code == 200


def test_media_processing_also_ends_with_simulated_time(
    sb: SandboxServer, http: requests.Session
) -> None:
    media = http.post(
        api(sb, "/api/v2/media"),
        files={"file": ("a.png", png(4, 3), "image/png")},
        headers=auth(sb),
        timeout=5,
    ).json()
    assert sb.state()["platforms"]["mastodon"]["media"][-1]["processing"] is True
    sb.advance(seconds=31)
    ready = http.get(api(sb, f"/api/v1/media/{media['id']}"), headers=auth(sb), timeout=5)
    assert ready.status_code == 200 and ready.json()["url"]
