"""Building the window the way the composition root does, for the window's tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from desktop_app.app import build_services
from desktop_app.config import AppConfig
from desktop_app.engine.inbox_actions import InboxActions
from desktop_app.ui.application import build_main_window, open_event_log
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_app.domain.accounts import Account
    from desktop_app.domain.networks import Network
    from desktop_app.engine.accounts import SignInPreset
    from desktop_app.networks.base import Connector
    from desktop_app.secrets import SecretStore
    from desktop_app.services import Services
    from desktop_app.store.database import Store

TEST_ACTOR = "tester"


def _no_connector(account: Account) -> Connector:
    raise AssertionError(f"this test reaches no platform (asked for {account.network.value})")


def offline_actions(store: Store) -> InboxActions:
    """The inbox actions on ``store`` for views whose tests reach no platform."""
    return InboxActions(store, _no_connector)


def window_services(
    config: AppConfig,
    *,
    secrets: SecretStore | None = None,
    store_opener: Callable[[], Store] | None = None,
    sign_in_presets: Mapping[Network, SignInPreset] | None = None,
) -> Services:
    """The root's services; the acting person is fixed so tests do not depend on the login."""
    if config.user is None:
        config = AppConfig(
            data_dir=config.data_dir,
            database_url=config.database_url,
            lang=config.lang,
            sandbox=config.sandbox,
            user=TEST_ACTOR,
        )
    return build_services(
        config, secrets=secrets, store_opener=store_opener, sign_in_presets=sign_in_presets
    )


def main_window(services: Services, worker: TaskRunner) -> MainWindow:
    """The program's window on ``services``; open the store with ``worker.open_store(
    services.store)`` afterwards, as ``run_application`` does."""
    return build_main_window(services, worker, open_event_log(services.config))
