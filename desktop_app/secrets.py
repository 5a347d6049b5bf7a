"""The one place that touches credentials: the operating system's keyring, and nothing else.

Tokens and passwords never enter the database, the logs or an error message. When no usable
keyring exists (a headless machine without Secret Service, a locked-down profile), adding an
account fails with ``SecretsUnavailable``; there is no plaintext fallback.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass

import keyring
import keyring.backend
import keyring.core
import keyring.errors
from keyring.backends import chainer, fail

SERVICE = "Kanal"
_INDEX = "_names"  # per account: the list of key names stored, so removal can delete them all


class SecretsUnavailable(Exception):
    """No usable keyring: secrets cannot be stored safely on this machine."""


def _is_plaintext(backend: keyring.backend.KeyringBackend) -> bool:
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    return name.startswith("keyrings.alt.file.Plaintext") or "null" in name.lower()


def _unusable_reason(backend: keyring.backend.KeyringBackend) -> str | None:
    if isinstance(backend, fail.Keyring):
        return "no keyring backend is available"
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return "no keyring backend is available"
    if type(backend).__name__ == "Keyring" and type(backend).__module__.endswith(".null"):
        return "the keyring is switched off (null backend)"
    return None


def default_backend() -> keyring.backend.KeyringBackend:
    """The keyring to use when none is injected.

    An explicit choice (``PYTHON_KEYRING_BACKEND`` or keyring's own config file, set by IT or a
    test) is honoured as is. Otherwise only a *recommended* backend (keyring's priority >= 1:
    Windows Credential Manager, macOS Keychain, Secret Service, KWallet) qualifies, so a plaintext
    file keyring that happens to be installed is never picked silently.
    """
    explicit = keyring.core.load_env() or keyring.core.load_config()
    if explicit is not None:
        return explicit
    candidates = [
        b
        for b in keyring.backend.get_all_keyring()
        if not isinstance(b, chainer.ChainerBackend)
        and keyring.core.recommended(b)
        and not _is_plaintext(b)
    ]
    if not candidates:
        return fail.Keyring()
    return max(candidates, key=keyring.backend.by_priority)


class SecretStore:
    """Get, set and delete one account's named secrets in the keyring."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend
        self._lock = threading.RLock()

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        if self._backend is None:
            self._backend = default_backend()
        return self._backend

    def check_available(self) -> None:
        """Raise ``SecretsUnavailable`` with a message the user can act on."""
        reason = _unusable_reason(self.backend)
        if reason is not None:
            raise SecretsUnavailable(
                f"Cannot store credentials safely: {reason}. Kanal keeps tokens and passwords "
                "only in the system keyring (Windows Credential Manager, macOS Keychain or a "
                "Secret Service such as GNOME Keyring / KWallet); unlock or install one, or ask "
                "IT to set PYTHON_KEYRING_BACKEND."
            )

    @staticmethod
    def _username(account_id: str, name: str) -> str:
        return f"{account_id}/{name}"

    def _call(self, what: str, fn: object, *args: str) -> str | None:
        self.check_available()
        try:
            result = fn(*args)  # type: ignore[operator]
        except keyring.errors.PasswordDeleteError:
            return None
        except keyring.errors.KeyringError as error:
            raise SecretsUnavailable(
                f"The keyring refused to {what}: {type(error).__name__}"
            ) from None
        return result if isinstance(result, str) else None

    def get(self, account_id: str, name: str) -> str | None:
        return self._call(
            "read a secret", self.backend.get_password, SERVICE, self._username(account_id, name)
        )

    def set(self, account_id: str, name: str, value: str) -> None:
        with self._lock:
            names = self.names(account_id)
            if name not in names:
                # The index first: a crash then leaves an extra name (harmless), never a secret
                # that removal would not find.
                self._write_index(account_id, [*names, name])
            self._call(
                "store a secret",
                self.backend.set_password,
                SERVICE,
                self._username(account_id, name),
                value,
            )

    def get_or_create(self, account_id: str, name: str, make: Callable[[], str]) -> str:
        """The stored secret, or a new one from ``make`` stored first (e.g. the audit chain key)."""
        with self._lock:
            value = self.get(account_id, name)
            if value:
                return value
            value = make()
            self.set(account_id, name, value)
            return value

    def delete(self, account_id: str, name: str) -> None:
        with self._lock:
            self._call(
                "delete a secret",
                self.backend.delete_password,
                SERVICE,
                self._username(account_id, name),
            )
            names = self.names(account_id)
            if name in names:
                self._write_index(account_id, [n for n in names if n != name])

    def names(self, account_id: str) -> list[str]:
        raw = self._call(
            "read a secret", self.backend.get_password, SERVICE, self._username(account_id, _INDEX)
        )
        if not raw:
            return []
        try:
            loaded = json.loads(raw)
        except ValueError:
            return []
        return [str(n) for n in loaded] if isinstance(loaded, list) else []

    def _write_index(self, account_id: str, names: list[str]) -> None:
        self._call(
            "store a secret",
            self.backend.set_password,
            SERVICE,
            self._username(account_id, _INDEX),
            json.dumps(names),
        )

    def delete_account(self, account_id: str) -> None:
        """Remove every secret of one account (when the account is removed)."""
        with self._lock:
            for name in self.names(account_id):
                self._call(
                    "delete a secret",
                    self.backend.delete_password,
                    SERVICE,
                    self._username(account_id, name),
                )
            self._call(
                "delete a secret",
                self.backend.delete_password,
                SERVICE,
                self._username(account_id, _INDEX),
            )

    def for_account(self, account_id: str) -> AccountSecrets:
        return AccountSecrets(self, account_id)


@dataclass(frozen=True)
class AccountSecrets:
    """One account's view of the store, handed to its connector."""

    store: SecretStore
    account_id: str

    def get(self, name: str) -> str | None:
        return self.store.get(self.account_id, name)

    def require(self, name: str) -> str:
        value = self.get(name)
        if not value:
            from desktop_app.domain.errors import AuthExpired

            raise AuthExpired(f"the keyring holds no {name.replace('_', ' ')} for this account")
        return value

    def set(self, name: str, value: str) -> None:
        self.store.set(self.account_id, name, value)

    def delete(self, name: str) -> None:
        self.store.delete(self.account_id, name)
