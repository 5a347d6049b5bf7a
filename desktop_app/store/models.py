"""Kept only for modules not yet moved to the one-module-per-aggregate convention.

The rows now live with their repositories (``accounts``, ``drafts``, ``attachments``); the base
in ``base``. ``store/audit.py`` still imports ``Base`` from here: remove this module once it
imports ``desktop_app.store.base`` (issue 10).
"""

from __future__ import annotations

from desktop_app.store.accounts import AccountRow
from desktop_app.store.attachments import AttachmentRow
from desktop_app.store.base import Base, complete_metadata
from desktop_app.store.drafts import DraftRow, DraftTargetRow, RevisionRow

__all__ = [
    "AccountRow",
    "AttachmentRow",
    "Base",
    "DraftRow",
    "DraftTargetRow",
    "RevisionRow",
    "complete_metadata",
]
