"""The CLI's error taxonomy: every failure becomes one class with its own exit code and a message
a person can act on, in Swedish or English.

Commands raise ``CliError`` (exit 1: the command ran and something was refused) or one of the
classes below; ``classify`` maps whatever else escapes a command (SQLAlchemy, SQLite, Alembic,
``OSError``) onto the same classes, so ``cli.main`` prints one line and returns the class's code.

The messages are a plain dictionary, not Qt's translation files: the CLI never loads Qt (it would
cost a second of start-up and a display connection a script does not have), and these few
sentences are the only CLI text translated so far.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Mapping
from enum import IntEnum
from pathlib import Path
from typing import Any

from desktop_app.cli.context import CliError


class ExitCode(IntEnum):
    """Exit codes by class (the BSD sysexits numbers where one fits); 3 is publish's "waiting"."""

    FAILED = 1  # the command ran and was refused (a plain CliError)
    USAGE = 2  # bad input on the command line (argparse's own code)
    DATA = 65  # the database is damaged or from a newer Kanal
    UNAVAILABLE = 69  # a port in use, a database server that does not answer, a busy database
    SOFTWARE = 70  # a bug in Kanal: details are in the log
    CANT_CREATE = 73  # a read-only folder or file, no permission
    IO = 74  # disk full, an input/output error
    TEMPORARY = 75  # a platform offline or rate-limiting: the same command may work later
    SIGN_IN = 77  # a platform no longer accepts the account's credentials
    CONFIG = 78  # the configuration points at something unusable
    INTERRUPTED = 130  # Ctrl+C


MESSAGES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "usage": "{detail}",
        "number_too_large": "{option}: {value} is too large (at most {maximum})",
        "number_too_small": "{option}: {value} is too small (at least {minimum})",
        "not_a_number": "{option}: {value!r} is not a whole number",
        "not_finite": "{option}: {value!r} is not a finite number of seconds (use e.g. 60)",
        "negative": "{option}: {value} must not be negative",
        "bad_port": "{option}: {value} is not a port (use 0 for any free port, or 1-65535)",
        "too_many_words": "{option}: {count} words is too many; search with at most {maximum}",
        "database_url": "--database-url / KANAL_DATABASE_URL is not a database address; use "
        "e.g. sqlite:///C:/path/kanal.sqlite3 or postgresql+psycopg://user@host/kanal",
        "database_driver": "--database-url / KANAL_DATABASE_URL names a database Kanal cannot "
        "use ({detail}); use sqlite:/// or postgresql+psycopg://",
        "data_dir_not_folder": "the data folder {path} is a file, not a folder; give --data-dir "
        "(or KANAL_DATA_DIR) a folder",
        "database_corrupt": "the database {path} is damaged or not a Kanal database ({detail}); "
        "nothing was changed - restore it from a backup or move it away to start afresh",
        "database_newer": "the database {path} was made by a newer Kanal (schema {revision}); "
        "nothing was changed - install that version of Kanal to use it",
        "database_unreachable": "cannot reach the database ({detail}); check the server is "
        "running and --database-url is right",
        "database_busy": "the database is busy (another Kanal is writing); try again in a moment",
        "cannot_open_database": "cannot open the database {path}; check that the folder exists "
        "and that you may write to it",
        "read_only": "{path} is read-only; nothing was changed - choose a data folder you may "
        "write to (--data-dir); read-only commands such as `draft list` still work",
        "no_permission": "no permission to write {path}; nothing was changed - check the "
        "folder's permissions or choose another --data-dir",
        "disk_full": "the disk holding {path} is full; nothing was changed - free some space "
        "and try again",
        "io_error": "could not read or write {path} ({detail}); nothing was changed",
        "port_in_use": "cannot listen on {address}: {detail}; choose another --port (0 picks a "
        "free one)",
        "interrupted": "interrupted; nothing was changed by the unfinished step",
        "net_auth": "{detail}; sign in to the account again (`kanal accounts add`)",
        "net_rate": "{detail}; the platform takes more after {until} (UTC)",
        "net_temporary": "{detail}; check the network connection and try again later",
        "net_rejected": "the platform refused it: {detail}",
        "net_unknown": "{detail}; it may have gone through - look on the platform before trying "
        "again",
        "internal": "internal error ({detail}); please report it with the log file {log}",
        "schedule_format": "--schedule {value!r} is not a date and time like 2026-12-01T07:30",
        "schedule_past": "--schedule {when} is in the past (it is now {now}); give a later time",
        "schedule_gap": "--schedule {when} does not exist in {zone}: the clocks jump forward "
        "that night; give a time outside {gap}",
        "schedule_ambiguous": "--schedule {when} happens twice in {zone} (the clocks go back); "
        "add {first} for the first or {second} for the second",
        "schedule_range": "--schedule {value!r} is too far from today; give a time within the "
        "next few years",
        "file_unreadable": "{option} {path}: cannot be read ({detail})",
        "file_not_regular": "{option} {path} is not an ordinary file (a folder, a pipe or a "
        "device); give the path of an image file",
        "schedule_passed": "draft {draft} was scheduled for {when}, which has passed; nothing "
        "was queued - add --now to publish it at once",
    },
    "sv": {
        "usage": "{detail}",
        "number_too_large": "{option}: {value} är för stort (högst {maximum})",
        "number_too_small": "{option}: {value} är för litet (minst {minimum})",
        "not_a_number": "{option}: {value!r} är inget heltal",
        "not_finite": "{option}: {value!r} är inget ändligt antal sekunder (ange t.ex. 60)",
        "negative": "{option}: {value} får inte vara negativt",
        "bad_port": "{option}: {value} är ingen port (ange 0 för valfri ledig port, eller 1-65535)",
        "too_many_words": "{option}: {count} ord är för många; sök med högst {maximum}",
        "database_url": "--database-url / KANAL_DATABASE_URL är ingen databasadress; ange t.ex. "
        "sqlite:///C:/sökväg/kanal.sqlite3 eller postgresql+psycopg://användare@värd/kanal",
        "database_driver": "--database-url / KANAL_DATABASE_URL anger en databas som Kanal inte "
        "kan använda ({detail}); ange sqlite:/// eller postgresql+psycopg://",
        "data_dir_not_folder": "datamappen {path} är en fil, inte en mapp; ange en mapp med "
        "--data-dir (eller KANAL_DATA_DIR)",
        "database_corrupt": "databasen {path} är skadad eller ingen Kanal-databas ({detail}); "
        "inget ändrades - återställ den från en säkerhetskopia eller flytta undan den",
        "database_newer": "databasen {path} skapades av en nyare Kanal (schema {revision}); "
        "inget ändrades - installera den versionen av Kanal för att använda den",
        "database_unreachable": "når inte databasen ({detail}); kontrollera att servern är igång "
        "och att --database-url stämmer",
        "database_busy": "databasen är upptagen (en annan Kanal skriver); försök igen om en stund",
        "cannot_open_database": "kan inte öppna databasen {path}; kontrollera att mappen finns "
        "och att du får skriva i den",
        "read_only": "{path} är skrivskyddad; inget ändrades - välj en datamapp du får skriva i "
        "(--data-dir); läsande kommandon som `draft list` fungerar ändå",
        "no_permission": "du saknar behörighet att skriva {path}; inget ändrades - kontrollera "
        "mappens behörigheter eller välj en annan --data-dir",
        "disk_full": "disken där {path} ligger är full; inget ändrades - frigör utrymme och "
        "försök igen",
        "io_error": "kunde inte läsa eller skriva {path} ({detail}); inget ändrades",
        "port_in_use": "kan inte lyssna på {address}: {detail}; välj en annan --port (0 väljer "
        "en ledig)",
        "interrupted": "avbrutet; det ofullbordade steget ändrade ingenting",
        "net_auth": "{detail}; logga in på kontot igen (`kanal accounts add`)",
        "net_rate": "{detail}; plattformen tar emot mer efter {until} (UTC)",
        "net_temporary": "{detail}; kontrollera nätverksanslutningen och försök igen senare",
        "net_rejected": "plattformen avvisade det: {detail}",
        "net_unknown": "{detail}; det kan ha gått igenom - titta på plattformen innan du försöker "
        "igen",
        "internal": "internt fel ({detail}); rapportera det gärna med loggfilen {log}",
        "schedule_format": "--schedule {value!r} är ingen tidpunkt som 2026-12-01T07:30",
        "schedule_past": "--schedule {when} har redan passerat (klockan är nu {now}); ange en "
        "senare tid",
        "schedule_gap": "--schedule {when} finns inte i {zone}: klockan ställs fram den natten; "
        "ange en tid utanför {gap}",
        "schedule_ambiguous": "--schedule {when} inträffar två gånger i {zone} (klockan ställs "
        "tillbaka); lägg till {first} för den första eller {second} för den andra",
        "schedule_range": "--schedule {value!r} ligger för långt från i dag; ange en tid inom "
        "de närmaste åren",
        "file_unreadable": "{option} {path}: kan inte läsas ({detail})",
        "file_not_regular": "{option} {path} är ingen vanlig fil (en mapp, en pipe eller en "
        "enhet); ange sökvägen till en bildfil",
        "schedule_passed": "utkastet {draft} var schemalagt till {when}, som redan har passerat; "
        "inget köades - lägg till --now för att publicera det genast",
    },
}


def choose_language(option: str | None, environ: Mapping[str, str] | None = None) -> str:
    """``--lang`` first, then the locale's usual variables (as gettext reads them); English
    when nothing says Swedish."""
    if option in MESSAGES:
        return str(option)
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "sv" if value.lower().startswith("sv") else "en"
    return "en"


class CliFailure(CliError):
    """A failure of a known class: a message key with its values, rendered in the user's
    language at the boundary."""

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, key: str, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(self.render("en"))

    def render(self, lang: str) -> str:
        template = MESSAGES.get(lang, MESSAGES["en"]).get(key := self.key) or MESSAGES["en"][key]
        return template.format(**self.values)


class UsageError(CliFailure):
    exit_code = ExitCode.USAGE


class DataError(CliFailure):
    exit_code = ExitCode.DATA


class UnavailableError(CliFailure):
    exit_code = ExitCode.UNAVAILABLE


class InternalError(CliFailure):
    exit_code = ExitCode.SOFTWARE


class CannotWriteError(CliFailure):
    exit_code = ExitCode.CANT_CREATE


class StorageError(CliFailure):
    exit_code = ExitCode.IO


class TemporaryError(CliFailure):
    exit_code = ExitCode.TEMPORARY


class SignInError(CliFailure):
    exit_code = ExitCode.SIGN_IN


class ConfigError(CliFailure):
    exit_code = ExitCode.CONFIG


class Interrupted(CliFailure):
    exit_code = ExitCode.INTERRUPTED


def exit_code_of(error: CliError) -> int:
    return int(getattr(error, "exit_code", ExitCode.FAILED))


def message_of(error: CliError, lang: str) -> str:
    """One line: a message with line breaks (a platform's answer, a path) is folded."""
    text = error.render(lang) if isinstance(error, CliFailure) else str(error)
    return " ".join(text.split()) or type(error).__name__


# -- classification ----------------------------------------------------------------------------


def classify(
    error: BaseException, *, database_path: Path | None, log_path: Path | None
) -> CliError:
    """The taxonomy class of any exception that escaped a command."""
    if isinstance(error, CliError):
        return error
    if isinstance(error, KeyboardInterrupt):
        return Interrupted("interrupted")
    where = str(database_path) if database_path is not None else "the database"
    mapped = (
        _classify_network(error)
        or _classify_database(error, where, database_path)
        or _classify_os(error, where)
    )
    if mapped is not None:
        return mapped
    if isinstance(error, OverflowError):
        return UsageError("usage", detail=f"a number is out of range ({error})")
    return InternalError(
        "internal", detail=type(error).__name__, log=str(log_path) if log_path else "(stderr)"
    )


def _classify_network(error: BaseException) -> CliError | None:
    """The platforms' failures (domain.errors), each with what the person can do about it."""
    if "desktop_app.domain.errors" not in sys.modules:
        return None
    from desktop_app.domain import errors as net

    if not isinstance(error, net.NetworkError):
        return None
    detail = error.message
    if isinstance(error, net.AuthExpired):
        return SignInError("net_auth", detail=detail)
    if isinstance(error, net.RateLimited):
        return TemporaryError("net_rate", detail=detail, until=f"{error.until:%Y-%m-%d %H:%M}")
    if isinstance(error, net.Rejected):
        return CliFailure("net_rejected", detail=error.reason)
    if isinstance(error, net.OutcomeUnknown):
        return TemporaryError("net_unknown", detail=detail)
    return TemporaryError("net_temporary", detail=detail)


def _newer_schema(error: BaseException) -> str | None:
    """The unknown revision when the database was migrated by a newer Kanal, else None."""
    if "desktop_app.store.errors" in sys.modules:
        from desktop_app.store.errors import SchemaTooNew

        if isinstance(error, SchemaTooNew):
            unknown = re.search(r"\(schema ([^)]*)\)", str(error))
            return unknown.group(1) if unknown else "?"
    if "alembic" in sys.modules:
        from alembic.util.exc import CommandError

        if isinstance(error, CommandError) and "Can't locate revision" in str(error):
            found = re.search(r"identified by '([^']*)'", str(error))
            return found.group(1) if found else "?"
    return None


def _classify_database(error: BaseException, where: str, path: Path | None) -> CliError | None:
    """SQLAlchemy, SQLite and Alembic failures, looked up only if those modules are loaded."""
    newer = _newer_schema(error)
    if newer is not None:
        return DataError("database_newer", path=where, revision=newer)
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy import exc

    if isinstance(error, exc.NoSuchModuleError):
        return ConfigError("database_driver", detail=str(error).rsplit(":", 1)[-1].strip())
    if isinstance(error, exc.ArgumentError) and "URL" in str(error):
        return ConfigError("database_url")
    if not isinstance(error, exc.DBAPIError):
        return None
    original = error.orig
    name = str(getattr(original, "sqlite_errorname", ""))
    text = str(original)
    if name == "SQLITE_FULL" or "disk is full" in text:
        return StorageError("disk_full", path=where)
    if (
        name in ("SQLITE_NOTADB", "SQLITE_CORRUPT")
        or "not a database" in text
        or "malformed" in text
    ):
        return DataError("database_corrupt", path=where, detail=text)
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return CannotWriteError("read_only", path=where)
    if name.startswith("SQLITE_BUSY") or "database is locked" in text:
        return UnavailableError("database_busy")
    if name.startswith("SQLITE_CANTOPEN") or "unable to open database" in text:
        folder = path.parent if path is not None else None
        if folder is not None and folder.is_dir() and not os.access(folder, os.W_OK):
            # SQLite cannot make its journal files next to the database: a read-only folder.
            return CannotWriteError("read_only", path=str(folder))
        return CannotWriteError("cannot_open_database", path=where)
    if name.startswith("SQLITE_IOERR") or "disk I/O error" in text:
        return StorageError("io_error", path=where, detail=text)
    if isinstance(error, exc.OperationalError) and not name:
        # A database server: refused, unknown host, authentication failed.
        return UnavailableError("database_unreachable", detail=text.splitlines()[0] if text else "")
    return None


def _classify_os(error: BaseException, where: str) -> CliError | None:
    if not isinstance(error, OSError):
        return None
    path = error.filename or where
    number = error.errno
    if number in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return StorageError("disk_full", path=path)
    if number == errno.EROFS:
        return CannotWriteError("read_only", path=path)
    if number in (errno.EACCES, errno.EPERM):
        return CannotWriteError("no_permission", path=path)
    if number in (errno.ENOTDIR, errno.EEXIST):
        return ConfigError("data_dir_not_folder", path=_file_in_the_way(Path(path)))
    return StorageError("io_error", path=path, detail=error.strerror or type(error).__name__)


def _file_in_the_way(path: Path) -> str:
    """The nearest part of ``path`` that exists and is a file (what blocks making the folder)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return str(candidate if not candidate.is_dir() else path)
    return str(path)
