"""Builds the connector for one account from its row and its keyring secrets."""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.domain.accounts import Account
from desktop_app.domain.networks import Network
from desktop_app.networks.base import Connector
from desktop_app.networks.bluesky import BlueskyConnector
from desktop_app.networks.facebook import FacebookConnector
from desktop_app.networks.http import HttpClient
from desktop_app.networks.mastodon import MastodonConnector
from desktop_app.networks.wordpress import WordPressConnector
from desktop_app.networks.x import XConnector
from desktop_app.secrets import SecretStore

HttpFactory = Callable[[], HttpClient]

# The secrets each network's connector reads, by the names `kanal accounts add` uses as options.
CREDENTIAL_NAMES: dict[Network, tuple[str, ...]] = {
    Network.WORDPRESS: ("username", "application_password"),
    Network.FACEBOOK: ("access_token",),
    Network.X: (
        "client_id",
        "access_token",
        "refresh_token",
        "consumer_key",
        "consumer_secret",
        "access_token_secret",
    ),
    Network.MASTODON: ("access_token",),
    Network.BLUESKY: ("identifier", "app_password"),
}

DEFAULT_BASE_URLS: dict[Network, str] = {
    Network.FACEBOOK: "https://graph.facebook.com/v25.0",
    Network.X: "https://api.x.com",
    Network.BLUESKY: "https://bsky.social",
}


def build_connector(
    account: Account, secrets: SecretStore, http_factory: HttpFactory = HttpClient
) -> Connector:
    """The connector of ``account``: one HTTP session of its own, secrets from the keyring."""
    own = secrets.for_account(account.id)
    base_url = account.base_url or DEFAULT_BASE_URLS.get(account.network, "")
    http = http_factory()
    try:
        if account.network is Network.WORDPRESS:
            return WordPressConnector(base_url, own, http)
        if account.network is Network.FACEBOOK:
            return FacebookConnector(base_url, account.remote_id or None, own, http)
        if account.network is Network.X:
            return XConnector(base_url, own, http)
        if account.network is Network.MASTODON:
            return MastodonConnector(base_url, own, http)
        return BlueskyConnector(base_url, own, http)
    except BaseException:
        http.close()
        raise
