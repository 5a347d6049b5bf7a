"""The Facebook Pages connector and Facebook Login over real HTTP against the sandbox."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import requests

from desktop_app.app import open_store
from desktop_app.config import resolve_config
from desktop_app.domain.errors import (
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    TemporaryFailure,
)
from desktop_app.domain.networks import Network
from desktop_app.engine.accounts import AccountService, direct_access, sign_in_with_browser
from desktop_app.networks.base import (
    ItemKind,
    MediaUpload,
    ModerationAction,
    PostRequest,
    RemoteStatus,
)
from desktop_app.networks.facebook import (
    NEEDED_SCOPES,
    FacebookConnector,
    InvalidCursor,
    graph_error,
    split_graph_url,
    usage_until,
)
from desktop_app.networks.factory import build_connector
from desktop_app.networks.http import HttpClient
from desktop_app.networks.signin import FacebookSignIn, SignInCancelled
from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore
from tests.support.facebook import emulated_facebook, free_redirect, registered_redirect
from tests.support.facebook_contract import GraphContract
from tests.support.memory_keyring import MemoryKeyring
from tests.support.networks import ConsentBrowser, fast_http, make_account, store_credentials


def connect(
    sandbox: SandboxServer,
    store: SecretStore,
    http_factory: Callable[[], HttpClient],
    page_index: int = 0,
) -> FacebookConnector:
    info = sandbox.platforms()["facebook"]
    store_credentials(store, "fb", info["credentials"])
    account = make_account(
        Network.FACEBOOK, info["base_url"], remote_id=info["page_ids"][page_index], account_id="fb"
    )
    connector = build_connector(account, store, http_factory)
    assert isinstance(connector, FacebookConnector)
    return connector


@pytest.fixture
def fb(
    sandbox: SandboxServer, secret_store: SecretStore, http_factory: Callable[[], HttpClient]
) -> Iterator[FacebookConnector]:
    connector = connect(sandbox, secret_store, http_factory)
    yield connector
    connector.close()


def text(prefix: str = "Biblioteket har nya öppettider") -> str:
    return f"{prefix} ({uuid4().hex[:8]})"


def graph_get(fb: FacebookConnector, path: str, **params: Any) -> Any:
    token = fb._ensure_page_token()
    return requests.get(fb.url(path), params={**params, "access_token": token}, timeout=10).json()


def all_inbox(fb: FacebookConnector, cursor: str | None = None) -> tuple[list[Any], str | None]:
    items: list[Any] = []
    for _ in range(200):
        page = fb.list_inbox(cursor)
        items.extend(page.items)
        cursor = page.cursor
        if not page.has_more:
            break
    return items, cursor


def test_verify_exchanges_the_user_token_for_the_page_token(
    fb: FacebookConnector, sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    identity = fb.verify()
    info = sandbox.platforms()["facebook"]
    assert identity.remote_id == info["page_ids"][0]
    assert identity.display_name
    page_token = secret_store.get("fb", "page_access_token")
    assert page_token and page_token != info["credentials"]["access_token"]
    assert [p["id"] for p in fb.pages()] == info["page_ids"]


def test_several_pages_and_no_page_chosen_is_rejected_with_the_choices(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    info = sandbox.platforms()["facebook"]
    store_credentials(secret_store, "x", info["credentials"])
    connector = build_connector(
        make_account(Network.FACEBOOK, info["base_url"], account_id="x"), secret_store, HttpClient
    )
    with pytest.raises(Rejected) as caught:
        connector.verify()
    assert info["page_ids"][1] in caught.value.reason


def test_publish_link_photo_photos_and_scheduled(
    fb: FacebookConnector, image_file: Path, sandbox: SandboxServer
) -> None:
    link_post = PostRequest(text=text(), idempotency_key="a", link="https://example.org/bibliotek")
    published = fb.publish(link_post)
    assert published.remote_id.startswith(fb.page_id + "_")
    node = graph_get(fb, published.remote_id, fields="message,link")
    assert node["message"] == link_post.text

    one = fb.publish(
        PostRequest(
            text=text(),
            idempotency_key="b",
            media=(MediaUpload(image_file, "image/png", "Bokhyllor i nya biblioteket"),),
        )
    )
    assert one.remote_id and not one.scheduled
    several = fb.publish(
        PostRequest(
            text=text(),
            idempotency_key="c",
            media=(
                MediaUpload(image_file, "image/png", "Entrén"),
                MediaUpload(image_file, "image/png", "Läsesalen"),
            ),
        )
    )
    # One feed post carrying both photos, each with its own alt text (the sandbox's state
    # stands in for the `attachments` field, which it does not emulate).
    state_posts = {p["id"]: p for p in sandbox.state()["platforms"]["facebook"]["posts"]}
    photo_ids = state_posts[several.remote_id]["photo_ids"]
    assert len(photo_ids) == 2
    alts = [graph_get(fb, photo_id, fields="alt_text")["alt_text"] for photo_id in photo_ids]
    assert alts == ["Entrén", "Läsesalen"]
    assert len(state_posts[one.remote_id]["photo_ids"]) == 1

    when = (datetime.now(UTC) + timedelta(hours=3)).replace(microsecond=0)
    scheduled_post = PostRequest(text=text(), idempotency_key="d", scheduled_at=when)
    scheduled = fb.publish(scheduled_post)
    assert scheduled.scheduled and scheduled.published_at is None
    assert fb.find_post(scheduled_post, datetime.now(UTC) - timedelta(minutes=1)) is not None

    found = fb.find_post(link_post, datetime.now(UTC) - timedelta(minutes=5))
    assert found is not None and found.remote_id == published.remote_id
    assert (
        fb.find_post(
            PostRequest(text=text("aldrig publicerat"), idempotency_key="e"),
            datetime.now(UTC) - timedelta(minutes=5),
        )
        is None
    )
    fb.delete_post(published.remote_id)
    assert fb.find_post(link_post, datetime.now(UTC) - timedelta(minutes=5)) is None


def test_comments_inbox_reply_hide_unhide_delete(
    fb: FacebookConnector, sandbox: SandboxServer
) -> None:
    fb.verify()
    _, cursor = all_inbox(fb)  # catch up with the seeded world
    post = fb.publish(PostRequest(text=text("Snöröjningen i helgen"), idempotency_key=str(uuid4())))
    staged = [
        sandbox.stage_public(
            platform="facebook",
            kind="comment",
            account=None,
            author=f"Medborgare {n}",
            text=f"Fråga {n}: när plogas min gata?",
            post_id=post.remote_id,
        )
        for n in range(3)
    ]
    reply_to_first = sandbox.stage_public(
        platform="facebook",
        kind="reply",
        account=None,
        author="Bo",
        text="Samma fråga här",
        post_id=post.remote_id,
        in_reply_to=staged[0]["id"],
    )
    items, cursor = all_inbox(fb, cursor)
    by_id = {i.remote_id: i for i in items}
    for entry in staged:
        assert by_id[entry["id"]].kind is ItemKind.COMMENT
        assert by_id[entry["id"]].root_post_remote_id == post.remote_id
    nested = by_id[reply_to_first["id"]]
    assert nested.kind is ItemKind.REPLY and nested.parent_remote_id == staged[0]["id"]

    first = by_id[staged[0]["id"]]
    answer = fb.reply(first, "Vi plogar i natt.", str(uuid4()))
    assert answer.remote_id
    # The page's own reply is not an inbox item; a later comment is, exactly once.
    later = sandbox.stage_public(
        platform="facebook",
        kind="comment",
        account=None,
        author="Cecilia",
        text="Tack för svaret!",
        post_id=post.remote_id,
    )
    newer, cursor = all_inbox(fb, cursor)
    ids = [i.remote_id for i in newer]
    assert answer.remote_id not in ids
    assert ids.count(later["id"]) == 1
    assert not set(ids) & {s["id"] for s in staged}

    fb.moderate(first, ModerationAction.HIDE)
    hidden = graph_get(fb, first.remote_id, fields="is_hidden")
    assert hidden["is_hidden"] is True
    fb.moderate(first, ModerationAction.UNHIDE)
    assert graph_get(fb, first.remote_id, fields="is_hidden")["is_hidden"] is False
    with pytest.raises(Rejected):
        fb.moderate(first, ModerationAction.SPAM)
    fb.moderate(first, ModerationAction.DELETE)
    assert "error" in graph_get(fb, first.remote_id, fields="id")


def test_comment_pages_follow_the_cursor_until_no_next(
    fb: FacebookConnector, sandbox: SandboxServer
) -> None:
    fb.verify()
    _, cursor = all_inbox(fb)
    post = fb.publish(
        PostRequest(text=text("Vad tycker du om nya badhuset?"), idempotency_key=str(uuid4()))
    )
    staged = {
        sandbox.stage_public(
            platform="facebook",
            kind="comment",
            account=None,
            author=f"Person {n}",
            text=f"Åsikt {n}",
            post_id=post.remote_id,
        )["id"]
        for n in range(130)
    }
    items, _ = all_inbox(fb, cursor)
    assert staged <= {i.remote_id for i in items}


def test_hidden_comment_is_reported_hidden(fb: FacebookConnector, sandbox: SandboxServer) -> None:
    fb.verify()
    _, cursor = all_inbox(fb)
    post = fb.publish(PostRequest(text=text("Dold?"), idempotency_key=str(uuid4())))
    staged = sandbox.stage_public(
        platform="facebook",
        kind="comment",
        account=None,
        author="Troll",
        text="Köp billiga klockor",
        post_id=post.remote_id,
    )
    item = next(i for i in all_inbox(fb, cursor)[0] if i.remote_id == staged["id"])
    fb.moderate(item, ModerationAction.HIDE)
    again = next(i for i in all_inbox(fb, None)[0] if i.remote_id == staged["id"])
    assert again.status is RemoteStatus.HIDDEN


def test_an_expired_page_token_is_replaced_from_the_user_token(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    secret_store.set("fb", "page_access_token", "EAAstale-page-token-0000")
    fb = connect(sandbox, secret_store, HttpClient)
    post = fb.publish(PostRequest(text=text(), idempotency_key="z"))
    assert post.remote_id
    assert secret_store.get("fb", "page_access_token") != "EAAstale-page-token-0000"


# --- faults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "action", "expected"),
    [
        ("POST /v*/*/feed:commit-drop", "publish", OutcomeUnknown),
        ("POST /v*/*/feed:status=500", "publish", OutcomeUnknown),
        ("POST /v*/*/feed:status=503", "publish", OutcomeUnknown),
        ("POST /v*/*/feed:status=400", "publish", Rejected),
        ("POST /v*/*/feed:reset", "publish", OutcomeUnknown),
        ("POST /v*/*/feed:hang", "publish", OutcomeUnknown),
        ("POST /v*/*/feed:bad-json", "publish", OutcomeUnknown),
        ("POST /v*/*/feed:ratelimit", "publish", RateLimited),
        ("POST /v*/*/feed:expired-token", "publish", AuthExpired),
        ("GET /v*/*/comments:status=500", "inbox", TemporaryFailure),
        ("GET /v*/*/comments:reset", "inbox", TemporaryFailure),
        ("GET /v*/*/comments:hang", "inbox", TemporaryFailure),
        ("GET /v*/*/comments:bad-json", "inbox", TemporaryFailure),
        ("GET /v*/*/comments:ratelimit", "inbox", RateLimited),
        ("GET /v*/me/accounts:expired-token", "verify", AuthExpired),
        ("GET /v*/me/accounts:ratelimit", "verify", RateLimited),
    ],
)
def test_faults_map_to_the_shared_errors(
    fb: FacebookConnector,
    sandbox: SandboxServer,
    fault: str,
    action: str,
    expected: type[Exception],
) -> None:
    fb.verify()
    post = fb.publish(PostRequest(text=text(), idempotency_key="f"))
    sandbox.stage_public(
        platform="facebook",
        kind="comment",
        account=None,
        author="A",
        text="Hej",
        post_id=post.remote_id,
    )
    sandbox.set_faults([fault])
    with pytest.raises(expected) as caught:
        if action == "publish":
            fb.publish(PostRequest(text=text(), idempotency_key="g"))
        elif action == "inbox":
            for _ in range(50):
                if not fb.list_inbox(None).has_more:
                    break
        else:
            fb.verify()
    token = sandbox.platforms()["facebook"]["credentials"]["access_token"]
    assert token not in str(caught.value)
    if isinstance(caught.value, RateLimited):
        assert caught.value.until > datetime.now(UTC)


def test_commit_drop_then_find_post_finds_the_one_post(
    fb: FacebookConnector, sandbox: SandboxServer
) -> None:
    fb.verify()
    post = PostRequest(text=text("Vattenavstängning på Kungsgatan"), idempotency_key="h")
    sandbox.set_faults(["POST /v*/*/feed:commit-drop"])
    with pytest.raises(OutcomeUnknown):
        fb.publish(post)
    sandbox.set_faults([])
    found = fb.find_post(post, datetime.now(UTC) - timedelta(minutes=1))
    assert found is not None
    posts = [
        p
        for p in sandbox.state()["platforms"]["facebook"]["posts"]
        if p.get("message") == post.text
    ]
    assert len(posts) == 1


def test_page_rate_limit_uses_the_business_use_case_estimate(
    fb: FacebookConnector, sandbox: SandboxServer
) -> None:
    fb.verify()
    sandbox.set_faults(["POST /v*/*/feed:ratelimit"])
    with pytest.raises(RateLimited) as caught:
        fb.publish(PostRequest(text=text(), idempotency_key="i"))
    minutes = (caught.value.until - datetime.now(UTC)).total_seconds() / 60
    assert 14 <= minutes <= 16  # the sandbox says estimated_time_to_regain_access = 15


def test_usage_headers_without_an_estimate() -> None:
    response = requests.Response()
    response.headers["X-App-Usage"] = '{"call_count": 100, "total_cputime": 3, "total_time": 4}'
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert usage_until(response, now) == now + timedelta(minutes=60)
    calm = requests.Response()
    assert usage_until(calm, now) == now + timedelta(minutes=5)


def test_graph_version_is_configurable() -> None:
    assert split_graph_url("https://graph.facebook.com") == ("https://graph.facebook.com", "v25.0")
    assert split_graph_url("https://graph.facebook.com/v24.0/") == (
        "https://graph.facebook.com",
        "v24.0",
    )


def test_other_graph_version_reaches_the_sandbox(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    info = sandbox.platforms()["facebook"]
    store_credentials(secret_store, "v", info["credentials"])
    account = make_account(
        Network.FACEBOOK, info["base_url"] + "/v24.0", remote_id=info["page_ids"][0], account_id="v"
    )
    connector = build_connector(account, secret_store, HttpClient)
    assert isinstance(connector, FacebookConnector)
    assert connector.version == "v24.0"
    assert connector.verify().remote_id == info["page_ids"][0]


# --- Facebook Login end to end -------------------------------------------------------------------


def test_facebook_login_then_page_token_end_to_end(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    info = sandbox.platforms()["facebook"]
    root, version = split_graph_url(info["base_url"])
    browser = ConsentBrowser()
    http = HttpClient()
    tokens = FacebookSignIn(
        root,
        version,
        info["app_id"],
        http,
        info.get("app_secret"),
        open_browser=browser,
        timeout=20,
    ).run()
    assert browser.visited and "code_challenge_method=S256" in browser.visited[0]
    user_token = tokens["access_token"]
    secret_store.set("login", "access_token", user_token)
    account = make_account(
        Network.FACEBOOK, info["base_url"], remote_id=info["page_ids"][0], account_id="login"
    )
    connector = build_connector(account, secret_store, HttpClient)
    identity = connector.verify()
    assert identity.remote_id == info["page_ids"][0]
    page_token = secret_store.get("login", "page_access_token")
    assert page_token and page_token != user_token
    assert connector.publish(
        PostRequest(text=text("Inloggad via webbläsaren"), idempotency_key="j")
    ).remote_id


def test_facebook_login_denied_is_cancelled(sandbox: SandboxServer) -> None:
    info = sandbox.platforms()["facebook"]
    root, version = split_graph_url(info["base_url"])
    with pytest.raises(SignInCancelled):
        FacebookSignIn(
            root,
            version,
            info["app_id"],
            HttpClient(),
            info.get("app_secret"),
            open_browser=ConsentBrowser("deny"),
            timeout=20,
        ).run()


def test_visitor_posts_on_the_page_are_mentions_read_once_across_pages(
    fb: FacebookConnector, sandbox: SandboxServer
) -> None:
    fb.verify()
    _, cursor = all_inbox(fb)  # catch up with the seeded world
    staged = [
        sandbox.stage_public(
            platform="facebook",
            kind="mention",
            account=None,
            author=f"Besökare {n}",
            text=f"Inlägg {n} på sidan: när öppnar biblioteket?",
        )
        for n in range(130)  # more than one Graph page of 100
    ]
    items, cursor = all_inbox(fb, cursor)
    mentions = [i for i in items if i.kind is ItemKind.MENTION]
    assert sorted(i.remote_id for i in mentions) == sorted(s["id"] for s in staged)
    first = next(i for i in mentions if i.remote_id == staged[0]["id"])
    assert first.author_name == "Besökare 0" and first.author_handle == staged[0]["author_id"]
    assert first.text == staged[0]["text"] and first.parent_remote_id is None
    assert first.url.startswith("https://www.facebook.com/")

    # The next pass brings only what is new: one more visitor post and a comment on a visitor's
    # post (visitors' posts are in the page's feed, so their comments are followed too).
    later = sandbox.stage_public(
        platform="facebook", kind="mention", account=None, author="Dora", text="Hej igen!"
    )
    answer = sandbox.stage_public(
        platform="facebook",
        kind="comment",
        account=None,
        author="Erik",
        text="Samma undran",
        post_id=staged[-1]["id"],
    )
    newer, cursor = all_inbox(fb, cursor)
    by_id = {i.remote_id: i for i in newer}
    assert by_id[later["id"]].kind is ItemKind.MENTION
    assert by_id[answer["id"]].kind is ItemKind.COMMENT
    assert by_id[answer["id"]].root_post_remote_id == staged[-1]["id"]
    assert not {i.remote_id for i in newer} & {s["id"] for s in staged}
    again, _ = all_inbox(fb, cursor)
    assert not [i for i in again if i.kind is ItemKind.MENTION]


def test_a_visitor_walk_resumes_from_its_cursor_after_a_failed_page(
    fb: FacebookConnector, sandbox: SandboxServer
) -> None:
    fb.verify()
    _, cursor = all_inbox(fb)
    staged = {
        sandbox.stage_public(
            platform="facebook", kind="mention", account=None, author="V", text=f"Fråga {n}"
        )["id"]
        for n in range(150)
    }
    got: list[Any] = []
    failed = 0
    for _ in range(100):
        try:
            page = fb.list_inbox(cursor)
        except TemporaryFailure:
            failed += 1
            sandbox.set_faults([])
            continue
        got.extend(page.items)
        cursor = page.cursor
        if page.items and any(i.kind is ItemKind.MENTION for i in page.items):
            # After the first page of visitors' posts, the next one fails once.
            sandbox.set_faults(["GET /v*/*/visitor_posts:status=500"] if not failed else [])
        if not page.has_more:
            break
    assert failed == 1
    mention_ids = [i.remote_id for i in got if i.kind is ItemKind.MENTION]
    assert sorted(mention_ids) == sorted(staged)


# --- issue 11: day one on the real Graph API ---------------------------------------------------


def sign_in(sandbox: SandboxServer, app_secret: str | None) -> dict[str, Any]:
    info = sandbox.platforms()["facebook"]
    root, version = split_graph_url(info["base_url"])
    return FacebookSignIn(
        root,
        version,
        info["app_id"],
        HttpClient(),
        app_secret,
        open_browser=ConsentBrowser(),
        timeout=20,
        redirect_uri=registered_redirect(sandbox),
    ).run()


def signed_in_connector(
    sandbox: SandboxServer, store: SecretStore, token: str, account_id: str
) -> FacebookConnector:
    info = sandbox.platforms()["facebook"]
    store.set(account_id, "access_token", token)
    account = make_account(
        Network.FACEBOOK, info["base_url"], remote_id=info["page_ids"][0], account_id=account_id
    )
    connector = build_connector(account, store, HttpClient)
    assert isinstance(connector, FacebookConnector)
    return connector


def test_a_signed_in_account_still_publishes_after_three_simulated_hours(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    tokens = sign_in(sandbox, sandbox.platforms()["facebook"]["app_secret"])
    assert tokens["long_lived"] is True and tokens["expires_in"] >= 50 * 86400
    connector = signed_in_connector(sandbox, secret_store, tokens["access_token"], "ll")
    connector.verify()
    sandbox.advance(hours=3)
    assert connector.publish(PostRequest(text=text("Tre timmar senare"), idempotency_key="k"))
    # A fresh start (no page token cached) derives a page token from the 60-day user token.
    secret_store.delete("ll", "page_access_token")
    again = signed_in_connector(sandbox, secret_store, tokens["access_token"], "ll")
    assert again.publish(PostRequest(text=text("Ny start"), idempotency_key="l")).remote_id


def test_a_short_lived_sign_in_is_refused_after_an_hour_with_sign_in_again(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    # A token as the code exchange gives it, never exchanged (pasted from a Graph tool, say).
    scopes = ["pages_show_list", *NEEDED_SCOPES]
    token = emulated_facebook(sandbox).issue_user_token(3600, scopes)["token"]
    connector = signed_in_connector(sandbox, secret_store, token, "sl")
    connector.verify()
    health = connector.check()
    assert [f.topic for f in health.findings if f.severity.value == "problem"] == ["expiry"]
    sandbox.advance(hours=3)
    with pytest.raises(AuthExpired):
        connector.publish(PostRequest(text=text(), idempotency_key="m"))


def test_sign_in_with_an_unregistered_redirect_is_blocked(sandbox: SandboxServer) -> None:
    info = sandbox.platforms()["facebook"]
    root, version = split_graph_url(info["base_url"])
    with pytest.raises(AssertionError, match="URL blocked"):  # the browser stays there
        FacebookSignIn(
            root,
            version,
            info["app_id"],
            HttpClient(),
            info["app_secret"],
            open_browser=ConsentBrowser(),
            timeout=5,
            redirect_uri=free_redirect(),  # free, but not on the app's list
        ).run()


def test_a_busy_redirect_port_is_a_clear_refusal(sandbox: SandboxServer) -> None:
    info = sandbox.platforms()["facebook"]
    root, version = split_graph_url(info["base_url"])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        browser = ConsentBrowser()
        with pytest.raises(Rejected) as caught:
            FacebookSignIn(
                root,
                version,
                info["app_id"],
                HttpClient(),
                info["app_secret"],
                open_browser=browser,
                timeout=5,
                redirect_uri=f"http://127.0.0.1:{port}/facebook/callback",
            ).run()
    assert str(port) in str(caught.value.reason) and not browser.visited


def test_plain_http_to_a_real_host_is_refused(secret_store: SecretStore) -> None:
    secret_store.set("h", "access_token", "EAAsecret")
    account = make_account(Network.FACEBOOK, "http://graph.facebook.com/v25.0", account_id="h")
    with pytest.raises(Rejected) as caught:
        build_connector(account, secret_store, HttpClient)
    assert "https" in str(caught.value.reason)
    with pytest.raises(Rejected):
        FacebookSignIn("http://graph.example.org", "v25.0", "1", HttpClient(), "s").run()


def graph_answer(status: int, error: dict[str, Any]) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps({"error": error}).encode()
    return response


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ({"code": 190, "error_subcode": 463, "message": "Session has expired"}, AuthExpired),
        ({"code": 190, "error_subcode": 467, "message": "Invalid token"}, AuthExpired),
        ({"code": 102, "message": "Session key invalid"}, AuthExpired),
        ({"code": 200, "message": "(#200) Permissions error"}, Rejected),
        ({"code": 10, "message": "(#10) This content isn't available right now"}, Rejected),
        ({"code": 283, "message": "(#283) Requires pages_read_engagement permission"}, AuthExpired),
        ({"code": 230, "message": "(#230) Requires pages_messaging"}, AuthExpired),
        ({"code": 100, "message": "(#100) The after cursor is invalid"}, InvalidCursor),
    ],
)
def test_only_token_and_missing_permission_errors_ask_for_a_new_sign_in(
    error: dict[str, Any], expected: type[Exception]
) -> None:
    mapped = graph_error(graph_answer(400, {"type": "OAuthException", **error}), replay_safe=True)
    assert type(mapped) is expected
    if expected is Rejected:
        assert isinstance(mapped, Rejected) and mapped.reason == error["message"]


def test_deleting_the_newest_comment_does_not_stop_new_comments(
    fb: FacebookConnector, sandbox: SandboxServer
) -> None:
    fb.verify()
    post = fb.publish(PostRequest(text=text(), idempotency_key="n"))
    staged = [
        sandbox.stage_public(
            platform="facebook",
            kind="comment",
            author="A",
            text=f"Fråga {n}",
            post_id=post.remote_id,
        )
        for n in range(3)
    ]
    items, cursor = all_inbox(fb)
    newest = next(i for i in items if i.remote_id == staged[-1]["id"])
    fb.moderate(newest, ModerationAction.DELETE)  # the stored cursor now names a deleted comment
    later = sandbox.stage_public(
        platform="facebook", kind="comment", author="B", text="Ny fråga", post_id=post.remote_id
    )
    newer, cursor = all_inbox(fb, cursor)
    assert later["id"] in {i.remote_id for i in newer}
    afterwards = sandbox.stage_public(
        platform="facebook", kind="comment", author="C", text="En till", post_id=post.remote_id
    )
    latest, _ = all_inbox(fb, cursor)
    assert [i.remote_id for i in latest if i.remote_id == afterwards["id"]] == [afterwards["id"]]


def test_comments_still_arrive_after_the_emulator_is_reset(
    fb: FacebookConnector, sandbox: SandboxServer
) -> None:
    fb.verify()
    seeded = sandbox.platforms()["facebook"]["page_ids"][0]
    first = sandbox.stage_public(platform="facebook", kind="comment", author="A", text="Hej")
    items, cursor = all_inbox(fb)
    assert first["id"] in {i.remote_id for i in items}
    sandbox.reset()
    assert sandbox.platforms()["facebook"]["page_ids"][0] == seeded
    fresh = connect(sandbox, SecretStore(MemoryKeyring()), HttpClient)
    again = sandbox.stage_public(platform="facebook", kind="comment", author="B", text="Igen")
    after_reset, _ = all_inbox(fresh, cursor)
    assert again["id"] in {i.remote_id for i in after_reset}


def test_check_reports_validity_scopes_page_and_usage(fb: FacebookConnector) -> None:
    health = fb.check()
    assert health.token_valid is True and health.ok
    assert health.name == "Sandvikens kommun"
    assert health.missing_scopes == ()
    assert health.expires_at is not None  # the demo user token lasts 60 days
    assert health.usage_percent is not None
    assert {f.topic for f in health.findings} >= {"expiry", "permissions", "identity", "rate_limit"}
    assert all(f.action for f in health.findings if f.severity.value != "ok")


def test_check_names_missing_permissions_with_an_action(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    info = sandbox.platforms()["facebook"]
    token = emulated_facebook(sandbox).issue_user_token(
        86400 * 60, ["pages_show_list", "pages_manage_posts"]
    )["token"]
    connector = signed_in_connector(sandbox, secret_store, token, "scopes")
    health = connector.check()
    assert set(health.missing_scopes) == {
        "pages_read_engagement",
        "pages_manage_engagement",
        "pages_read_user_content",
    }
    problem = next(f for f in health.findings if f.topic == "permissions")
    assert problem.severity.value == "problem" and "App Review" in problem.action
    assert not health.ok
    emulated_facebook(sandbox).invalidate_tokens("password")
    revoked = connector.check()
    assert revoked.token_valid is False
    assert "Sign in again" in revoked.findings[0].action
    assert info["app_id"]


def test_every_request_and_answer_of_a_working_day_matches_the_graph_specs(
    sandbox: SandboxServer, secret_store: SecretStore, image_file: Path
) -> None:
    """The connector's requests (parameters, enum values) and the emulator's answers (fields and
    types of Page, PagePost, Comment, Photo; envelopes and paging as in Meta's samples)."""
    info = sandbox.platforms()["facebook"]
    contract = GraphContract(page_ids=tuple(info["page_ids"]))

    def recorded_http() -> HttpClient:
        client = fast_http()
        client.session.hooks["response"].append(contract.record)
        return client

    for n in range(120):  # more than one page of visitors' posts: time-based `next`
        sandbox.stage_public(platform="facebook", kind="mention", author="V", text=f"Besök {n}")
    fb = connect(sandbox, secret_store, recorded_http)
    fb.verify()
    fb.publish(PostRequest(text=text(), idempotency_key="c1", link="https://example.org/a"))
    fb.publish(
        PostRequest(
            text=text(), idempotency_key="c2", media=(MediaUpload(image_file, "image/png", "Alt"),)
        )
    )
    post = fb.publish(
        PostRequest(
            text=text(),
            idempotency_key="c3",
            media=(
                MediaUpload(image_file, "image/png", "Ett"),
                MediaUpload(image_file, "image/png", "Två"),
            ),
        )
    )
    for n in range(3):
        sandbox.stage_public(
            platform="facebook", kind="comment", author="A", text=f"K {n}", post_id=post.remote_id
        )
    items, _ = all_inbox(fb)
    comment = next(i for i in items if i.kind is ItemKind.COMMENT)
    fb.reply(comment, "Tack!", "r1")
    fb.moderate(comment, ModerationAction.HIDE)
    fb.moderate(comment, ModerationAction.UNHIDE)
    fb.moderate(comment, ModerationAction.DELETE)
    scheduled = PostRequest(
        text=text(),
        idempotency_key="c4",
        scheduled_at=datetime.now(UTC) + timedelta(hours=2),
    )
    fb.publish(scheduled)
    assert fb.find_post(scheduled, datetime.now(UTC) - timedelta(minutes=1)) is not None
    fb.check()
    fb.delete_post(post.remote_id)
    fb.close()
    contract.assert_valid()
    assert not contract.unknown
    assert contract.validated >= {
        "GET /me/accounts",
        "GET /{page-id}/feed",
        "GET /{page-id}/visitor_posts",
        "GET /{page-id}/scheduled_posts",
        "POST /{page-id}/feed",
        "POST /{page-id}/photos",
        "GET /{object-id}/comments",
        "POST /{object-id}/comments",
        "GET /{post-id}",
        "POST /{comment-id}",
        "DELETE /{comment-id}",
        "DELETE /{post-id}",
        "GET /{page-id}",
        "GET /debug_token",
    }


def test_check_falls_back_to_the_users_permissions_when_debug_token_is_refused(
    fb: FacebookConnector, sandbox: SandboxServer
) -> None:
    emulated_facebook(sandbox).refuse_debug_token()
    health = fb.check()
    assert health.token_valid is True and health.missing_scopes == () and health.ok
    assert health.expires_at is None


def test_an_account_added_through_the_browser_sign_in_publishes_three_hours_later(
    sandbox: SandboxServer, secret_store: SecretStore, tmp_path: Path
) -> None:
    """The whole path a person takes: sign in (code, then the 60-day exchange), add the account,
    and three simulated hours later the account's connector still publishes."""
    info = sandbox.platforms()["facebook"]
    store = open_store(resolve_config(data_dir=str(tmp_path / "data")))
    try:
        service = AccountService(direct_access(store), secret_store, fast_http)
        credentials = sign_in_with_browser(
            Network.FACEBOOK,
            info["base_url"],
            ConsentBrowser(),
            app_id=info["app_id"],
            app_secret=info["app_secret"],
            redirect_uri=registered_redirect(sandbox),
            timeout=20,
        )
        account = service.add(Network.FACEBOOK, info["base_url"], credentials, info["page_ids"][0])
        sandbox.advance(hours=3)
        connector = build_connector(account, secret_store, fast_http)
        published = connector.publish(PostRequest(text=text("Efter lunch"), idempotency_key="x"))
        assert published.remote_id.startswith(info["page_ids"][0])
        assert service.verify(account.id).status.value == "working"
        connector.close()
    finally:
        store.dispose()
