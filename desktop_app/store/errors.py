"""Store-level failures a caller can act on (draft-level ones live in domain.drafts)."""

from __future__ import annotations


class UnknownAccount(LookupError):
    """No account with that id."""


class DuplicateAccount(ValueError):
    """The same account (network, site/instance and remote id) is already connected."""


class UnknownAttachment(LookupError):
    """No attachment with that id."""


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer Kanal than this one."""
