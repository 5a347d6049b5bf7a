"""The WordPress connector over real HTTP: against the sandbox, and a real WordPress in CI."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
from desktop_app.networks.base import (
    ItemKind,
    MediaUpload,
    ModerationAction,
    PostRequest,
    RemoteStatus,
)
from desktop_app.networks.factory import build_connector
from desktop_app.networks.http import HttpClient
from desktop_app.networks.wordpress import WordPressConnector, parse_link_header, post_slug
from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore
from tests.support.networks import make_account, store_credentials

REAL_ENV = (
    "KANAL_TEST_WORDPRESS_URL",
    "KANAL_TEST_WORDPRESS_USER",
    "KANAL_TEST_WORDPRESS_APP_PASSWORD",
)


def connect(
    sandbox: SandboxServer, store: SecretStore, http_factory: Callable[[], HttpClient]
) -> WordPressConnector:
    info = sandbox.platforms()["wordpress"]
    store_credentials(store, "wp", info["credentials"])
    connector = build_connector(
        make_account(Network.WORDPRESS, info["base_url"], account_id="wp"), store, http_factory
    )
    assert isinstance(connector, WordPressConnector)
    return connector


@pytest.fixture
def wp(
    sandbox: SandboxServer, secret_store: SecretStore, http_factory: Callable[[], HttpClient]
) -> Iterator[WordPressConnector]:
    connector = connect(sandbox, secret_store, http_factory)
    yield connector
    connector.close()


def unique_post(image: Path | None = None, **extra: Any) -> PostRequest:
    key = str(uuid4())
    media = (MediaUpload(image, "image/png", "En plogbil på Storgatan i snöyra"),) if image else ()
    return PostRequest(
        text=f"Snöröjningen börjar klockan sex.\n\nKörning {key[:8]} — följ oss.",
        title=f"Snöröjning i centrum {key[:8]}",
        idempotency_key=key,
        media=media,
        **extra,
    )


@pytest.fixture(params=["sandbox", pytest.param("real", marks=pytest.mark.wordpress)])
def any_wordpress(
    request: pytest.FixtureRequest, secret_store: SecretStore
) -> Iterator[WordPressConnector]:
    """The same workflow against the sandbox and, when configured (CI), a real WordPress."""
    if request.param == "sandbox":
        sandbox = request.getfixturevalue("sandbox")
        connector = connect(sandbox, secret_store, HttpClient)
    else:
        missing = [n for n in REAL_ENV if not os.environ.get(n)]
        if missing:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"real WordPress not configured: {', '.join(missing)}")
            pytest.skip("real WordPress not configured (KANAL_TEST_WORDPRESS_*)")
        secret_store.set("real", "username", os.environ["KANAL_TEST_WORDPRESS_USER"])
        secret_store.set(
            "real", "application_password", os.environ["KANAL_TEST_WORDPRESS_APP_PASSWORD"]
        )
        account = make_account(
            Network.WORDPRESS, os.environ["KANAL_TEST_WORDPRESS_URL"], account_id="real"
        )
        built = build_connector(account, secret_store, HttpClient)
        assert isinstance(built, WordPressConnector)
        connector = built
    yield connector
    connector.close()


def post_comment_as_citizen(connector: WordPressConnector, post_id: str, text: str) -> str:
    """A citizen's comment through the public REST endpoint (no credentials)."""
    response = requests.post(
        connector.endpoint("wp/v2/comments"),
        json={
            "post": int(post_id),
            "content": text,
            "author_name": "Anna Andersson",
            "author_email": "anna@example.org",
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_full_workflow_publish_image_comments_reply_moderate_delete(
    any_wordpress: WordPressConnector, image_file: Path, request: pytest.FixtureRequest
) -> None:
    wp = any_wordpress
    me = wp.verify()
    assert me.remote_id and me.handle
    post = unique_post(image_file)
    published = wp.publish(post)
    assert published.remote_id and published.url and not published.scheduled
    # The featured image carries the alt text, and the body shows the image with it too.
    auth = wp._auth
    body = requests.get(
        wp.endpoint(f"wp/v2/posts/{published.remote_id}"),
        params={"context": "edit"},
        auth=auth,
        timeout=10,
    ).json()
    assert body["slug"] == post_slug(post)
    assert body["featured_media"]
    media = requests.get(
        wp.endpoint(f"wp/v2/media/{body['featured_media']}"), auth=auth, timeout=10
    ).json()
    assert media["alt_text"] == "En plogbil på Storgatan i snöyra"
    assert 'alt="En plogbil på Storgatan i snöyra"' in body["content"]["raw"]

    # Exactly-once: the post is found again by its slug, and another key finds nothing.
    found = wp.find_post(post, datetime.now(UTC) - timedelta(minutes=5))
    assert found is not None and found.remote_id == published.remote_id
    assert wp.find_post(unique_post(), datetime.now(UTC)) is None

    if request.node.callspec.params["any_wordpress"] == "sandbox":
        sandbox: SandboxServer = request.getfixturevalue("sandbox")
        staged = sandbox.stage_public(
            platform="wordpress",
            kind="comment",
            account=None,
            author="Anna Andersson",
            text="När plogas Storgatan?",
            post_id=published.remote_id,
        )
        comment_id = str(staged["id"])
    else:
        comment_id = post_comment_as_citizen(wp, published.remote_id, "När plogas Storgatan?")

    cursor: str | None = None
    items = []
    for _ in range(50):
        page = wp.list_inbox(cursor)
        items.extend(page.items)
        cursor = page.cursor
        if not page.has_more:
            break
    mine = [i for i in items if i.remote_id == comment_id]
    assert len(mine) == 1
    item = mine[0]
    assert item.kind is ItemKind.COMMENT
    assert item.root_post_remote_id == published.remote_id
    assert "Storgatan" in item.text

    answer = wp.reply(item, "I morgon före klockan sju!", str(uuid4()))
    assert answer.remote_id
    comment = requests.get(
        wp.endpoint(f"wp/v2/comments/{answer.remote_id}"),
        params={"context": "edit"},
        auth=auth,
        timeout=10,
    ).json()
    assert comment["parent"] == int(comment_id)
    assert str(comment["author"]) == me.remote_id

    # Our own reply is not an inbox item; the next sync resumes after what was seen.
    later = wp.list_inbox(cursor)
    assert all(i.remote_id != answer.remote_id for i in later.items)

    statuses = {}
    for action in (
        ModerationAction.HIDE,
        ModerationAction.APPROVE,
        ModerationAction.SPAM,
        ModerationAction.UNHIDE,
        ModerationAction.DELETE,
    ):
        wp.moderate(item, action)
        statuses[action] = requests.get(
            wp.endpoint(f"wp/v2/comments/{comment_id}"),
            params={"context": "edit"},
            auth=auth,
            timeout=10,
        ).json()["status"]
    assert statuses[ModerationAction.HIDE] == "hold"
    assert statuses[ModerationAction.APPROVE] == "approved"
    assert statuses[ModerationAction.SPAM] == "spam"
    assert statuses[ModerationAction.UNHIDE] == "approved"
    assert statuses[ModerationAction.DELETE] == "trash"

    wp.delete_post(published.remote_id)
    gone = requests.get(
        wp.endpoint(f"wp/v2/posts/{published.remote_id}"),
        params={"context": "edit"},
        auth=auth,
        timeout=10,
    ).json()
    assert gone["status"] == "trash"


def test_held_comments_are_listed_as_held(wp: WordPressConnector, sandbox: SandboxServer) -> None:
    published = wp.publish(unique_post())
    staged = sandbox.stage_public(
        platform="wordpress",
        kind="comment",
        account=None,
        author="Bo",
        text="Spam? Nej, en fråga.",
        post_id=published.remote_id,
    )
    item = next(i for i in wp.list_inbox(None).items if i.remote_id == str(staged["id"]))
    wp.moderate(item, ModerationAction.HIDE)
    again = next(i for i in wp.list_inbox(None).items if i.remote_id == str(staged["id"]))
    assert again.status is RemoteStatus.HELD


def test_inbox_pages_through_many_comments(wp: WordPressConnector, sandbox: SandboxServer) -> None:
    published = wp.publish(unique_post())
    staged_ids = {
        str(
            sandbox.stage_public(
                platform="wordpress",
                kind="comment",
                account=None,
                author=f"Medborgare {n}",
                text=f"Fråga nummer {n}",
                post_id=published.remote_id,
            )["id"]
        )
        for n in range(130)
    }
    cursor, seen, pages = None, set(), 0
    while True:
        page = wp.list_inbox(cursor)
        pages += 1
        seen |= {i.remote_id for i in page.items}
        cursor = page.cursor
        if not page.has_more:
            break
    assert staged_ids <= seen
    assert pages >= 2
    assert not (
        wp.list_inbox(cursor).items
        and staged_ids & {i.remote_id for i in wp.list_inbox(cursor).items} - seen
    )


def test_scheduled_post_is_future(wp: WordPressConnector) -> None:
    when = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    published = wp.publish(unique_post(scheduled_at=when))
    assert published.scheduled
    assert published.published_at == when


def test_discovery_with_plain_permalinks(sandbox: SandboxServer, secret_store: SecretStore) -> None:
    """A site without pretty permalinks announces ``?rest_route=/``; every call then uses it."""
    api = sandbox.platforms()["wordpress"]["base_url"]

    class FrontPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Link", f'<{api}/?rest_route=/>; rel="https://api.w.org/"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    site = ThreadingHTTPServer(("127.0.0.1", 0), FrontPage)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        store_credentials(secret_store, "plain", sandbox.platforms()["wordpress"]["credentials"])
        account = make_account(
            Network.WORDPRESS, f"http://127.0.0.1:{site.server_address[1]}/", account_id="plain"
        )
        wp = build_connector(account, secret_store, HttpClient)
        assert isinstance(wp, WordPressConnector)
        assert "rest_route=/wp/v2/posts" in wp.endpoint("wp/v2/posts")
        assert wp.verify().handle
        published = wp.publish(unique_post())
        assert published.remote_id
        assert wp.list_inbox(None) is not None
    finally:
        site.shutdown()
        site.server_close()


def test_a_site_that_is_not_wordpress_is_rejected(secret_store: SecretStore) -> None:
    class Plain(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"hi")

        def log_message(self, format: str, *args: Any) -> None:
            return None

    site = ThreadingHTTPServer(("127.0.0.1", 0), Plain)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        secret_store.set("n", "username", "u")
        secret_store.set("n", "application_password", "p p p p")
        wp = build_connector(
            make_account(
                Network.WORDPRESS, f"http://127.0.0.1:{site.server_address[1]}", account_id="n"
            ),
            secret_store,
            HttpClient,
        )
        with pytest.raises(Rejected, match="REST API"):
            wp.verify()
    finally:
        site.shutdown()
        site.server_close()


def test_link_header_parsing() -> None:
    header = '<http://a/wp-json/>; rel="https://api.w.org/", <http://a/?p=3>; rel=shortlink'
    assert parse_link_header(header) == {
        "https://api.w.org/": "http://a/wp-json/",
        "shortlink": "http://a/?p=3",
    }


# --- faults ------------------------------------------------------------------------------------


def test_commit_drop_is_outcome_unknown_and_find_post_then_finds_it(
    wp: WordPressConnector, sandbox: SandboxServer
) -> None:
    post = unique_post()
    sandbox.set_faults(["POST /wp-json/wp/v2/posts:commit-drop"])
    with pytest.raises(OutcomeUnknown):
        wp.publish(post)
    sandbox.set_faults([])
    found = wp.find_post(post, datetime.now(UTC) - timedelta(minutes=1))
    assert found is not None
    created = [
        p
        for p in sandbox.state()["platforms"]["wordpress"]["posts"]
        if p["slug"] == post_slug(post)
    ]
    assert len(created) == 1 and str(created[0]["id"]) == found.remote_id


@pytest.mark.parametrize(
    ("fault", "action", "expected"),
    [
        ("POST /wp-json/wp/v2/posts:status=503", "publish", OutcomeUnknown),
        ("POST /wp-json/wp/v2/posts:status=500", "publish", OutcomeUnknown),
        ("POST /wp-json/wp/v2/posts:status=400", "publish", Rejected),
        ("POST /wp-json/wp/v2/posts:reset", "publish", OutcomeUnknown),
        ("POST /wp-json/wp/v2/posts:hang", "publish", OutcomeUnknown),
        ("POST /wp-json/wp/v2/posts:bad-json", "publish", OutcomeUnknown),
        ("POST /wp-json/wp/v2/posts:ratelimit", "publish", RateLimited),
        ("POST /wp-json/wp/v2/posts:expired-token", "publish", AuthExpired),
        ("GET /wp-json/wp/v2/comments:status=503", "inbox", TemporaryFailure),
        ("GET /wp-json/wp/v2/comments:reset", "inbox", TemporaryFailure),
        ("GET /wp-json/wp/v2/comments:hang", "inbox", TemporaryFailure),
        ("GET /wp-json/wp/v2/comments:bad-json", "inbox", TemporaryFailure),
        ("GET /wp-json/wp/v2/comments:ratelimit", "inbox", RateLimited),
        ("GET /wp-json/wp/v2/users/me:expired-token", "verify", AuthExpired),
    ],
)
def test_faults_map_to_the_shared_errors(
    wp: WordPressConnector,
    sandbox: SandboxServer,
    fault: str,
    action: str,
    expected: type[Exception],
) -> None:
    wp.verify()  # discovery and identity before the fault is armed
    sandbox.set_faults([fault])
    with pytest.raises(expected) as caught:
        if action == "publish":
            wp.publish(unique_post())
        elif action == "inbox":
            wp.list_inbox(None)
        else:
            wp.verify()
    password = sandbox.platforms()["wordpress"]["credentials"]["application_password"]
    assert password not in str(caught.value)


def test_latency_fault_only_slows_down(wp: WordPressConnector, sandbox: SandboxServer) -> None:
    sandbox.set_faults(["GET /wp-json/wp/v2/users/me:latency=300"])
    started = datetime.now(UTC)
    assert wp.verify().remote_id
    assert datetime.now(UTC) - started >= timedelta(milliseconds=300)


def test_wrong_application_password_is_auth_expired(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    info = sandbox.platforms()["wordpress"]
    store_credentials(
        secret_store,
        "bad",
        {**info["credentials"], "application_password": "abcd efgh ijkl mnop qrst uvwx"},
    )
    wp = build_connector(
        make_account(Network.WORDPRESS, info["base_url"], account_id="bad"),
        secret_store,
        HttpClient,
    )
    with pytest.raises(AuthExpired) as caught:
        wp.verify()
    assert "abcd efgh" not in str(caught.value)
