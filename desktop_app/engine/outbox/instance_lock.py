"""The outbox's instance lock: an OS file lock held while an outbox runs.

Two outboxes may run against one database (the window and a ``kanal publish``). A claim names
its outbox; the lock tells a live claim of this machine from one of a killed process at once.
"""

from __future__ import annotations

import socket
import sys
import uuid
from pathlib import Path
from typing import IO


class InstanceLock:
    """An OS file lock held while an outbox runs; its name is the outbox's claim owner.

    The OS drops the lock when the process dies, however it dies, so another outbox on this
    machine can tell a live claim from a dead one without guessing from process ids.
    """

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._token = uuid.uuid4().hex
        self._host = socket.gethostname()
        self._file: IO[bytes] | None = None

    @property
    def owner(self) -> str:
        return f"{self._host}|{self._token}"

    def acquire(self) -> None:
        if self._file is not None:
            return
        self._directory.mkdir(parents=True, exist_ok=True)
        handle = open(self._directory / f"{self._token}.lock", "a+b")  # noqa: SIM115
        _lock(handle)
        self._file = handle

    def release(self) -> None:
        if self._file is None:
            return
        path = Path(self._file.name)
        try:
            _unlock(self._file)
        finally:
            self._file.close()
            self._file = None
        path.unlink(missing_ok=True)

    def is_alive(self, owner: str) -> bool | None:
        """True/False for an outbox on this machine; None when it runs elsewhere."""
        host, _, token = owner.partition("|")
        if host != self._host or not token:
            return None
        if owner == self.owner:
            return self._file is not None
        path = self._directory / f"{token}.lock"
        if not path.exists():
            return False
        try:
            handle = open(path, "a+b")  # noqa: SIM115
        except OSError:
            return None
        try:
            try:
                _lock(handle)
            except OSError:
                return True
            _unlock(handle)
        finally:
            handle.close()
        path.unlink(missing_ok=True)
        return False


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
