"""Composition root: builds the services once from the configuration and starts the GUI.

The only place that knows every layer and the only one that starts practice mode; everything
else gets its dependencies passed in (the window and the command line get one ``Services``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from desktop_app.config import AppConfig
from desktop_app.services import ActingPersonUnknown, Services, Settings, resolve_actor
from desktop_app.services import open_store as open_store

if TYPE_CHECKING:
    from desktop_app.domain.networks import Network
    from desktop_app.engine.accounts import SignInPreset
    from desktop_app.secrets import SecretStore
    from desktop_app.store.database import Store

WindowShownHook = Callable[[object], None]


def build_services(
    config: AppConfig,
    *,
    secrets: SecretStore | None = None,
    store_opener: Callable[[], Store] | None = None,
    settings: Settings | None = None,
    sign_in_presets: Mapping[Network, SignInPreset] | None = None,
) -> Services:
    """The one ``Services`` of this process. Opens nothing yet: the store opens on first use.

    ``secrets``: the keyring (the system's when None; practice mode passes an in-memory one).
    ``store_opener``: how the store opens (practice mode also connects its accounts then).
    Raises ``ActingPersonUnknown`` if no person can be named for the audit trail."""
    return Services(
        config=config,
        actor=resolve_actor(config.user),
        keyring=secrets,
        store_opener=store_opener or (lambda: open_store(config)),
        settings=settings or Settings(),
        sign_in_presets=dict(sign_in_presets or {}),
    )


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


def run_gui(config: AppConfig, on_window_shown: WindowShownHook | None = None) -> int:
    """The window (in practice mode with the emulator in-process) until it closes.

    Logging (and the HTTP module it lives in) is set up once the window is on screen, so it
    does not delay the first paint."""
    # Imported here so the command line never loads Qt.
    from desktop_app.ui.application import run_application
    from desktop_app.ui.preferences import alt_text_required, sync_interval_s

    def shown(window: object) -> None:
        # Soon, but not before the first paint: both import requests.
        apply_network_policy()
        configure_logging(config)
        if on_window_shown is not None:
            on_window_shown(window)

    if not config.sandbox:
        try:
            # The Settings section's sync interval and alt-text rule (applied from the next start).
            chosen = Settings(
                sync_interval_s=sync_interval_s(config.data_dir),
                require_alt_text=alt_text_required(config.data_dir),
            )
            services = build_services(config, settings=chosen)
        except ActingPersonUnknown as error:
            sys.stderr.write(f"kanal: {error}\n")
            return 1
        return run_application(services, on_window_shown=shown)
    from desktop_app.practice import PracticeMode

    with PracticeMode() as practice:
        services = build_services(
            config,
            secrets=practice.secrets,
            store_opener=lambda: practice.open_store(config),
            sign_in_presets=practice.presets,
        )
        return run_application(services, on_window_shown=shown)
