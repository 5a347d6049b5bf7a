"""The audit chain's secret key, kept in the OS keyring and never in the database.

A person who copies or edits the database file does not get the key, so they cannot make seals
for events they rewrite or invent. The key is created on first use and cached for the process.
A team shares its key the same way its members share credentials (an IT-distributed keyring
entry under the same name).
"""

from __future__ import annotations

import secrets as token_source
import threading
from typing import TYPE_CHECKING

from desktop_app.domain.audit import ChainKey
from desktop_app.store.audit import bind_chain_keys

if TYPE_CHECKING:
    from desktop_app.secrets import SecretStore
    from desktop_app.store.database import Store

# Where the key lives in the keyring: SecretStore's (account id, name) pair.
KEYRING_OWNER = "_audit"
KEYRING_NAME = "chain_key"
# Per store (by its database address): the newest head a verify found intact. Kept outside the
# database, so rolling the chain back or rewriting it whole is noticed on this desk.
WATERMARK_PREFIX = "chain_head_seen/"


class KeyringChainKeys:
    """``ChainKeys`` backed by a ``SecretStore``; reads the keyring once per process."""

    def __init__(self, secrets: SecretStore | None = None) -> None:
        self._secrets = secrets
        self._lock = threading.Lock()
        self._key: ChainKey | None = None
        self.created = False  # whether this process made the key (no keyring entry before)

    def current(self) -> ChainKey | None:
        with self._lock:
            if self._key is None:
                if self._secrets is None:
                    from desktop_app.secrets import SecretStore

                    self._secrets = SecretStore()
                existed = self._secrets.get(KEYRING_OWNER, KEYRING_NAME) is not None
                value = self._secrets.get_or_create(
                    KEYRING_OWNER, KEYRING_NAME, lambda: token_source.token_hex(32)
                )
                self.created = not existed
                self._key = ChainKey(bytes.fromhex(value))
            return self._key

    def remembered_head(self, store_id: str) -> tuple[int, str] | None:
        """The newest verified head of this store, as kept in the keyring (see ``verify``)."""
        self.current()
        assert self._secrets is not None
        raw = self._secrets.get(KEYRING_OWNER, f"{WATERMARK_PREFIX}{store_id}")
        if not raw or ":" not in raw:
            return None
        seq, _, digest = raw.partition(":")
        return (int(seq), digest) if seq.isdigit() else None

    def remember_head(self, store_id: str, seq: int, digest: str) -> None:
        self.current()
        assert self._secrets is not None
        self._secrets.set(KEYRING_OWNER, f"{WATERMARK_PREFIX}{store_id}", f"{seq}:{digest}")


def use_keyring_chain_key(store: Store, secrets: SecretStore | None = None) -> None:
    """Seal ``store``'s audit chain with the keyring's chain key (composition root, once).

    On a desk whose keyring had no key yet (it is made now), the chain written so far is
    adopted: sealing starts at its current head. A keyring that cannot be read leaves the
    chain unsealed, as before (``history verify`` says so), and Kanal keeps working."""
    keys = KeyringChainKeys(secrets)
    bind_chain_keys(store.engine, keys)
    try:
        key = keys.current()
    except Exception:  # no usable keyring: events stay unsealed, nothing stops
        return
    if key is not None and keys.created:
        with store.unit_of_work() as uow:
            uow.audit.adopt_unsealed_chain(key)
