"""The store: one database (a SQLite file by default, PostgreSQL for a department) plus the
data folder that holds attachment files."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry

from desktop_app.domain.drafts import Attachment
from desktop_app.store.errors import SchemaTooNew
from desktop_app.store.migrations import head_revisions, known_revisions
from desktop_app.store.unit_of_work import UnitOfWork

# How long a SQLite writer waits for another process (the window and a CLI command at once)
# before giving up with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 15_000


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    """Owns the engine; hands out units of work. Construct once in the composition root."""

    def __init__(
        self,
        database_url: str,
        data_dir: Path,
        *,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.database_url = database_url
        self.data_dir = Path(data_dir)
        self._clock = clock
        url = make_url(database_url)
        self.is_sqlite = url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            database = url.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(
                url,
                # The pool hands a connection to one thread at a time, so worker threads may
                # share the pool.
                connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            )
            _configure_sqlite(self.engine)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)

    # -- schema ------------------------------------------------------------------------------

    def migrate(self, revision: str = "heads") -> None:
        """Bring the schema up to date (Alembic upgrade to every head, or to ``revision``).

        A quick no-op when the database is already current, so start-up stays fast. Raises
        ``SchemaTooNew``, touching nothing, for a database a newer Kanal has migrated.
        """
        current = self.current_revisions()
        newer = current - known_revisions()
        if newer:
            raise SchemaTooNew(
                f"this database was last used by a newer version of Kanal (schema "
                f"{', '.join(sorted(newer))}); install that version or newer to open it"
            )
        if revision in ("head", "heads"):
            revision = "heads"
            if current == head_revisions():
                return
        from desktop_app.store.migrations.runner import upgrade

        upgrade(self.engine, revision, is_sqlite=self.is_sqlite)

    def current_revisions(self) -> frozenset[str]:
        """The Alembic revisions the database is at; empty for a new database."""
        with self.engine.connect() as connection:
            try:
                rows = connection.execute(text("SELECT version_num FROM alembic_version"))
                return frozenset(str(value) for value in rows.scalars())
            except DBAPIError:
                return frozenset()

    # -- work --------------------------------------------------------------------------------

    @contextmanager
    def unit_of_work(self, *, read_only: bool = False) -> Iterator[UnitOfWork]:
        """One session and transaction: committed if the block succeeds, rolled back if it raises.

        ``read_only=True`` lets SQLite readers start without taking the write lock.
        """
        bind = self.engine.execution_options(kanal_read_only=read_only)
        session = Session(bind=bind, expire_on_commit=False, autoflush=True)
        uow = UnitOfWork(session, self.data_dir, self._clock)
        try:
            yield uow
            session.commit()
        except BaseException:
            session.rollback()
            session.close()
            uow.run_after_rollback()
            raise
        session.close()
        uow.run_after_commit()

    def attachment_path(self, attachment: Attachment) -> Path:
        """Where an attachment's file lives on disk."""
        return self.data_dir / attachment.stored_path

    def dispose(self) -> None:
        self.engine.dispose()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        # Transactions are begun explicitly below, not by the driver's own heuristics.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            # WAL: readers never block the writer and a crash mid-write loses at most the
            # transaction in flight; NORMAL sync is durable at checkpoints and safe with WAL.
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # A writing unit of work takes the write lock up front, so two processes never both
        # read and then fail to upgrade to writing ("database is locked" with no wait).
        read_only = connection.get_execution_options().get("kanal_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
