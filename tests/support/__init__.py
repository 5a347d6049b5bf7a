"""Helpers shared by tests (one module per area)."""
