"""What a draft is addressed to, and the names the window gives networks.

A draft's ``target_account_ids`` holds account ids. Before any account is connected a person can
still aim a draft at networks; such a target is written ``network:<name>`` (for example
``network:x``) and is replaced by a real account when one exists. The rest of Kanal treats an id
it does not know as "no account yet", which is what these are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QCoreApplication

from desktop_app.domain.accounts import Account
from desktop_app.domain.networks import Network

NETWORK_TARGET_PREFIX = "network:"

# The order networks are listed and counted in, everywhere in the window.
NETWORK_ORDER = (
    Network.X,
    Network.FACEBOOK,
    Network.MASTODON,
    Network.BLUESKY,
    Network.WORDPRESS,
)


def network_target(network: Network) -> str:
    return f"{NETWORK_TARGET_PREFIX}{network.value}"


def network_of_target(target: str, accounts: Mapping[str, Account]) -> Network | None:
    """The network a target id points at, or None for an account that no longer exists."""
    account = accounts.get(target)
    if account is not None:
        return account.network
    if target.startswith(NETWORK_TARGET_PREFIX):
        try:
            return Network(target[len(NETWORK_TARGET_PREFIX) :])
        except ValueError:
            return None
    return None


def networks_of_targets(targets: Iterable[str], accounts: Mapping[str, Account]) -> list[Network]:
    """The distinct networks of ``targets``, in the window's usual order."""
    chosen = {network_of_target(t, accounts) for t in targets}
    return [n for n in NETWORK_ORDER if n in chosen]


def network_label(network: Network) -> str:
    """The network's name as people call it."""
    names = {
        Network.X: QCoreApplication.translate("Networks", "X"),
        Network.FACEBOOK: QCoreApplication.translate("Networks", "Facebook"),
        Network.MASTODON: QCoreApplication.translate("Networks", "Mastodon"),
        Network.BLUESKY: QCoreApplication.translate("Networks", "Bluesky"),
        Network.WORDPRESS: QCoreApplication.translate("Networks", "Blog (WordPress)"),
    }
    return names[network]
