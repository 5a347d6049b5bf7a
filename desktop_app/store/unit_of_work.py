"""One session per unit of work, with the repositories that share it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.store.accounts import AccountRepository
from desktop_app.store.attachments import AttachmentRepository
from desktop_app.store.audit import AuditRepository
from desktop_app.store.drafts import DraftRepository, RevisionRepository
from desktop_app.store.inbox import InboxRepository
from desktop_app.store.publications import PublicationRepository

log = logging.getLogger(__name__)


class UnitOfWork:
    """What ``Store.unit_of_work()`` yields: the repositories, all in one transaction.

    File-system side effects that must follow the transaction's fate (deleting an attachment's
    file, or a freshly copied file when the insert is rolled back) are registered with
    ``after_commit`` / ``after_rollback`` and run by the store once the outcome is known.
    """

    def __init__(self, session: Session, data_dir: Path, clock: Callable[[], datetime]) -> None:
        self.session = session
        self.data_dir = data_dir
        self.clock = clock
        self._after_commit: list[Callable[[], None]] = []
        self._after_rollback: list[Callable[[], None]] = []
        self.revisions = RevisionRepository(self)
        self.accounts = AccountRepository(self)
        self.attachments = AttachmentRepository(self)
        self.drafts = DraftRepository(self)
        self.publications = PublicationRepository(self)
        self.audit = AuditRepository(self)
        self.inbox = InboxRepository(self)

    def after_commit(self, action: Callable[[], None]) -> None:
        self._after_commit.append(action)

    def after_rollback(self, action: Callable[[], None]) -> None:
        self._after_rollback.append(action)

    def flush(self) -> None:
        self.session.flush()

    def run_after_commit(self) -> None:
        _run_all(self._after_commit)

    def run_after_rollback(self) -> None:
        _run_all(self._after_rollback)


def _run_all(actions: list[Callable[[], None]]) -> None:
    # Clean-up of files only: a failure is logged, never allowed to hide the real outcome.
    for action in actions:
        try:
            action()
        except OSError:
            log.warning("clean-up after a unit of work failed", exc_info=True)
    actions.clear()
