"""Alembic migrations, shipped inside the package and run by ``Store.migrate()``.

Several parts of Kanal add tables, so the history may branch (two revisions on the same parent);
the store always upgrades to every head. ``head_revisions()`` reads the heads from the scripts'
text, so a store that is already current starts without loading Alembic; a test keeps it equal
to what Alembic itself computes.
"""

from __future__ import annotations

import re
from pathlib import Path

VERSIONS_DIR = Path(__file__).resolve().parent / "versions"

_REVISION = re.compile(r"""^revision\s*(?::[^=]*)?=\s*["']([^"']+)["']""", re.MULTILINE)
_DOWN_REVISION = re.compile(r"""^down_revision\s*(?::[^=]*)?=\s*(.+)$""", re.MULTILINE)
_QUOTED = re.compile(r"""["']([^"']+)["']""")


def _revision_graph() -> tuple[frozenset[str], frozenset[str]]:
    """(every revision, every revision another one builds on), read from the scripts."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in VERSIONS_DIR.glob("*.py"):
        source = script.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN_REVISION.search(source)
        if down is not None:
            parents.update(_QUOTED.findall(down.group(1)))
    return frozenset(revisions), frozenset(parents)


def head_revisions() -> frozenset[str]:
    """The revisions no other revision builds on."""
    revisions, parents = _revision_graph()
    return revisions - parents


def known_revisions() -> frozenset[str]:
    """Every revision this version of Kanal has a script for."""
    return _revision_graph()[0]
