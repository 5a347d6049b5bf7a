"""Parses the command line and hands over to the window or to one sub-command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from desktop_app import __version__
from desktop_app.cli import accounts, draft, sandbox_cmd, text
from desktop_app.cli.context import CliContext, CliError
from desktop_app.config import resolve_config

# Each sub-command module offers register(subparsers); the list is explicit on purpose so the
# command line reads top to bottom here.
COMMAND_MODULES = (draft, text, sandbox_cmd, accounts)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kanal", description="Kanal: a public authority's social channels in one window."
    )
    parser.add_argument("--version", action="version", version=f"kanal {__version__}")
    parser.add_argument("--data-dir", help="data folder (also KANAL_DATA_DIR)")
    parser.add_argument("--database-url", help="SQLAlchemy database URL (also KANAL_DATABASE_URL)")
    parser.add_argument("--lang", choices=["sv", "en"], help="language of the window")
    parser.add_argument(
        "--sandbox", action="store_true", help="practice mode: nothing reaches the public"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    config = resolve_config(args.data_dir, args.database_url, args.lang, args.sandbox)
    if args.command is None:
        from desktop_app.app import run_gui

        return run_gui(config)
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
