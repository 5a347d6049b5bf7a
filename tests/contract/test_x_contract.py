"""The sandbox's X answers, success and failure alike, against X's own OpenAPI document.

One scenario walks every X operation Kanal uses plus the error answers the fault injector
produces; each response is validated by operation with openapi-core
(see ``tests/support/contract_x.py``).
The X tests under ``tests/sandbox`` validate every response they get the same way.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image

from desktop_app.sandbox.server import SandboxServer
from tests.support.contract_x import XContract
from tests.support.sandbox import running_sandbox


def one_pixel_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (1, 1), (29, 78, 216, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


PIXEL_PNG = one_pixel_png()


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(seed=3) as server:
        yield server


def test_every_x_operation_and_error_matches_the_openapi_document(sandbox: SandboxServer) -> None:
    contract = XContract(x_base=f"{sandbox.base_url}/x")
    http = contract.session()
    info = sandbox.platforms()["x"]
    base = info["base_url"]
    auth = {"Authorization": "Bearer " + info["credentials"]["access_token"]}
    user_id = info["user_id"]
    for i in range(3):
        sandbox.stage_public(platform="x", kind="mention", author=f"Kalle {i}", text=f"Hej {i}")

    http.get(
        f"{base}/2/users/me",
        headers=auth,
        params={
            "user.fields": (
                "created_at,description,profile_image_url,public_metrics,verified,protected"
            )
        },
        timeout=5,
    )
    media = http.post(
        f"{base}/2/media/upload",
        files={"media": ("a.png", PIXEL_PNG, "image/png")},
        data={"media_category": "tweet_image"},
        headers=auth,
        timeout=5,
    ).json()["data"]["id"]
    http.post(
        f"{base}/2/media/metadata",
        json={"id": media, "metadata": {"alt_text": {"text": "Sandlådans bild"}}},
        headers=auth,
        timeout=5,
    )
    created = http.post(
        f"{base}/2/tweets",
        json={"text": "Kontrakt https://www.sandviken.se", "media": {"media_ids": [media]}},
        headers=auth,
        timeout=5,
    ).json()["data"]["id"]
    http.post(
        f"{base}/2/tweets",
        json={"text": "Svar", "reply": {"in_reply_to_tweet_id": created}},
        headers=auth,
        timeout=5,
    )
    http.post(f"{base}/2/tweets", json={"text": "Svar"}, headers=auth, timeout=5)  # 403 duplicate
    http.post(f"{base}/2/tweets", json={"text": "x" * 300}, headers=auth, timeout=5)  # 400
    http.post(f"{base}/2/tweets", json={}, headers=auth, timeout=5)  # 400 invalid request
    every_field = (
        "attachments,author_id,conversation_id,created_at,edit_history_tweet_ids,entities,id,"
        "in_reply_to_user_id,lang,public_metrics,referenced_tweets,reply_settings,text,"
        "possibly_sensitive"
    )
    expansions = "author_id,referenced_tweets.id,in_reply_to_user_id,attachments.media_keys"
    for path in (f"/2/users/{user_id}/mentions", f"/2/users/{user_id}/tweets"):
        page = http.get(
            base + path,
            params={
                "max_results": "5",
                "tweet.fields": every_field,
                "expansions": expansions,
                "user.fields": "created_at,username",
            },
            headers=auth,
            timeout=5,
        ).json()
        if "next_token" in page["meta"]:
            http.get(
                base + path,
                params={"pagination_token": page["meta"]["next_token"], "max_results": 5},
                headers=auth,
                timeout=5,
            )
        http.get(
            base + path,
            params={"since_id": page["meta"].get("newest_id", "1")},
            headers=auth,
            timeout=5,
        )
        http.get(base + path, params={"max_results": 1}, headers=auth, timeout=5)  # 400
    http.get(f"{base}/2/users/999/mentions", headers=auth, timeout=5)  # 200 with errors[]
    http.get(
        f"{base}/2/tweets/{created}",
        params={"tweet.fields": every_field, "expansions": expansions},
        headers=auth,
        timeout=5,
    )
    http.get(f"{base}/2/tweets", params={"ids": f"{created},12345"}, headers=auth, timeout=5)
    http.get(f"{base}/2/tweets/12345", headers=auth, timeout=5)
    http.get(
        f"{base}/2/media/upload",
        params={"command": "STATUS", "media_id": media},
        headers=auth,
        timeout=5,
    )
    http.delete(f"{base}/2/tweets/{created}", headers=auth, timeout=5)
    http.get(f"{base}/2/users/me", timeout=5)  # 401

    sandbox.set_faults([
        "GET /2/users/me:status=503",
        "POST /2/tweets:ratelimit",
        "GET /2/users/*/mentions:expired-token",
    ])  # fmt: skip
    unavailable = http.get(f"{base}/2/users/me", headers=auth, timeout=5)
    limited = http.post(f"{base}/2/tweets", json={"text": "Begränsad"}, headers=auth, timeout=5)
    expired = http.get(f"{base}/2/users/{user_id}/mentions", headers=auth, timeout=5)
    assert (unavailable.status_code, limited.status_code, expired.status_code) == (503, 429, 401)
    assert limited.headers["x-rate-limit-remaining"] == "0"

    contract.assert_valid()
    operations = {label.rsplit(" -> ", 1)[0] for label in contract.checked}
    statuses = {int(label.rsplit(" -> ", 1)[1]) for label in contract.checked}
    assert {"POST /2/tweets", "GET /2/users/me", "POST /2/media/upload"} <= operations
    assert {200, 201, 400, 401, 403, 429, 503} <= statuses
    assert len(contract.checked) >= 20
