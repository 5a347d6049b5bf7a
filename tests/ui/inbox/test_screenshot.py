"""The inbox as users see it: items from every platform, a conversation, an overdue badge.

Renders the real view offscreen and checks what the screenshot must show. With
``KANAL_WRITE_SCREENSHOTS=1`` it also writes ``docs/screenshots/inbox.png``:

    KANAL_WRITE_SCREENSHOTS=1 pytest tests/ui/inbox/test_screenshot.py
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from desktop_app.domain.accounts import Account
from desktop_app.domain.inbox import InboxKind
from desktop_app.domain.networks import Network
from desktop_app.engine.inbox_actions import InboxActions
from desktop_app.networks.base import Connector
from desktop_app.store.database import Store
from desktop_app.ui.inbox.view import InboxView
from desktop_app.ui.tasks import TaskRunner
from tests.support.inbox import add_account, incoming, store_items

OUTPUT = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "inbox.png"
NOW = datetime.now(UTC).replace(second=0, microsecond=0)

THREAD = [
    ("Karin Lindqvist", "När plogas Björkvägen? Vi har inte kunnat ta oss ut på två dagar.", 27),
    ("Per Öberg", "Samma problem här på Tallvägen, bussen kommer inte fram heller.", 26),
    ("Åsa Nilsson", "Ring kommunens kontaktcenter, de brukar kunna svara.", 25),
]
OTHERS = [
    (Network.FACEBOOK, "Fatima Al-Hassan", "Hur lång är kön till äldreboendet just nu?", 3),
    (Network.X, "Erik Sundström", "@SandvikenKommun tack till plogförarna som var ute kl 4!", 1),
    (Network.MASTODON, "Linnéa Hedlund", "Har biblioteket öppet i mellandagarna?", 5),
    (Network.BLUESKY, "Oskar Persson", "Blir det busskort för elever i grannkommunen?", 2),
    (Network.FACEBOOK, "Märta Åkesson", "Min granne har pnr 811228-9874, gör något!", 7),
    (Network.X, "Zeynep Öberg", "مرحبا، متى يفتح مكتب البلدية؟ Tack på förhand!", 9),
    (Network.WORDPRESS, "Gunnar Eriksson", "Har ni fått min bygglovsansökan?", 30),
    (Network.MASTODON, "Ebba Larsson", "Superbra med längre öppettider på lördagar!", 12),
]


def _no_connector(account: Account) -> Connector:
    raise AssertionError("the screenshot makes no network calls")


def _fill(store: Store) -> None:
    accounts = {n: add_account(store, n, f"sandviken_{n.value}") for n in Network}
    blog = accounts[Network.WORDPRESS]
    store_items(
        store,
        blog,
        [
            incoming(
                f"c{n}",
                text,
                author=author,
                created_at=NOW - timedelta(hours=hours),
                root="snorojning-2026",
                parent="c0" if n else None,
                kind=InboxKind.COMMENT if n == 0 else InboxKind.REPLY,
            )
            for n, (author, text, hours) in enumerate(THREAD)
        ],
    )
    for n, (network, author, text, hours) in enumerate(OTHERS):
        store_items(
            store,
            accounts[network],
            [incoming(f"o{n}", text, author=author, created_at=NOW - timedelta(hours=hours))],
        )
    with store.unit_of_work() as uow:
        repo = uow.inbox
        thread_reply = repo.find_remote(blog.id, "c2")
        answered = repo.find_remote(accounts[Network.MASTODON].id, "o7")
        assert thread_reply is not None and answered is not None
        repo.record_answer(answered.id, "karin", NOW - timedelta(hours=10), "r1")


def test_inbox_screenshot_shows_every_platform_a_thread_and_the_overdue_badge(
    store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    _fill(store)
    db = TaskRunner()
    with qtbot.waitSignal(db.store_opened, timeout=5000):
        db.open_store(lambda: store)
    # Actions that are never called here: they only enable the moderation buttons.
    actions = InboxActions(store, _no_connector, clock=lambda: NOW)
    view = InboxView(db, actions, "karin", clock=lambda: NOW)
    qtbot.addWidget(view)
    view.resize(1400, 760)
    view.show()
    try:
        view.start()
        qtbot.waitUntil(lambda: view.model.rowCount() == len(THREAD) + len(OTHERS), timeout=5000)
        # Open the blog thread's first comment: the pane shows the whole conversation.
        for row in range(view.model.rowCount()):
            item = view.model.item_at(row)
            if item is not None and item.remote_id == "c0":
                view.move_selection(row - view.list.currentIndex().row())
        qtbot.waitUntil(
            lambda: "Tallvägen" in view.conversation.browser.toPlainText(), timeout=5000
        )
        qtbot.waitUntil(lambda: len(view._stat_labels) == len(Network), timeout=5000)
        overdue = [label for label in view._stat_labels.values() if label.property("overdue")]
        assert len(overdue) == 1 and "WordPress" in overdue[0].text()
        networks = {view.model.item_at(r).network for r in range(view.model.rowCount())}  # type: ignore[union-attr]
        assert networks == set(Network)
        qtbot.wait(50)
        image = view.grab().toImage()
        path = tmp_path / "inbox.png"
        assert image.save(str(path))
        # The red "> 24 h" badge is painted on the overdue rows of the list.
        list_origin = view.list.viewport().mapTo(view, QPoint(0, 0))
        reds = 0
        for y in range(list_origin.y(), list_origin.y() + view.list.viewport().height(), 2):
            for x in range(list_origin.x(), list_origin.x() + view.list.viewport().width(), 2):
                colour = QColor(image.pixel(x, y))
                if colour.red() > 180 and colour.green() < 70 and colour.blue() < 70:
                    reds += 1
        assert reds > 20
        if os.environ.get("KANAL_WRITE_SCREENSHOTS"):
            OUTPUT.parent.mkdir(parents=True, exist_ok=True)
            assert image.save(str(OUTPUT))
    finally:
        view.shutdown()
        db.close()
