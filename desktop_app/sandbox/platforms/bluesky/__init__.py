"""The emulated Bluesky PDS hosts: the platform (platform.py), its XRPC method table
(routes.py), record validation against the lexicons' rules (validation.py) and the web pages
link cards are read from (web.py)."""

from desktop_app.sandbox.platforms.bluesky.platform import Bluesky

__all__ = ["Bluesky"]
