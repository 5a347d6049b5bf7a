"""The X connector against the sandbox: OAuth 2.0 PKCE with rotating refresh tokens, OAuth 1.0a."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import requests

from desktop_app.domain.errors import (
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    TemporaryFailure,
)
from desktop_app.domain.networks import Network
from desktop_app.networks.base import ItemKind, MediaUpload, ModerationAction, PostRequest
from desktop_app.networks.factory import build_connector
from desktop_app.networks.http import HttpClient
from desktop_app.networks.signin import SignInCancelled, XSignIn
from desktop_app.networks.x import XConnector, x_error
from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore
from tests.support.contract_x import XContract
from tests.support.memory_keyring import MemoryKeyring, SimulatedCrash
from tests.support.networks import ConsentBrowser, fast_http, make_account, store_credentials


@pytest.fixture
def x_contract(sandbox: SandboxServer) -> Iterator[XContract]:
    """Every request the connector sends, and every answer it gets, against X's OpenAPI."""
    contract = XContract(
        x_base=f"{sandbox.base_url}/x",
        requests=True,
        answers_apply=lambda: not sandbox.faults(),  # injected faults answer off-contract
    )
    yield contract
    contract.assert_valid()


@pytest.fixture
def http_factory(x_contract: XContract) -> Callable[[], HttpClient]:
    """The connectors' HTTP clients, with the contract checks attached."""

    def make() -> HttpClient:
        http = fast_http()
        x_contract.attach(http.session)
        return http

    return make


def connect(
    sandbox: SandboxServer,
    store: SecretStore,
    http_factory: Callable[[], HttpClient] = HttpClient,
    which: str = "credentials",
    account_id: str = "x",
) -> XConnector:
    info = sandbox.platforms()["x"]
    if not store.names(account_id):
        store_credentials(store, account_id, info[which])
    connector = build_connector(
        make_account(Network.X, info["base_url"], account_id=account_id), store, http_factory
    )
    assert isinstance(connector, XConnector)
    return connector


@pytest.fixture(params=["credentials", "credentials_oauth1"], ids=["oauth2", "oauth1"])
def x(
    request: pytest.FixtureRequest,
    sandbox: SandboxServer,
    secret_store: SecretStore,
    http_factory: Callable[[], HttpClient],
) -> Iterator[XConnector]:
    connector = connect(sandbox, secret_store, http_factory, request.param)
    yield connector
    connector.close()


@pytest.fixture
def x2(
    sandbox: SandboxServer, secret_store: SecretStore, http_factory: Callable[[], HttpClient]
) -> Iterator[XConnector]:
    connector = connect(sandbox, secret_store, http_factory)
    yield connector
    connector.close()


def unique(text: str = "Biblioteket öppnar klockan tio") -> str:
    return f"{text} #{uuid4().hex[:6]}"


def test_verify_publish_find_reply_hide_delete(
    x: XConnector, sandbox: SandboxServer, image_file: Path
) -> None:
    me = x.verify()
    assert me.handle == "@" + sandbox.platforms()["x"]["username"]
    post = PostRequest(
        text=unique() + " https://example.org/bibliotek/oppettider/vinter",
        idempotency_key="a",
        media=(MediaUpload(image_file, "image/png", ""),),
    )
    published = x.publish(post)
    assert published.url.endswith(published.remote_id)
    tweets = {t["id"]: t for t in sandbox.state()["platforms"]["x"]["posts"]}
    assert len(tweets[published.remote_id]["media_keys"]) == 1
    # find_post matches although X shortened the link to t.co.
    found = x.find_post(post, datetime.now(UTC) - timedelta(minutes=2))
    assert found is not None and found.remote_id == published.remote_id
    assert (
        x.find_post(PostRequest(text=unique("aldrig"), idempotency_key="b"), datetime.now(UTC))
        is None
    )

    staged = sandbox.stage_public(
        platform="x",
        kind="reply",
        account=None,
        author="anna",
        text=f"{me.handle} När öppnar ni på söndag?",
        in_reply_to=published.remote_id,
    )
    page = x.list_inbox(None)
    item = next(i for i in page.items if i.remote_id == staged["id"])
    assert item.kind is ItemKind.REPLY
    assert item.parent_remote_id == published.remote_id
    reply_text = unique("Klockan tolv")
    answer = x.reply(item, reply_text, "c")
    again = x.find_post(
        PostRequest(text=reply_text, idempotency_key="d", reply_to=item.remote_id),
        datetime.now(UTC) - timedelta(minutes=2),
    )
    assert again is not None and again.remote_id == answer.remote_id
    elsewhere = PostRequest(text=reply_text, idempotency_key="d", reply_to=published.remote_id)
    assert x.find_post(elsewhere, datetime.now(UTC) - timedelta(minutes=2)) is None
    x.moderate(item, ModerationAction.HIDE)
    x.moderate(item, ModerationAction.UNHIDE)
    with pytest.raises(Rejected):
        x.moderate(item, ModerationAction.DELETE)
    later = x.list_inbox(page.cursor)
    assert staged["id"] not in {i.remote_id for i in later.items}
    assert answer.remote_id not in {i.remote_id for i in later.items}
    x.delete_post(published.remote_id)
    assert x.find_post(post, datetime.now(UTC) - timedelta(minutes=2)) is None


def test_image_alt_text_is_set(x2: XConnector, image_file: Path, sandbox: SandboxServer) -> None:
    published = x2.publish(
        PostRequest(
            text=unique(),
            idempotency_key="e",
            media=(MediaUpload(image_file, "image/png", "Bibliotekets entré"),),
        )
    )
    state = sandbox.state()["platforms"]["x"]
    keys = next(t["media_keys"] for t in state["posts"] if t["id"] == published.remote_id)
    alts = [m["alt_text"] for m in state["media"] if m["media_key"] in keys]
    assert alts == ["Bibliotekets entré"]


def test_duplicate_content_is_rejected_with_a_clear_reason(x2: XConnector) -> None:
    post = PostRequest(text=unique("Samma text två gånger"), idempotency_key="f")
    x2.publish(post)
    with pytest.raises(Rejected) as caught:
        x2.publish(post)
    assert "duplicate" in caught.value.reason  # X's own words; the window translates the kind


def test_mentions_page_with_pagination_token_and_since_id(
    x2: XConnector, sandbox: SandboxServer
) -> None:
    me = x2.verify()
    first = x2.list_inbox(None)
    cursor = first.cursor
    while x2.list_inbox(cursor).has_more:  # catch up
        cursor = x2.list_inbox(cursor).cursor
    staged = {
        sandbox.stage_public(
            platform="x",
            kind="mention",
            account=None,
            author=f"person{n}",
            text=f"{me.handle} fråga {n}",
        )["id"]
        for n in range(130)
    }
    seen: list[str] = []
    pages = 0
    while True:
        page = x2.list_inbox(cursor)
        pages += 1
        seen.extend(i.remote_id for i in page.items)
        cursor = page.cursor
        if not page.has_more:
            break
    assert staged <= set(seen)
    assert len(seen) == len(set(seen))
    assert pages >= 2
    assert all(
        i.kind is ItemKind.MENTION for i in x2.list_inbox(None).items if i.remote_id in staged
    )
    assert x2.list_inbox(cursor).items == ()


# --- faults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "action", "expected"),
    [
        ("POST /2/tweets:commit-drop", "publish", OutcomeUnknown),
        ("POST /2/tweets:status=503", "publish", OutcomeUnknown),
        ("POST /2/tweets:status=500", "publish", OutcomeUnknown),
        ("POST /2/tweets:status=400", "publish", Rejected),
        ("POST /2/tweets:reset", "publish", OutcomeUnknown),
        ("POST /2/tweets:hang", "publish", OutcomeUnknown),
        ("POST /2/tweets:bad-json", "publish", OutcomeUnknown),
        ("POST /2/tweets:ratelimit", "publish", RateLimited),
        ("POST /2/tweets:expired-token", "publish", AuthExpired),
        ("GET /2/users/*/mentions:status=503", "inbox", TemporaryFailure),
        ("GET /2/users/*/mentions:reset", "inbox", TemporaryFailure),
        ("GET /2/users/*/mentions:hang", "inbox", TemporaryFailure),
        ("GET /2/users/*/mentions:bad-json", "inbox", TemporaryFailure),
        ("GET /2/users/*/mentions:ratelimit", "inbox", RateLimited),
        ("GET /2/users/me:expired-token", "verify", AuthExpired),
    ],
)
def test_faults_map_to_the_shared_errors(
    x: XConnector, sandbox: SandboxServer, fault: str, action: str, expected: type[Exception]
) -> None:
    x.verify()
    sandbox.set_faults([fault])
    with pytest.raises(expected) as caught:
        if action == "publish":
            x.publish(PostRequest(text=unique(), idempotency_key="g"))
        elif action == "inbox":
            x.list_inbox(None)
        else:
            x.verify()
    for group in ("credentials", "credentials_oauth1"):
        for value in sandbox.platforms()["x"][group].values():
            assert value not in str(caught.value)
    if isinstance(caught.value, RateLimited):
        assert caught.value.until > datetime.now(UTC)


def test_commit_drop_then_find_post_finds_exactly_one(
    x2: XConnector, sandbox: SandboxServer
) -> None:
    x2.verify()
    post = PostRequest(
        text=unique("Vattenläcka på Kungsgatan https://example.org/vatten"), idempotency_key="h"
    )
    sandbox.set_faults(["POST /2/tweets:commit-drop"])
    with pytest.raises(OutcomeUnknown):
        x2.publish(post)
    sandbox.set_faults([])
    found = x2.find_post(post, datetime.now(UTC) - timedelta(minutes=1))
    assert found is not None
    assert [
        t["id"] for t in sandbox.state()["platforms"]["x"]["posts"] if t["id"] == found.remote_id
    ]


# --- OAuth 2.0: sign-in, refresh, rotation, crash safety -----------------------------------------


def sign_in(sandbox: SandboxServer, store: SecretStore, account_id: str = "signed") -> XConnector:
    info = sandbox.platforms()["x"]
    client_id = info["credentials"]["client_id"]
    browser = ConsentBrowser()
    tokens = XSignIn(
        info["base_url"], client_id, HttpClient(), open_browser=browser, timeout=20
    ).run()
    assert "code_challenge_method=S256" in browser.visited[0]
    assert tokens["refresh_token"] and tokens["access_token"]
    store.set(account_id, "client_id", client_id)
    store.set(account_id, "access_token", tokens["access_token"])
    store.set(account_id, "refresh_token", tokens["refresh_token"])
    connector = build_connector(
        make_account(Network.X, info["base_url"], account_id=account_id), store, HttpClient
    )
    assert isinstance(connector, XConnector)
    return connector


def test_pkce_sign_in_then_refresh_rotates_and_is_saved(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    x = sign_in(sandbox, secret_store)
    assert x.verify().handle
    first_refresh = secret_store.get("signed", "refresh_token")
    sandbox.advance(hours=3)  # the two-hour access token has expired on the platform
    post = x.publish(PostRequest(text=unique("Efter förnyelse"), idempotency_key="i"))
    assert post.remote_id
    second_refresh = secret_store.get("signed", "refresh_token")
    assert second_refresh and second_refresh != first_refresh
    # Proven by the successful call: the spent token is no longer kept.
    assert secret_store.get("signed", "previous_refresh_token") is None
    # A new process (new connector) carries on with what the keyring holds.
    sandbox.advance(hours=3)
    again = connect(sandbox, secret_store, account_id="signed")
    assert again.verify().handle
    assert secret_store.get("signed", "refresh_token") not in (first_refresh, second_refresh)


def test_sign_in_denied_is_cancelled(sandbox: SandboxServer) -> None:
    info = sandbox.platforms()["x"]
    with pytest.raises(SignInCancelled):
        XSignIn(
            info["base_url"],
            info["credentials"]["client_id"],
            HttpClient(),
            open_browser=ConsentBrowser("deny"),
            timeout=20,
        ).run()


def crash_when_writing(backend: MemoryKeyring, name: str) -> None:
    def hook(username: str, _value: str) -> None:
        if username.endswith("/" + name):
            backend.before_set = None
            raise SimulatedCrash(name)

    backend.before_set = hook


def test_crash_after_the_new_refresh_token_is_written_loses_nothing(
    sandbox: SandboxServer, keyring_backend: MemoryKeyring, secret_store: SecretStore
) -> None:
    x = sign_in(sandbox, secret_store)
    old = secret_store.get("signed", "refresh_token")
    crash_when_writing(keyring_backend, "access_token")  # after refresh_token, before access_token
    with pytest.raises(SimulatedCrash):
        x.refresh()
    new = secret_store.get("signed", "refresh_token")
    assert new and new != old
    assert secret_store.get("signed", "previous_refresh_token") == old
    sandbox.advance(hours=3)  # the stale access token in the keyring no longer works
    restarted = connect(sandbox, secret_store, account_id="signed")
    assert restarted.verify().handle
    assert secret_store.get("signed", "previous_refresh_token") is None


def test_crash_after_saving_before_the_new_tokens_are_proven(
    sandbox: SandboxServer, keyring_backend: MemoryKeyring, secret_store: SecretStore
) -> None:
    x = sign_in(sandbox, secret_store)
    old = secret_store.get("signed", "refresh_token")
    x.refresh()  # saved, but not yet used: the old token is still kept as previous
    assert secret_store.get("signed", "previous_refresh_token") == old
    del x  # the process dies here
    restarted = connect(sandbox, secret_store, account_id="signed")
    assert restarted.verify().handle
    assert secret_store.get("signed", "previous_refresh_token") is None


def test_crash_between_refresh_and_any_save_keeps_the_old_token(
    sandbox: SandboxServer, keyring_backend: MemoryKeyring, secret_store: SecretStore
) -> None:
    """The keyring is never left without a refresh token nor with half a token set.

    The sandbox, like X, spends a refresh token when it is used, so after this crash the kept
    token is refused and the account asks to sign in again (AuthExpired), cleanly.
    """
    x = sign_in(sandbox, secret_store)
    old = secret_store.get("signed", "refresh_token")
    old_access = secret_store.get("signed", "access_token")
    crash_when_writing(keyring_backend, "refresh_token")
    with pytest.raises(SimulatedCrash):
        x.refresh()
    assert secret_store.get("signed", "refresh_token") == old
    assert secret_store.get("signed", "access_token") == old_access
    restarted = connect(sandbox, secret_store, account_id="signed")
    with pytest.raises(AuthExpired):
        restarted.refresh()
    assert secret_store.get("signed", "refresh_token") == old  # still not thrown away


def test_expired_refresh_token_is_auth_expired(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    info = sandbox.platforms()["x"]
    store_credentials(
        secret_store, "r", {**info["credentials"], "refresh_token": "xr-not-a-real-token-000"}
    )
    x = connect(sandbox, secret_store, account_id="r")
    with pytest.raises(AuthExpired) as caught:
        x.refresh()
    assert "xr-not-a-real" not in str(caught.value)


def test_an_access_token_about_to_expire_is_refreshed_before_the_call(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    x = sign_in(sandbox, secret_store)
    x.refresh()  # stores expires_in as access_expires_at
    assert x.verify().handle
    saved = secret_store.get("signed", "refresh_token")
    info = sandbox.platforms()["x"]
    later = XConnector(
        info["base_url"],
        secret_store.for_account("signed"),
        HttpClient(),
        clock=lambda: datetime.now(UTC) + timedelta(hours=2),
    )
    assert later.verify().handle
    assert secret_store.get("signed", "refresh_token") != saved


def test_signed_in_account_may_hide_replies(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    """The scopes Kanal asks for include tweet.moderate.write, which hiding replies needs."""
    x = sign_in(sandbox, secret_store)
    me = x.verify()
    published = x.publish(PostRequest(text=unique("Fråga oss"), idempotency_key="k"))
    staged = sandbox.stage_public(
        platform="x",
        kind="reply",
        account=None,
        author="troll",
        text=f"{me.handle} köp billiga klockor",
        in_reply_to=published.remote_id,
    )
    item = next(i for i in x.list_inbox(None).items if i.remote_id == staged["id"])
    x.moderate(item, ModerationAction.HIDE)
    hidden = {t["id"]: t["hidden"] for t in sandbox.state()["platforms"]["x"]["posts"]}
    assert hidden[staged["id"]] is True


# --- animated GIFs, the 401 just after a refresh, refusals, http ---------------------------------


def animated_gif(path: Path, frames: int = 3) -> Path:
    from PIL import Image

    images = [Image.new("P", (8, 6), color) for color in range(frames)]
    images[0].save(path, format="GIF", save_all=True, append_images=images[1:], duration=80)
    return path


class RecordingSleep:
    """Stands in for time.sleep: records each pause instead of waiting."""

    def __init__(self, sandbox: SandboxServer) -> None:
        self.sandbox = sandbox
        self.pauses: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)


def gif_connector(
    sandbox: SandboxServer,
    store: SecretStore,
    sleep: RecordingSleep,
    http_factory: Callable[[], HttpClient],
    account_id: str = "gif",
) -> XConnector:
    info = sandbox.platforms()["x"]
    store_credentials(store, account_id, info["credentials"])
    return XConnector(info["base_url"], store.for_account(account_id), http_factory(), sleep=sleep)


def test_an_animated_gif_goes_through_the_chunked_upload_and_waits_for_processing(
    sandbox: SandboxServer,
    secret_store: SecretStore,
    tmp_path: Path,
    http_factory: Callable[[], HttpClient],
    x_contract: XContract,
) -> None:
    """X takes tweet_gif only through initialize/append/finalize; the post waits for 'succeeded'."""
    sleep = RecordingSleep(sandbox)
    x = gif_connector(sandbox, secret_store, sleep, http_factory)
    gif = animated_gif(tmp_path / "snöfall.gif")
    post = PostRequest(
        text=unique("Snöfall i centrum"),
        idempotency_key="gif",
        media=(MediaUpload(gif, "image/gif", "Snö som faller över torget"),),
    )
    published = x.publish(post)
    state = sandbox.state()["platforms"]["x"]
    tweet = next(t for t in state["posts"] if t["id"] == published.remote_id)
    media = {m["media_key"]: m for m in state["media"]}
    (key,) = tweet["media_keys"]
    assert media[key]["type"] == "image/gif"
    assert media[key]["size"] == gif.stat().st_size
    assert media[key]["alt_text"] == "Snö som faller över torget"
    # pending -> in_progress -> succeeded: two waits of the check_after_secs X gave.
    assert sleep.pauses == [1.0, 1.0]
    assert {
        "POST /2/media/upload/initialize",
        "POST /2/media/upload/{id}/append",
        "POST /2/media/upload/{id}/finalize",
        "GET /2/media/upload",
        "POST /2/media/metadata",
        "POST /2/tweets",
    } <= x_contract.operations


def test_the_wait_for_gif_processing_is_bounded(
    sandbox: SandboxServer,
    secret_store: SecretStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    http_factory: Callable[[], HttpClient],
) -> None:
    import desktop_app.networks.x as x_module

    monkeypatch.setattr(x_module, "MAX_PROCESSING_WAIT_S", 1.5)
    sleep = RecordingSleep(sandbox)
    x = gif_connector(sandbox, secret_store, sleep, http_factory)
    gif = animated_gif(tmp_path / "lång.gif")
    with pytest.raises(TemporaryFailure, match="still processing"):
        x.publish(
            PostRequest(
                text=unique("Väntar"),
                idempotency_key="slow",
                media=(MediaUpload(gif, "image/gif", ""),),
            )
        )
    assert sum(sleep.pauses) <= 1.5
    assert not [
        t for t in sandbox.state()["platforms"]["x"]["posts"] if t["text"].startswith("Väntar")
    ]


def test_a_still_image_stays_a_one_shot_tweet_image(
    x2: XConnector, sandbox: SandboxServer, image_file: Path
) -> None:
    published = x2.publish(
        PostRequest(
            text=unique("Stillbild"),
            idempotency_key="png",
            media=(MediaUpload(image_file, "image/png", ""),),
        )
    )
    state = sandbox.state()["platforms"]["x"]
    (key,) = next(t for t in state["posts"] if t["id"] == published.remote_id)["media_keys"]
    assert key.startswith("3_")  # a photo's media key


class FlakyAfterRefresh(HttpClient):
    """Answers 401 to the first API call after a token refresh, as a front end that has not
    heard of the new token yet does; everything else goes to the sandbox."""

    def __init__(self) -> None:
        super().__init__()
        self.refreshed = False
        self.injected = 0

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        if url.endswith("/2/oauth2/token"):
            self.refreshed = True
            return super().request(method, url, **kwargs)
        if self.refreshed and self.injected == 0:
            self.injected += 1
            refused = requests.Response()
            refused.status_code = 401
            refused.headers["Content-Type"] = "application/problem+json"
            refused._content = b'{"title":"Unauthorized","type":"about:blank","status":401}'
            refused.url = url
            return refused
        return super().request(method, url, **kwargs)


def test_a_401_just_after_a_refresh_is_tried_once_more_before_asking_to_sign_in(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    info = sandbox.platforms()["x"]
    # The stored access token has expired on X's side; the connector does not know it yet.
    store_credentials(
        secret_store, "flaky", {**info["credentials"], "access_token": "xa-expired-long-ago"}
    )
    http = FlakyAfterRefresh()
    pauses: list[float] = []
    x = XConnector(info["base_url"], secret_store.for_account("flaky"), http, sleep=pauses.append)
    assert x.verify().handle  # 401 (expired) -> refresh -> 401 (transient) -> wait -> OK
    assert http.injected == 1
    assert pauses == [1.0]
    assert secret_store.get("flaky", "previous_refresh_token") is None  # proven


def test_a_401_that_persists_after_the_refresh_means_sign_in_again(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    info = sandbox.platforms()["x"]
    store_credentials(secret_store, "gone", info["credentials"])
    pauses: list[float] = []
    x = XConnector(
        info["base_url"], secret_store.for_account("gone"), HttpClient(), sleep=pauses.append
    )
    sandbox.set_faults(["GET /2/users/me:expired-token"])
    with pytest.raises(AuthExpired):
        x.verify()
    assert pauses == [1.0]  # one more try, then the account needs sign-in


def problem_response(status: int, body: dict[str, Any]) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers["Content-Type"] = "application/problem+json"
    response._content = json.dumps(body).encode()
    return response


@pytest.mark.parametrize(
    ("problem_type", "expected"),
    [
        ("https://api.twitter.com/2/problems/unsupported-authentication", AuthExpired),
        ("https://api.x.com/2/problems/oauth1-permissions", AuthExpired),
        ("https://api.twitter.com/2/problems/client-forbidden", AuthExpired),
        ("about:blank", Rejected),
        ("https://api.twitter.com/2/problems/disallowed-resource", Rejected),
    ],
)
def test_only_token_and_permission_403s_ask_for_sign_in(
    problem_type: str, expected: type[Exception]
) -> None:
    detail = "You are not permitted to perform this action."
    error = x_error(
        problem_response(403, {"type": problem_type, "title": "Forbidden", "detail": detail}),
        replay_safe=False,
    )
    assert type(error) is expected
    if isinstance(error, Rejected):
        assert error.reason == detail  # X's own reason, shown as is


@pytest.mark.parametrize(
    "base_url", ["http://api.x.com", "http://x.example.org", "http://10.0.0.5:8080/x"]
)
def test_plain_http_to_a_real_host_is_refused_before_any_token_is_sent(
    base_url: str, secret_store: SecretStore
) -> None:
    store_credentials(
        secret_store, "clear", {"client_id": "c", "access_token": "secret-access-token-123"}
    )
    x = XConnector(base_url, secret_store.for_account("clear"), HttpClient())
    with pytest.raises(Rejected) as caught:
        x.verify()
    assert "https://" in caught.value.reason
    assert "secret-access-token-123" not in str(caught.value)


def test_plain_http_to_loopback_is_allowed(x2: XConnector) -> None:
    assert x2.api_root.startswith("http://127.0.0.1")
    assert x2.verify().handle


def test_a_gif_whose_processing_fails_is_rejected_with_xs_reason(
    sandbox: SandboxServer,
    secret_store: SecretStore,
    tmp_path: Path,
    http_factory: Callable[[], HttpClient],
) -> None:
    sleep = RecordingSleep(sandbox)
    x = gif_connector(sandbox, secret_store, sleep, http_factory)
    whole = animated_gif(tmp_path / "hel.gif").read_bytes()
    cut = tmp_path / "avklippt.gif"
    cut.write_bytes(whole[:-1])  # the trailer is missing: X cannot decode it
    with pytest.raises(Rejected) as caught:
        x.publish(
            PostRequest(
                text=unique("Trasig"),
                idempotency_key="cut",
                media=(MediaUpload(cut, "image/gif", ""),),
            )
        )
    assert "GIF" in caught.value.reason
    assert not [t for t in sandbox.state()["platforms"]["x"]["posts"] if "Trasig" in t["text"]]
