"""Desktop notifications are batched: at most one a minute, none lost."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_app.ui.inbox.notifications import InboxNotifier, unread_icon


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_arrivals_within_a_minute_become_one_later_message(qtbot: QtBot) -> None:
    clock = Clock()
    shown: list[tuple[str, str]] = []
    notifier = InboxNotifier(
        lambda title, body: shown.append((title, body)), min_interval_s=0.3, monotonic=clock
    )
    notifier.items_arrived(3)  # the first after a quiet spell goes out at once
    assert len(shown) == 1 and "3" in shown[0][1]
    clock.now += 0.05
    notifier.items_arrived(2)
    notifier.items_arrived(5)
    assert len(shown) == 1  # held back: less than the interval since the last one
    clock.now += 0.3
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=2000)
    assert "7" in shown[1][1]  # both batches, added up
    qtbot.wait(400)
    assert len(shown) == 2  # nothing more without new items
    notifier.items_arrived(0)
    assert len(shown) == 2
    notifier.stop()


def test_unread_icon_draws_a_number(qtbot: QtBot) -> None:
    assert not unread_icon(0).isNull()
    assert not unread_icon(7).isNull()
    assert not unread_icon(1234).isNull()
