"""The one place that touches credentials: the operating system's keyring, and nothing else.

Tokens and passwords never enter the database, the logs or an error message. When no usable
keyring exists (a headless machine without Secret Service, a locked-down profile), adding an
account fails with ``SecretsUnavailable``; there is no plaintext fallback.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.backend
import keyring.core
import keyring.errors
import platformdirs
from keyring.backends import chainer, fail

SERVICE = "Kanal"  # the old layout (one service for everything); read once, then migrated
SERVICE_PREFIX = "Kanal"
_INDEX = "_names"  # per account: the list of key names stored, so removal can delete them all
# Windows Credential Manager keeps at most CRED_MAX_CREDENTIAL_BLOB_SIZE = 5 * 512 bytes per
# credential, and keyring stores the text as UTF-16. Checked on every system, so a secret that
# works on a Linux test machine cannot fail only on the Windows desk.
MAX_SECRET_BYTES = 2560


class SecretsUnavailable(Exception):
    """No usable keyring: secrets cannot be stored safely on this machine."""


class SecretTooLarge(SecretsUnavailable):
    """A secret is larger than Windows Credential Manager can hold."""


def service_name(account_id: str, name: str) -> str:
    """One keyring entry per secret: its own service per account and secret name.

    Windows' backend keeps one credential per *service* and, when a second user name is saved
    under the same service, first moves the existing one aside in a separate write; with one
    service per secret there is nothing to move, so the window and ``kanal publish`` saving
    different secrets at once cannot overwrite each other.
    """
    return f"{SERVICE_PREFIX}/{account_id}/{name}"


def username(account_id: str, name: str) -> str:
    return f"{account_id}/{name}"


def check_size(name: str, value: str) -> None:
    size = len(value.encode("utf-16-le"))
    if size > MAX_SECRET_BYTES:
        raise SecretTooLarge(
            f"The {name.replace('_', ' ')} is too large for the system keyring ({size:,} bytes "
            f"as UTF-16; Windows Credential Manager holds at most {MAX_SECRET_BYTES:,}). Sign in "
            "again; if it keeps happening, report it: the platform sends unusually long tokens."
        )


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
    """Get, set and delete one account's named secrets in the keyring.

    Every call is serialised across threads and across Kanal processes (the window and the
    command line) by a lock file, because some backends (keyrings.alt's file keyrings) rewrite
    one file per save and would otherwise lose a concurrent save.
    """

    def __init__(
        self, backend: keyring.backend.KeyringBackend | None = None, lock_path: Path | None = None
    ) -> None:
        self._backend = backend
        self._lock = threading.RLock()
        self._lock_path = lock_path

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

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock, _process_lock(self._lock_path or default_lock_path()):
            yield

    def _call(self, what: str, fn: Callable[..., object], *args: str) -> str | None:
        self.check_available()
        try:
            result = fn(*args)
        except keyring.errors.PasswordDeleteError:
            return None
        except SecretsUnavailable:
            raise
        except Exception as error:
            # Not only KeyringError: the Windows backend raises pywintypes.error / OSError, the
            # Secret Service DBus errors, a locked KWallet a RuntimeError. None carries a secret.
            raise SecretsUnavailable(
                f"The system keyring refused to {what} ({type(error).__name__}: "
                f"{str(error)[:160] or 'no detail'}). Unlock the keyring (or Windows Credential "
                "Manager) and try again; if it keeps failing, ask IT."
            ) from None
        return result if isinstance(result, str) else None

    # -- one secret --------------------------------------------------------------------------

    def _get(self, account_id: str, name: str) -> str | None:
        found = self._call(
            "read a secret",
            self.backend.get_password,
            service_name(account_id, name),
            username(account_id, name),
        )
        if found is not None:
            return found
        return self._migrate(account_id, name)

    def _set(self, account_id: str, name: str, value: str) -> None:
        self._call(
            "store a secret",
            self.backend.set_password,
            service_name(account_id, name),
            username(account_id, name),
            value,
        )

    def _delete(self, account_id: str, name: str) -> None:
        self._call(
            "delete a secret",
            self.backend.delete_password,
            service_name(account_id, name),
            username(account_id, name),
        )
        self._call(  # an entry of the old layout, if one was never migrated
            "delete a secret", self.backend.delete_password, SERVICE, username(account_id, name)
        )

    def _migrate(self, account_id: str, name: str) -> str | None:
        """Move a secret from the old single-service layout to its own entry, once."""
        old = self._call(
            "read a secret", self.backend.get_password, SERVICE, username(account_id, name)
        )
        if old is None:
            return None
        self._set(account_id, name, old)  # the new entry first: a crash keeps the secret
        self._call(
            "delete a secret", self.backend.delete_password, SERVICE, username(account_id, name)
        )
        return old

    # -- the public API ----------------------------------------------------------------------

    def get(self, account_id: str, name: str) -> str | None:
        with self._locked():
            return self._get(account_id, name)

    def set(self, account_id: str, name: str, value: str) -> None:
        check_size(name, value)
        with self._locked():
            names = self._names(account_id)
            if name not in names:
                # The index first: a crash then leaves an extra name (harmless), never a secret
                # that removal would not find.
                self._write_index(account_id, [*names, name])
            self._set(account_id, name, value)

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
        with self._locked():
            self._delete(account_id, name)
            names = self._names(account_id)
            if name in names:
                self._write_index(account_id, [n for n in names if n != name])

    def names(self, account_id: str) -> list[str]:
        with self._locked():
            return self._names(account_id)

    def _names(self, account_id: str) -> list[str]:
        raw = self._get(account_id, _INDEX)
        if not raw:
            return []
        try:
            loaded = json.loads(raw)
        except ValueError:
            return []
        return [str(n) for n in loaded] if isinstance(loaded, list) else []

    def _write_index(self, account_id: str, names: list[str]) -> None:
        self._set(account_id, _INDEX, json.dumps(names))

    def delete_account(self, account_id: str) -> None:
        """Remove every secret of one account (when the account is removed)."""
        with self._locked():
            for name in self._names(account_id):
                self._delete(account_id, name)
            self._delete(account_id, _INDEX)

    def for_account(self, account_id: str) -> AccountSecrets:
        return AccountSecrets(self, account_id)


def default_lock_path() -> Path:
    """A per-user lock file beside Kanal's cache (not in the data folder: that may be shared)."""
    return Path(platformdirs.user_cache_dir(APP_LOCK_NAME, APP_LOCK_NAME)) / "keyring.lock"


APP_LOCK_NAME = "Kanal"


@contextlib.contextmanager
def _process_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes on ``path`` (fcntl on POSIX, msvcrt on Windows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined,unused-ignore]
                    break
                except OSError:  # LK_LOCK gives up after ten seconds; keep waiting
                    continue
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


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
