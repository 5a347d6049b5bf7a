"""The WordPress emulator (REST API under ``/wordpress``)."""

from desktop_app.sandbox.platforms.wordpress.platform import WordPress

__all__ = ["WordPress"]
