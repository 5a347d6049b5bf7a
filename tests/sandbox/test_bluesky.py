"""The emulated Bluesky PDS (XRPC) over loopback HTTP."""

from __future__ import annotations

from typing import Any

import requests

from desktop_app.sandbox.server import SandboxServer
from tests.support.images import png


def xrpc(sb: SandboxServer, nsid: str) -> str:
    return f"{sb.base_url}/bluesky/xrpc/{nsid}"


def session(sb: SandboxServer, http: requests.Session) -> dict[str, Any]:
    creds = sb.platforms()["bluesky"]["credentials"]
    answer = http.post(
        xrpc(sb, "com.atproto.server.createSession"),
        json={"identifier": creds["identifier"], "password": creds["app_password"]},
        timeout=5,
    )
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_record(text: str, **extra: Any) -> dict[str, Any]:
    return {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": "2026-11-25T10:00:00.000Z",
        **extra,
    }


def test_sessions_and_rotating_refresh(sb: SandboxServer, http: requests.Session) -> None:
    wrong = http.post(
        xrpc(sb, "com.atproto.server.createSession"),
        json={"identifier": "sandviken.bsky.social", "password": "nope"},
        timeout=5,
    )
    assert (wrong.status_code, wrong.json()["error"]) == (401, "AuthenticationRequired")
    first = session(sb, http)
    assert set(first) >= {"accessJwt", "refreshJwt", "handle", "did"}
    assert first["accessJwt"].count(".") == 2
    me = http.get(
        xrpc(sb, "com.atproto.server.getSession"), headers=bearer(first["accessJwt"]), timeout=5
    )
    assert me.json()["did"] == first["did"]
    with_refresh = http.get(
        xrpc(sb, "com.atproto.server.getSession"), headers=bearer(first["refreshJwt"]), timeout=5
    )
    assert with_refresh.status_code == 400
    refreshed = http.post(
        xrpc(sb, "com.atproto.server.refreshSession"),
        headers=bearer(first["refreshJwt"]),
        timeout=5,
    )
    assert refreshed.status_code == 200
    again = http.post(
        xrpc(sb, "com.atproto.server.refreshSession"),
        headers=bearer(first["refreshJwt"]),
        timeout=5,
    )
    assert (again.status_code, again.json()["error"]) == (400, "ExpiredToken")
    sb.advance(hours=2, minutes=1)
    expired = http.get(
        xrpc(sb, "com.atproto.server.getSession"),
        headers=bearer(refreshed.json()["accessJwt"]),
        timeout=5,
    )
    assert (expired.status_code, expired.json()) == (
        400,
        {"error": "ExpiredToken", "message": "Token has expired"},
    )
    missing = http.get(xrpc(sb, "com.atproto.server.getSession"), timeout=5)
    assert (missing.status_code, missing.json()["error"]) == (401, "AuthMissing")
    assert "RateLimit-Remaining" in missing.headers and "RateLimit-Policy" in missing.headers


def test_create_put_with_swap_null_get_and_delete(
    sb: SandboxServer, http: requests.Session
) -> None:
    me = session(sb, http)
    headers = bearer(me["accessJwt"])
    created = http.post(
        xrpc(sb, "com.atproto.repo.createRecord"),
        json={"repo": me["did"], "collection": "app.bsky.feed.post", "record": post_record("Hej")},
        headers=headers,
        timeout=5,
    ).json()
    assert created["uri"].startswith(f"at://{me['did']}/app.bsky.feed.post/")
    assert created["cid"].startswith("bafyrei") and created["validationStatus"] == "valid"
    put = {
        "repo": me["did"],
        "collection": "app.bsky.feed.post",
        "rkey": "kanal-draft-1",
        "swapRecord": None,
        "record": post_record("Exakt en gång"),
    }
    first = http.post(xrpc(sb, "com.atproto.repo.putRecord"), json=put, headers=headers, timeout=5)
    assert first.status_code == 200
    second = http.post(xrpc(sb, "com.atproto.repo.putRecord"), json=put, headers=headers, timeout=5)
    assert (second.status_code, second.json()["error"]) == (400, "InvalidSwap")
    fetched = http.get(
        xrpc(sb, "com.atproto.repo.getRecord"),
        params={"repo": me["did"], "collection": "app.bsky.feed.post", "rkey": "kanal-draft-1"},
        headers=headers,
        timeout=5,
    ).json()
    assert fetched["value"]["text"] == "Exakt en gång" and fetched["cid"] == first.json()["cid"]
    http.post(
        xrpc(sb, "com.atproto.repo.deleteRecord"),
        json={"repo": me["did"], "collection": "app.bsky.feed.post", "rkey": "kanal-draft-1"},
        headers=headers,
        timeout=5,
    )
    gone = http.get(
        xrpc(sb, "com.atproto.repo.getRecord"),
        params={"repo": me["did"], "collection": "app.bsky.feed.post", "rkey": "kanal-draft-1"},
        headers=headers,
        timeout=5,
    )
    assert (gone.status_code, gone.json()["error"]) == (400, "RecordNotFound")
    other_repo = http.post(
        xrpc(sb, "com.atproto.repo.createRecord"),
        json={
            "repo": "did:plc:someoneelse",
            "collection": "app.bsky.feed.post",
            "record": post_record("x"),
        },
        headers=headers,
        timeout=5,
    )
    assert other_repo.status_code == 400


def test_post_validation_graphemes_and_byte_facets(
    sb: SandboxServer, http: requests.Session
) -> None:
    me = session(sb, http)
    headers = bearer(me["accessJwt"])

    def create(record: dict[str, Any]) -> requests.Response:
        return http.post(
            xrpc(sb, "com.atproto.repo.createRecord"),
            json={"repo": me["did"], "collection": "app.bsky.feed.post", "record": record},
            headers=headers,
            timeout=5,
        )

    family = "👨‍👩‍👧‍👦"  # one grapheme, 25 UTF-8 bytes
    assert create(post_record(family * 300)).status_code == 400  # 300 graphemes but > 3000 bytes
    assert create(post_record("å" * 300)).status_code == 200
    too_many = create(post_record("å" * 301))
    assert too_many.status_code == 400 and "300 graphemes" in too_many.json()["message"]
    text = "Läs mer på sandviken.se #snö"
    start = text.encode().index(b"sandviken.se")
    link = {
        "index": {"byteStart": start, "byteEnd": start + len(b"sandviken.se")},
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://sandviken.se"}],
    }
    assert create(post_record(text, facets=[link])).status_code == 200
    by_characters = text.index("sandviken.se")  # a character offset, which is wrong after "ä"
    wrong = {
        "index": {"byteStart": by_characters, "byteEnd": by_characters + 12},
        "features": link["features"],
    }
    assert by_characters != start
    tag_start = text.encode().index("#snö".encode())
    split_char = {
        "index": {"byteStart": tag_start, "byteEnd": tag_start + 4},  # ends inside "ö"
        "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "snö"}],
    }
    assert create(post_record(text, facets=[split_char])).status_code == 400
    past_end = {
        "index": {"byteStart": 0, "byteEnd": len(text.encode()) + 1},
        "features": link["features"],
    }
    assert create(post_record(text, facets=[past_end])).status_code == 400
    # Character offsets land inside "å" here, so the mistake is caught.
    assert create(post_record(text, facets=[wrong])).status_code == 400
    no_date = create({"$type": "app.bsky.feed.post", "text": "utan datum"})
    assert no_date.status_code == 400


def test_blob_upload_and_image_embed(sb: SandboxServer, http: requests.Session) -> None:
    me = session(sb, http)
    headers = bearer(me["accessJwt"])
    image = png(5, 4)
    blob = http.post(
        xrpc(sb, "com.atproto.repo.uploadBlob"),
        data=image,
        headers={**headers, "Content-Type": "image/png"},
        timeout=5,
    ).json()["blob"]
    assert (
        blob["$type"] == "blob" and blob["mimeType"] == "image/png" and blob["size"] == len(image)
    )
    assert blob["ref"]["$link"].startswith("bafkrei")
    embed = {"$type": "app.bsky.embed.images", "images": [{"alt": "Plogbil", "image": blob}]}
    ok = http.post(
        xrpc(sb, "com.atproto.repo.createRecord"),
        json={
            "repo": me["did"],
            "collection": "app.bsky.feed.post",
            "record": post_record("Bild", embed=embed),
        },
        headers=headers,
        timeout=5,
    )
    assert ok.status_code == 200
    no_alt = {"$type": "app.bsky.embed.images", "images": [{"image": blob}]}
    bad = http.post(
        xrpc(sb, "com.atproto.repo.createRecord"),
        json={
            "repo": me["did"],
            "collection": "app.bsky.feed.post",
            "record": post_record("Bild", embed=no_alt),
        },
        headers=headers,
        timeout=5,
    )
    assert bad.status_code == 400


def test_notifications_cursor_and_replies(sb: SandboxServer, http: requests.Session) -> None:
    me = session(sb, http)
    headers = bearer(me["accessJwt"])
    mentions = [
        sb.stage_public(platform="bluesky", kind="mention", author=f"Åsa {i}", text=f"Fråga {i}")
        for i in range(3)
    ]
    comment = sb.stage_public(
        platform="bluesky", kind="comment", author="Örjan", text="Svar på inlägget"
    )
    url = xrpc(sb, "app.bsky.notification.listNotifications")
    first = http.get(url, params={"limit": 2}, headers=headers, timeout=5).json()
    assert [n["uri"] for n in first["notifications"]] == [comment["id"], mentions[2]["id"]]
    assert first["notifications"][0]["reason"] == "reply"
    assert first["notifications"][1]["reason"] == "mention"
    mention_record = first["notifications"][1]["record"]
    facet = mention_record["facets"][0]
    encoded = mention_record["text"].encode()
    assert (
        encoded[facet["index"]["byteStart"] : facet["index"]["byteEnd"]]
        == b"@sandviken.bsky.social"
    )
    second = http.get(
        url, params={"limit": 2, "cursor": first["cursor"]}, headers=headers, timeout=5
    ).json()
    assert [n["uri"] for n in second["notifications"]] == [mentions[1]["id"], mentions[0]["id"]]
    assert "cursor" not in second
    only_replies = http.get(url, params={"reasons": "reply"}, headers=headers, timeout=5).json()
    assert [n["uri"] for n in only_replies["notifications"]] == [comment["id"]]
    thread = http.get(
        xrpc(sb, "app.bsky.feed.getPostThread"),
        params={"uri": comment["in_reply_to"]},
        headers=headers,
        timeout=5,
    ).json()["thread"]
    assert comment["id"] in [r["post"]["uri"] for r in thread["replies"]]
    feed = http.get(
        xrpc(sb, "app.bsky.feed.getAuthorFeed"),
        params={"actor": me["did"]},
        headers=headers,
        timeout=5,
    ).json()
    assert len(feed["feed"]) == 2
