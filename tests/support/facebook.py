"""Helpers for the Facebook tests: a registered redirect on a free port, the emulator's app."""

from __future__ import annotations

import socket
from typing import Any

from desktop_app.sandbox.server import SandboxServer


def emulated_facebook(sandbox: SandboxServer) -> Any:
    """The emulator's Facebook platform object (for what an app admin would configure)."""
    return sandbox._platforms["facebook"]


def free_redirect() -> str:
    """A loopback redirect URI on a port that is free now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/facebook/callback"


def registered_redirect(sandbox: SandboxServer) -> str:
    """A free loopback redirect, entered in the emulated app's redirect list (so tests never
    compete for Kanal's fixed default port)."""
    uri = free_redirect()
    emulated_facebook(sandbox).register_redirect_uri(uri)
    return uri
