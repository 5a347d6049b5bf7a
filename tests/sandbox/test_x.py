"""The emulated X API v2 over loopback HTTP; every response is checked against X's OpenAPI."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oauthlib.oauth1 import Client as OAuth1Client  # type: ignore[import-untyped]

from desktop_app.sandbox.server import SandboxServer
from tests.support.images import png


def x_info(sb: SandboxServer) -> dict[str, Any]:
    return sb.platforms()["x"]


def bearer(sb: SandboxServer) -> dict[str, str]:
    return {"Authorization": "Bearer " + x_info(sb)["credentials"]["access_token"]}


def test_post_reply_quote_and_delete(sb: SandboxServer, x_http: requests.Session) -> None:
    base = f"{sb.base_url}/x"
    created = x_http.post(
        f"{base}/2/tweets", json={"text": "Snö & is <ute>"}, headers=bearer(sb), timeout=5
    )
    assert created.status_code == 201
    tweet = created.json()["data"]
    assert tweet["text"] == "Snö &amp; is &lt;ute&gt;"  # X escapes &, < and > in text
    assert created.headers["x-rate-limit-limit"] == "100"
    assert int(created.headers["x-rate-limit-remaining"]) == 99
    assert int(created.headers["x-user-limit-24hour-remaining"]) >= 0

    reply = x_http.post(
        f"{base}/2/tweets",
        json={"text": "Svar", "reply": {"in_reply_to_tweet_id": tweet["id"]}},
        headers=bearer(sb),
        timeout=5,
    )
    assert reply.status_code == 201
    quote = x_http.post(
        f"{base}/2/tweets",
        json={"text": "Citat", "quote_tweet_id": tweet["id"]},
        headers=bearer(sb),
        timeout=5,
    )
    assert quote.status_code == 201
    fetched = x_http.get(
        f"{base}/2/tweets/{reply.json()['data']['id']}",
        params={"tweet.fields": "referenced_tweets,conversation_id,in_reply_to_user_id"},
        headers=bearer(sb),
        timeout=5,
    ).json()["data"]
    assert fetched["referenced_tweets"] == [{"type": "replied_to", "id": tweet["id"]}]
    assert fetched["conversation_id"] == tweet["id"]

    deleted = x_http.delete(f"{base}/2/tweets/{tweet['id']}", headers=bearer(sb), timeout=5)
    assert deleted.json() == {"data": {"deleted": True}}
    missing = x_http.get(f"{base}/2/tweets/{tweet['id']}", headers=bearer(sb), timeout=5)
    assert missing.status_code == 200
    assert missing.json()["errors"][0]["type"].endswith("/problems/resource-not-found")


def test_duplicate_too_long_and_invalid_bodies(sb: SandboxServer, x_http: requests.Session) -> None:
    url = f"{sb.base_url}/x/2/tweets"
    assert (
        x_http.post(url, json={"text": "Samma"}, headers=bearer(sb), timeout=5).status_code == 201
    )
    duplicate = x_http.post(url, json={"text": "Samma"}, headers=bearer(sb), timeout=5)
    assert duplicate.status_code == 403
    assert duplicate.headers["Content-Type"].startswith("application/problem+json")
    assert duplicate.json()["detail"] == (
        "You are not allowed to create a Tweet with duplicate content."
    )
    too_long = x_http.post(url, json={"text": "å" * 281}, headers=bearer(sb), timeout=5)
    assert too_long.status_code == 400
    # URLs count 23 whatever their length, so this fits
    long_url = "https://www.sandviken.se/" + "a" * 300
    fits = x_http.post(
        url, json={"text": "x" * 250 + " " + long_url}, headers=bearer(sb), timeout=5
    )
    assert fits.status_code == 201
    assert "https://t.co/" in fits.json()["data"]["text"]
    empty = x_http.post(url, json={}, headers=bearer(sb), timeout=5)
    assert empty.status_code == 400
    assert empty.json()["type"] == "https://api.twitter.com/2/problems/invalid-request"
    exclusive = x_http.post(
        url,
        json={"text": "a", "quote_tweet_id": "1", "media": {"media_ids": ["2"]}},
        headers=bearer(sb),
        timeout=5,
    )
    assert exclusive.status_code == 400
    unknown_reply = x_http.post(
        url,
        json={"text": "b", "reply": {"in_reply_to_tweet_id": "42"}},
        headers=bearer(sb),
        timeout=5,
    )
    assert unknown_reply.status_code == 400


def test_unauthenticated_and_expired_tokens(sb: SandboxServer, x_http: requests.Session) -> None:
    url = f"{sb.base_url}/x/2/users/me"
    assert x_http.get(url, timeout=5).status_code == 401
    bad = x_http.get(url, headers={"Authorization": "Bearer nope"}, timeout=5)
    assert bad.status_code == 401
    assert bad.json()["title"] == "Unauthorized"
    assert x_http.get(url, headers=bearer(sb), timeout=5).status_code == 200
    sb.advance(hours=2, minutes=1)  # access tokens live two hours
    assert x_http.get(url, headers=bearer(sb), timeout=5).status_code == 401


def test_media_one_shot_and_chunked(sb: SandboxServer, x_http: requests.Session) -> None:
    base = f"{sb.base_url}/x/2/media/upload"
    image = png(3, 2)
    one_shot = x_http.post(
        base,
        files={"media": ("a.png", image, "image/png")},
        data={"media_category": "tweet_image"},
        headers=bearer(sb),
        timeout=5,
    )
    assert one_shot.status_code == 200
    media = one_shot.json()["data"]
    assert media["media_key"] == f"3_{media['id']}"
    assert media["size"] == len(image)
    alt = x_http.post(
        f"{sb.base_url}/x/2/media/metadata",
        json={"id": media["id"], "metadata": {"alt_text": {"text": "Plogbil i snön"}}},
        headers=bearer(sb),
        timeout=5,
    )
    assert alt.json()["data"]["associated_metadata"]["alt_text"] == {"text": "Plogbil i snön"}
    stored = [m for m in sb.state()["platforms"]["x"]["media"] if m["id"] == media["id"]]
    assert stored[0]["alt_text"] == "Plogbil i snön"
    unknown = x_http.post(
        f"{sb.base_url}/x/2/media/metadata",
        json={"id": "123", "metadata": {"alt_text": {"text": "x"}}},
        headers=bearer(sb),
        timeout=5,
    )
    assert unknown.status_code == 400

    init = x_http.post(
        f"{base}/initialize",
        json={
            "total_bytes": len(image),
            "media_type": "image/png",
            "media_category": "tweet_image",
        },
        headers=bearer(sb),
        timeout=5,
    )
    media_id = init.json()["data"]["id"]
    for index, start in enumerate(range(0, len(image), 40)):
        append = x_http.post(
            f"{base}/{media_id}/append",
            files={"media": ("blob", image[start : start + 40], "application/octet-stream")},
            data={"segment_index": str(index)},
            headers=bearer(sb),
            timeout=5,
        )
        assert append.status_code == 200
    final = x_http.post(f"{base}/{media_id}/finalize", headers=bearer(sb), timeout=5)
    assert final.status_code == 200
    status = x_http.get(
        base, params={"command": "STATUS", "media_id": media_id}, headers=bearer(sb), timeout=5
    )
    assert status.json()["data"]["id"] == media_id

    post = x_http.post(
        f"{sb.base_url}/x/2/tweets",
        json={"text": "Med bild", "media": {"media_ids": [media["id"], media_id]}},
        headers=bearer(sb),
        timeout=5,
    )
    assert post.status_code == 201
    bad = x_http.post(
        f"{sb.base_url}/x/2/tweets",
        json={"text": "Fel bild", "media": {"media_ids": ["999"]}},
        headers=bearer(sb),
        timeout=5,
    )
    assert bad.status_code == 400


def test_mentions_since_id_pagination_fields_and_expansions(
    sb: SandboxServer, x_http: requests.Session
) -> None:
    info = x_info(sb)
    staged = [
        sb.stage_public(platform="x", kind="mention", author=f"Invånare {i}", text=f"Fråga {i}")
        for i in range(7)
    ]
    url = f"{sb.base_url}/x/2/users/{info['user_id']}/mentions"
    first = x_http.get(
        url,
        params={
            "max_results": "5",
            "tweet.fields": "created_at,author_id,conversation_id",
            "expansions": "author_id",
            "user.fields": "username,name",
        },
        headers=bearer(sb),
        timeout=5,
    ).json()
    assert first["meta"]["result_count"] == 5
    assert [t["id"] for t in first["data"]] == [s["id"] for s in reversed(staged)][:5]
    assert {u["id"] for u in first["includes"]["users"]} == {t["author_id"] for t in first["data"]}
    second = x_http.get(
        url,
        params={"max_results": "5", "pagination_token": first["meta"]["next_token"]},
        headers=bearer(sb),
        timeout=5,
    ).json()
    assert [t["id"] for t in second["data"]] == [staged[1]["id"], staged[0]["id"]]
    assert "next_token" not in second["meta"]
    newer = x_http.get(
        url,
        params={"since_id": staged[5]["id"], "post.fields": "created_at"},
        headers=bearer(sb),
        timeout=5,
    ).json()
    assert [t["id"] for t in newer["data"]] == [staged[6]["id"]]
    assert "created_at" in newer["data"][0]  # post.fields (v2.167) works like tweet.fields
    none = x_http.get(url, params={"since_id": staged[6]["id"]}, headers=bearer(sb), timeout=5)
    assert none.json() == {"meta": {"result_count": 0}}
    bad = x_http.get(url, params={"max_results": 500}, headers=bearer(sb), timeout=5)
    assert bad.status_code == 400
    bad_field = x_http.get(url, params={"tweet.fields": "nonsense"}, headers=bearer(sb), timeout=5)
    assert bad_field.status_code == 400


def test_own_timeline_and_hidden_replies(sb: SandboxServer, x_http: requests.Session) -> None:
    info = x_info(sb)
    own = x_http.get(
        f"{sb.base_url}/x/2/users/{info['user_id']}/tweets",
        params={"max_results": 5},
        headers=bearer(sb),
        timeout=5,
    ).json()
    assert own["meta"]["result_count"] == 3  # the demo world's posts
    post_id = own["data"][0]["id"]
    comment = sb.stage_public(
        platform="x", kind="comment", author="Eva Ek", text="Bra!", post_id=post_id
    )
    hidden = x_http.put(
        f"{sb.base_url}/x/2/tweets/{comment['id']}/hidden",
        json={"hidden": True},
        headers=bearer(sb),
        timeout=5,
    )
    assert hidden.json() == {"data": {"hidden": True}}
    assert next(p for p in sb.state()["platforms"]["x"]["posts"] if p["id"] == comment["id"])[
        "hidden"
    ]


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def authorize(sb: SandboxServer, http: requests.Session, decision: str) -> tuple[str, str]:
    info = x_info(sb)
    verifier, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": info["credentials"]["client_id"],
        "redirect_uri": "http://127.0.0.1:28322/x/callback",
        "scope": "tweet.read tweet.write users.read offline.access media.write",
        "state": "xyz-state",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = http.get(info["authorize_url"], params=params, timeout=5)
    assert page.status_code == 200
    assert 'name="decision"' in page.text and "<form" in page.text
    answer = http.post(
        info["authorize_url"],
        params=params,
        data={"decision": decision},
        allow_redirects=False,
        timeout=5,
    )
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == params["redirect_uri"]
    query = parse_qs(location.query)
    assert query["state"] == ["xyz-state"]
    return query.get("code", [""])[0] or query["error"][0], verifier


def test_oauth2_pkce_and_rotating_refresh_tokens(
    sb: SandboxServer, x_http: requests.Session
) -> None:
    info = x_info(sb)
    code, verifier = authorize(sb, x_http, "allow")
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "http://127.0.0.1:28322/x/callback",
        "code_verifier": "wrong" + verifier,
        "client_id": info["credentials"]["client_id"],
    }
    assert x_http.post(info["token_url"], data=form, timeout=5).status_code == 400
    code, verifier = authorize(sb, x_http, "allow")
    tokens = x_http.post(
        info["token_url"], data={**form, "code": code, "code_verifier": verifier}, timeout=5
    ).json()
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 7200
    assert "offline.access" in tokens["scope"].split()
    me = x_http.get(
        f"{sb.base_url}/x/2/users/me",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    )
    assert me.json()["data"]["username"] == info["username"]
    # The code is single-use.
    again = x_http.post(
        info["token_url"], data={**form, "code": code, "code_verifier": verifier}, timeout=5
    )
    assert again.status_code == 400

    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": info["credentials"]["client_id"],
    }
    rotated = x_http.post(info["token_url"], data=refresh, timeout=5).json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    reused = x_http.post(info["token_url"], data=refresh, timeout=5)
    assert reused.status_code == 400  # the old refresh token died when it was used
    assert reused.json()["error"] == "invalid_request"
    # The printed demo refresh token rotates the same way, with HTTP Basic client auth too.
    basic = (info["credentials"]["client_id"], info["client_secret"])
    demo = x_http.post(
        info["token_url"],
        data={"grant_type": "refresh_token", "refresh_token": info["credentials"]["refresh_token"]},
        auth=basic,
        timeout=5,
    )
    assert demo.status_code == 200


def test_oauth2_denied_and_unknown_client(sb: SandboxServer, x_http: requests.Session) -> None:
    error, _verifier = authorize(sb, x_http, "deny")
    assert error == "access_denied"
    unknown = x_http.get(
        x_info(sb)["authorize_url"],
        params={
            "response_type": "code",
            "client_id": "nobody",
            "redirect_uri": "http://127.0.0.1/cb",
        },
        timeout=5,
    )
    assert unknown.status_code == 400


def test_oauth1_signatures(sb: SandboxServer, x_http: requests.Session) -> None:
    creds = x_info(sb)["credentials_oauth1"]
    client = OAuth1Client(
        creds["consumer_key"],
        client_secret=creds["consumer_secret"],
        resource_owner_key=creds["access_token"],
        resource_owner_secret=creds["access_token_secret"],
    )
    url = f"{sb.base_url}/x/2/users/me?user.fields=created_at"
    uri, headers, _ = client.sign(url, http_method="GET")
    signed = x_http.get(uri, headers=headers, timeout=5)
    assert signed.status_code == 200
    assert "created_at" in signed.json()["data"]
    replay = x_http.get(uri, headers=headers, timeout=5)
    assert replay.status_code == 401  # a nonce is good once
    wrong = OAuth1Client(
        creds["consumer_key"],
        client_secret="not-the-secret",
        resource_owner_key=creds["access_token"],
        resource_owner_secret=creds["access_token_secret"],
    )
    uri, headers, _ = wrong.sign(url, http_method="GET")
    assert x_http.get(uri, headers=headers, timeout=5).status_code == 401
    post_uri, post_headers, _ = client.sign(
        f"{sb.base_url}/x/2/tweets",
        http_method="POST",
        headers={"Content-Type": "application/json"},
    )
    created = x_http.post(post_uri, data='{"text": "Signerad"}', headers=post_headers, timeout=5)
    assert created.status_code == 201


@pytest.mark.parametrize("field", ["tweet.fields", "post.fields"])
def test_both_field_parameter_names(
    sb: SandboxServer, x_http: requests.Session, field: str
) -> None:
    own = x_http.get(
        f"{sb.base_url}/x/2/users/{x_info(sb)['user_id']}/tweets",
        params={field: "created_at,public_metrics", "max_results": "5"},
        headers=bearer(sb),
        timeout=5,
    ).json()
    assert all("created_at" in t and "public_metrics" in t for t in own["data"])


def gif_bytes(frames: int = 2) -> bytes:
    import io

    from PIL import Image

    images = [Image.new("P", (4, 4), color) for color in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=50)
    return buffer.getvalue()


def test_media_categories_are_enforced_as_x_documents_them(
    sb: SandboxServer, x_http: requests.Session
) -> None:
    base = f"{sb.base_url}/x/2/media/upload"
    gif = gif_bytes()
    # API v2.159: the one-shot upload takes tweet_image, dm_image, subtitles, and no GIF.
    as_image = x_http.post(
        base,
        files={"media": ("a.gif", gif, "image/gif")},
        data={"media_category": "tweet_image"},
        headers=bearer(sb),
        timeout=5,
    )
    assert as_image.status_code == 400
    assert "tweet_gif" in as_image.text
    as_gif = x_http.post(
        base,
        files={"media": ("a.gif", gif, "image/gif")},
        data={"media_category": "tweet_gif"},
        headers=bearer(sb),
        timeout=5,
    )
    assert as_gif.status_code == 400  # not a one-shot category
    for category, media_type in (("tweet_pony", "image/gif"), ("tweet_gif", "image/png")):
        init = x_http.post(
            f"{base}/initialize",
            json={"media_type": media_type, "total_bytes": 10, "media_category": category},
            headers=bearer(sb),
            timeout=5,
        )
        assert init.status_code == 400, (category, media_type)
    assert not sb.state()["platforms"]["x"]["media"]


def test_a_chunked_gif_is_processed_before_it_may_be_posted(
    sb: SandboxServer, x_http: requests.Session
) -> None:
    base = f"{sb.base_url}/x/2/media/upload"
    gif = gif_bytes(3)
    init = x_http.post(
        f"{base}/initialize",
        json={"media_type": "image/gif", "total_bytes": len(gif), "media_category": "tweet_gif"},
        headers=bearer(sb),
        timeout=5,
    )
    assert init.status_code == 200
    media_id = init.json()["data"]["id"]
    assert init.json()["data"]["media_key"] == f"16_{media_id}"  # an animated GIF's key
    half = len(gif) // 2
    for index, chunk in enumerate((gif[:half], gif[half:])):
        appended = x_http.post(
            f"{base}/{media_id}/append",
            files={"media": ("blob", chunk, "application/octet-stream")},
            data={"segment_index": str(index)},
            headers=bearer(sb),
            timeout=5,
        )
        assert appended.status_code == 200
    final = x_http.post(f"{base}/{media_id}/finalize", headers=bearer(sb), timeout=5)
    info = final.json()["data"]["processing_info"]
    assert info["state"] == "pending" and info["check_after_secs"] >= 1
    early = x_http.post(
        f"{sb.base_url}/x/2/tweets",
        json={"text": "För tidigt", "media": {"media_ids": [media_id]}},
        headers=bearer(sb),
        timeout=5,
    )
    assert early.status_code == 400  # still processing

    def status() -> dict[str, Any]:
        answer = x_http.get(
            base, params={"command": "STATUS", "media_id": media_id}, headers=bearer(sb), timeout=5
        )
        assert answer.status_code == 200
        return dict(answer.json()["data"]["processing_info"])

    assert status()["state"] == "in_progress"
    done = status()
    assert done["state"] == "succeeded" and "check_after_secs" not in done
    posted = x_http.post(
        f"{sb.base_url}/x/2/tweets",
        json={"text": "Nu med gif", "media": {"media_ids": [media_id]}},
        headers=bearer(sb),
        timeout=5,
    )
    assert posted.status_code == 201


def test_gif_processing_also_advances_with_simulated_time(
    sb: SandboxServer, x_http: requests.Session
) -> None:
    base = f"{sb.base_url}/x/2/media/upload"
    gif = gif_bytes()
    media_id = x_http.post(
        f"{base}/initialize",
        json={"media_type": "image/gif", "total_bytes": len(gif), "media_category": "tweet_gif"},
        headers=bearer(sb),
        timeout=5,
    ).json()["data"]["id"]
    x_http.post(
        f"{base}/{media_id}/append",
        files={"media": ("blob", gif, "application/octet-stream")},
        data={"segment_index": "0"},
        headers=bearer(sb),
        timeout=5,
    )
    x_http.post(f"{base}/{media_id}/finalize", headers=bearer(sb), timeout=5)
    sb.advance(seconds=30)
    answer = x_http.get(
        base, params={"command": "STATUS", "media_id": media_id}, headers=bearer(sb), timeout=5
    )
    assert answer.json()["data"]["processing_info"]["state"] == "succeeded"


def test_a_callback_not_registered_exactly_is_refused(
    sb: SandboxServer, x_http: requests.Session
) -> None:
    """X matches callback URLs exactly, port included: another loopback port is refused."""
    info = x_info(sb)
    for uri in ("http://127.0.0.1:53682/callback", "http://127.0.0.1:28322/x/callback/"):
        answer = x_http.get(
            info["authorize_url"],
            params={
                "response_type": "code",
                "client_id": info["credentials"]["client_id"],
                "redirect_uri": uri,
                "scope": "tweet.read",
                "state": "s",
                "code_challenge": "c" * 43,
                "code_challenge_method": "S256",
            },
            timeout=5,
        )
        assert answer.status_code == 400, uri
