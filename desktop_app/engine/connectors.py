"""Connectors for the engine: built per account from one SecretStore, with bounded timeouts.

The window, practice mode and the CLI all build their connectors here; the SecretStore comes in
through the constructor, so practice mode's in-memory keyring is the one its outbox and sync use.
"""

from __future__ import annotations

from desktop_app.domain.accounts import Account
from desktop_app.networks.base import Connector
from desktop_app.networks.factory import build_connector
from desktop_app.networks.http import DEFAULT_TIMEOUT, HttpClient
from desktop_app.secrets import SecretStore


class AccountConnectors:
    """Callable ``Account -> Connector``: one HTTP session of its own per connector built.

    ``timeout`` is (connect, read) seconds for every request of those sessions.
    """

    def __init__(
        self, secrets: SecretStore, timeout: tuple[float, float] = DEFAULT_TIMEOUT
    ) -> None:
        self.secrets = secrets
        self.timeout = timeout

    def __call__(self, account: Account) -> Connector:
        timeout = self.timeout
        return build_connector(account, self.secrets, lambda: HttpClient(timeout=timeout))
