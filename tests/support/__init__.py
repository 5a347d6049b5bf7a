"""Shared test helpers, one module per area (facebook: the Facebook tests; mastodon and
bluesky: their contract checks)."""
