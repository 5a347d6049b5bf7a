"""The composer's per-network preview: cut text, X thread parts, link card, alt text."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_app.domain.networks import Network
from desktop_app.ui.composer import ComposerWidget
from desktop_app.ui.keyboard import unnamed_focusable_controls
from desktop_app.ui.targets import network_target

TEXT = (
    "Kommunfullmäktige sammanträder i morgon klockan 18 i stadshuset. " * 5
    + "Läs mer på https://www.sandviken.se/fullmaktige"
)


def test_the_preview_shows_each_network_as_it_will_go_out(
    qtbot: QtBot, composer: ComposerWidget
) -> None:
    composer.body_editor.setPlainText(TEXT)
    composer.set_targets([network_target(Network.X), network_target(Network.MASTODON)])
    dialog = composer.show_preview()
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == ["X", "Mastodon"]
    x_page = dialog.pages[Network.X].toPlainText()
    assert "too long for X" in x_page and "…" in x_page
    mastodon_page = dialog.pages[Network.MASTODON].toPlainText()
    assert "too long" not in mastodon_page
    assert "Link card" in mastodon_page and "www.sandviken.se" in mastodon_page
    assert unnamed_focusable_controls(dialog) == []
    dialog.close()


def test_asking_for_a_thread_previews_its_numbered_parts(
    qtbot: QtBot, composer: ComposerWidget
) -> None:
    composer.body_editor.setPlainText(TEXT)
    composer.set_targets([network_target(Network.X)])
    composer._thread_check.setChecked(True)
    (shown,) = composer.previews()
    assert len(shown.parts) >= 2 and not shown.cut
    dialog = composer.show_preview()
    assert f"Post 1 of {len(shown.parts)}" in dialog.pages[Network.X].toPlainText()
    dialog.close()
