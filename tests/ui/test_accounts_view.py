"""The Accounts section against the real sandbox over loopback: a real SQLite store on the
window's database thread, the account service on the section's pool, and an in-memory keyring
backend injected (the one thing a test machine cannot offer for real)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.config import AppConfig
from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.networks import Network
from desktop_app.engine.accounts import AccountService
from desktop_app.practice import sign_in_presets
from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore
from desktop_app.store.database import Store
from desktop_app.ui.account_dialog import AccountDialog
from desktop_app.ui.account_jobs import worker_store_access
from desktop_app.ui.accounts_view import STATUS_TEXT_ROLE, AccountsView, loopback_only
from desktop_app.ui.application import display_zone
from desktop_app.ui.tasks import TaskRunner
from tests.support.memory_keyring import MemoryKeyring
from tests.support.networks import ConsentBrowser, fast_http
from tests.support.sandbox import running_sandbox

WAIT_MS = 20_000


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(quiet=True, seed=11) as server:
        yield server


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


class Answers:
    """Stands in for the confirmation box and the system browser."""

    def __init__(self) -> None:
        self.confirm = True
        self.questions: list[str] = []
        self.browser = ConsentBrowser()
        self.browser_answers = True  # False: a browser that never comes back
        self.opened: list[str] = []
        self.browser_threads: list[threading.Thread] = []

    def ask(self, _parent: QWidget, _title: str, text: str) -> bool:
        self.questions.append(text)
        return self.confirm

    def open_url(self, url: str) -> bool:
        self.opened.append(url)
        if not self.browser_answers:
            return True
        # A browser is another program: it answers the consent page on its own time.
        thread = threading.Thread(target=self.browser, args=(url,))
        thread.start()
        self.browser_threads.append(thread)
        return True


@pytest.fixture
def answers() -> Iterator[Answers]:
    given = Answers()
    yield given
    for thread in given.browser_threads:
        thread.join(10)


@pytest.fixture
def view(
    qtbot: QtBot,
    worker: TaskRunner,
    config: AppConfig,
    keyring_backend: MemoryKeyring,
    sandbox: SandboxServer,
    answers: Answers,
) -> Iterator[AccountsView]:
    def service() -> AccountService:
        return AccountService(
            worker_store_access(worker), SecretStore(keyring_backend), fast_http, actor="karin"
        )

    widget = AccountsView(
        worker,
        service,
        display_zone(),
        avatars_dir=config.data_dir / "avatars",
        presets=sign_in_presets(sandbox.platforms()),
        open_url=answers.open_url,
        confirm=answers.ask,
        avatar_filter=loopback_only,
    )
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    yield widget
    widget.shutdown()


def credentials(info: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in info["credentials"].items()}


def rows(view: AccountsView) -> dict[str, str]:
    """Network -> the status text the row shows."""
    model = view.model
    return {
        account.network.value: str(model.index(i).data(STATUS_TEXT_ROLE))
        for i, account in enumerate(model.accounts())
    }


def row_of(view: AccountsView, network: Network) -> Account:
    return next(a for a in view.accounts() if a.network is network)


def connect_in_background(qtbot: QtBot, view: AccountsView, sandbox: SandboxServer) -> None:
    """WordPress, Facebook and X as a setup step (the service on a plain thread)."""
    platforms = sandbox.platforms()
    service = view.service
    errors: list[BaseException] = []

    def run() -> None:
        try:
            for name in ("wordpress", "facebook", "x"):
                info = platforms[name]
                service.add(Network(name), info["base_url"], credentials(info))
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=WAIT_MS)
    assert errors == []


def dialog_of(view: AccountsView) -> AccountDialog:
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_five_accounts_one_needing_sign_in_then_remove(
    qtbot: QtBot,
    view: AccountsView,
    sandbox: SandboxServer,
    keyring_backend: MemoryKeyring,
    answers: Answers,
    config: AppConfig,
) -> None:
    platforms = sandbox.platforms()
    view.refresh()
    qtbot.waitUntil(lambda: view.empty_label.isVisible(), timeout=WAIT_MS)
    connect_in_background(qtbot, view, sandbox)

    # Bluesky through the dialog's app-password entry.
    view.add_button.click()
    dialog = dialog_of(view)
    dialog.set_network(Network.BLUESKY)
    assert not dialog.browser_group.isVisible()  # Bluesky has no browser sign-in
    assert dialog.base_url_edit.text() == platforms["bluesky"]["base_url"]
    dialog.field("identifier").setText(platforms["bluesky"]["credentials"]["identifier"])
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: "Fill in: App password" in dialog.status_label.text(), timeout=WAIT_MS)
    password_field = dialog.field("app_password")
    assert password_field.echoMode() == password_field.EchoMode.Password
    password_field.setText(platforms["bluesky"]["credentials"]["app_password"])
    with qtbot.waitSignal(dialog.connected, timeout=WAIT_MS):
        dialog.connect_button.click()

    # Mastodon through the browser sign-in (the test's browser allows on the consent page).
    view.add_button.click()
    dialog = dialog_of(view)
    dialog.set_network(Network.MASTODON)
    assert dialog.browser_group.isVisible()
    with qtbot.waitSignal(dialog.connected, timeout=WAIT_MS):
        dialog.sign_in_button.click()
    assert len(answers.browser.visited) == 1

    qtbot.waitUntil(lambda: len(view.accounts()) == 5, timeout=WAIT_MS)
    assert rows(view) == {
        "bluesky": "Working",
        "facebook": "Working",
        "mastodon": "Working",
        "wordpress": "Working",
        "x": "Working",
    }
    assert row_of(view, Network.MASTODON).id == view.selected_account().id  # type: ignore[union-attr]

    # The platform says the Mastodon token has expired: the row asks for a new sign-in.
    sandbox.set_faults(["GET /api/v1/accounts/verify_credentials:expired-token"])
    view.select_account(row_of(view, Network.MASTODON).id)
    view.verify_button.click()
    qtbot.waitUntil(lambda: rows(view)["mastodon"] == "Needs sign-in again", timeout=WAIT_MS)
    assert row_of(view, Network.MASTODON).status is AccountStatus.NEEDS_SIGN_IN

    # X is rate-limited: the row says until when, in Swedish local time.
    sandbox.set_faults(["GET /2/users/me:ratelimit"])
    view.select_account(row_of(view, Network.X).id)
    view.verify_button.click()
    qtbot.waitUntil(lambda: rows(view)["x"].startswith("Rate-limited until"), timeout=WAIT_MS)
    until = row_of(view, Network.X).rate_limited_until
    assert until is not None
    local = until.astimezone(ZoneInfo("Europe/Stockholm"))
    expected = local.strftime("%H:%M")
    if local.date() != datetime.now(ZoneInfo("Europe/Stockholm")).date():
        assert rows(view)["x"].endswith(expected)
    else:
        assert rows(view)["x"] == f"Rate-limited until {expected}"
    sandbox.set_faults([])

    # The X avatar (served by the sandbox) was fetched in the background and cached on disk.
    qtbot.waitUntil(lambda: any((config.data_dir / "avatars").glob("*.img")), timeout=WAIT_MS)

    # Remove asks first; "no" keeps the account.
    wordpress = row_of(view, Network.WORDPRESS)
    view.select_account(wordpress.id)
    answers.confirm = False
    view.remove_button.click()
    assert "Kommunens redaktion" in answers.questions[-1]
    qtbot.wait(100)
    assert len(view.accounts()) == 5
    assert any(u.startswith(wordpress.id) for _s, u in keyring_backend.entries)
    answers.confirm = True
    view.remove_button.click()
    qtbot.waitUntil(lambda: len(view.accounts()) == 4, timeout=WAIT_MS)
    assert Network.WORDPRESS not in {a.network for a in view.accounts()}
    assert not any(u.startswith(wordpress.id) for _s, u in keyring_backend.entries)


def test_sign_in_again_brings_the_account_back(
    qtbot: QtBot, view: AccountsView, sandbox: SandboxServer, answers: Answers
) -> None:
    info = sandbox.platforms()["mastodon"]
    service = view.service
    thread = threading.Thread(
        target=lambda: service.add(Network.MASTODON, info["base_url"], credentials(info))
    )
    thread.start()
    thread.join(20)
    view.refresh()
    qtbot.waitUntil(lambda: len(view.accounts()) == 1, timeout=WAIT_MS)
    account = view.accounts()[0]
    sandbox.set_faults(["GET /api/v1/accounts/verify_credentials:expired-token"])
    view.select_account(account.id)
    view.verify_button.click()
    qtbot.waitUntil(lambda: rows(view)["mastodon"] == "Needs sign-in again", timeout=WAIT_MS)
    sandbox.set_faults([])

    view.sign_in_button.click()
    dialog = dialog_of(view)
    assert not dialog.network_box.isEnabled()
    assert dialog.base_url_edit.text() == account.base_url
    with qtbot.waitSignal(dialog.connected, timeout=WAIT_MS):
        dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: rows(view)["mastodon"] == "Working", timeout=WAIT_MS)
    assert view.accounts()[0].id == account.id  # the same account, not a second one


def test_wrong_credentials_are_explained_and_nothing_is_added(
    qtbot: QtBot, view: AccountsView, sandbox: SandboxServer, keyring_backend: MemoryKeyring
) -> None:
    view.refresh()
    view.add_button.click()
    dialog = dialog_of(view)
    dialog.set_network(Network.WORDPRESS)
    dialog.field("username").setText("redaktion")
    dialog.field("application_password").setText("abcd efgh ijkl mnop qrst uvwx")
    dialog.connect_button.click()
    qtbot.waitUntil(
        lambda: dialog.status_label.text().startswith("Could not connect:"), timeout=WAIT_MS
    )
    assert "abcd" not in dialog.status_label.text()
    assert dialog.isVisible() and dialog.connect_button.isEnabled()
    assert keyring_backend.entries == {}
    dialog.reject()
    qtbot.wait(50)
    assert view.accounts() == []


def test_closing_the_dialog_abandons_a_waiting_browser_sign_in(
    qtbot: QtBot, view: AccountsView, answers: Answers
) -> None:
    answers.browser_answers = False
    view.add_button.click()
    dialog = dialog_of(view)
    dialog.set_network(Network.MASTODON)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: bool(answers.opened), timeout=WAIT_MS)
    assert dialog.browser_link.isVisible()
    assert "Waiting for the sign-in" in dialog.status_label.text()
    dialog.reject()
    # The pool thread that waited for the browser ends at once: closing the section joins it.
    started = time.monotonic()
    view.shutdown()
    assert time.monotonic() - started < 5  # not the sign-in's five-minute timeout


def test_placeholder_avatar_shows_the_initial(qtbot: QtBot) -> None:
    from desktop_app.ui.accounts_view import AVATAR_SIZE, placeholder_avatar

    account = Account(
        id="a",
        network=Network.BLUESKY,
        display_name="Sandvikens kommun",
        handle="@sandviken.bsky.social",
        base_url="https://bsky.social",
        remote_id="did:plc:x",
        status=AccountStatus.WORKING,
        rate_limited_until=None,
        avatar_url="",
        created_at=datetime.now(ZoneInfo("UTC")),
    )
    image = placeholder_avatar(account).toImage()
    assert image.width() == AVATAR_SIZE
    centre = image.pixelColor(AVATAR_SIZE // 2, AVATAR_SIZE // 2 + 8)
    corner = image.pixelColor(0, 0)
    assert corner.alpha() == 0  # a disc, not a square
    colours = {
        image.pixelColor(x, y).name()
        for x in range(AVATAR_SIZE // 4, 3 * AVATAR_SIZE // 4)
        for y in range(AVATAR_SIZE // 4, 3 * AVATAR_SIZE // 4)
    }
    assert "#0a7aff" in colours and "#ffffff" in colours  # Bluesky blue with a white letter
    assert centre.alpha() == 255


def test_account_check_shows_each_finding_with_what_to_do(
    qtbot: QtBot, view: AccountsView, sandbox: SandboxServer
) -> None:
    connect_in_background(qtbot, view, sandbox)
    view.refresh()
    qtbot.waitUntil(lambda: len(view.accounts()) == 3, timeout=WAIT_MS)
    facebook = row_of(view, Network.FACEBOOK)
    view.list.setCurrentIndex(view.model.index(view.accounts().index(facebook)))
    assert view.health_button.isEnabled()
    view.health_button.click()
    qtbot.waitUntil(lambda: view.health_box is not None, timeout=WAIT_MS)
    box = view.health_box
    assert box is not None
    assert facebook.display_name in box.windowTitle()
    assert box.informativeText()  # the findings, e.g. the token's expiry and the permissions
    box.close()


def test_the_channel_register_is_edited_in_accounts_and_audited(
    qtbot: QtBot, view: AccountsView, sandbox: SandboxServer, worker: TaskRunner
) -> None:
    connect_in_background(qtbot, view, sandbox)
    view.refresh()
    qtbot.waitUntil(lambda: len(view.accounts()) == 3, timeout=WAIT_MS)
    x = row_of(view, Network.X)
    view.list.setCurrentIndex(view.model.index(view.accounts().index(x)))
    view.register_button.click()
    dialog = view.register_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.purpose.isEnabled, timeout=WAIT_MS)
    assert x.display_name in dialog.windowTitle()
    dialog.purpose.setText("Driftinformation och snabba svar")
    dialog.responsible.setText("Karin Ek, kommunikationsavdelningen")
    dialog.notice.setPlainText("Vi tar bort inlägg som bryter mot lag eller våra regler.")
    dialog.status.setCurrentIndex(dialog.status.findData("paused"))
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS) as saved:
        dialog.save()
    assert saved.args[0]["purpose"] == "Driftinformation och snabba svar"

    def audit_kinds(store: Store) -> list[str]:
        with store.unit_of_work(read_only=True) as uow:
            return [e.kind for e in uow.audit.list() if e.subject_id == x.id]

    kinds: list[list[str]] = []
    worker.submit(view, audit_kinds, kinds.append)
    qtbot.waitUntil(lambda: bool(kinds), timeout=WAIT_MS)
    assert "register_changed" in kinds[0]
