"""Shared test helpers, one module per area; test modules import these, never each other."""
