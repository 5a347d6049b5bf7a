"""Shared test helpers, one module per area (facebook: the Facebook tests)."""
