"""Parses the command line and hands over to the window or to one sub-command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module
from types import ModuleType

from desktop_app import __version__
from desktop_app.cli.context import CliContext, CliError
from desktop_app.config import resolve_config

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
    "team": "desktop_app.cli.team",
}


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"kanal {__version__}")
    parser.add_argument("--data-dir", help="data folder (also KANAL_DATA_DIR)")
    parser.add_argument("--database-url", help="SQLAlchemy database URL (also KANAL_DATABASE_URL)")
    parser.add_argument("--user", help="who is acting (also KANAL_USER; default: login name)")
    parser.add_argument(
        "--team-url", help="the department's team store, PostgreSQL (also KANAL_TEAM_URL)"
    )
    parser.add_argument("--lang", choices=["sv", "en"], help="language of the window")
    parser.add_argument(
        "--sandbox", action="store_true", help="practice mode: nothing reaches the public"
    )


def build_parser(modules: Sequence[ModuleType] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kanal", description="Kanal: a public authority's social channels in one window."
    )
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if modules is None:
        modules = [import_module(name) for name in COMMAND_MODULES.values()]
    chosen = modules
    for module in chosen:
        module.register(sub)
    return parser


def requested_command(argv: Sequence[str]) -> tuple[argparse.Namespace, str | None, bool]:
    """Reads the global options alone: (options, sub-command name or None, help asked)."""
    pre = argparse.ArgumentParser(prog="kanal", add_help=False)
    add_global_options(pre)
    options, rest = pre.parse_known_args(list(argv))
    command = next((arg for arg in rest if not arg.startswith("-")), None)
    return options, command, bool(rest) and command is None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    options, command, other_options = requested_command(arguments)
    if command is None and not other_options:
        config = resolve_config(
            options.data_dir,
            options.database_url,
            options.lang,
            options.sandbox,
            user=options.user,
            team_url=options.team_url,
        )
        from desktop_app.app import run_gui

        return run_gui(config)
    # Only the requested command's module is imported; an unknown one gets argparse's message.
    module_name = COMMAND_MODULES.get(command or "")
    modules = [import_module(module_name)] if module_name else None
    args = build_parser(modules).parse_args(arguments)
    config = resolve_config(
        args.data_dir,
        args.database_url,
        args.lang,
        args.sandbox,
        user=args.user,
        team_url=args.team_url,
    )
    from desktop_app.app import configure_logging

    configure_logging(config)
    ctx = CliContext(config=config, json_output=bool(getattr(args, "json", False)))
    try:
        result: int = args.func(args, ctx)
        return result
    except CliError as error:
        sys.stderr.write(f"kanal: {error}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        ctx.close()
