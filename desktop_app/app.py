"""Composition root: builds the services from the configuration and starts the GUI or a command.

The only place that knows every layer; everything else gets its dependencies passed in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.config import AppConfig

if TYPE_CHECKING:
    from desktop_app.store.database import Store


def open_store(config: AppConfig) -> Store:
    """Create the data folder, connect, and bring the schema to head (Alembic) before use."""
    # Imported here so the window can be shown before SQLAlchemy loads.
    from desktop_app.store.database import Store

    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(config.database_url, data_dir=config.data_dir)
    store.migrate()
    return store


def run_gui(config: AppConfig) -> int:
    # Imported here so the CLI never loads Qt.
    from desktop_app.ui.application import run_application

    return run_application(config)
