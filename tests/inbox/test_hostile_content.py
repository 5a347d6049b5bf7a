"""Strangers' content in the conversation pane: no request leaves Kanal, nothing crashes.

The sandbox's own hard cases (script injection, tracking image, javascript: link, 20 kB rant,
right-to-left text, zero-width characters) are staged on the platforms, synced through the real
connectors, and shown one by one in the inbox view. A tracking image and a style sheet that point
at a loopback listener prove that no request is made: the listener counts connections.
"""

from __future__ import annotations

import random
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from desktop_app.domain.inbox import InboxItem, InboxKind, IncomingItem
from desktop_app.engine.avatars import AvatarCache
from desktop_app.sandbox.public import _hard_cases
from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.database import Store
from desktop_app.store.inbox import inbox_repository
from desktop_app.ui.db_worker import DatabaseWorker
from desktop_app.ui.inbox.conversation import ConversationPane
from desktop_app.ui.inbox.view import InboxView
from tests.engine.support import KEYRING_BACKEND, add_accounts, open_store
from tests.inbox.sandbox_support import fast_engine


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
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", KEYRING_BACKEND)
    return tmp_path / "kanal-data"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(host="127.0.0.1", port=0, seed=31)
    server.start()
    try:
        yield server
    finally:
        server.stop()


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
        inbox_repository(uow).store_page(
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
    view = InboxView(db, None, "karin", avatars=AvatarCache(data_dir / "avatars"))
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
        refused: set[str] = set()
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
            refused |= set(view.conversation.browser.refused)
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
