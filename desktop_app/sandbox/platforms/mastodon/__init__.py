"""The emulated Mastodon instance: the platform (platform.py), its REST routes (routes.py)."""

from desktop_app.sandbox.platforms.mastodon.platform import Mastodon

__all__ = ["Mastodon"]
