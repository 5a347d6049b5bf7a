"""Helpers for the Facebook tests: a registered redirect on a free port, the emulator's app."""

from __future__ import annotations

import socket
from typing import Any

from desktop_app.sandbox.server import SandboxServer


def emulated_facebook(sandbox: SandboxServer) -> Any:
    """The emulator's Facebook platform object (for what an app admin would configure)."""
    return sandbox._platforms["facebook"]


def registered_redirect(sandbox: SandboxServer) -> str:
    """A loopback redirect on a free port, entered in the emulated app's redirect list (so
    tests never compete for Kanal's fixed default port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uri = f"http://127.0.0.1:{port}/facebook/callback"
    emulated_facebook(sandbox).register_redirect_uri(uri)
    return uri
