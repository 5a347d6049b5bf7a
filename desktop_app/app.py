"""Composition root: builds the services from the configuration and starts the GUI or a command.

The only place that knows every layer; everything else gets its dependencies passed in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.config import AppConfig

if TYPE_CHECKING:
    from desktop_app.store.database import Store


def open_store(config: AppConfig) -> Store:
    """Create the data folder, connect, and bring the schema to head (Alembic) before use."""
    # Imported here so the window can be shown before SQLAlchemy loads.
    from desktop_app.store.database import Store

    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(config.database_url, data_dir=config.data_dir)
    store.migrate()
    if not config.sandbox:
        # The audit chain is sealed with a key in the OS keyring (practice mode keeps out of it).
        from desktop_app.engine.records.chain_keys import use_keyring_chain_key

        use_keyring_chain_key(store)
    return store


def configure_logging(config: AppConfig) -> None:
    """One log file per process, tokens redacted (see desktop_app.logsetup)."""
    from desktop_app.logsetup import configure_logging as configure_process_log

    configure_process_log(config.log_dir, role="window")


def apply_network_policy() -> None:
    """Hands the organisation's proxy or PAC address (desktop_app/policy.py) to the HTTP client."""
    from desktop_app import policy
    from desktop_app.networks.http import configure_proxies

    current = policy.current()
    proxy = current.value("ProxyUrl")
    pac = current.value("ProxyPacUrl")
    configure_proxies(
        proxy if isinstance(proxy, str) else None, pac if isinstance(pac, str) else None
    )


def run_gui(config: AppConfig) -> int:
    # Logging (and the HTTP module it lives in) is set up once the window is on screen, so it
    # does not delay the first paint.
    if config.sandbox:
        # Practice mode: the platform emulator in-process, its accounts connected at start.
        from desktop_app.practice import run_practice_gui

        return run_practice_gui(config, on_window_shown=lambda _window: configure_logging(config))
    # Imported here so the CLI never loads Qt.
    from desktop_app.ui.application import run_application

    return run_application(config, on_window_shown=lambda _window: after_first_frame(config))


def after_first_frame(config: AppConfig) -> None:
    """What the window needs soon but not for its first paint (it imports requests)."""
    apply_network_policy()
    configure_logging(config)
