"""Authors' avatars: fetched in the background, only from the platform's own hosts, kept on disk.

An avatar URL comes from the platform's API, but it is still a stranger-controlled address on
some platforms (a WordPress commenter's site, a Mastodon account on any server). Only hosts that
belong to the account's platform are asked - the account's own site or instance and that
platform's image hosts - so showing an avatar never tells a third party who read what. Files are
kept under the data folder by the SHA-256 of their URL; a fetch is at most ``max_bytes``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from desktop_app.domain.accounts import Account
from desktop_app.domain.errors import NetworkError
from desktop_app.domain.networks import Network

if TYPE_CHECKING:
    from desktop_app.networks.http import HttpClient

# Image hosts of each platform (a host matches itself and its subdomains). WordPress shows
# commenters' avatars from Gravatar, WordPress's own avatar service.
PLATFORM_IMAGE_HOSTS: dict[Network, tuple[str, ...]] = {
    Network.X: ("twimg.com", "x.com", "twitter.com"),
    Network.FACEBOOK: ("fbcdn.net", "facebook.com", "fbsbx.com"),
    Network.BLUESKY: ("bsky.app", "bsky.social"),
    Network.MASTODON: (),
    Network.WORDPRESS: ("gravatar.com", "wp.com"),
}

MAX_AVATAR_BYTES = 512 * 1024
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"RIFF")


def _host_matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def allowed_avatar_url(url: str, account: Account) -> bool:
    """Whether ``url`` is on a host of the account's own platform."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("http", "https"):
        return False
    own = urlsplit(account.base_url)
    own_host = (own.hostname or "").lower()
    if own_host and host == own_host and parts.port == own.port:
        # The account's own site or instance, as it is configured (plain http only for a
        # local site or the sandbox, where the account itself is plain http).
        return parts.scheme == "https" or own.scheme == "http"
    if account.network is Network.MASTODON and own_host and _host_matches(host, own_host):
        return parts.scheme == "https"  # the instance's media host (files.instance.example)
    if parts.scheme != "https" or parts.port not in (None, 443):
        return False
    return any(_host_matches(host, domain) for domain in PLATFORM_IMAGE_HOSTS[account.network])


class AvatarCache:
    """Looks up and fetches avatar files; safe to call from worker threads."""

    def __init__(
        self,
        folder: Path,
        http_factory: type[HttpClient] | None = None,
        max_bytes: int = MAX_AVATAR_BYTES,
    ) -> None:
        self.folder = folder
        self._http_factory = http_factory
        self._max_bytes = max_bytes

    def path_for(self, url: str) -> Path:
        return self.folder / f"{hashlib.sha256(url.encode()).hexdigest()}.img"

    def cached(self, url: str) -> Path | None:
        path = self.path_for(url)
        return path if path.exists() else None

    def fetch(self, url: str, account: Account) -> Path | None:
        """The avatar's file, downloading it first if needed; None when refused or failed."""
        if not url or not allowed_avatar_url(url, account):
            return None
        existing = self.cached(url)
        if existing is not None:
            return existing
        factory = self._http_factory
        if factory is None:
            # Loaded on the first fetch: the window builds this cache before its first frame.
            from desktop_app.networks.http import HttpClient

            factory = HttpClient
        http = factory(timeout=(5.0, 10.0), max_retries=1)
        try:
            response = http.request("GET", url, platform="avatar", stream=True)
            try:
                if response.status_code != 200:
                    return None
                if not response.headers.get("Content-Type", "").startswith("image/"):
                    return None
                body = b""
                for chunk in response.iter_content(64 * 1024):
                    body += chunk
                    if len(body) > self._max_bytes:
                        return None
            finally:
                response.close()
        except NetworkError:
            return None
        finally:
            http.close()
        if not body.startswith(IMAGE_SIGNATURES):
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        # Write then rename: a half-written file is never mistaken for a cached avatar.
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        target = self.path_for(url)
        os.replace(temporary, target)
        return target
