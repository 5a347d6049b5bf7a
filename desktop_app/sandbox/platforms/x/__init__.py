"""The X emulator (API v2 under ``/x``)."""

from desktop_app.sandbox.platforms.x.platform import X

__all__ = ["X"]
