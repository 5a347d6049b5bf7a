"""An in-memory keyring backend for tests (a real KeyringBackend subclass), with crash injection."""

from __future__ import annotations

from collections.abc import Callable

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class SimulatedCrash(BaseException):
    """Stands for the process dying at this point (not an Exception: nothing may catch it)."""


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.before_set: Callable[[str, str], None] | None = None

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.before_set is not None:
            self.before_set(username, password)
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise PasswordDeleteError(username)
        del self.entries[(service, username)]

    def values(self) -> list[str]:
        return list(self.entries.values())
