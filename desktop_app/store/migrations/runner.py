"""Runs Alembic programmatically: no alembic.ini on disk, the scripts live next to this file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import NameFilterParentNames, NameFilterType
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    return config


# The tables SQLite creates behind a virtual table (FTS5), which no model can describe.
_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")

# Indexes a migration creates with raw SQL because no model can express them (PostgreSQL
# full-text expression indexes). Add yours here so the models-match-migrations test skips it.
RAW_SQL_INDEXES = frozenset({"ix_inbox_items_search"})


def unmodelled_tables(connection: Connection) -> frozenset[str]:
    """Tables made with raw SQL by migrations on purpose (SQLite virtual tables and their shadow
    tables), to be left out when comparing the models with the database."""
    if connection.dialect.name != "sqlite":
        return frozenset()
    virtual = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")
    ).scalars()
    names: set[str] = set()
    for name in virtual:
        names.add(name)
        names.update(name + suffix for suffix in _SHADOW_SUFFIXES)
    return frozenset(names)


def include_name_for(
    connection: Connection,
) -> Callable[[str | None, NameFilterType, NameFilterParentNames], bool]:
    """An Alembic ``include_name`` hook that skips ``unmodelled_tables``."""
    skipped = unmodelled_tables(connection)

    def include_name(
        name: str | None, type_: NameFilterType, parent_names: NameFilterParentNames
    ) -> bool:
        if type_ == "table":
            return name not in skipped
        if type_ == "index" and name in RAW_SQL_INDEXES:
            return False
        return parent_names.get("table_name") not in skipped

    return include_name


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def upgrade(engine: Engine, revision: str = "heads", *, is_sqlite: bool) -> None:
    """Upgrade in one transaction, so a crash mid-migration leaves the old schema intact."""
    _run(engine, is_sqlite, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str, *, is_sqlite: bool) -> None:
    """For tests and support staff; Kanal itself only ever upgrades."""
    _run(engine, is_sqlite, lambda config: command.downgrade(config, revision))


def _run(engine: Engine, is_sqlite: bool, action: Callable[[Config], None]) -> None:
    config = alembic_config()
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        if is_sqlite and raw is not None:
            # SQLite rebuilds a table to alter it (batch mode); with foreign keys on, dropping
            # the old table would cascade-delete the children's rows. The switch only works
            # outside a transaction, so it is set before ours begins and checked before commit.
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                action(config)
                if is_sqlite:
                    problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                    if problems:
                        raise RuntimeError(f"migration broke foreign keys: {problems[:5]}")
        finally:
            if is_sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")
