"""The Bluesky connector over real HTTP against the sandbox's PDS."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from desktop_app.domain.errors import (
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    TemporaryFailure,
)
from desktop_app.domain.networks import Network
from desktop_app.networks.base import ItemKind, MediaUpload, ModerationAction, PostRequest
from desktop_app.networks.bluesky import (
    BlueskyConnector,
    link_spans,
    mention_spans,
    pds_endpoint,
    tag_spans,
    tid_for,
)
from desktop_app.networks.factory import build_connector
from desktop_app.networks.http import HttpClient
from desktop_app.networks.link_card import fetchable, parse_card
from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore
from tests.support.contract_bluesky import BlueskyContract, Validator, load_lexicons
from tests.support.networks import make_account, png_bytes, store_credentials


def connect(
    sandbox: SandboxServer,
    store: SecretStore,
    http_factory: Callable[[], HttpClient] = HttpClient,
    account_id: str = "b",
) -> BlueskyConnector:
    info = sandbox.platforms()["bluesky"]
    if not store.names(account_id):
        store_credentials(store, account_id, info["credentials"])
    connector = build_connector(
        make_account(Network.BLUESKY, info["base_url"], account_id=account_id), store, http_factory
    )
    assert isinstance(connector, BlueskyConnector)
    return connector


@pytest.fixture
def contract(sandbox: SandboxServer) -> Iterator[BlueskyContract]:
    """Every XRPC request the connector sends and every answer it gets, checked against the
    lexicons."""
    checked = BlueskyContract(sandbox.platforms()["bluesky"]["base_url"])
    yield checked
    checked.assert_valid()


@pytest.fixture
def bsky(
    sandbox: SandboxServer,
    secret_store: SecretStore,
    http_factory: Callable[[], HttpClient],
    contract: BlueskyContract,
) -> Iterator[BlueskyConnector]:
    connector = connect(sandbox, secret_store, contract.http_factory(http_factory))
    yield connector
    connector.close()


def record(sandbox: SandboxServer, uri: str) -> dict[str, Any]:
    return next(r for r in sandbox.state()["platforms"]["bluesky"]["records"] if r["uri"] == uri)


def test_tid_is_stable_valid_and_distinct() -> None:
    key = str(uuid4())
    assert tid_for(key) == tid_for(key)
    assert tid_for(key) != tid_for(str(uuid4()))
    import re

    assert re.fullmatch(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}", tid_for(key))


def test_facet_offsets_are_utf8_bytes() -> None:
    text = "Snö på gång 🌨️ läs https://example.org/snö. Fråga @sandviken.bsky.social!"
    ((start, end, url),) = link_spans(text)
    assert url == "https://example.org/snö"
    assert text[start:end] == url
    ((m_start, m_end, handle),) = mention_spans(text)
    assert text[m_start:m_end] == "@sandviken.bsky.social"
    assert handle == "sandviken.bsky.social"
    assert len(text[:m_start].encode()) > m_start  # å, ö and the emoji make bytes differ from chars


def test_publish_with_facets_image_and_exactly_once(
    bsky: BlueskyConnector, sandbox: SandboxServer, image_file: Path
) -> None:
    me = bsky.verify()
    assert me.remote_id.startswith("did:")
    text = f"Snö på gång 🌨️ läs https://example.org/snö och fråga {me.handle} ({uuid4().hex[:6]})"
    post = PostRequest(
        text=text,
        idempotency_key=str(uuid4()),
        media=(MediaUpload(image_file, "image/png", "Plogbil i snöyra"),),
    )
    published = bsky.publish(post)
    assert published.remote_id.endswith("/" + tid_for(post.idempotency_key))
    value = record(sandbox, published.remote_id)["value"]
    encoded = value["text"].encode("utf-8")
    features = {f["features"][0]["$type"]: f for f in value["facets"]}
    link = features["app.bsky.richtext.facet#link"]
    assert (
        encoded[link["index"]["byteStart"] : link["index"]["byteEnd"]].decode()
        == "https://example.org/snö"
    )
    mention = features["app.bsky.richtext.facet#mention"]
    assert (
        encoded[mention["index"]["byteStart"] : mention["index"]["byteEnd"]].decode() == me.handle
    )
    assert mention["features"][0]["did"] == me.remote_id
    assert value["embed"]["images"][0]["alt"] == "Plogbil i snöyra"

    # A retry with the same key neither fails nor creates a second record.
    again = bsky.publish(post)
    assert again.remote_id == published.remote_id
    found = bsky.find_post(post, datetime.now(UTC))
    assert found is not None and found.remote_id == published.remote_id
    texts = [
        r
        for r in sandbox.state()["platforms"]["bluesky"]["records"]
        if r["value"].get("text") == text
    ]
    assert len(texts) == 1
    bsky.delete_post(published.remote_id)
    assert bsky.find_post(post, datetime.now(UTC)) is None


def test_notifications_inbox_and_reply_threading(
    bsky: BlueskyConnector, sandbox: SandboxServer
) -> None:
    me = bsky.verify()
    cursor = bsky.list_inbox(None).cursor
    root = bsky.publish(
        PostRequest(text=f"Badhuset öppnar ({uuid4().hex[:6]})", idempotency_key=str(uuid4()))
    )
    reply = sandbox.stage_public(
        platform="bluesky",
        kind="reply",
        account=None,
        author="anna",
        text="När då?",
        in_reply_to=root.remote_id,
    )
    mentions = [
        sandbox.stage_public(
            platform="bluesky",
            kind="mention",
            account=None,
            author=f"p{n}",
            text=f"{me.handle} fråga {n}",
        )["id"]
        for n in range(70)
    ]
    items = []
    pages = 0
    while True:
        page = bsky.list_inbox(cursor)
        pages += 1
        items.extend(page.items)
        cursor = page.cursor
        if not page.has_more:
            break
    by_id = {i.remote_id: i for i in items}
    assert set(mentions) | {reply["id"]} <= set(by_id)
    assert len(items) == len(by_id)
    assert pages >= 2
    item = by_id[reply["id"]]
    assert item.kind is ItemKind.REPLY and item.parent_remote_id == root.remote_id
    assert by_id[mentions[0]].kind is ItemKind.MENTION

    answer = bsky.reply(item, "Klockan nio!", str(uuid4()))
    value = record(sandbox, answer.remote_id)["value"]
    assert value["reply"]["parent"]["uri"] == item.remote_id
    assert value["reply"]["root"]["uri"] == root.remote_id
    assert bsky.list_inbox(cursor).items == ()
    with pytest.raises(Rejected):
        bsky.moderate(item, ModerationAction.HIDE)


def test_expired_session_is_refreshed_and_saved(
    bsky: BlueskyConnector, sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    bsky.verify()
    first_access = secret_store.get("b", "access_jwt")
    sandbox.advance(hours=3)  # access JWTs live about two hours
    assert bsky.publish(
        PostRequest(text=f"Efter förnyelse {uuid4().hex[:6]}", idempotency_key=str(uuid4()))
    )
    assert secret_store.get("b", "access_jwt") != first_access
    restarted = connect(sandbox, secret_store)
    assert restarted.verify().handle


def test_wrong_app_password_is_auth_expired(
    sandbox: SandboxServer, secret_store: SecretStore
) -> None:
    info = sandbox.platforms()["bluesky"]
    store_credentials(
        secret_store, "bad", {**info["credentials"], "app_password": "aaaa-bbbb-cccc-dddd"}
    )
    with pytest.raises(AuthExpired) as caught:
        connect(sandbox, secret_store, account_id="bad").verify()
    assert "aaaa-bbbb" not in str(caught.value)


@pytest.mark.parametrize(
    ("fault", "action", "expected"),
    [
        ("POST /xrpc/com.atproto.repo.createRecord:status=502", "publish", OutcomeUnknown),
        ("POST /xrpc/com.atproto.repo.createRecord:status=400", "publish", Rejected),
        ("POST /xrpc/com.atproto.repo.createRecord:reset", "publish", OutcomeUnknown),
        ("POST /xrpc/com.atproto.repo.createRecord:hang", "publish", OutcomeUnknown),
        ("POST /xrpc/com.atproto.repo.createRecord:bad-json", "publish", OutcomeUnknown),
        ("POST /xrpc/com.atproto.repo.createRecord:ratelimit", "publish", RateLimited),
        ("POST /xrpc/com.atproto.repo.*:expired-token", "publish", AuthExpired),
        ("GET /xrpc/app.bsky.notification.listNotifications:status=500", "inbox", TemporaryFailure),
        ("GET /xrpc/app.bsky.notification.listNotifications:reset", "inbox", TemporaryFailure),
        ("GET /xrpc/app.bsky.notification.listNotifications:hang", "inbox", TemporaryFailure),
        ("GET /xrpc/app.bsky.notification.listNotifications:bad-json", "inbox", TemporaryFailure),
        ("GET /xrpc/app.bsky.notification.listNotifications:ratelimit", "inbox", RateLimited),
        ("POST /xrpc/com.atproto.server.createSession:status=401", "session", AuthExpired),
    ],
)
def test_faults_map_to_the_shared_errors(
    sandbox: SandboxServer,
    secret_store: SecretStore,
    fault: str,
    action: str,
    expected: type[Exception],
) -> None:
    bsky = connect(
        sandbox,
        secret_store,
        lambda: HttpClient(timeout=(2.0, 1.5), backoff_base=0.01, max_retry_wait=0.5),
    )
    if action != "session":
        bsky.verify()
    sandbox.set_faults([fault])
    with pytest.raises(expected) as caught:
        if action == "publish":
            bsky.publish(PostRequest(text=f"Fel {uuid4().hex[:6]}", idempotency_key=str(uuid4())))
        elif action == "inbox":
            bsky.list_inbox(None)
        else:
            bsky.verify()
    assert sandbox.platforms()["bluesky"]["credentials"]["app_password"] not in str(caught.value)


def test_commit_drop_then_find_post_by_own_record_key(
    bsky: BlueskyConnector, sandbox: SandboxServer
) -> None:
    bsky.verify()
    post = PostRequest(text=f"Vattenläcka {uuid4().hex[:6]}", idempotency_key=str(uuid4()))
    sandbox.set_faults(["POST /xrpc/com.atproto.repo.createRecord:commit-drop"])
    with pytest.raises(OutcomeUnknown):
        bsky.publish(post)
    sandbox.set_faults([])
    found = bsky.find_post(post, datetime.now(UTC) - timedelta(minutes=1))
    assert found is not None and found.remote_id.endswith(tid_for(post.idempotency_key))
    # Publishing again after all is harmless: the record key is taken, the same post comes back.
    assert bsky.publish(post).remote_id == found.remote_id


def inbox_pass(bsky: BlueskyConnector, cursor: str | None) -> tuple[list[Any], str | None]:
    """Every page of one sync pass."""
    items: list[Any] = []
    for _ in range(100):
        page = bsky.list_inbox(cursor)
        items.extend(page.items)
        cursor = page.cursor
        if not page.has_more:
            return items, cursor
    raise AssertionError("the pass did not end")


def test_replies_under_a_citizens_mention_reach_the_inbox_once(
    bsky: BlueskyConnector, sandbox: SandboxServer
) -> None:
    bsky.verify()
    _, cursor = inbox_pass(bsky, None)
    mention = sandbox.stage_public(
        platform="bluesky", kind="mention", author="Cia Lund", text="Varför är biblioteket stängt?"
    )
    items, cursor = inbox_pass(bsky, cursor)
    assert [i.remote_id for i in items] == [mention["id"]]

    # Citizens answer the mention and each other: Bluesky notifies only their own authors ...
    first = sandbox.stage_public(
        platform="bluesky",
        kind="reply",
        author="Dan Berg",
        text="Personalbrist, tror jag.",
        in_reply_to=mention["id"],
    )
    second = sandbox.stage_public(
        platform="bluesky",
        kind="reply",
        author="Eva Sten",
        text="Nej, det är renovering.",
        in_reply_to=first["id"],
    )
    items, cursor = inbox_pass(bsky, cursor)
    by_id = {i.remote_id: i for i in items}
    assert sorted(by_id) == sorted([first["id"], second["id"]])
    assert by_id[first["id"]].kind is ItemKind.REPLY
    assert by_id[first["id"]].parent_remote_id == mention["id"]
    assert by_id[second["id"]].parent_remote_id == first["id"]
    assert by_id[second["id"]].root_post_remote_id == mention["id"]
    assert by_id[second["id"]].author_name == "Eva Sten"

    # ... the account's own answer in that thread is not an inbox item, and nothing comes twice.
    bsky.reply(by_id[second["id"]], "Biblioteket öppnar igen på måndag.", str(uuid4()))
    third = sandbox.stage_public(
        platform="bluesky", kind="reply", author="Dan Berg", text="Tack!", in_reply_to=second["id"]
    )
    items, cursor = inbox_pass(bsky, cursor)
    assert [i.remote_id for i in items] == [third["id"]]
    items, _ = inbox_pass(bsky, cursor)
    assert items == []


def test_hashtags_become_tag_facets_with_byte_offsets() -> None:
    text = "Öppet hus! #Skolval2027 och #snöröjning, men inte #2027 eller a#b. ＃Sandviken"
    spans = tag_spans(text)
    assert [tag for _s, _e, tag in spans] == ["Skolval2027", "snöröjning", "Sandviken"]
    for start, end, tag in spans:
        assert text[start + 1 : end] == tag


def test_a_post_carries_tag_link_and_mention_facets_langs_and_a_link_card(
    bsky: BlueskyConnector, sandbox: SandboxServer
) -> None:
    me = bsky.verify()
    page = f"{sandbox.base_url}/bluesky/web/nyhet"
    text = f"Nytt bibliotek 📚 #Sandviken läs {page} – fråga {me.handle} eller @okand.example"
    published = bsky.publish(PostRequest(text=text, idempotency_key=str(uuid4())))
    value = record(sandbox, published.remote_id)["value"]
    encoded = value["text"].encode("utf-8")

    def covered(kind: str) -> list[str]:
        return [
            encoded[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode()
            for f in value["facets"]
            if f["features"][0]["$type"] == f"app.bsky.richtext.facet#{kind}"
        ]

    assert covered("tag") == ["#Sandviken"]
    assert covered("link") == [page]
    assert covered("mention") == [me.handle]  # @okand.example does not resolve: plain text
    tag = next(f for f in value["facets"] if "tag" in f["features"][0])
    assert tag["features"][0]["tag"] == "Sandviken"
    assert value["langs"] == ["sv"]
    card = value["embed"]
    assert card["$type"] == "app.bsky.embed.external"
    external = card["external"]
    assert external["uri"] == page
    assert external["title"] == "Nytt bibliotek öppnar i centrum"
    assert external["description"].startswith("Från 1 mars lånar du böcker på Storgatan 4 – med")
    thumb = external["thumb"]
    blobs = {b["cid"]: b for b in sandbox.state()["platforms"]["bluesky"]["blobs"]}
    assert blobs[thumb["ref"]["$link"]]["mimeType"] == "image/png"


def test_the_drafts_language_is_the_posts_langs(
    bsky: BlueskyConnector, sandbox: SandboxServer
) -> None:
    post = PostRequest(text="Welcome to Sandviken", idempotency_key=str(uuid4()), language="en")
    assert record(sandbox, bsky.publish(post).remote_id)["value"]["langs"] == ["en"]


def test_images_carry_their_aspect_ratio_and_no_link_card(
    bsky: BlueskyConnector, sandbox: SandboxServer, tmp_path: Path
) -> None:
    wide = tmp_path / "bred.png"
    wide.write_bytes(png_bytes(16, 9))
    page = f"{sandbox.base_url}/bluesky/web/nyhet"
    post = PostRequest(
        text=f"Se {page}",
        idempotency_key=str(uuid4()),
        media=(MediaUpload(wide, "image/png", "Bred bild"),),
    )
    value = record(sandbox, bsky.publish(post).remote_id)["value"]
    assert value["embed"]["$type"] == "app.bsky.embed.images"
    assert value["embed"]["images"][0]["aspectRatio"] == {"width": 16, "height": 9}


def test_images_up_to_two_million_bytes_are_accepted_and_larger_refused(
    bsky: BlueskyConnector, sandbox: SandboxServer, tmp_path: Path
) -> None:
    from desktop_app.sandbox.platforms.bluesky.web import png as padded_png

    assert bsky.limits().max_image_bytes == 2_000_000
    big = tmp_path / "stor.png"
    big.write_bytes(padded_png(40, 30, 1_500_000))  # over the old 1 MB, under 2 MB
    post = PostRequest(
        text="Stor bild", idempotency_key=str(uuid4()), media=(MediaUpload(big, "image/png", "x"),)
    )
    value = record(sandbox, bsky.publish(post).remote_id)["value"]
    assert value["embed"]["images"][0]["aspectRatio"] == {"width": 40, "height": 30}
    huge = tmp_path / "jattestor.png"
    huge.write_bytes(padded_png(40, 30, 2_100_000))
    with pytest.raises(Rejected, match="larger"):
        bsky.publish(
            PostRequest(
                text="För stor",
                idempotency_key=str(uuid4()),
                media=(MediaUpload(huge, "image/png", "x"),),
            )
        )


@pytest.mark.parametrize(
    ("page", "title", "thumb"),
    [
        ("stor", "Budget 2027", False),  # 3 MB page: its head is read, the rest is not
        ("stor-bild", "Karta", False),  # the image is over the thumbnail's 1,000,000 bytes
        ("utan-bild", "Taxor 2027", False),
    ],
)
def test_link_cards_stay_within_their_caps(
    bsky: BlueskyConnector, sandbox: SandboxServer, page: str, title: str, thumb: bool
) -> None:
    url = f"{sandbox.base_url}/bluesky/web/{page}"
    value = record(
        sandbox, bsky.publish(PostRequest(text=url, idempotency_key=str(uuid4()))).remote_id
    )["value"]
    external = value["embed"]["external"]
    assert external["title"] == title
    assert ("thumb" in external) is thumb


def test_a_link_that_is_no_page_or_hangs_gives_no_card_and_the_post_still_goes(
    bsky: BlueskyConnector, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.networks import link_card

    monkeypatch.setattr(link_card, "PAGE_TIMEOUT", (1.0, 1.0))
    pdf = f"{sandbox.base_url}/bluesky/web/dokument.pdf"
    value = record(
        sandbox, bsky.publish(PostRequest(text=pdf, idempotency_key=str(uuid4()))).remote_id
    )["value"]
    assert "embed" not in value
    sandbox.hang_seconds = 30.0
    sandbox.set_faults(["GET /web/nyhet:hang"])
    started = time.monotonic()
    slow = f"{sandbox.base_url}/bluesky/web/nyhet"
    published = bsky.publish(PostRequest(text=slow, idempotency_key=str(uuid4())))
    assert time.monotonic() - started < 15  # one short read timeout, no retries
    sandbox.set_faults([])
    assert "embed" not in record(sandbox, published.remote_id)["value"]


def test_the_session_diddoc_moves_the_client_to_the_accounts_own_pds(
    sandbox: SandboxServer,
    secret_store: SecretStore,
    http_factory: Callable[[], HttpClient],
    contract: BlueskyContract,
) -> None:
    http_factory = contract.http_factory(http_factory)
    info = sandbox.platforms()["bluesky"]
    own = info["own_pds"]
    store_credentials(secret_store, "own", own["credentials"])
    connector = build_connector(
        make_account(Network.BLUESKY, info["base_url"], account_id="own"),
        secret_store,
        http_factory,
    )
    assert isinstance(connector, BlueskyConnector)
    try:
        me = connector.verify()  # signs in at the entryway, then talks to its own PDS
        assert me.remote_id == own["did"]
        assert connector.pds == own["url"] != info["base_url"]
        published = connector.publish(
            PostRequest(text="Från egen PDS", idempotency_key=str(uuid4()))
        )
        assert record(sandbox, published.remote_id)["value"]["text"] == "Från egen PDS"
        assert secret_store.get("own", "pds") == own["url"]
    finally:
        connector.close()
    # A new connector (the next start of Kanal) goes straight to the remembered PDS.
    again = build_connector(
        make_account(Network.BLUESKY, info["base_url"], account_id="own"),
        secret_store,
        http_factory,
    )
    assert isinstance(again, BlueskyConnector)
    try:
        assert again.pds == own["url"]
        sandbox.stage_public(
            platform="bluesky",
            kind="mention",
            account=own["credentials"]["identifier"],
            text="Hej biblioteket",
        )
        page = again.list_inbox(None)
        assert any("Hej biblioteket" in item.text for item in page.items)
    finally:
        again.close()


def test_pds_endpoint_takes_only_https_or_loopback() -> None:
    def doc(endpoint: str, kind: str = "AtprotoPersonalDataServer") -> dict[str, Any]:
        return {"service": [{"id": "#atproto_pds", "type": kind, "serviceEndpoint": endpoint}]}

    assert pds_endpoint(doc("https://morel.us-east.host.bsky.network/")) == (
        "https://morel.us-east.host.bsky.network"
    )
    assert pds_endpoint(doc("http://127.0.0.1:8080/pds2")) == "http://127.0.0.1:8080/pds2"
    assert pds_endpoint(doc("http://pds.example.org")) is None
    assert pds_endpoint(doc("https://x.example", "SomethingElse")) is None
    assert pds_endpoint(None) is None


def test_first_sync_walks_past_short_pages_until_the_cursor_ends(
    bsky: BlueskyConnector, sandbox: SandboxServer
) -> None:
    staged = [
        sandbox.stage_public(platform="bluesky", kind="mention", text=f"Fråga {n}")["id"]
        for n in range(70)
    ]
    for uri in staged[-30:-5]:  # deleted: the newest page comes back short, with a cursor
        sandbox._platforms["bluesky"].records.pop(uri)  # type: ignore[attr-defined]
    bsky.set_horizon(datetime.now(UTC) - timedelta(days=14))
    seen: set[str] = set()
    cursor: str | None = None
    for _ in range(20):
        page = bsky.list_inbox(cursor)
        seen |= {item.remote_id for item in page.items}
        cursor = page.cursor
        if not page.has_more:
            break
    assert set(staged[:40]) | set(staged[-5:]) <= seen


def test_the_lexicon_validator_refuses_what_the_lexicons_refuse() -> None:
    post = load_lexicons()["app.bsky.feed.post"]["defs"]["main"]
    good = {
        "$type": "app.bsky.feed.post",
        "text": "Hej #Sandviken",
        "createdAt": "2026-12-01T10:00:00.000Z",
        "langs": ["sv"],
        "facets": [
            {
                "index": {"byteStart": 4, "byteEnd": 14},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Sandviken"}],
            }
        ],
    }
    checker = Validator()
    checker.check(post, good, "record", "app.bsky.feed.post")
    assert checker.problems == []
    bad = {
        **good,
        "text": "å" * 301,
        "createdAt": "igår",
        "langs": ["sv", "en", "fi", "de"],
        "facets": [{"features": []}],
        "embed": {
            "$type": "app.bsky.embed.images",
            "images": [
                {
                    "alt": "",
                    "image": {
                        "$type": "blob",
                        "ref": {"$link": "bafkreiabcdefghij"},
                        "mimeType": "text/plain",
                        "size": 2_000_001,
                    },
                }
            ],
        },
    }
    checker = Validator()
    checker.check(post, bad, "record", "app.bsky.feed.post")
    found = "\n".join(checker.problems)
    for expected in (
        "record/text: must be at most 300 graphemes",
        "record/createdAt: is not a valid datetime",
        "record/langs: must have at most 3 items",
        'record/facets/0: must have the property "index"',
        "text/plain is not one of ['image/*']",
        "over maxSize 2000000",
    ):
        assert expected in found, found


def test_every_xrpc_method_the_connector_uses_is_checked_against_the_lexicons(
    bsky: BlueskyConnector, sandbox: SandboxServer, contract: BlueskyContract, image_file: Path
) -> None:
    me = bsky.verify()
    sandbox.stage_public(platform="bluesky", kind="mention", author="Åsa", text="Fråga")
    page = f"{sandbox.base_url}/bluesky/web/nyhet"
    with_card = bsky.publish(
        PostRequest(text=f"Läs {page} #Sandviken {me.handle}", idempotency_key=str(uuid4()))
    )
    with_image = PostRequest(
        text="Bild",
        idempotency_key=str(uuid4()),
        media=(MediaUpload(image_file, "image/png", "Plogbil"),),
    )
    bsky.publish(with_image)
    assert bsky.find_post(with_image, datetime.now(UTC)) is not None
    cursor = None
    for _ in range(10):
        inbox = bsky.list_inbox(cursor)
        cursor = inbox.cursor
        if not inbox.has_more:
            break
    bsky.delete_post(with_card.remote_id)
    bsky.refresh_session()
    methods = {c.split(" -> ")[0] for c in contract.checked}
    assert methods >= {
        "com.atproto.server.createSession",
        "com.atproto.server.refreshSession",
        "com.atproto.server.getSession",
        "com.atproto.identity.resolveHandle",
        "com.atproto.repo.uploadBlob",
        "com.atproto.repo.createRecord",
        "com.atproto.repo.getRecord",
        "com.atproto.repo.deleteRecord",
        "app.bsky.notification.listNotifications",
        "app.bsky.feed.getPostThread",
    }, sorted(contract.checked)
    assert contract.undescribed <= {"app.bsky.actor.getProfile"}


def test_a_card_is_read_from_open_graph_then_twitter_then_plain_tags() -> None:
    page = (
        "<html><head><title> Sidans\n titel </title>"
        '<meta name="twitter:description" content="Från Twitter-taggen">'
        '<meta name="description" content="Vanlig beskrivning">'
        '<meta property="og:image" content="/bilder/kort.png">'
        '<script>var s = \'<meta property="og:title" content="inte denna">\';</script>'
        "</head><body>&lt;meta property='og:title'&gt;</body></html>"
    )
    card = parse_card("https://www.sandviken.se/nyheter/1", page)
    assert card.title == "Sidans titel"
    assert card.description == "Från Twitter-taggen"
    assert card.image_url == "https://www.sandviken.se/bilder/kort.png"
    assert parse_card("https://x.example/", "<p>ingen head</p>").title == "https://x.example/"
    assert parse_card("https://x.example/", '<meta property="og:image" content="javascript:x">')
    assert (
        parse_card(
            "https://x.example/", '<meta property="og:image" content="javascript:x">'
        ).image_url
        is None
    )
    assert fetchable("https://www.sandviken.se/") and fetchable("http://127.0.0.1:8080/x")
    assert not fetchable("http://www.sandviken.se/") and not fetchable("ftp://x.example/")
