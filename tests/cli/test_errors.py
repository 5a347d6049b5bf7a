"""The taxonomy: each kind of failure has its class, exit code and a message in both languages."""

from __future__ import annotations

import errno
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from desktop_app.cli.context import CliError
from desktop_app.cli.errors import (
    MESSAGES,
    ExitCode,
    choose_language,
    classify,
    exit_code_of,
    message_of,
)
from desktop_app.domain.errors import (
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    TemporaryFailure,
)

DB = Path("/data/kanal.sqlite3")


def _sqlite(message: str, name: str) -> OperationalError:
    original = sqlite3.OperationalError(message)
    original.sqlite_errorname = name
    return OperationalError("SELECT 1", {}, original)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (_sqlite("database or disk is full", "SQLITE_FULL"), ExitCode.IO),
        (_sqlite("file is not a database", "SQLITE_NOTADB"), ExitCode.DATA),
        (_sqlite("database is locked", "SQLITE_BUSY"), ExitCode.UNAVAILABLE),
        (_sqlite("attempt to write a readonly database", "SQLITE_READONLY"), ExitCode.CANT_CREATE),
        (OSError(errno.ENOSPC, "No space left on device", "/data/x"), ExitCode.IO),
        (OSError(errno.EROFS, "Read-only file system", "/data/x"), ExitCode.CANT_CREATE),
        (PermissionError(errno.EACCES, "Permission denied", "/data/x"), ExitCode.CANT_CREATE),
        (OverflowError("int too large"), ExitCode.USAGE),
        (KeyboardInterrupt(), ExitCode.INTERRUPTED),
        (RuntimeError("a bug"), ExitCode.SOFTWARE),
        (CliError("refused"), ExitCode.FAILED),
        (AuthExpired("X: the token has expired"), ExitCode.SIGN_IN),
        (
            RateLimited("X: too many requests", datetime(2026, 12, 4, 12, 0, tzinfo=UTC)),
            ExitCode.TEMPORARY,
        ),
        (TemporaryFailure("Mastodon: connection refused"), ExitCode.TEMPORARY),
        (OutcomeUnknown("X: no answer after sending"), ExitCode.TEMPORARY),
        (Rejected("X said 403", reason="duplicate content"), ExitCode.FAILED),
    ],
)
def test_each_failure_has_its_class(error: BaseException, code: ExitCode) -> None:
    failure = classify(error, database_path=DB, log_path=Path("/logs/kanal-cli.log"))
    assert exit_code_of(failure) == code
    for lang in ("sv", "en"):
        line = message_of(failure, lang)
        assert line and "\n" not in line


def test_every_message_exists_in_both_languages_with_the_same_fields() -> None:
    assert MESSAGES["sv"].keys() == MESSAGES["en"].keys()
    for key, english in MESSAGES["en"].items():
        swedish = MESSAGES["sv"][key]
        fields = {part.split("}")[0].split("!")[0] for part in english.split("{")[1:]}
        assert fields == {part.split("}")[0].split("!")[0] for part in swedish.split("{")[1:]}, key


def test_language_from_option_then_locale() -> None:
    assert choose_language("sv", {}) == "sv"
    assert choose_language("en", {"LANG": "sv_SE.UTF-8"}) == "en"
    assert choose_language(None, {"LANG": "sv_SE.UTF-8"}) == "sv"
    assert choose_language(None, {"LC_ALL": "sv_FI", "LANG": "en_GB"}) == "sv"
    assert choose_language(None, {"LANG": "C.UTF-8"}) == "en"
    assert choose_language(None, {}) == "en"
