"""Strangers' content in the conversation pane: no request leaves Kanal, nothing crashes.

The sandbox's own hard cases (script injection, tracking image, javascript: link, 20 kB rant,
right-to-left text, zero-width characters) are staged on the platforms, synced through the real
connectors, and shown one by one in the inbox view. A tracking image and a style sheet that point
at a loopback listener prove that no request is made: the listener counts connections.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QUrl
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from desktop_app.domain.inbox import InboxItem, InboxKind, InboxState, IncomingItem, RemoteState
from desktop_app.domain.networks import Network
from desktop_app.engine.avatars import AvatarCache
from desktop_app.sandbox.public import _hard_cases
from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.database import Store
from desktop_app.store.sanitize import sanitize_html
from desktop_app.ui.db_worker import DatabaseWorker
from desktop_app.ui.inbox.conversation import SHOW_IMAGES_SCHEME, ConversationPane
from desktop_app.ui.inbox.remote_images import (
    MAX_IMAGE_BYTES,
    ImageRefused,
    fetch_image,
    image_sources,
)
from desktop_app.ui.inbox.view import InboxView
from tests.support.engine import add_accounts, open_store
from tests.support.inbox_sandbox import fast_engine
from tests.support.sandbox import keyring_data_dir, running_sandbox
from tests.support.ui import offline_actions


class ConnectionCounter:
    """A loopback TCP listener that only counts who connects."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _address = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._socket.close()


@pytest.fixture
def listener() -> Iterator[ConnectionCounter]:
    counter = ConnectionCounter()
    yield counter
    counter.close()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return keyring_data_dir(tmp_path, monkeypatch)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(seed=31) as server:
        yield server


@pytest.fixture
def store(sandbox: SandboxServer, data_dir: Path) -> Iterator[Store]:
    add_accounts(sandbox, data_dir)
    opened = open_store(data_dir)
    try:
        yield opened
    finally:
        opened.dispose()


def test_hostile_items_render_without_any_request_and_without_a_crash(
    sandbox: SandboxServer,
    store: Store,
    listener: ConnectionCounter,
    qtbot: QtBot,
    data_dir: Path,
) -> None:
    pixel = f"http://127.0.0.1:{listener.port}/pixel.gif"
    sheet = f"http://127.0.0.1:{listener.port}/style.css"
    ours = (
        f'<p>Läs detta<img src="{pixel}" width="1" height="1"></p>'
        f'<link rel="stylesheet" href="{sheet}">'
        f'<div style="background:url({pixel}?bg)">bakgrund</div>'
        f'<a href="http://127.0.0.1:{listener.port}/link">en länk</a>'
    )
    cases = [*_hard_cases(random.Random(1), "Anna Ek"), ours]
    for n, text in enumerate(cases):
        # WordPress and Mastodon deliver HTML, X and Facebook plain text: both paths render.
        for platform, kind in (("wordpress", "comment"), ("mastodon", "mention"), ("x", "mention")):
            sandbox.stage_public(platform=platform, kind=kind, author=f"Avsändare {n}", text=text)
    assert all(r.status.value == "ok" for r in fast_engine(store).sync())
    # The platforms escape or strip markup from citizens (WordPress runs kses, Mastodon escapes,
    # the others send plain text); a platform or plugin that passes HTML through is the worst
    # case, so every hard case is also stored as raw HTML, as such a connector would deliver it.
    with store.unit_of_work() as uow:
        wordpress = next(a for a in uow.accounts.list() if a.network.value == "wordpress")
        uow.inbox.store_page(
            wordpress.id,
            wordpress.network,
            [
                IncomingItem(
                    remote_id=f"raw-{n}",
                    kind=InboxKind.COMMENT,
                    author_name=f"Rå HTML {n}",
                    author_handle="",
                    author_avatar_url=f"http://127.0.0.1:{listener.port}/avatar.png",
                    text=text,
                    html=text,
                    created_at=datetime.now(UTC),
                    remote_updated_at=None,
                    parent_remote_id=None,
                    # Its own thread each, so the whole item is on screen (images load lazily).
                    root_post_remote_id=f"raw-post-{n}",
                    url="",
                )
                for n, text in enumerate(cases)
            ],
            cursor=None,
            advance_cursor=False,
        )

    db = DatabaseWorker()
    with qtbot.waitSignal(db.store_opened, timeout=5000):
        db.open_store(lambda: store)
    opened: list[QUrl] = []
    # Avatars on: a stranger's avatar URL (the listener) must not be fetched either.
    view = InboxView(db, offline_actions(store), "karin", avatars=AvatarCache(data_dir / "avatars"))
    view.conversation._open_url = lambda url: opened.append(url) or True  # type: ignore[method-assign]
    view.conversation._confirm_open = lambda _parent, _url: True  # type: ignore[method-assign]
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    try:
        view.start()
        expected = len(cases) * 4
        qtbot.waitUntil(lambda: view.model.rowCount() >= expected, timeout=5000)
        shown: list[InboxItem] = []
        # Collected as they happen: the pane forgets its list when the thread arrives and renders
        # again, which may fall between the paint and this test's look at the list.
        refused: set[str] = set()
        view.conversation.browser.resource_refused.connect(refused.add)
        for row in range(view.model.rowCount()):
            view.move_selection(row - max(0, view.list.currentIndex().row()))
            qtbot.waitUntil(
                lambda row=row: (
                    (view.current_item() is not None)
                    and view.list.currentIndex().row() == row
                    and view.conversation.item is not None
                    and view.conversation.item.id == view.current_item().id
                ),  # type: ignore[union-attr]
                timeout=5000,
            )
            view.conversation.browser.viewport().repaint()  # lay out and paint: loads resources
            qtbot.wait(10)
            item = view.current_item()
            assert item is not None
            shown.append(item)
            html = view.conversation.browser.toHtml()
            assert "<script" not in html, html[html.find("<script") - 200 :][:400]
            assert 'href="javascript' not in html
        assert len(shown) >= expected
        assert any(len(i.text) >= 20_000 for i in shown)
        assert any("שלום" in i.text for i in shown)
        # The tracking images were asked for by the layout and refused; none was fetched.
        assert pixel in refused
        assert any("tracker.example" in url for url in refused)
        assert sheet not in refused  # the style sheet never even reached the document
        assert listener.connections == 0
        # A link shows its target and opens only through the system browser hook.
        link = QUrl(f"http://127.0.0.1:{listener.port}/link")
        view.conversation.browser.highlighted.emit(link)
        assert view.conversation.link_target.text() == link.toString()
        view.conversation.browser.anchorClicked.emit(link)
        assert opened == [link]
        view.conversation.browser.anchorClicked.emit(QUrl("file:///etc/passwd"))
        assert opened == [link]
        assert listener.connections == 0
        # Avatars from the platforms' own hosts (the sandbox) did arrive meanwhile.
        qtbot.waitUntil(lambda: any((data_dir / "avatars").glob("*.img")), timeout=5000)
        assert listener.connections == 0
    finally:
        view.shutdown()
        db.close()


def test_the_browser_refuses_every_resource_even_when_asked_directly(qtbot: QtBot) -> None:
    pane = ConversationPane()
    qtbot.addWidget(pane)
    for url in ("http://example.org/a.png", "https://example.org/b.css", "file:///etc/passwd"):
        assert pane.browser.loadResource(2, QUrl(url)) is None
    assert len(pane.browser.refused) == 3


class ImageServer:
    """A loopback HTTP server that logs every request path and serves a red PNG, an HTML page
    posing as nothing in particular, an SVG and an image larger than Kanal accepts."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        image = QImage(32, 32, QImage.Format.Format_RGB32)
        image.fill(QColor(255, 0, 0))
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        png = bytes(buffer.data().data())
        answers = {
            "/red.png": ("image/png", png),
            "/other.png": ("image/png", png),
            "/page.html": ("text/html", b"<html>not an image</html>"),
            "/vector.svg": ("image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            "/huge.png": ("image/png", png + b"\0" * MAX_IMAGE_BYTES),
        }
        log = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                log.append(self.path)
                content_type, body = answers.get(self.path, ("text/plain", b"missing"))
                self.send_response(200 if self.path in answers else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(ConnectionError):  # Kanal stops reading past the cap
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(2)


@pytest.fixture
def image_server() -> Iterator[ImageServer]:
    server = ImageServer()
    yield server
    server.close()


def _item(item_id: str, markup: str, root: str = "post-1") -> InboxItem:
    now = datetime.now(UTC)
    return InboxItem(
        id=item_id,
        seq=1,
        account_id="account-1",
        network=Network.WORDPRESS,
        kind=InboxKind.COMMENT,
        remote_id=item_id,
        parent_remote_id=None,
        root_post_remote_id=root,
        author_name="Anna Ek",
        author_handle="anna",
        author_avatar_url="",
        text=markup,
        html=sanitize_html(markup),
        url="",
        created_at=now,
        remote_updated_at=None,
        first_seen_at=now,
        remote_state=RemoteState.VISIBLE,
        state=InboxState.NEW,
        assigned_to=None,
        answered_at=None,
        answered_by=None,
    )


def _show_images_link(pane: ConversationPane, item_id: str) -> QUrl:
    document = pane.browser.toHtml()
    marker = f"{SHOW_IMAGES_SCHEME}:"
    for start in [n for n in range(len(document)) if document.startswith(marker, n)]:
        address = document[start : document.index('"', start)]
        if address.endswith("/" + item_id):
            return QUrl(address)
    raise AssertionError(f"no Show images link for {item_id}")


def _red_pixels(pane: ConversationPane) -> int:
    shot = pane.browser.viewport().grab().toImage()
    return sum(
        1
        for x in range(0, shot.width(), 2)
        for y in range(0, shot.height(), 2)
        # Compared as an int: rich comparison of Qt value types is avoided in a loop this long.
        if shot.pixel(x, y) & 0xFFFFFF == 0xFF0000
    )


def test_remote_images_load_only_for_the_item_whose_show_images_was_clicked(
    image_server: ImageServer, qtbot: QtBot
) -> None:
    red = f"{image_server.base}/red.png"
    other = f"{image_server.base}/other.png"
    first = _item("item-1", f'<p>Se bilden <img src="{red}" width="32" height="32"></p>')
    second = _item("item-2", f'<p>Och denna <img src="{other}" width="32" height="32"></p>')
    plain = _item("item-3", "<p>Ingen bild här</p>")
    pane = ConversationPane()
    qtbot.addWidget(pane)
    pane.resize(700, 500)
    pane.show()
    try:
        pane.show_thread(first, [first, second, plain])
        pane.browser.viewport().repaint()  # lays the document out: images are asked for
        qtbot.wait(200)
        assert red in pane.browser.refused and other in pane.browser.refused
        assert image_server.requests == []
        assert _red_pixels(pane) == 0
        assert "Show images" in pane.browser.toPlainText()
        with pytest.raises(AssertionError):
            _show_images_link(pane, plain.id)  # nothing to show: no action offered
        # A forged action (wrong secret) does nothing.
        pane.browser.anchorClicked.emit(QUrl(f"{SHOW_IMAGES_SCHEME}:forged/{first.id}"))
        qtbot.wait(200)
        assert image_server.requests == []

        pane.browser.anchorClicked.emit(_show_images_link(pane, first.id))
        qtbot.waitUntil(lambda: red in pane.browser.granted, timeout=5000)
        pane.browser.viewport().repaint()
        qtbot.waitUntil(lambda: _red_pixels(pane) > 0, timeout=5000)
        qtbot.wait(200)
        assert image_server.requests == ["/red.png"]  # not the other item's image
        assert other not in pane.browser.granted
        _show_images_link(pane, second.id)  # still offered for the other item

        # Another item shown: what was granted for the first one is forgotten.
        pane.show_thread(second, [second])
        pane.browser.viewport().repaint()
        qtbot.wait(200)
        assert pane.browser.granted == {}
        assert _red_pixels(pane) == 0
        assert image_server.requests == ["/red.png"]
    finally:
        pane.shutdown()


def test_only_http_images_of_an_image_type_and_size_are_accepted(
    image_server: ImageServer,
) -> None:
    assert not fetch_image(f"{image_server.base}/red.png").isNull()
    for path in ("/page.html", "/vector.svg", "/huge.png"):
        with pytest.raises(ImageRefused):
            fetch_image(image_server.base + path)
    for address in ("file:///etc/passwd", "ftp://127.0.0.1/a.png", "data:image/png;base64,AA"):
        with pytest.raises(ImageRefused):
            fetch_image(address)
    assert image_server.requests == ["/red.png", "/page.html", "/vector.svg", "/huge.png"]
    assert image_sources(
        '<img src="https://a.example/1.png"><img src="data:x"><img src="https://a.example/1.png">'
    ) == ["https://a.example/1.png"]
