"""Kanal: one desktop window for a public authority's social channels."""

__version__ = "0.1.0"
