"""SecretStore: the keyring only, per account, with no plaintext fallback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from keyring.backends import fail

from desktop_app.domain.errors import AuthExpired
from desktop_app.secrets import SecretStore, SecretsUnavailable, SecretTooLarge, default_backend
from tests.support.memory_keyring import MemoryKeyring


def test_set_get_delete_per_account() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)
    store.set("acc-1", "access_token", "tok-1")
    store.set("acc-2", "access_token", "tok-2")
    assert store.get("acc-1", "access_token") == "tok-1"
    assert store.get("acc-2", "access_token") == "tok-2"
    store.delete("acc-1", "access_token")
    assert store.get("acc-1", "access_token") is None
    assert store.get("acc-2", "access_token") == "tok-2"
    store.delete("acc-1", "never-set")  # deleting what is not there is not an error


def test_delete_account_removes_every_secret_and_only_that_accounts() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)
    for name in ("username", "application_password", "page_access_token"):
        store.set("acc-1", name, f"{name}-value")
    store.set("acc-2", "access_token", "keep-me")
    store.delete_account("acc-1")
    assert set(backend.entries) == {
        ("Kanal/acc-2/access_token", "acc-2/access_token"),
        ("Kanal/acc-2/_names", "acc-2/_names"),
    }
    assert store.get("acc-2", "access_token") == "keep-me"


def test_no_backend_raises_a_clear_error_and_never_falls_back() -> None:
    store = SecretStore(fail.Keyring())
    with pytest.raises(SecretsUnavailable, match="keyring"):
        store.set("acc", "access_token", "secret")
    with pytest.raises(SecretsUnavailable):
        store.get("acc", "access_token")


def test_default_backend_refuses_plaintext_files(monkeypatch: pytest.MonkeyPatch) -> None:
    # This test machine has no Secret Service; keyrings.alt's plaintext file backend is
    # installed (for the CLI tests) but must never be chosen on its own.
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    chosen = default_backend()
    assert "Plaintext" not in type(chosen).__name__
    if isinstance(chosen, fail.Keyring):
        with pytest.raises(SecretsUnavailable):
            SecretStore(chosen).check_available()


def test_an_explicitly_configured_backend_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    assert type(default_backend()).__name__ == "PlaintextKeyring"


def test_account_view_require_raises_auth_expired_without_the_secret() -> None:
    view = SecretStore(MemoryKeyring()).for_account("acc")
    with pytest.raises(AuthExpired, match="access token"):
        view.require("access_token")
    view.set("access_token", "t")
    assert view.require("access_token") == "t"


# --- issue 12: one entry per secret, migration, every backend error, size, process race ------


def test_each_secret_has_its_own_service_entry() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)
    store.set("acc", "access_token", "a")
    store.set("acc", "refresh_token", "r")
    services = {service for service, _ in backend.entries}
    assert services == {"Kanal/acc/access_token", "Kanal/acc/refresh_token", "Kanal/acc/_names"}


def test_old_single_service_entries_are_migrated_on_first_read() -> None:
    backend = MemoryKeyring()
    backend.entries[("Kanal", "acc/access_token")] = "old-token"
    backend.entries[("Kanal", "acc/_names")] = '["access_token"]'
    store = SecretStore(backend)
    assert store.get("acc", "access_token") == "old-token"
    assert ("Kanal", "acc/access_token") not in backend.entries
    assert backend.entries[("Kanal/acc/access_token", "acc/access_token")] == "old-token"
    store.delete_account("acc")
    assert backend.entries == {}


class BrokenKeyring(MemoryKeyring):
    """A backend failing the way Windows' does: not with a KeyringError."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error


@pytest.mark.parametrize(
    "error",
    [OSError(1783, "CredWrite", "The stub received bad data."), RuntimeError("DBus locked")],
)
def test_every_backend_error_becomes_a_clear_message(error: Exception) -> None:
    store = SecretStore(BrokenKeyring(error))
    with pytest.raises(SecretsUnavailable, match="refused to store a secret") as caught:
        store.set("acc", "access_token", "do-not-show-me")
    assert type(error).__name__ in str(caught.value)
    assert "do-not-show-me" not in str(caught.value)


def test_a_secret_too_large_for_credential_manager_is_refused_before_writing() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)
    store.set("acc", "access_token", "x" * 1280)  # 2,560 bytes as UTF-16: the limit itself
    with pytest.raises(SecretTooLarge, match="2,560"):
        store.set("acc", "refresh_token", "x" * 1281)
    with pytest.raises(SecretTooLarge):
        store.set("acc", "refresh_token", "😀" * 641)  # surrogate pairs: 4 bytes each
    assert store.get("acc", "refresh_token") is None


RACER = """
import sys
from pathlib import Path
from keyrings.alt.file import PlaintextKeyring
from desktop_app.secrets import SecretStore

keyring_file, lock_file, go, account = sys.argv[1:5]
backend = PlaintextKeyring()
backend.file_path = keyring_file
store = SecretStore(backend, lock_path=Path(lock_file))
while not Path(go).exists():
    pass
for i in range(25):
    store.set(account, f"token_{i}", f"{account}-value-{i}")
"""


def test_two_processes_saving_at_once_lose_no_token(tmp_path: Path) -> None:
    keyring_file = tmp_path / "keyring.cfg"
    lock_file = tmp_path / "keyring.lock"
    go = tmp_path / "go"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(keyring_file), str(lock_file), str(go), account]
        )
        for account in ("window", "cli")
    ]
    go.touch()
    assert [racer.wait(timeout=120) for racer in racers] == [0, 0]
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(keyring_file)  # type: ignore[misc]
    store = SecretStore(backend, lock_path=lock_file)
    for account in ("window", "cli"):
        assert store.names(account) == [f"token_{i}" for i in range(25)]
        for i in range(25):
            assert store.get(account, f"token_{i}") == f"{account}-value-{i}"
