"""What every sub-command gets: the resolved configuration and a way to open the store."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop_app.config import AppConfig

if TYPE_CHECKING:
    from desktop_app.store.database import Store


class CliError(Exception):
    """A failure the user can act on; printed as one line on stderr, exit code 1."""


@dataclass
class CliContext:
    config: AppConfig
    json_output: bool = False
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        """Open (and migrate) the store on first use, so commands that need none stay fast."""
        if self._store is None:
            from desktop_app.app import open_store

            self._store = open_store(self.config)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()
            self._store = None

    def emit(self, payload: Any, human: str) -> None:
        """JSON on stdout with --json (nothing else there), a readable text otherwise."""
        if self.json_output:
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
        else:
            sys.stdout.write(human.rstrip("\n") + "\n")
