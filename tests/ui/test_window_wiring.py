"""The whole window against the sandbox over loopback: publishing from the composer reaches the
platforms and the Sent section, the inbox fills from a sync started in the Inbox section, and
closing the window stops the outbox and the sync.

The window is built by the composition function the program uses, on a real SQLite store, with
accounts connected through the account service and an in-memory keyring backend injected (the
one thing a test machine cannot offer for real) - the same SecretStore instance the window's
outbox and sync must use.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.app import open_store
from desktop_app.config import AppConfig
from desktop_app.domain.accounts import Account
from desktop_app.domain.inbox import InboxItem
from desktop_app.domain.networks import Network
from desktop_app.domain.publications import PublicationState
from desktop_app.engine.accounts import AccountService, direct_access
from desktop_app.practice import connect_practice_accounts
from desktop_app.sandbox.server import SandboxServer
from desktop_app.secrets import SecretStore
from desktop_app.ui.inbox.model import ItemRole
from desktop_app.ui.main_window import (
    SECTION_COMPOSE,
    SECTION_INBOX,
    SECTION_SCHEDULED,
    SECTION_SENT,
    MainWindow,
)
from desktop_app.ui.tasks import TaskRunner
from tests.support.memory_keyring import MemoryKeyring
from tests.support.networks import fast_http
from tests.support.sandbox import running_sandbox
from tests.support.ui import main_window, window_services

WAIT_MS = 30_000


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(quiet=True, seed=21) as server:
        yield server


@pytest.fixture
def secrets() -> SecretStore:
    return SecretStore(MemoryKeyring())


@pytest.fixture
def accounts(
    config: AppConfig, sandbox: SandboxServer, secrets: SecretStore
) -> dict[Network, Account]:
    """One connected account per platform, stored before the window opens."""
    store = open_store(config)
    try:
        service = AccountService(direct_access(store), secrets, fast_http)
        connected = connect_practice_accounts(service, sandbox.platforms())
    finally:
        store.dispose()
    return {account.network: account for account in connected}


def our_threads(before: set[threading.Thread]) -> list[str]:
    """Threads started since ``before`` that are still alive, apart from the sandbox's own
    request handlers (the stand-in for the platforms, not part of Kanal)."""
    return [
        t.name
        for t in threading.enumerate()
        if t not in before and t.is_alive() and "process_request" not in t.name
    ]


@pytest.fixture
def sync_runs() -> list[object]:
    """The inbox sync runs of the window, as they finish."""
    return []


@pytest.fixture
def window(
    qtbot: QtBot,
    config: AppConfig,
    secrets: SecretStore,
    accounts: dict[Network, Account],
    sync_runs: list[object],
) -> Iterator[MainWindow]:
    worker = TaskRunner()
    services = window_services(config, secrets=secrets)
    main = main_window(services, worker)
    qtbot.addWidget(main)
    main.publish_gate.confirm = lambda _parent, _accounts, _when: True  # "Publish now"
    main.engines.sync_bridge.run_done.connect(sync_runs.append)
    with qtbot.waitSignal(worker.store_opened, timeout=WAIT_MS):
        worker.open_store(services.store)
    main.show()
    engines = main.engines
    qtbot.waitUntil(lambda: engines.running, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: main.composer.publish_button.isVisible(), timeout=WAIT_MS)
    yield main
    main.shutdown()
    services.close()


def platform_text(sandbox: SandboxServer, platform: str) -> str:
    return json.dumps(sandbox.state()["platforms"][platform], ensure_ascii=False)


def tick(qtbot: QtBot, window: MainWindow, accounts: list[Account]) -> None:
    """Tick these accounts in the composer, once the window has listed them."""
    wanted = [a.id for a in accounts]

    def ticked() -> bool:
        window.composer.set_targets(wanted)
        return set(window.composer.target_ids()) == set(wanted)

    qtbot.waitUntil(ticked, timeout=WAIT_MS)


def test_publish_from_the_composer_reaches_both_accounts_and_the_sent_history(
    qtbot: QtBot,
    window: MainWindow,
    sandbox: SandboxServer,
    accounts: dict[Network, Account],
) -> None:
    composer = window.composer
    marker = "Biblioteket i Sandviken har öppet till 20 i kväll – välkommen! #wiring"
    composer.body_editor.setPlainText(marker)
    tick(qtbot, window, [accounts[Network.MASTODON], accounts[Network.BLUESKY]])
    assert composer.publish_button.isEnabled()

    qtbot.mouseClick(composer.publish_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(
        lambda: (
            marker in platform_text(sandbox, "mastodon")
            and marker in platform_text(sandbox, "bluesky")
        ),
        timeout=WAIT_MS,
    )
    assert marker not in platform_text(sandbox, "x")
    # Queued: the composer starts a new draft and says where the post went.
    qtbot.waitUntil(lambda: composer.body_editor.toPlainText() == "", timeout=WAIT_MS)
    assert "2 accounts" in composer.publish_status_text()

    window.show_section(SECTION_SENT)
    history = window.history_view
    assert history is not None

    def two_sent_rows() -> bool:
        model = history.model
        rows = [model.publication(i) for i in range(model.rowCount())]
        return len(rows) == 2 and all(p.state == PublicationState.SENT for p in rows)

    qtbot.waitUntil(two_sent_rows, timeout=WAIT_MS)
    model = history.model
    texts = {model.index(i, model.COLUMN_RESULT).data() for i in range(2)}
    assert texts == {"Published"}
    assert {model.publication(i).account_id for i in range(2)} == {
        accounts[Network.MASTODON].id,
        accounts[Network.BLUESKY].id,
    }
    qtbot.waitUntil(lambda: window.queue_label.text() == "Sending queue: 0", timeout=WAIT_MS)


def test_a_refused_draft_stays_open_with_the_problem_beside_it(
    qtbot: QtBot,
    window: MainWindow,
    sandbox: SandboxServer,
    accounts: dict[Network, Account],
) -> None:
    composer = window.composer
    marker = "Ett blogginlägg utan rubrik #wiring-refused"
    composer.body_editor.setPlainText(marker)
    tick(qtbot, window, [accounts[Network.WORDPRESS]])  # the blog needs a title

    qtbot.mouseClick(composer.publish_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "Not published" in composer.publish_status_text(), timeout=WAIT_MS)
    status = composer.publish_status_text()
    assert "WordPress" in status
    assert "title" in status.lower()
    # The draft is still there, editable, and nothing went out.
    assert composer.body_editor.toPlainText() == marker
    assert not composer.has_unsaved_changes()  # saved as part of pressing Publish
    assert composer.body_editor.isEnabled()
    assert composer.publish_button.isEnabled()
    assert marker not in platform_text(sandbox, "wordpress")
    assert window.queue_label.text() == "Sending queue: 0"


def test_an_over_long_x_text_goes_out_as_a_thread_when_asked(
    qtbot: QtBot,
    window: MainWindow,
    sandbox: SandboxServer,
    accounts: dict[Network, Account],
) -> None:
    composer = window.composer
    sentences = [f"Mening nummer {n} om bibliotekets nya öppettider i sommar." for n in range(9)]
    composer.body_editor.setPlainText(" ".join(sentences))
    tick(qtbot, window, [accounts[Network.X]])
    qtbot.waitUntil(lambda: composer.thread_checkbox.isVisible(), timeout=WAIT_MS)
    composer.thread_checkbox.setChecked(True)

    qtbot.mouseClick(composer.publish_button, Qt.MouseButton.LeftButton)

    def posted() -> bool:
        text = platform_text(sandbox, "x")
        return sentences[0] in text and sentences[-1] in text

    qtbot.waitUntil(posted, timeout=WAIT_MS)
    posts = sandbox.state()["platforms"]["x"]["posts"]
    ours = [p for p in posts if "Mening nummer" in json.dumps(p, ensure_ascii=False)]
    assert len(ours) >= 2  # a thread, not one post


def test_sync_from_the_inbox_section_brings_a_citizens_comment(
    qtbot: QtBot,
    window: MainWindow,
    sandbox: SandboxServer,
    sync_runs: list[object],
) -> None:
    # The sync at start is over, and the next periodic one is minutes away: what comes in
    # now comes through the button.
    qtbot.waitUntil(lambda: len(sync_runs) == 1, timeout=WAIT_MS)
    staged = sandbox.stage_public(
        platform="mastodon",
        kind="mention",
        author="Karin Medborgare",
        text="Hej! Har biblioteket öppet på lördag? #wiring-inbox",
    )
    assert staged["id"]
    window.show_section(SECTION_INBOX)
    inbox = window.inbox_view
    assert inbox is not None
    qtbot.mouseClick(inbox.sync_button, Qt.MouseButton.LeftButton)

    def shown() -> bool:
        for row in range(inbox.model.rowCount()):
            item = inbox.model.index(row).data(ItemRole)
            if isinstance(item, InboxItem) and "#wiring-inbox" in item.text:
                return True
        return False

    qtbot.waitUntil(shown, timeout=WAIT_MS)
    assert len(sync_runs) == 2


def test_closing_the_window_stops_the_outbox_and_the_sync(
    qtbot: QtBot,
    config: AppConfig,
    secrets: SecretStore,
    accounts: dict[Network, Account],
) -> None:
    before = set(threading.enumerate())
    worker = TaskRunner()
    services = window_services(config, secrets=secrets)
    window = main_window(services, worker)
    qtbot.addWidget(window)
    with qtbot.waitSignal(worker.store_opened, timeout=WAIT_MS):
        worker.open_store(services.store)
    engines = window.engines
    qtbot.waitUntil(lambda: engines.running, timeout=WAIT_MS)
    started = our_threads(before)
    assert any(name.startswith("kanal-outbox") for name in started)
    assert any(name.startswith("kanal-sync") for name in started)

    window.close()

    assert not engines.running
    assert our_threads(before) == []


def test_a_refused_post_is_retried_from_the_sent_section(
    qtbot: QtBot,
    window: MainWindow,
    sandbox: SandboxServer,
    accounts: dict[Network, Account],
) -> None:
    sandbox.set_faults(["POST /api/v1/statuses:status=422:1.0"])
    composer = window.composer
    marker = "Sophämtningen flyttas till fredag i veckan #wiring-retry"
    composer.body_editor.setPlainText(marker)
    tick(qtbot, window, [accounts[Network.MASTODON], accounts[Network.BLUESKY]])
    qtbot.mouseClick(composer.publish_button, Qt.MouseButton.LeftButton)
    window.show_section(SECTION_SENT)
    history = window.history_view
    assert history is not None

    def states() -> dict[str, PublicationState]:
        model = history.model
        return {
            model.publication(i).account_id: model.publication(i).state
            for i in range(model.rowCount())
        }

    mastodon, bluesky = accounts[Network.MASTODON].id, accounts[Network.BLUESKY].id
    qtbot.waitUntil(
        lambda: states() == {mastodon: PublicationState.FAILED, bluesky: PublicationState.SENT},
        timeout=WAIT_MS,
    )
    assert marker not in platform_text(sandbox, "mastodon")
    sandbox.set_faults([])
    failed_row = next(
        i
        for i in range(history.model.rowCount())
        if history.model.publication(i).account_id == mastodon
    )
    history.select_row(failed_row)
    qtbot.waitUntil(lambda: history.retry_button.isVisible(), timeout=WAIT_MS)
    assert history.retry_button.isEnabled()

    qtbot.mouseClick(history.retry_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: marker in platform_text(sandbox, "mastodon"), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: states() == {mastodon: PublicationState.SENT, bluesky: PublicationState.SENT},
        timeout=WAIT_MS,
    )
    assert platform_text(sandbox, "bluesky").count(marker) == 1  # the other was not sent again
    qtbot.waitUntil(lambda: window.queue_label.text() == "Sending queue: 0", timeout=WAIT_MS)


def test_a_reopened_draft_shows_why_a_platform_refused_it_and_resends_only_there(
    qtbot: QtBot,
    window: MainWindow,
    sandbox: SandboxServer,
    accounts: dict[Network, Account],
) -> None:
    sandbox.set_faults(["POST /api/v1/statuses:status=422:1.0"])
    composer = window.composer
    marker = "Biblioteket stänger tidigt på julafton #wiring-refused"
    composer.body_editor.setPlainText(marker)
    tick(qtbot, window, [accounts[Network.MASTODON], accounts[Network.BLUESKY]])
    qtbot.mouseClick(composer.publish_button, Qt.MouseButton.LeftButton)
    history = window.history_view
    assert history is not None
    window.show_section(SECTION_SENT)
    mastodon = accounts[Network.MASTODON].id

    def failed_draft_id() -> str | None:
        for row in range(history.model.rowCount()):
            publication = history.model.publication(row)
            if publication.account_id == mastodon and publication.state is PublicationState.FAILED:
                return publication.draft_id
        return None

    qtbot.waitUntil(lambda: failed_draft_id() is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: marker in platform_text(sandbox, "bluesky"), timeout=WAIT_MS)
    draft_id = failed_draft_id()
    assert draft_id is not None

    composer.open_draft(draft_id)
    qtbot.waitUntil(lambda: "Mastodon" in composer.publish_status_text(), timeout=WAIT_MS)
    shown = composer.publish_status_text()
    assert "The platform said" in shown and "Bluesky" not in shown
    assert composer.body_editor.toPlainText() == marker  # still there to be fixed

    sandbox.set_faults([])
    qtbot.waitUntil(composer.can_publish, timeout=WAIT_MS)
    qtbot.mouseClick(composer.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: marker in platform_text(sandbox, "mastodon"), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.queue_label.text() == "Sending queue: 0", timeout=WAIT_MS)
    assert platform_text(sandbox, "bluesky").count(marker) == 1  # not sent there again


def test_a_scheduled_post_is_listed_and_cancelled_from_the_scheduled_section(
    qtbot: QtBot,
    window: MainWindow,
    sandbox: SandboxServer,
    accounts: dict[Network, Account],
) -> None:
    composer = window.composer
    marker = "Kommunfullmäktige sänds live i morgon #wiring-scheduled"
    composer.body_editor.setPlainText(marker)
    tick(qtbot, window, [accounts[Network.X]])
    composer.set_schedule(datetime.now(UTC) + timedelta(hours=3))
    qtbot.mouseClick(composer.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: "Scheduled for 1 account" in composer.publish_status_text(), timeout=WAIT_MS
    )

    window.show_section(SECTION_SCHEDULED)
    scheduled = window.scheduled_view
    assert scheduled is not None
    qtbot.waitUntil(lambda: scheduled.model.rowCount() == 1, timeout=WAIT_MS)
    publication = scheduled.model.publication(0)
    assert publication.account_id == accounts[Network.X].id
    assert scheduled.model.kept_by(publication) == "This computer"  # X has no scheduling
    assert window.queue_label.text() == "Sending queue: 1"

    scheduled.select_row(0)
    qtbot.mouseClick(scheduled.cancel_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: scheduled.model.rowCount() == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.queue_label.text() == "Sending queue: 0", timeout=WAIT_MS)
    assert marker not in platform_text(sandbox, "x")


def test_the_inbox_account_filter_follows_the_accounts_section(
    qtbot: QtBot, window: MainWindow, accounts: dict[Network, Account]
) -> None:
    inbox, accounts_view = window.inbox_view, window.accounts_view
    assert inbox is not None and accounts_view is not None
    everyone = list(accounts.values())
    qtbot.waitUntil(lambda: inbox.account_filter.count() == len(everyone) + 1, timeout=WAIT_MS)
    # The Accounts section reports a change (an account removed): the filter follows at once.
    remaining = [a for a in everyone if a.network != Network.X]
    accounts_view.accounts_changed.emit(remaining)
    shown = {inbox.account_filter.itemData(i) for i in range(inbox.account_filter.count())}
    assert shown == {"", *(a.id for a in remaining)}


def test_a_duplicate_refusal_is_announced_badged_and_offers_editing_not_retry(
    qtbot: QtBot,
    window: MainWindow,
    accounts: dict[Network, Account],
) -> None:
    composer = window.composer
    marker = "Biblioteket har öppet till 20 i kväll #wiring-duplicate"
    for _attempt in range(2):  # the same text twice: X refuses the second as a duplicate
        composer.body_editor.setPlainText(marker)
        tick(qtbot, window, [accounts[Network.X]])
        qtbot.waitUntil(composer.can_publish, timeout=WAIT_MS)
        qtbot.mouseClick(composer.publish_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: composer.body_editor.toPlainText() == "", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.queue_label.text() == "Sending queue: 0", timeout=WAIT_MS)

    banner = window.refusal_banner
    qtbot.waitUntil(lambda: not banner.isHidden(), timeout=WAIT_MS)
    assert "as a duplicate" in banner.message.text()
    assert "duplicate content" in banner.message.text()  # X's own words, quoted
    assert banner.action_button.text() == "Edit and publish again"
    assert "⚠ 1" in window.sidebar.item(SECTION_SENT).text()

    window.show_section(SECTION_SENT)
    history = window.history_view
    qtbot.waitUntil(lambda: history.model.rowCount() == 2, timeout=WAIT_MS)
    failed_row = next(
        i
        for i in range(history.model.rowCount())
        if history.model.publication(i).state == PublicationState.FAILED
    )
    history.select_row(failed_row)
    qtbot.waitUntil(lambda: history.edit_button.isVisibleTo(history), timeout=WAIT_MS)
    assert not history.retry_button.isVisibleTo(history)

    banner.action_button.click()  # edit and publish again: the draft opens in the composer
    qtbot.waitUntil(lambda: window.current_section() == SECTION_COMPOSE, timeout=WAIT_MS)


def test_quitting_with_a_post_only_this_computer_can_send_asks_first(
    qtbot: QtBot,
    window: MainWindow,
    accounts: dict[Network, Account],
) -> None:
    composer = window.composer
    composer.body_editor.setPlainText("Kommunfullmäktige i morgon #wiring-quit")
    tick(qtbot, window, [accounts[Network.X]])
    composer.set_schedule(datetime.now(UTC) + timedelta(hours=3))
    assert "this computer sends it" in composer.schedule_note.text()  # warned when scheduling
    qtbot.mouseClick(composer.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: "Scheduled for 1 account" in composer.publish_status_text(), timeout=WAIT_MS
    )
    asked: list[int] = []

    def stay(_parent: object, pending: object) -> bool:
        asked.append(len(pending))  # type: ignore[arg-type]
        return False

    window.ask_before_quitting = stay  # type: ignore[assignment]
    window.close()
    assert asked == [1]
    assert window.isVisible()  # kept running
    window.ask_before_quitting = lambda _parent, _pending: True
    window.close()
    assert not window.isVisible()
