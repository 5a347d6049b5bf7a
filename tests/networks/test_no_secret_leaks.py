"""No token or password in log files or exception texts, and connectors work through a proxy."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from desktop_app.domain.errors import NetworkError
from desktop_app.domain.networks import Network
from desktop_app.networks.base import Connector, MediaUpload, PostRequest
from desktop_app.networks.factory import build_connector
from desktop_app.networks.http import HttpClient, redacting_file_handler
from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore
from tests.support.forward_proxy import ForwardProxy
from tests.support.memory_keyring import MemoryKeyring
from tests.support.networks import make_account, store_credentials

FAULTS = (
    "status=500",
    "status=400",
    "reset",
    "hang",
    "commit-drop",
    "bad-json",
    "ratelimit",
    "expired-token",
)
WRITE_PATHS = {
    "wordpress": "POST /wp-json/wp/v2/posts",
    "facebook": "POST /v*/*/feed",
    "x": "POST /2/tweets",
    "mastodon": "POST /api/v1/statuses",
    "bluesky": "POST /xrpc/com.atproto.repo.*",
}
READ_PATHS = {
    "wordpress": "GET /wp-json/wp/v2/comments",
    "facebook": "GET /v*/*/comments",
    "x": "GET /2/users/*/mentions",
    "mastodon": "GET /api/v1/notifications",
    "bluesky": "GET /xrpc/app.bsky.notification.listNotifications",
}


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """Everything at DEBUG (urllib3 logs each URL, query string included) into a redacted file."""
    path = tmp_path / "logs" / "kanal.log"
    handler = redacting_file_handler(path, logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    root.setLevel(old_level)
    handler.close()


def connectors(sandbox: SandboxServer, store: SecretStore) -> dict[str, Connector]:
    built: dict[str, Connector] = {}
    for name, info in sandbox.platforms().items():
        store_credentials(store, name, info["credentials"])
        remote = info["page_ids"][0] if name == "facebook" else ""
        account = make_account(Network(name), info["base_url"], remote_id=remote, account_id=name)
        built[name] = build_connector(
            account,
            store,
            lambda: HttpClient(
                timeout=(2.0, 1.0), max_retries=1, backoff_base=0.01, max_retry_wait=0.2
            ),
        )
    return built


def test_no_secret_in_logs_or_exceptions(
    sandbox: SandboxServer, debug_log: Path, image_file: Path
) -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)
    texts: list[str] = []
    for name, connector in connectors(sandbox, store).items():
        logging.getLogger("kanal.test").info("connector %s", name)
        connector.verify()
        post = PostRequest(
            text=f"Hej {uuid4().hex[:8]}",
            idempotency_key=str(uuid4()),
            media=(MediaUpload(image_file, "image/png", "En bild"),),
        )
        connector.publish(post)
        connector.list_inbox(None)
        if name in ("x", "bluesky"):
            sandbox.advance(hours=3)  # make the tokens expire so refreshes happen and are logged
        for path in (WRITE_PATHS[name], READ_PATHS[name]):
            for fault in FAULTS:
                sandbox.set_faults([f"{path}:{fault}"])
                try:
                    if path.startswith("POST"):
                        connector.publish(
                            PostRequest(text=f"Fel {uuid4().hex}", idempotency_key=str(uuid4()))
                        )
                    else:
                        connector.list_inbox(None)
                    sandbox.set_faults([])
                    connector.verify()  # after a rate-limit fault this may still be throttled
                except NetworkError as error:
                    texts.append(str(error))
                    texts.append(repr(error))
                    texts.append(getattr(error, "reason", "") or "")
                    texts.append("".join(traceback.format_exception(error)))
                    logging.getLogger("kanal.test").exception("operation failed on %s", name)
                sandbox.set_faults([])
        connector.close()
    # Every secret the run knew: the given credentials and everything issued since (page tokens,
    # rotated X tokens, Bluesky session JWTs), as the keyring holds them now.
    # (The keyring also keeps a Bluesky account's own PDS address beside its session: an
    # address, not a secret, and one that every request line in the log names.)
    secrets = {
        v
        for v in backend.values()
        if len(v) >= 8 and not v.startswith(("[", "http://", "https://"))
    }
    for info in sandbox.platforms().values():
        for key, value in info["credentials"].items():
            if any(word in key for word in ("password", "token", "secret")):
                secrets.add(str(value))
    logged = debug_log.read_text(encoding="utf-8")
    assert "GET" in logged and "[redacted]" in logged  # the log did record the traffic
    assert len(texts) >= 40
    for secret in secrets:
        assert secret not in logged, "a secret reached the log file"
        for text in texts:
            assert secret not in text, f"a secret is in an exception text: {text[:80]}"


def test_a_connector_on_loopback_bypasses_the_system_proxy(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = ForwardProxy().start()
    try:
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        store = SecretStore(MemoryKeyring())
        info = sandbox.platforms()["mastodon"]
        store_credentials(store, "m", info["credentials"])
        connector = build_connector(
            make_account(Network.MASTODON, info["base_url"], account_id="m"), store
        )
        identity = connector.verify()
        published = connector.publish(
            PostRequest(text=f"Via proxyn {uuid4().hex[:6]}", idempotency_key=str(uuid4()))
        )
        assert identity.handle and published.remote_id
        # Loopback (the practice platforms) never goes through a proxy (issue 12); the proxy
        # path itself is tested in test_http.py with a non-loopback name.
        assert proxy.relayed == []
        assert (
            connector.find_post(PostRequest(text="x", idempotency_key="y"), datetime.now(UTC))
            is None
        )
    finally:
        proxy.stop()
