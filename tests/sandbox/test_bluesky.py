"""The emulated Bluesky PDS (XRPC) over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from desktop_app.sandbox.platforms.bluesky.web import png as web_png
from desktop_app.sandbox.server import SandboxServer
from tests.support.contract_bluesky import BlueskyContract
from tests.support.images import png


@pytest.fixture
def http(sb: SandboxServer) -> Iterator[requests.Session]:
    """Every request of these tests and every answer of the emulated PDS is checked against
    the lexicons."""
    contract = BlueskyContract(f"{sb.base_url}/bluesky", strict_requests=False)
    session = contract.session()
    try:
        yield session
    finally:
        session.close()
    contract.assert_valid()


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


def _create(
    sb: SandboxServer, http: requests.Session, me: dict[str, Any], record: dict[str, Any]
) -> requests.Response:
    return http.post(
        xrpc(sb, "com.atproto.repo.createRecord"),
        json={"repo": me["did"], "collection": "app.bsky.feed.post", "record": record},
        headers=bearer(me["accessJwt"]),
        timeout=5,
    )


def _blob(sb: SandboxServer, http: requests.Session, me: dict[str, Any], data: bytes) -> Any:
    return http.post(
        xrpc(sb, "com.atproto.repo.uploadBlob"),
        data=data,
        headers={**bearer(me["accessJwt"]), "Content-Type": "image/png"},
        timeout=10,
    ).json()["blob"]


def test_sessions_carry_a_did_document_naming_the_accounts_pds(
    sb: SandboxServer, http: requests.Session
) -> None:
    me = session(sb, http)
    (service,) = me["didDoc"]["service"]
    assert me["didDoc"]["id"] == me["did"]
    assert service == {
        "id": "#atproto_pds",
        "type": "AtprotoPersonalDataServer",
        "serviceEndpoint": f"{sb.base_url}/bluesky",
    }
    own = sb.platforms()["bluesky"]["own_pds"]
    creds = own["credentials"]
    other = http.post(
        xrpc(sb, "com.atproto.server.createSession"),
        json={"identifier": creds["identifier"], "password": creds["app_password"]},
        timeout=5,
    ).json()
    assert other["didDoc"]["service"][0]["serviceEndpoint"] == own["url"]
    assert own["url"] == f"{sb.base_url}/bluesky/pds2"
    record = post_record("Hej från biblioteket")
    # The entryway signs the account in but does not hold its repository ...
    at_entryway = _create(sb, http, other, record)
    assert at_entryway.status_code == 400 and own["url"] in at_entryway.json()["message"]
    # ... its own PDS does, and refuses accounts it does not host.
    at_own = http.post(
        f"{own['url']}/xrpc/com.atproto.repo.createRecord",
        json={"repo": other["did"], "collection": "app.bsky.feed.post", "record": record},
        headers=bearer(other["accessJwt"]),
        timeout=5,
    )
    assert at_own.status_code == 200
    wrong_host = http.get(
        f"{own['url']}/xrpc/app.bsky.notification.listNotifications",
        headers=bearer(me["accessJwt"]),
        timeout=5,
    )
    assert wrong_host.status_code == 400
    refreshed = http.post(
        f"{own['url']}/xrpc/com.atproto.server.refreshSession",
        headers=bearer(other["refreshJwt"]),
        timeout=5,
    ).json()
    assert refreshed["didDoc"]["service"][0]["serviceEndpoint"] == own["url"]


def test_langs_aspect_ratio_and_link_cards_are_validated_as_the_lexicons_say(
    sb: SandboxServer, http: requests.Session
) -> None:
    me = session(sb, http)
    assert _create(sb, http, me, post_record("Hej", langs=["sv", "en"])).status_code == 200
    assert _create(sb, http, me, post_record("Hej", langs=["sv"] * 4)).status_code == 400
    assert _create(sb, http, me, post_record("Hej", langs=["svenska!"])).status_code == 400
    blob = _blob(sb, http, me, png(16, 9))

    def images(ratio: Any) -> dict[str, Any]:
        image = {"alt": "", "image": blob, "aspectRatio": ratio}
        return {"$type": "app.bsky.embed.images", "images": [image]}

    good = images({"width": 16, "height": 9})
    assert _create(sb, http, me, post_record("Bild", embed=good)).status_code == 200
    for bad in ({"width": 0, "height": 9}, {"width": 1.5, "height": 1}, {"width": 16}):
        assert _create(sb, http, me, post_record("Bild", embed=images(bad))).status_code == 400

    def card(**external: Any) -> dict[str, Any]:
        return {"$type": "app.bsky.embed.external", "external": external}

    link = "https://www.sandviken.se/nyhet"
    fine = card(uri=link, title="Nyhet", description="", thumb=blob)
    assert _create(sb, http, me, post_record(link, embed=fine)).status_code == 200
    assert _create(sb, http, me, post_record(link, embed=card(uri=link))).status_code == 400
    big = _blob(sb, http, me, web_png(20, 20, 1_200_000))  # over a thumbnail's 1,000,000
    too_big = card(uri=link, title="Nyhet", description="", thumb=big)
    assert _create(sb, http, me, post_record(link, embed=too_big)).status_code == 400


def test_image_blobs_up_to_two_million_bytes(sb: SandboxServer, http: requests.Session) -> None:
    me = session(sb, http)

    def post_with(size: int) -> int:
        blob = _blob(sb, http, me, web_png(20, 20, size))
        embed = {"$type": "app.bsky.embed.images", "images": [{"alt": "", "image": blob}]}
        return _create(sb, http, me, post_record("Bild", embed=embed)).status_code

    assert post_with(1_500_000) == 200  # the old 1,000,000-byte limit is gone
    assert post_with(2_000_100) == 400


def test_link_card_pages(sb: SandboxServer, http: requests.Session) -> None:
    page = http.get(f"{sb.base_url}/bluesky/web/nyhet", timeout=5)
    assert page.headers["Content-Type"].startswith("text/html")
    assert 'property="og:title"' in page.text and 'content="nyhet.png"' in page.text
    image = http.get(f"{sb.base_url}/bluesky/web/nyhet.png", timeout=5)
    assert image.headers["Content-Type"] == "image/png" and image.content.startswith(b"\x89PNG")
    assert len(http.get(f"{sb.base_url}/bluesky/web/stor", timeout=10).content) > 2_000_000
    assert http.get(f"{sb.base_url}/bluesky/web/saknas", timeout=5).status_code == 404


def test_a_page_of_notifications_may_come_back_short_with_a_cursor(
    sb: SandboxServer, http: requests.Session
) -> None:
    me = session(sb, http)
    mentions = [
        sb.stage_public(platform="bluesky", kind="mention", text=f"Fråga {i}") for i in range(5)
    ]
    # A citizen deletes a post: as on the AppView, its notification drops out of the page
    # it was chosen for, and the page comes back short - yet more follow.
    sb._platforms["bluesky"].records.pop(mentions[3]["id"])  # type: ignore[attr-defined]
    url = xrpc(sb, "app.bsky.notification.listNotifications")
    first = http.get(url, params={"limit": 2}, headers=bearer(me["accessJwt"]), timeout=5).json()
    assert [n["uri"] for n in first["notifications"]] == [mentions[4]["id"]]
    assert first["cursor"]
    rest = http.get(
        url,
        params={"limit": 10, "cursor": first["cursor"]},
        headers=bearer(me["accessJwt"]),
        timeout=5,
    ).json()
    assert [n["uri"] for n in rest["notifications"]] == [m["id"] for m in mentions[2::-1]]
