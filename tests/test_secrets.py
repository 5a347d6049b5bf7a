"""SecretStore: the keyring only, per account, with no plaintext fallback."""

from __future__ import annotations

import pytest
from keyring.backends import fail

from desktop_app.domain.errors import AuthExpired
from desktop_app.secrets import SecretStore, SecretsUnavailable, default_backend
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
    assert {username for _, username in backend.entries} == {"acc-2/access_token", "acc-2/_names"}
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
