"""Practice mode (`kanal --sandbox`): the emulator in-process, its own data folder, one working
account per platform at every start (reused, not duplicated), credentials kept out of the
system keyring, and a window that says so."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.app import open_store
from desktop_app.config import AppConfig, resolve_config
from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.networks import Network
from desktop_app.engine.accounts import AccountService, direct_access
from desktop_app.practice import PracticeKeyring, PracticeMode
from desktop_app.ui.accounts_view import STATUS_TEXT_ROLE
from desktop_app.ui.application import install_translators, locale_for
from desktop_app.ui.main_window import SECTION_ACCOUNTS, MainWindow
from desktop_app.ui.tasks import TaskRunner
from tests.support.ui import main_window, window_services

REPO_ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 30_000
# A keyring a test can look into: if practice mode used "the system keyring", it would be this.
FILE_KEYRING = "keyrings.alt.file.PlaintextKeyring"


@pytest.fixture
def swedish(qapp: QApplication) -> Iterator[None]:
    previous = QLocale()
    QLocale.setDefault(locale_for("sv"))
    translators = install_translators(qapp, "sv")
    yield
    for translator in translators:
        qapp.removeTranslator(translator)
    QLocale.setDefault(previous)


@pytest.fixture
def practice_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppConfig:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FILE_KEYRING)
    return resolve_config(data_dir=str(tmp_path / "kanal-data"), lang="sv", sandbox=True)


def start_window(qtbot: QtBot, config: AppConfig, practice: PracticeMode) -> MainWindow:
    """What run_practice_gui does, without entering the event loop of its own."""
    worker = TaskRunner()
    services = window_services(
        config,
        secrets=practice.secrets,
        store_opener=lambda: practice.open_store(config),
        sign_in_presets=practice.presets,
    )
    window = main_window(services, worker)
    qtbot.addWidget(window)
    with qtbot.waitSignal(worker.store_opened, timeout=WAIT_MS):
        worker.open_store(services.store)
    view = window.accounts_view
    qtbot.waitUntil(lambda: len(view.accounts()) >= 5, timeout=WAIT_MS)
    return window


def stored_accounts(config: AppConfig) -> list[Account]:
    store = open_store(config)
    try:
        with store.unit_of_work(read_only=True) as uow:
            return list(uow.accounts.list())
    finally:
        store.dispose()


def test_practice_mode_connects_five_accounts_and_says_so(
    qtbot: QtBot, practice_config: AppConfig, swedish: None
) -> None:
    assert practice_config.data_dir.name == "practice"
    with PracticeMode() as practice:
        window = start_window(qtbot, practice_config, practice)
        try:
            assert "Övningsläge" in window.windowTitle()
            assert window.practice_banner.isVisibleTo(window)
            assert "når allmänheten" in window.practice_banner.text()
            view = window.accounts_view
            assert view is not None
            window.show_section(SECTION_ACCOUNTS)
            assert window.stack.currentWidget() is view
            networks = {a.network for a in view.accounts()}
            assert networks == set(Network)
            texts = {str(view.model.index(i).data(STATUS_TEXT_ROLE)) for i in range(5)}
            assert texts == {"Fungerar"}
            sandbox_url = practice.sandbox.base_url
            assert all(a.base_url.startswith(sandbox_url + "/") for a in view.accounts())
            # The Add account dialog offers the emulator's addresses.
            assert practice.presets[Network.MASTODON].base_url == sandbox_url + "/mastodon"
        finally:
            window.shutdown()
        assert isinstance(practice.secrets.backend, PracticeKeyring)
    # Nothing went to the (file) keyring that stands for the system keyring here.
    assert not list(Path(os.environ["XDG_DATA_HOME"]).rglob("keyring_pass.cfg"))


def test_each_start_reuses_the_practice_accounts(qtbot: QtBot, practice_config: AppConfig) -> None:
    with PracticeMode(public_rate=0.0) as first:
        window = start_window(qtbot, practice_config, first)
        window.shutdown()
        store = open_store(practice_config)
        try:
            # The library's Facebook page, added by the user during this run ...
            service = AccountService(direct_access(store), first.secrets)
            info = first.sandbox.platforms()["facebook"]
            library = service.add(
                Network.FACEBOOK,
                info["base_url"],
                {"access_token": info["credentials"]["access_token"]},
                page_id=info["page_ids"][1],
            )
            # ... and a Mastodon account of someone else on the practice instance.
            with store.unit_of_work() as uow:
                stranger = uow.accounts.add(
                    network=Network.MASTODON,
                    display_name="Någon annan",
                    handle="@annan",
                    base_url=first.sandbox.platforms()["mastodon"]["base_url"],
                    remote_id="109999999999999999",
                    status=AccountStatus.WORKING,
                )
        finally:
            store.dispose()
        first_port = urlsplit(first.sandbox.base_url).port
    before = {a.id: a for a in stored_accounts(practice_config)}
    assert len(before) == 7

    # Hold the first run's port, so the second run surely gets another address.
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", first_port or 0))
        with PracticeMode(public_rate=0.0) as second:
            window = start_window(qtbot, practice_config, second)
            window.shutdown()
            second_url = second.sandbox.base_url
    assert urlsplit(second_url).port != first_port
    after = {a.id: a for a in stored_accounts(practice_config)}
    assert set(after) == set(before)  # reused, not duplicated
    for account in after.values():
        assert account.base_url.startswith(second_url + "/")
        expected = (
            AccountStatus.NEEDS_SIGN_IN if account.id == stranger.id else AccountStatus.WORKING
        )
        assert account.status is expected, account
    assert after[library.id].display_name == "Sandvikens bibliotek"
    # The new address shows in what the platform says, too (the instance is part of the handle).
    mastodon = next(
        a for a in after.values() if a.network is Network.MASTODON and a.id != stranger.id
    )
    assert mastodon.handle.endswith(urlsplit(second_url).netloc)


def test_kanal_sandbox_runs_and_stops_its_emulator(tmp_path: Path) -> None:
    """The real program: `python -m desktop_app --sandbox`, closed by SIGTERM like a logout."""
    data_dir = tmp_path / "kanal-data"
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        KANAL_DATA_DIR=str(data_dir),
        PYTHON_KEYRING_BACKEND=FILE_KEYRING,
        PYTHONPATH=str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    events = data_dir / "practice" / "logs" / "kanal.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "--sandbox", "--lang", "sv"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if events.exists() and '"store_ready"' in events.read_text(encoding="utf-8"):
                break
            assert process.poll() is None, process.communicate()[1].decode()
            time.sleep(0.1)
        else:
            pytest.fail("practice mode did not get its store ready")
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err.decode()
    lines = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["event"] == "starting" and lines[0]["practice_mode"] is True
    assert lines[-1]["event"] == "window_closed"
    config = resolve_config(data_dir=str(data_dir), sandbox=True)
    accounts = stored_accounts(config)
    assert {a.network for a in accounts} == set(Network) and len(accounts) == 5
    assert all(a.status is AccountStatus.WORKING for a in accounts)
    # The emulator stopped with the window: its port no longer answers.
    address = urlsplit(accounts[0].base_url)
    with (
        pytest.raises(OSError),
        socket.create_connection((address.hostname or "127.0.0.1", address.port or 80), timeout=2),
    ):
        pass
    assert not list(Path(os.environ["XDG_DATA_HOME"]).rglob("keyring_pass.cfg"))
