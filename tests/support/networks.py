"""Helpers for connector tests: accounts, credentials, a small PNG, a stand-in browser."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.networks import Network
from desktop_app.networks.http import HttpClient
from desktop_app.secrets import SecretStore


def fast_http() -> HttpClient:
    """Short timeouts so hang faults end quickly; one quick retry so reads stay fast."""
    return HttpClient(
        timeout=(2.0, 1.5), max_retries=1, backoff_base=0.01, backoff_cap=0.05, max_retry_wait=0.5
    )


def make_account(
    network: Network, base_url: str, remote_id: str = "", account_id: str = "acc-1"
) -> Account:
    return Account(
        id=account_id,
        network=network,
        display_name="",
        handle="",
        base_url=base_url,
        remote_id=remote_id,
        status=AccountStatus.WORKING,
        rate_limited_until=None,
        avatar_url="",
        created_at=datetime.now(UTC),
    )


def store_credentials(store: SecretStore, account_id: str, credentials: dict[str, Any]) -> None:
    for name, value in credentials.items():
        if isinstance(value, str) and value:
            store.set(account_id, name, value)


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """A small valid PNG, made here (no binary fixtures)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    raw = b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


class ConsentBrowser:
    """Stands in for the system browser: shows the consent page, decides, follows the redirect."""

    def __init__(self, decision: str = "allow") -> None:
        self.decision = decision
        self.visited: list[str] = []

    def __call__(self, url: str) -> bool:
        self.visited.append(url)
        with requests.Session() as browser:
            page = browser.get(url, timeout=10)
            assert page.status_code == 200, page.text[:200]
            assert "<form" in page.text.lower()
            answer = browser.post(
                url, data={"decision": self.decision}, allow_redirects=False, timeout=10
            )
            assert answer.status_code in (302, 303), answer.text[:200]
            location = answer.headers["Location"]
            assert urlsplit(location).hostname == "127.0.0.1"
            browser.get(location, timeout=10)
        return True
