"""The emulated Graph API for Pages over loopback HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from desktop_app.sandbox.platforms.base import StageError
from desktop_app.sandbox.server import SandboxServer
from tests.support.facebook import emulated_facebook
from tests.support.facebook_contract import GraphContract, Operation, operations
from tests.support.images import png


def _operation(name: str) -> Operation:
    return operations()[name]


GRAPH = "/facebook/v25.0"


@pytest.fixture
def http(sb: SandboxServer) -> Iterator[requests.Session]:
    """A session whose every Graph answer (and request) is checked against the node specs and
    the real sample answers in tests/data/specs/facebook."""
    contract = GraphContract(page_ids=tuple(sb.platforms()["facebook"]["page_ids"]))
    session = contract.session()
    yield session
    session.close()
    contract.assert_valid()


def user_token(sb: SandboxServer) -> str:
    token: str = sb.platforms()["facebook"]["credentials"]["access_token"]
    return token


def page(sb: SandboxServer, http: requests.Session) -> dict[str, Any]:
    answer = http.get(
        f"{sb.base_url}{GRAPH}/me/accounts", params={"access_token": user_token(sb)}, timeout=5
    )
    assert answer.status_code == 200
    body = answer.json()
    assert set(body["paging"]["cursors"]) == {"before", "after"}
    first: dict[str, Any] = body["data"][0]
    assert set(first) >= {"access_token", "name", "id", "tasks", "category"}
    return first


def test_me_accounts_and_usage_headers(sb: SandboxServer, http: requests.Session) -> None:
    me = http.get(f"{sb.base_url}{GRAPH}/me", params={"access_token": user_token(sb)}, timeout=5)
    assert set(me.json()) == {"name", "id"}
    usage = json.loads(me.headers["X-App-Usage"])
    assert set(usage) == {"call_count", "total_cputime", "total_time"}
    target = page(sb, http)
    as_page = http.get(
        f"{sb.base_url}{GRAPH}/me", params={"access_token": target["access_token"]}, timeout=5
    )
    assert as_page.json()["id"] == target["id"]
    assert "X-Page-Usage" in as_page.headers
    buc = json.loads(as_page.headers["X-Business-Use-Case-Usage"])
    assert "estimated_time_to_regain_access" in buc[target["id"]][0]
    # Any version works, and the unversioned path too.
    for prefix in ("/facebook/v19.0", "/facebook"):
        other = http.get(
            f"{sb.base_url}{prefix}/me", params={"access_token": user_token(sb)}, timeout=5
        )
        assert other.status_code == 200


def test_token_errors(sb: SandboxServer, http: requests.Session) -> None:
    missing = http.get(f"{sb.base_url}{GRAPH}/me", timeout=5)
    assert missing.status_code == 400 and missing.json()["error"]["code"] == 104
    invalid = http.get(f"{sb.base_url}{GRAPH}/me", params={"access_token": "EAAnope"}, timeout=5)
    error = invalid.json()["error"]
    assert (invalid.status_code, error["code"], error["type"]) == (400, 190, "OAuthException")
    assert set(error) >= {"message", "type", "code", "fbtrace_id"}
    sb.advance(hours=24 * 61)  # the demo user token is long-lived: 60 days
    expired = http.get(
        f"{sb.base_url}{GRAPH}/me", params={"access_token": user_token(sb)}, timeout=5
    )
    assert (expired.json()["error"]["code"], expired.json()["error"]["error_subcode"]) == (190, 463)


def test_publish_read_update_and_delete(sb: SandboxServer, http: requests.Session) -> None:
    target = page(sb, http)
    feed = f"{sb.base_url}{GRAPH}/{target['id']}/feed"
    with_user_token = http.post(
        feed, data={"message": "Hej", "access_token": user_token(sb)}, timeout=5
    )
    assert (with_user_token.status_code, with_user_token.json()["error"]["code"]) == (403, 200)
    created = http.post(
        feed,
        data={
            "message": "Nya öppettider",
            "link": "https://www.sandviken.se",
            "access_token": target["access_token"],
        },
        timeout=5,
    )
    post_id = created.json()["id"]
    assert post_id.startswith(target["id"] + "_")
    duplicate = http.post(
        feed, data={"message": "Nya öppettider", "access_token": target["access_token"]}, timeout=5
    )
    assert duplicate.json()["error"]["code"] == 506
    listed = http.get(
        feed,
        params={
            "access_token": target["access_token"],
            "fields": "id,message,created_time,permalink_url,from{name,id}",
        },
        timeout=5,
    ).json()
    newest = listed["data"][0]
    assert newest["id"] == post_id
    assert newest["created_time"].endswith("+0000")
    assert newest["from"]["id"] == target["id"]
    node = f"{sb.base_url}{GRAPH}/{post_id}"
    updated = http.post(
        node, data={"message": "Rättat", "access_token": target["access_token"]}, timeout=5
    )
    assert updated.json() == {"success": True}
    deleted = http.delete(node, params={"access_token": target["access_token"]}, timeout=5)
    assert deleted.json() == {"success": True}
    gone = http.get(node, params={"access_token": target["access_token"]}, timeout=5)
    assert (
        gone.status_code,
        gone.json()["error"]["code"],
        gone.json()["error"]["error_subcode"],
    ) == (400, 100, 33)


def test_scheduled_publish(sb: SandboxServer, http: requests.Session) -> None:
    target = page(sb, http)
    feed = f"{sb.base_url}{GRAPH}/{target['id']}/feed"
    token = target["access_token"]
    too_soon = http.post(
        feed,
        data={
            "message": "Snart",
            "published": "false",
            "scheduled_publish_time": str(int(time.time()) + 60),
            "access_token": token,
        },
        timeout=5,
    )
    assert too_soon.json()["error"]["code"] == 100
    published_and_scheduled = http.post(
        feed,
        data={
            "message": "Fel",
            "scheduled_publish_time": str(int(time.time()) + 3600),
            "access_token": token,
        },
        timeout=5,
    )
    assert published_and_scheduled.status_code == 400
    when = int(time.time()) + 3600
    scheduled = http.post(
        feed,
        data={
            "message": "Om en timme",
            "published": "false",
            "scheduled_publish_time": str(when),
            "access_token": token,
        },
        timeout=5,
    ).json()["id"]
    visible = [
        p["id"] for p in http.get(feed, params={"access_token": token}, timeout=5).json()["data"]
    ]
    assert scheduled not in visible
    pending = http.get(
        f"{sb.base_url}{GRAPH}/{target['id']}/scheduled_posts",
        params={"access_token": token},
        timeout=5,
    )
    assert [p["id"] for p in pending.json()["data"]] == [scheduled]
    sb.advance(minutes=61)
    visible = [
        p["id"] for p in http.get(feed, params={"access_token": token}, timeout=5).json()["data"]
    ]
    assert visible[0] == scheduled


def test_photos(sb: SandboxServer, http: requests.Session) -> None:
    target = page(sb, http)
    token = target["access_token"]
    photos = f"{sb.base_url}{GRAPH}/{target['id']}/photos"
    shown = http.post(
        photos,
        files={"source": ("a.png", png(), "image/png")},
        data={"message": "Plogbilen", "access_token": token},
        timeout=5,
    ).json()
    assert set(shown) == {"id", "post_id"}
    hidden = http.post(
        photos,
        files={"source": ("b.png", png(), "image/png")},
        data={"published": "false", "access_token": token},
        timeout=5,
    ).json()
    assert set(hidden) == {"id"}
    with_photo = http.post(
        f"{sb.base_url}{GRAPH}/{target['id']}/feed",
        data={
            "message": "Två bilder",
            "attached_media[0]": json.dumps({"media_fbid": hidden["id"]}),
            "access_token": token,
        },
        timeout=5,
    )
    assert with_photo.status_code == 200
    not_an_image = http.post(
        photos,
        files={"source": ("c.png", b"text", "image/png")},
        data={"access_token": token},
        timeout=5,
    )
    assert not_an_image.json()["error"]["code"] == 324


def test_comments_cursor_paging_reply_hide_delete(
    sb: SandboxServer, http: requests.Session
) -> None:
    target = page(sb, http)
    token = target["access_token"]
    post_id = http.get(
        f"{sb.base_url}{GRAPH}/{target['id']}/feed", params={"access_token": token}, timeout=5
    ).json()["data"][0]["id"]
    staged = [
        sb.stage_public(
            platform="facebook",
            kind="comment",
            author=f"Medborgare {i}",
            text=f"Fråga {i}",
            post_id=post_id,
        )
        for i in range(5)
    ]
    comments = f"{sb.base_url}{GRAPH}/{post_id}/comments"
    seen: list[str] = []
    url: str | None = comments
    params: dict[str, Any] | None = {
        "access_token": token,
        "limit": 2,
        "summary": "true",
        "filter": "toplevel",
    }
    pages = 0
    while url:
        body = http.get(url, params=params, timeout=5).json()
        pages += 1
        seen += [c["id"] for c in body["data"]]
        assert body["summary"]["total_count"] == 5
        assert set(body["paging"]["cursors"]) == {"before", "after"}
        url, params = body["paging"].get("next"), None  # the last page is the one without next
    assert pages == 3
    assert seen == [s["id"] for s in staged]
    first = http.get(
        comments,
        params={"access_token": token, "fields": "id,from,message,is_hidden,can_hide"},
        timeout=5,
    ).json()["data"][0]
    assert (
        first["from"]["name"] == "Medborgare 0"
        and first["is_hidden"] is False
        and first["can_hide"] is True
    )
    # Without the page token, `from` is not disclosed.
    anonymous = http.get(comments, params={"access_token": user_token(sb)}, timeout=5).json()[
        "data"
    ][0]
    assert "from" not in anonymous

    reply = http.post(
        f"{sb.base_url}{GRAPH}/{staged[0]['id']}/comments",
        data={"message": "Svar", "access_token": token},
        timeout=5,
    )
    reply_id = reply.json()["id"]
    thread = http.get(
        f"{sb.base_url}{GRAPH}/{staged[0]['id']}/comments",
        params={"access_token": token},
        timeout=5,
    ).json()
    assert [c["id"] for c in thread["data"]] == [reply_id]
    stream = http.get(
        comments, params={"access_token": token, "filter": "stream", "limit": 100}, timeout=5
    ).json()
    assert reply_id in [c["id"] for c in stream["data"]]
    reverse = http.get(
        comments, params={"access_token": token, "order": "reverse_chronological"}, timeout=5
    ).json()
    assert reverse["data"][0]["id"] == staged[-1]["id"]

    hide = http.post(
        f"{sb.base_url}{GRAPH}/{staged[1]['id']}",
        data={"is_hidden": "true", "access_token": token},
        timeout=5,
    )
    assert hide.json() == {"success": True}
    state = {c["id"]: c for c in sb.state()["platforms"]["facebook"]["comments"]}
    assert state[staged[1]["id"]]["is_hidden"] is True
    delete = http.delete(
        f"{sb.base_url}{GRAPH}/{staged[2]['id']}", params={"access_token": token}, timeout=5
    )
    assert delete.json() == {"success": True}
    assert staged[2]["id"] not in {c["id"] for c in sb.state()["platforms"]["facebook"]["comments"]}


def test_login_dialog_and_token_exchange(sb: SandboxServer, http: requests.Session) -> None:
    info = sb.platforms()["facebook"]
    params = {
        "client_id": info["app_id"],
        "redirect_uri": info["redirect_uris"][0],
        "state": "s1",
        "scope": "pages_show_list,pages_manage_posts",
        "response_type": "code",
    }
    consent = http.get(info["authorize_url"], params=params, timeout=5)
    assert consent.status_code == 200 and "decision" in consent.text
    answer = http.post(
        info["authorize_url"],
        params=params,
        data={"decision": "allow"},
        allow_redirects=False,
        timeout=5,
    )
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["s1"]
    exchange = {
        "client_id": info["app_id"],
        "client_secret": info["app_secret"],
        "redirect_uri": params["redirect_uri"],
        "code": query["code"][0],
    }
    short = http.get(info["token_url"], params=exchange, timeout=5).json()
    assert short["token_type"] == "bearer" and short["expires_in"] > 0
    assert http.get(info["token_url"], params=exchange, timeout=5).json()["error"]["code"] == 100
    long_lived = http.get(
        info["token_url"],
        params={
            "grant_type": "fb_exchange_token",
            "client_id": info["app_id"],
            "client_secret": info["app_secret"],
            "fb_exchange_token": short["access_token"],
        },
        timeout=5,
    ).json()
    assert long_lived["expires_in"] >= 50 * 86400
    accounts = http.get(
        f"{sb.base_url}{GRAPH}/me/accounts",
        params={"access_token": long_lived["access_token"]},
        timeout=5,
    )
    assert accounts.status_code == 200
    denied = http.post(
        info["authorize_url"],
        params=params,
        data={"decision": "deny"},
        allow_redirects=False,
        timeout=5,
    )
    assert parse_qs(urlsplit(denied.headers["Location"]).query)["error"] == ["access_denied"]


# --- issue 11: as strict as the real Graph API -------------------------------------------------


@pytest.fixture
def graph(http: requests.Session) -> requests.Session:
    return http  # the module's `http` validates every answer already


def code_exchange(sb: SandboxServer, http: requests.Session, scope: str) -> dict[str, Any]:
    info = sb.platforms()["facebook"]
    params = {
        "client_id": info["app_id"],
        "redirect_uri": info["redirect_uris"][0],
        "state": "s",
        "scope": scope,
        "response_type": "code",
    }
    answer = http.post(
        info["authorize_url"], params=params, data={"decision": "allow"}, allow_redirects=False
    )
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    exchange = {
        "client_id": info["app_id"],
        "client_secret": info["app_secret"],
        "redirect_uri": params["redirect_uri"],
        "code": code,
    }
    token: dict[str, Any] = http.get(info["token_url"], params=exchange, timeout=5).json()
    return token


def long_lived(sb: SandboxServer, http: requests.Session, short: str) -> dict[str, Any]:
    info = sb.platforms()["facebook"]
    answer: dict[str, Any] = http.get(
        info["token_url"],
        params={
            "grant_type": "fb_exchange_token",
            "client_id": info["app_id"],
            "client_secret": info["app_secret"],
            "fb_exchange_token": short,
        },
        timeout=5,
    ).json()
    return answer


def page_token_of(sb: SandboxServer, http: requests.Session, user: str) -> str:
    body = http.get(
        f"{sb.base_url}{GRAPH}/me/accounts", params={"access_token": user}, timeout=5
    ).json()
    token: str = body["data"][0]["access_token"]
    return token


def post_as(sb: SandboxServer, http: requests.Session, token: str, message: str) -> Any:
    page_id = sb.platforms()["facebook"]["page_ids"][0]
    return http.post(
        f"{sb.base_url}{GRAPH}/{page_id}/feed",
        data={"message": message, "access_token": token},
        timeout=5,
    )


def test_short_lived_tokens_and_their_page_tokens_expire_after_an_hour(
    sb: SandboxServer, graph: requests.Session
) -> None:
    short = code_exchange(sb, graph, "pages_show_list,pages_manage_posts")
    assert short["expires_in"] == 3600
    short_page = page_token_of(sb, graph, short["access_token"])
    lasting = long_lived(sb, graph, short["access_token"])
    assert lasting["expires_in"] == 60 * 86400
    lasting_page = page_token_of(sb, graph, lasting["access_token"])
    assert post_as(sb, graph, short_page, "Före").status_code == 200

    sb.advance(hours=3)
    refused = post_as(sb, graph, short_page, "Efter")
    error = refused.json()["error"]
    assert (refused.status_code, error["code"], error["error_subcode"]) == (400, 190, 463)
    assert "Session has expired" in error["message"]
    user = graph.get(f"{sb.base_url}{GRAPH}/me", params={"access_token": short["access_token"]})
    assert user.json()["error"]["code"] == 190
    assert post_as(sb, graph, lasting_page, "Efter, med långlivad token").status_code == 200

    sb.advance(hours=24 * 61)  # the long-lived user token is gone; its page token is not
    gone = graph.get(
        f"{sb.base_url}{GRAPH}/me/accounts", params={"access_token": lasting["access_token"]}
    )
    assert gone.json()["error"]["error_subcode"] == 463
    assert post_as(sb, graph, lasting_page, "Två månader senare").status_code == 200
    # An expired token cannot be exchanged any more.
    assert long_lived(sb, graph, short["access_token"])["error"]["code"] == 190


def test_invalidated_tokens_answer_190_with_the_reason(
    sb: SandboxServer, graph: requests.Session
) -> None:
    target = page(sb, graph)
    emulated_facebook(sb).invalidate_tokens("password")
    for token in (target["access_token"], user_token(sb)):
        error = graph.get(f"{sb.base_url}{GRAPH}/me", params={"access_token": token}).json()
        assert (error["error"]["code"], error["error"]["error_subcode"]) == (190, 460)


def test_debug_token_reports_validity_expiry_and_scopes(
    sb: SandboxServer, graph: requests.Session
) -> None:
    info = sb.platforms()["facebook"]
    short = code_exchange(sb, graph, "pages_show_list,pages_manage_posts")["access_token"]
    url = f"{sb.base_url}{GRAPH}/debug_token"
    app_token = f"{info['app_id']}|{info['app_secret']}"
    data = graph.get(url, params={"input_token": short, "access_token": app_token}).json()["data"]
    assert data["is_valid"] is True and data["type"] == "USER"
    assert (
        "pages_manage_posts" in data["scopes"] and "pages_manage_engagement" not in data["scopes"]
    )
    assert data["expires_at"] - data["issued_at"] == 3600
    page_data = graph.get(
        url, params={"input_token": page(sb, graph)["access_token"], "access_token": app_token}
    ).json()["data"]
    assert page_data["type"] == "PAGE" and page_data["expires_at"] == 0  # never
    sb.advance(hours=2)
    expired = graph.get(url, params={"input_token": short, "access_token": app_token}).json()
    assert expired["data"]["is_valid"] is False and expired["data"]["error"]["subcode"] == 463


def test_the_login_dialog_takes_only_registered_redirects_by_exact_match(
    sb: SandboxServer, http: requests.Session
) -> None:
    info = sb.platforms()["facebook"]
    registered = info["redirect_uris"][0]
    for uri in (
        registered.replace("28321", "28322"),  # another loopback port
        registered + "?session=1",  # dynamic data belongs in state
        "http://localhost:8123/fb",
    ):
        params = {"client_id": info["app_id"], "redirect_uri": uri, "state": "s"}
        blocked = http.get(info["authorize_url"], params=params, timeout=5)
        assert blocked.status_code == 400 and "URL blocked" in blocked.text
    params = {"client_id": info["app_id"], "redirect_uri": registered, "state": "s"}
    assert http.get(info["authorize_url"], params=params, timeout=5).status_code == 200


def test_feed_edges_page_by_time_and_comments_by_cursor(
    sb: SandboxServer, graph: requests.Session
) -> None:
    target = page(sb, graph)
    staged = {
        sb.stage_public(platform="facebook", kind="mention", author="V", text=f"Inlägg {n}")["id"]
        for n in range(23)
    }
    for edge in ("visitor_posts", "feed"):
        url: str | None = f"{sb.base_url}{GRAPH}/{target['id']}/{edge}"
        params: dict[str, Any] | None = {"access_token": target["access_token"], "limit": 10}
        seen: list[str] = []
        while url:
            body = graph.get(url, params=params, timeout=5).json()
            seen += [p["id"] for p in body["data"]]
            assert "cursors" not in body.get("paging", {})
            url, params = body.get("paging", {}).get("next"), None
        assert len(seen) == len(set(seen)) and staged <= set(seen)


def test_a_cursor_naming_a_deleted_comment_or_an_earlier_world_is_invalid(
    sb: SandboxServer, http: requests.Session
) -> None:
    target = page(sb, http)
    post_id = post_as(sb, http, target["access_token"], "Kommentera här").json()["id"]
    staged = [
        sb.stage_public(
            platform="facebook", kind="comment", author="A", text=f"K {n}", post_id=post_id
        )
        for n in range(2)
    ]
    comments = f"{sb.base_url}{GRAPH}/{post_id}/comments"
    body = http.get(comments, params={"access_token": target["access_token"]}, timeout=5).json()
    after = body["paging"]["cursors"]["after"]
    http.delete(
        f"{sb.base_url}{GRAPH}/{staged[-1]['id']}",
        params={"access_token": target["access_token"]},
        timeout=5,
    )
    refused = http.get(
        comments, params={"access_token": target["access_token"], "after": after}, timeout=5
    ).json()
    assert refused["error"] == {
        **refused["error"],
        "code": 100,
        "message": "(#100) The after cursor is invalid",
    }
    first = http.get(comments, params={"access_token": target["access_token"]}, timeout=5).json()
    kept_after = first["paging"]["cursors"]["after"]
    sb.reset()
    target = page(sb, http)
    post_id = post_as(sb, http, target["access_token"], "Kommentera här").json()["id"]
    sb.stage_public(platform="facebook", kind="comment", author="A", text="K", post_id=post_id)
    after_reset = http.get(
        f"{sb.base_url}{GRAPH}/{post_id}/comments",
        params={"access_token": target["access_token"], "after": kept_after},
        timeout=5,
    ).json()
    assert after_reset["error"]["message"] == "(#100) The after cursor is invalid"


def test_a_comment_staged_for_page_two_lands_on_page_two(
    sb: SandboxServer, http: requests.Session
) -> None:
    info = sb.platforms()["facebook"]
    second = info["page_ids"][1]
    with pytest.raises(StageError, match="no Facebook post"):
        sb.stage_public(platform="facebook", kind="comment", account=second, author="A", text="?")
    token = emulated_facebook(sb).page_token(second)
    own = http.post(
        f"{sb.base_url}{GRAPH}/{second}/feed",
        data={"message": "Bibliotekets öppettider", "access_token": token},
        timeout=5,
    ).json()["id"]
    staged = sb.stage_public(
        platform="facebook", kind="comment", account=second, author="A", text="Och i jul?"
    )
    assert staged["post_id"] == own and staged["account"] == second
    by_name = sb.stage_public(
        platform="facebook",
        kind="comment",
        account="Sandvikens bibliotek",
        author="B",
        text="Tack",
    )
    assert by_name["post_id"] == own


def test_the_contract_checker_catches_what_the_specs_forbid() -> None:
    contract = GraphContract(page_ids=("1",))
    contract.check_answer(
        _operation("GET /{object-id}/comments"),
        200,
        {"data": [{"id": "1_2", "created_time": "yesterday", "shoe_size": 44}]},
    )
    contract.check_request(_operation("GET /{object-id}/comments"), {"order": "newest"})
    contract.check_answer(
        _operation("GET /{page-id}/feed"),
        200,
        {"data": [], "paging": {"cursors": {"after": "x", "before": "y"}}},
    )
    problems = "\n".join(contract.violations)
    for expected in ("created_time", "shoe_size", "order='newest'", "cursors"):
        assert expected in problems
