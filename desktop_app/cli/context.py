"""What every sub-command gets: the resolved configuration and the process's services.

The services come from the composition root (``desktop_app.app.build_services``), built on
first use, so commands that need no store (``text measure``) stay fast and never open one.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop_app.config import AppConfig

if TYPE_CHECKING:
    from desktop_app.services import Services
    from desktop_app.store.database import Store


class CliError(Exception):
    """A failure the user can act on; printed as one line on stderr, exit code 1."""


@dataclass
class CliContext:
    config: AppConfig
    json_output: bool = False
    _services: Services | None = field(default=None, repr=False)

    def services(self) -> Services:
        """The store, keyring, connectors, inbox actions and the acting person (built once)."""
        if self._services is None:
            from desktop_app.app import build_services
            from desktop_app.services import CLI_TIMEOUT_S, ActingPersonUnknown, Settings

            try:
                self._services = build_services(
                    self.config, settings=Settings(connector_timeout=CLI_TIMEOUT_S)
                )
            except ActingPersonUnknown as error:
                raise CliError(str(error)) from None
        return self._services

    @property
    def actor(self) -> str:
        """Who is acting (``KANAL_USER``, else the login name); never the system's name."""
        return self.services().actor

    def store(self) -> Store:
        """Open (and migrate) the store on first use, so commands that need none stay fast."""
        return self.services().store()

    def close(self) -> None:
        if self._services is not None:
            self._services.close()
            self._services = None

    def emit(self, payload: Any, human: str) -> None:
        """JSON on stdout with --json (nothing else there), a readable text otherwise."""
        if self.json_output:
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
        else:
            sys.stdout.write(human.rstrip("\n") + "\n")
