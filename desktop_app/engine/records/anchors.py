"""The chain head as an anchor: printed into every export and snapshot, checked back later.

An export made in March carries ``kanal-chain-head: 1234:<sha256>``. If someone later cuts the
chain back before event 1234, or rewrites it from there, that event (with that digest) is no
longer in the chain: ``kanal history verify --anchor FILE`` says so, even when the remaining
chain is internally consistent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from desktop_app.domain.audit import CHAIN_HEAD_MARKER as MARKER
from desktop_app.domain.audit import ChainHead, chain_head_text

_PATTERN = re.compile(rb"kanal-chain-head[\"']?\s*[:=]\s*[\"']?(\d+):([0-9a-fA-F]{64})")
_HASH = re.compile(r"^(?:(\d+):)?([0-9a-fA-F]{64})$")


@dataclass(frozen=True)
class Anchor:
    seq: int | None
    hash: str


class AnchorError(ValueError):
    """The anchor given is neither a readable file with a chain head nor a digest."""


def anchor_text(head: ChainHead | None) -> str:
    """How exports spell the head (domain/audit.py); kept here beside ``parse_anchor``."""
    return chain_head_text(head)


def parse_anchor(value: str) -> Anchor:
    """``SEQ:HASH``, a bare HASH, or a file (export, snapshot, package) that holds the marker."""
    text = value.strip()
    match = _HASH.match(text)
    if match:
        seq = int(match.group(1)) if match.group(1) else None
        return Anchor(seq, match.group(2).lower())
    path = Path(text).expanduser()
    if path.is_dir():
        path = path / "metadata" / "other" / "chain-head.txt"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise AnchorError(
            f"not a chain head (SEQ:SHA256) nor a readable file: {value} "
            f"({error.strerror or error})"
        ) from None
    try:
        loaded = json.loads(data)
        head = loaded.get("audit_chain_head") if isinstance(loaded, dict) else None
        if isinstance(head, dict) and head.get("hash"):
            return Anchor(int(head.get("seq") or 0), str(head["hash"]).lower())
    except ValueError:
        pass
    found = _PATTERN.search(data)
    if found is None:
        raise AnchorError(f"{path} holds no Kanal chain head ({MARKER})")
    return Anchor(int(found.group(1)), found.group(2).decode().lower())
