"""What every store module shares: the declarative base and its naming convention, ids, checks.

Each aggregate has one module holding its rows (SQLAlchemy 2.0 typed declarative models) and its
repository: ``accounts``, ``drafts`` (with revisions and targets), ``attachments``,
``publications``, ``inbox``, ``audit``. Ids are UUID4 strings in ``String(36)`` columns, the same
on SQLite and PostgreSQL, so records made on a workstation can later be replicated to a shared
PostgreSQL without id clashes. Times are ``UTCDateTime`` (aware UTC in and out, see
``types.py``).
"""

from __future__ import annotations

import builtins
import importlib
import pkgutil
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names: PostgreSQL and Alembic's batch mode on SQLite need names to
# alter or drop a constraint later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def complete_metadata() -> MetaData:
    """``Base.metadata`` with the tables of every store module registered.

    Each aggregate declares its tables in its own module of ``desktop_app.store``; importing
    them all lets Alembic compare the whole schema.
    """
    import desktop_app.store as store_package

    for module in pkgutil.iter_modules(store_package.__path__):
        if module.name not in ("migrations", "models"):
            importlib.import_module(f"{store_package.__name__}.{module.name}")
    return Base.metadata


def new_id() -> str:
    """A fresh UUID4 id."""
    return str(uuid.uuid4())


def require_aware(value: datetime | None, what: str) -> datetime | None:
    """Refuse a naive time: the store keeps UTC and must know the zone it is given in."""
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{what} needs a time zone (got {value.isoformat()})")
    return value


def deleter(path: Path) -> Callable[[], None]:
    """An action that deletes ``path`` if it is still there."""

    def delete_file() -> None:
        path.unlink(missing_ok=True)

    return delete_file


def unique(values: Iterable[str]) -> builtins.list[str]:
    """The values in their first-seen order, without repeats."""
    return builtins.list(dict.fromkeys(values))
