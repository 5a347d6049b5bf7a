"""Parses the command line and hands over to the window or to one sub-command.

The CLI's error boundary lives here: whatever a command raises ends as ONE line on stderr and
the exit code of its class in ``cli.errors`` (never a traceback; the traceback goes to the log
file). Data stays unchanged because every write happens in one unit of work that rolls back
when anything escapes it.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import NoReturn

from desktop_app import __version__
from desktop_app.cli.context import CliContext, CliError
from desktop_app.cli.errors import (
    ConfigError,
    UsageError,
    choose_language,
    classify,
    exit_code_of,
    message_of,
)
from desktop_app.config import AppConfig, resolve_config
from desktop_app.policy import start_options

log = logging.getLogger("desktop_app.cli")

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a program whose reader left

# Sub-command name -> module offering register(subparsers). Modules are imported only when their
# command runs (or for --help), so opening the window never pays for PDF export, SQLAlchemy or
# the text rules before the window is shown.
COMMAND_MODULES = {
    "draft": "desktop_app.cli.draft",
    "text": "desktop_app.cli.text",
    "sandbox": "desktop_app.cli.sandbox_cmd",
    "accounts": "desktop_app.cli.accounts",
    "publish": "desktop_app.cli.publish",
    "history": "desktop_app.cli.history",
    "sync": "desktop_app.cli.sync",
    "inbox": "desktop_app.cli.inbox",
    "policy": "desktop_app.cli.policy",
    "records": "desktop_app.cli.records",
    "team": "desktop_app.cli.team",
}

# Commands that only read: they still work when the data folder is read-only (the database is
# then opened read-only and logging goes to stderr).
READ_ONLY_COMMANDS = frozenset(
    {
        ("text", "measure"),
        ("draft", "list"),
        ("draft", "show"),
        ("history", "list"),
        ("history", "verify"),
        ("history", "export"),
        ("inbox", "list"),
        ("inbox", "show"),
        ("inbox", "stats"),
        ("accounts", "list"),
    }
)


class KanalArgumentParser(argparse.ArgumentParser):
    """argparse, but a refused argument is one line (``UsageError``), not usage text + exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError("usage", detail=f"{message} (see `{self.prog} --help`)")


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"kanal {__version__}")
    parser.add_argument("--data-dir", help="data folder (also KANAL_DATA_DIR)")
    parser.add_argument("--database-url", help="SQLAlchemy database URL (also KANAL_DATABASE_URL)")
    parser.add_argument("--user", help="who is acting (also KANAL_USER; default: login name)")
    parser.add_argument(
        "--team-url", help="the department's team store, PostgreSQL (also KANAL_TEAM_URL)"
    )
    parser.add_argument(
        "--lang", choices=["sv", "en"], help="language of the window and of error messages"
    )
    parser.add_argument(
        "--sandbox", action="store_true", help="practice mode: nothing reaches the public"
    )


def build_parser(modules: Sequence[ModuleType] | None = None) -> argparse.ArgumentParser:
    parser = KanalArgumentParser(
        prog="kanal", description="Kanal: a public authority's social channels in one window."
    )
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if modules is None:
        modules = [import_module(name) for name in COMMAND_MODULES.values()]
    for module in modules:
        module.register(sub)
    return parser


def requested_command(argv: Sequence[str]) -> tuple[argparse.Namespace, str | None, bool]:
    """Reads the global options alone: (options, sub-command name or None, help asked)."""
    pre = KanalArgumentParser(prog="kanal", add_help=False)
    add_global_options(pre)
    options, rest = pre.parse_known_args(list(argv))
    command = next((arg for arg in rest if not arg.startswith("-")), None)
    return options, command, bool(rest) and command is None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    lang = choose_language(_lang_option(arguments))
    try:
        options, command, other_options = requested_command(arguments)
    except CliError as error:
        return _fail(error, lang)
    if command is None and not other_options:
        data_dir, start_lang = start_options(options.data_dir, options.lang)
        config = resolve_config(
            data_dir,
            options.database_url,
            start_lang,
            options.sandbox,
            user=options.user,
            team_url=options.team_url,
        )
        from desktop_app.app import run_gui

        return run_gui(config)
    return run_command(arguments, lang)


# Commands that talk to platforms: they get the organisation's proxy policy first (the others
# do not pay for importing the HTTP stack).
NETWORK_COMMANDS = frozenset({"accounts", "publish", "sync", "inbox"})


def run_command(arguments: Sequence[str], lang: str) -> int:
    """One sub-command inside the boundary: one line on stderr and a class exit code on failure."""
    from desktop_app.cli.output import install_escaping_stdout, use_utf8_streams

    use_utf8_streams()
    stdout = sys.stdout  # put back afterwards: main() also runs in-process (tests, scripts)
    config: AppConfig | None = None
    ctx: CliContext | None = None
    try:
        # Only the requested command's module is imported; an unknown one gets argparse's message.
        _options, command, _help = requested_command(arguments)
        module_name = COMMAND_MODULES.get(command or "")
        modules = [import_module(module_name)] if module_name else None
        args = build_parser(modules).parse_args(list(arguments))
        data_dir, start_lang = start_options(args.data_dir, args.lang)
        config = resolve_config(
            data_dir,
            args.database_url,
            start_lang,
            args.sandbox,
            user=args.user,
            team_url=args.team_url,
        )
        _check_data_dir(config)
        _warn_about_data_folder(config)
        read_only = _is_read_only(args)
        _start_logging(config, command or "cli")
        if command in NETWORK_COMMANDS:
            from desktop_app.app import apply_network_policy

            apply_network_policy()  # the organisation's proxy or PAC address, before any request
        if read_only:
            config = read_only_config(config)
        json_output = bool(getattr(args, "json", False))
        if not json_output:
            install_escaping_stdout()
        ctx = CliContext(config=config, json_output=json_output)
        result: int = args.func(args, ctx)
        _flush_stdout()
        return result
    except SystemExit:  # --help and --version print and leave with their own code
        raise
    except BrokenPipeError:
        # The reader went away (``kanal draft list | head``). Every command prints last, after
        # its work is done; exit as a program killed by SIGPIPE would, without a message.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except BaseException as error:  # the boundary: everything ends as one line
        return _fail(error, lang, config)
    finally:
        if ctx is not None:
            try:
                ctx.close()
            except Exception:  # closing must not turn a result into a traceback
                log.debug("closing the store failed", exc_info=True)
        sys.stdout = stdout


def _fail(error: BaseException, lang: str, config: AppConfig | None = None) -> int:
    from desktop_app.logsetup import FILE_ONLY, current_log_file

    failure = classify(error, database_path=_database_path(config), log_path=current_log_file())
    if failure is not error or not isinstance(error, CliError):
        log.error("command failed", exc_info=error, extra={FILE_ONLY: True})
    line = message_of(failure, lang)
    try:
        sys.stderr.write(f"kanal: {line}\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # no stderr at all (a windowed build): the log has it
        pass
    return exit_code_of(failure)


def _lang_option(arguments: Sequence[str]) -> str | None:
    for index, value in enumerate(arguments):
        if value.startswith("--lang="):
            return value.split("=", 1)[1]
        if value == "--lang" and index + 1 < len(arguments):
            return arguments[index + 1]
    return None


def _check_data_dir(config: AppConfig) -> None:
    """A data folder that is a file (or lies below one) is refused before anything is opened."""
    for candidate in (config.data_dir, *config.data_dir.parents):
        if candidate.exists():
            if not candidate.is_dir():
                raise ConfigError("data_dir_not_folder", path=str(candidate))
            return


def _warn_about_data_folder(config: AppConfig) -> None:
    """A SQLite store on a network share or a synced cloud folder loses data: say so once."""
    if not config.database_url.startswith("sqlite"):
        return
    from desktop_app.storage_location import check_data_folder

    for warning in check_data_folder(config.data_dir):
        sys.stderr.write(f"kanal: warning: {warning.message}\n")


def _is_read_only(args: argparse.Namespace) -> bool:
    command = str(getattr(args, "command", "") or "")
    action = str(getattr(args, f"{command}_command", "") or "")
    return (command, action) in READ_ONLY_COMMANDS


def _start_logging(config: AppConfig, command: str) -> None:
    from desktop_app.logsetup import configure_logging

    configure_logging(config.log_dir, role="cli")
    log.info("kanal %s %s (pid %d)", __version__, command, os.getpid())


def read_only_config(config: AppConfig) -> AppConfig:
    """For a read-only command in a folder this process cannot write: open SQLite read-only.

    SQLite needs to create ``-wal``/``-shm`` files next to a WAL database even to read it;
    in a read-only folder it is opened ``immutable`` (nobody can change it there), unless a
    write-ahead log with content was left behind, which a plain read-only open still sees.
    """
    path = sqlite_file(config.database_url)
    if path is None or not path.exists() or os.access(path.parent, os.W_OK):
        return config
    wal = path.with_name(path.name + "-wal")
    has_log = wal.exists() and wal.stat().st_size > 0
    mode = "mode=ro" if has_log else "mode=ro&immutable=1"
    url = f"sqlite:///file:{path.as_posix()}?{mode}&uri=true"
    return dataclasses.replace(config, database_url=url)


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL (None for anything else)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    rest = url[len(prefix) :]
    if not rest or rest == ":memory:" or rest.startswith("file:"):
        return None
    return Path(rest)


def _database_path(config: AppConfig | None) -> Path | None:
    if config is None:
        return None
    url = config.database_url
    if url.startswith("sqlite:///file:"):
        return Path(url[len("sqlite:///file:") :].split("?", 1)[0])
    return sqlite_file(url)


def _flush_stdout() -> None:
    """Flush now, so a closed pipe is noticed inside the boundary, not at interpreter exit."""
    sys.stdout.flush()


def _silence_stdout() -> None:
    """Point the stdout descriptor at the null device, so the flush at exit cannot fail."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no descriptor (a test's StringIO)
        pass
