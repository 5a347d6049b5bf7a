"""Credentials travel only over https; plain http is allowed to this machine (the emulator).

A bearer token or application password sent over http can be read by anyone on the path, so a
connector refuses a real host's http address before any credential leaves, and the message
names the fix (write the address with https://).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from desktop_app.domain.errors import Rejected

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (names that never leave this machine)."""
    name = host.strip("[]").lower().rstrip(".")
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def require_secure(url: str, platform: str) -> None:
    """Raise ``Rejected`` unless ``url`` is https, or http to a loopback host."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "https":
        return
    if scheme == "http" and is_loopback(parts.hostname or ""):
        return
    secure = "https://" + url.split("://", 1)[-1] if "://" in url else f"https://{url}"
    raise Rejected(
        f"{platform}: refusing to send credentials to {parts.scheme or 'an'} address {url!r}",
        f"Kanal skickar inloggningsuppgifter till {platform} bara över https. Ändra adressen "
        f"till {secure}. / Kanal sends {platform} credentials only over https: change the "
        f"address to {secure}.",
    )
