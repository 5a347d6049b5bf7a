"""The Mastodon connector and its OAuth sign-in over real HTTP against the sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
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
from desktop_app.networks.mastodon import MastodonConnector, mastodon_error
from desktop_app.networks.signin import MastodonSignIn, SignInCancelled
from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore
from tests.support.contract_mastodon import MastodonContract
from tests.support.networks import ConsentBrowser, make_account, store_credentials


def connect(
    sandbox: SandboxServer,
    store: SecretStore,
    http_factory: Callable[[], HttpClient] = HttpClient,
    account_id: str = "m",
) -> MastodonConnector:
    info = sandbox.platforms()["mastodon"]
    if not store.names(account_id):
        store_credentials(store, account_id, info["credentials"])
    connector = build_connector(
        make_account(Network.MASTODON, info["base_url"], account_id=account_id), store, http_factory
    )
    assert isinstance(connector, MastodonConnector)
    return connector


@pytest.fixture
def contract(sandbox: SandboxServer) -> Iterator[MastodonContract]:
    """Every request the connector sends and every answer it gets, checked against the
    Mastodon OpenAPI document."""
    checked = MastodonContract(sandbox.platforms()["mastodon"]["base_url"])
    yield checked
    checked.assert_valid()


@pytest.fixture
def masto(
    sandbox: SandboxServer,
    secret_store: SecretStore,
    http_factory: Callable[[], HttpClient],
    contract: MastodonContract,
) -> Iterator[MastodonConnector]:
    connector = connect(sandbox, secret_store, contract.http_factory(http_factory))
    yield connector
    connector.close()


def unique(text: str = "Simhallen stänger tidigare i dag") -> str:
    return f"{text} ({uuid4().hex[:6]})"


def api(sandbox: SandboxServer, path: str) -> requests.Response:
    info = sandbox.platforms()["mastodon"]
    return requests.get(
        f"{info['base_url']}/{path}",
        timeout=10,
        headers={"Authorization": f"Bearer {info['credentials']['access_token']}"},
    )


def test_publish_with_image_and_alt_text_is_idempotent(
    masto: MastodonConnector, sandbox: SandboxServer, image_file: Path
) -> None:
    me = masto.verify()
    assert me.handle.startswith("@" + sandbox.platforms()["mastodon"]["acct"] + "@")
    post = PostRequest(
        text=unique() + "\nhttps://example.org/simhallen",
        idempotency_key=str(uuid4()),
        media=(MediaUpload(image_file, "image/png", "Simhallens entré i snö"),),
    )
    first = masto.publish(post)
    # The same key again (a retry) gives the same status, never a second one.
    second = masto.publish(post)
    assert second.remote_id == first.remote_id
    status = api(sandbox, f"api/v1/statuses/{first.remote_id}").json()
    assert status["media_attachments"][0]["description"] == "Simhallens entré i snö"
    found = masto.find_post(post, datetime.now(UTC) - timedelta(minutes=2))
    assert found is not None and found.remote_id == first.remote_id
    assert (
        masto.find_post(PostRequest(text=unique("aldrig"), idempotency_key="x"), datetime.now(UTC))
        is None
    )
    masto.delete_post(first.remote_id)
    assert masto.find_post(post, datetime.now(UTC) - timedelta(minutes=2)) is None


def test_scheduled_status(masto: MastodonConnector) -> None:
    when = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    post = PostRequest(text=unique("Schemalagt"), idempotency_key=str(uuid4()), scheduled_at=when)
    published = masto.publish(post)
    assert published.scheduled and published.published_at == when
    assert masto.find_post(post, datetime.now(UTC)) == published


def test_scheduled_status_can_be_withdrawn(masto: MastodonConnector) -> None:
    when = datetime.now(UTC) + timedelta(hours=2)
    post = PostRequest(text=unique("Ångras"), idempotency_key=str(uuid4()), scheduled_at=when)
    published = masto.publish(post)
    masto.delete_post(published.remote_id)
    assert masto.find_post(post, datetime.now(UTC)) is None


def test_mentions_inbox_reply_and_paging(masto: MastodonConnector, sandbox: SandboxServer) -> None:
    me = masto.verify()
    cursor = masto.list_inbox(None).cursor  # first sync: the newest page
    published = masto.publish(PostRequest(text=unique(), idempotency_key=str(uuid4())))
    reply = sandbox.stage_public(
        platform="mastodon",
        kind="reply",
        account=None,
        author="anna",
        text=f"{me.handle} Hur länge?",
        in_reply_to=published.remote_id,
    )
    mentions = [
        sandbox.stage_public(
            platform="mastodon",
            kind="mention",
            account=None,
            author=f"person{n}",
            text=f"{me.handle} fråga {n}",
        )["id"]
        for n in range(90)
    ]
    seen: list[str] = []
    items = []
    pages = 0
    while True:
        page = masto.list_inbox(cursor)
        pages += 1
        items.extend(page.items)
        seen.extend(i.remote_id for i in page.items)
        cursor = page.cursor
        if not page.has_more:
            break
    assert set(mentions) | {reply["id"]} <= set(seen)
    assert len(seen) == len(set(seen))
    assert pages >= 3  # 91 items at 40 a page
    by_id = {i.remote_id: i for i in items}
    assert by_id[reply["id"]].kind is ItemKind.REPLY
    assert by_id[reply["id"]].parent_remote_id == published.remote_id
    assert by_id[mentions[0]].kind is ItemKind.MENTION

    answer = masto.reply(by_id[reply["id"]], "Till klockan 18.", str(uuid4()))
    status = api(sandbox, f"api/v1/statuses/{answer.remote_id}").json()
    assert status["in_reply_to_id"] == reply["id"]
    assert "@anna" in status["content"]
    assert masto.list_inbox(cursor).items == ()
    with pytest.raises(Rejected):
        masto.moderate(by_id[reply["id"]], ModerationAction.HIDE)


@pytest.mark.parametrize(
    ("fault", "action", "expected"),
    [
        ("POST /api/v1/statuses:commit-drop", "publish", OutcomeUnknown),
        ("POST /api/v1/statuses:status=503", "publish", OutcomeUnknown),
        ("POST /api/v1/statuses:status=422", "publish", Rejected),
        ("POST /api/v1/statuses:reset", "publish", OutcomeUnknown),
        ("POST /api/v1/statuses:hang", "publish", OutcomeUnknown),
        ("POST /api/v1/statuses:bad-json", "publish", OutcomeUnknown),
        ("POST /api/v1/statuses:ratelimit", "publish", RateLimited),
        ("POST /api/v1/statuses:expired-token", "publish", AuthExpired),
        ("GET /api/v1/notifications:status=502", "inbox", TemporaryFailure),
        ("GET /api/v1/notifications:reset", "inbox", TemporaryFailure),
        ("GET /api/v1/notifications:hang", "inbox", TemporaryFailure),
        ("GET /api/v1/notifications:bad-json", "inbox", TemporaryFailure),
        ("GET /api/v1/notifications:ratelimit", "inbox", RateLimited),
        ("GET /api/v1/accounts/verify_credentials:expired-token", "verify", AuthExpired),
    ],
)
def test_faults_map_to_the_shared_errors(
    masto: MastodonConnector,
    sandbox: SandboxServer,
    fault: str,
    action: str,
    expected: type[Exception],
) -> None:
    masto.verify()
    sandbox.set_faults([fault])
    with pytest.raises(expected) as caught:
        if action == "publish":
            masto.publish(PostRequest(text=unique(), idempotency_key=str(uuid4())))
        elif action == "inbox":
            masto.list_inbox(None)
        else:
            masto.verify()
    assert sandbox.platforms()["mastodon"]["credentials"]["access_token"] not in str(caught.value)
    if isinstance(caught.value, RateLimited):
        assert caught.value.until > datetime.now(UTC)


def test_commit_drop_then_the_same_key_returns_the_same_status(
    masto: MastodonConnector, sandbox: SandboxServer
) -> None:
    masto.verify()
    post = PostRequest(text=unique("Idempotent"), idempotency_key=str(uuid4()))
    sandbox.set_faults(["POST /api/v1/statuses:commit-drop"])
    with pytest.raises(OutcomeUnknown):
        masto.publish(post)
    sandbox.set_faults([])
    found = masto.find_post(post, datetime.now(UTC) - timedelta(minutes=1))
    again = masto.publish(post)
    assert found is not None and again.remote_id == found.remote_id
    texts = [
        s
        for s in sandbox.state()["platforms"]["mastodon"]["statuses"]
        if s.get("id") == again.remote_id
    ]
    assert len(texts) == 1


def test_app_registration_authorize_and_token_end_to_end(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    info = sandbox.platforms()["mastodon"]
    browser = ConsentBrowser()
    tokens = MastodonSignIn(info["base_url"], HttpClient(), open_browser=browser, timeout=20).run()
    assert tokens["access_token"] and tokens["client_id"]
    assert "code_challenge_method=S256" in browser.visited[0]
    secret_store.set("signed", "access_token", tokens["access_token"])
    connector = connect(sandbox, secret_store, account_id="signed")
    assert connector.verify().handle.startswith("@" + info["acct"])
    assert connector.publish(
        PostRequest(text=unique("Via inloggning"), idempotency_key=str(uuid4()))
    ).remote_id


def test_sign_in_denied(sandbox: SandboxServer) -> None:
    with pytest.raises(SignInCancelled):
        MastodonSignIn(
            sandbox.platforms()["mastodon"]["base_url"],
            HttpClient(),
            open_browser=ConsentBrowser("deny"),
            timeout=20,
        ).run()


def test_publish_waits_for_media_processing_with_bounded_polls(
    sandbox: SandboxServer,
    secret_store: SecretStore,
    http_factory: Callable[[], HttpClient],
    image_file: Path,
) -> None:
    pauses: list[float] = []
    connector = connect(sandbox, secret_store, http_factory)
    connector._sleep = pauses.append  # no real waiting; the emulator counts polls
    post = PostRequest(
        text=unique(),
        idempotency_key=str(uuid4()),
        media=(MediaUpload(image_file, "image/png", "Plogbil"),),
    )
    published = connector.publish(post)
    connector.close()
    assert len(pauses) == 3  # 206, 206, 200
    assert pauses == sorted(pauses)  # growing pauses
    state = sandbox.state()["platforms"]["mastodon"]
    status = next(s for s in state["statuses"] if s["id"] == published.remote_id)
    assert len(status["media_ids"]) == 1


def test_media_that_never_finishes_processing_is_a_temporary_failure(
    sandbox: SandboxServer,
    secret_store: SecretStore,
    http_factory: Callable[[], HttpClient],
    image_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from desktop_app.sandbox.platforms.mastodon import platform as emulated

    monkeypatch.setattr(emulated, "PROCESSING_POLLS", 10_000)
    pauses: list[float] = []
    connector = connect(sandbox, secret_store, http_factory)
    connector._sleep = pauses.append
    post = PostRequest(
        text=unique(),
        idempotency_key=str(uuid4()),
        media=(MediaUpload(image_file, "image/png", "Plogbil"),),
    )
    with pytest.raises(TemporaryFailure, match="processing"):
        connector.publish(post)
    connector.close()
    assert 1 < len(pauses) <= 12
    statuses = sandbox.state()["platforms"]["mastodon"]["statuses"]
    assert not any(s["text"].startswith(post.text) for s in statuses)


def test_every_operation_the_connector_uses_is_checked_against_the_document(
    masto: MastodonConnector,
    sandbox: SandboxServer,
    contract: MastodonContract,
    image_file: Path,
) -> None:
    masto._sleep = lambda _s: None
    masto.verify()
    sandbox.stage_public(platform="mastodon", kind="mention", author="Åsa", text="Fråga")
    post = PostRequest(
        text=unique(),
        idempotency_key=str(uuid4()),
        media=(MediaUpload(image_file, "image/png", "Plogbil"),),
    )
    published = masto.publish(post)
    later = PostRequest(
        text=unique(),
        idempotency_key=str(uuid4()),
        scheduled_at=datetime.now(UTC) + timedelta(hours=2),
    )
    scheduled = masto.publish(later)
    assert masto.find_post(later, datetime.now(UTC)) is not None
    assert masto.find_post(post, datetime.now(UTC) - timedelta(minutes=1)) is not None
    page = masto.list_inbox(None)
    masto.list_inbox(page.cursor)
    masto.reply(page.items[-1], "Tack!", str(uuid4()))
    masto.delete_post(published.remote_id)
    masto.delete_post(scheduled.remote_id)
    operations = {c.split(" -> ")[0].split(" (")[0] for c in contract.checked}
    assert operations >= {
        "GET /api/v1/accounts/verify_credentials",
        "GET /api/v2/instance",
        "POST /api/v2/media",
        "GET /api/v1/media/{id}",
        "POST /api/v1/statuses",
        "GET /api/v1/scheduled_statuses",
        "GET /api/v1/accounts/{id}/statuses",
        "GET /api/v1/notifications",
        "DELETE /api/v1/statuses/{id}",
        "DELETE /api/v1/scheduled_statuses/{id}",
    }, sorted(contract.checked)
    assert {"POST /api/v2/media -> 202", "GET /api/v1/media/{id} -> 206"} <= contract.checked


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (401, {"error": "The access token is invalid"}, AuthExpired),
        (403, {"error": "This action is outside the authorized scopes"}, AuthExpired),
        (403, {"error": "Your login is currently disabled"}, Rejected),
        (403, {"error": "This action is not allowed"}, Rejected),
    ],
)
def test_only_token_and_scope_refusals_ask_for_a_new_sign_in(
    status: int, body: dict[str, str], expected: type[Exception]
) -> None:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    error = mastodon_error(response, replay_safe=True)
    assert isinstance(error, expected)
    if expected is Rejected:
        assert body["error"] in str(error)
