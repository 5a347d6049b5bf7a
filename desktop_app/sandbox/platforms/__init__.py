"""The emulated platforms, one module each, all built on ``base.Platform``."""
