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
    assert not notifier.waiting  # nothing more is scheduled without new items
    notifier.items_arrived(0)
    assert len(shown) == 2 and not notifier.waiting
    notifier.stop()


def _pixels(count: int) -> bytes:
    image = unread_icon(count).pixmap(64, 64).toImage()
    return bytes(image.constBits())


def _white_pixels(count: int) -> int:
    image = unread_icon(count).pixmap(64, 64).toImage()
    return sum(
        1
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y).lightness() > 200 and image.pixelColor(x, y).alpha() > 200
    )


def test_unread_icon_shows_the_count(qtbot: QtBot) -> None:
    # The number is drawn in white on the round badge: each count looks different...
    assert _white_pixels(7) > 0
    assert len({_pixels(0), _pixels(7), _pixels(8), _pixels(42), _pixels(150)}) == 5
    # ...up to 99; above that the badge says "99+", whatever the count.
    assert _pixels(150) == _pixels(1234)
    assert _pixels(99) != _pixels(150)
