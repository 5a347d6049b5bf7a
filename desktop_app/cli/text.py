"""``kanal text measure``: a text's length and validity by one network's counting rules."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desktop_app.cli.context import CliContext, CliError
from desktop_app.domain.networks import Network, parse_network

STDIN_MARK = "-"


def register(sub: argparse._SubParsersAction[Any]) -> None:
    text = sub.add_parser("text", help="measure texts by each network's rules")
    actions = text.add_subparsers(dest="text_command", metavar="ACTION", required=True)
    measure = actions.add_parser(
        "measure",
        help="length, limit and validity of TEXT on one network",
        description="Measure TEXT by NETWORK's counting rules (X: weighted length, URLs 23; "
        "Facebook: UTF-16 code units; Mastodon and Bluesky: graphemes). "
        "Give '-' as TEXT to read it from standard input (one trailing newline is dropped).",
    )
    measure.add_argument(
        "--network",
        required=True,
        metavar="NETWORK",
        help="one of: " + ", ".join(network.value for network in Network),
    )
    measure.add_argument("text", metavar="TEXT", help="the text, or '-' for standard input")
    measure.add_argument("--json", action="store_true", help="machine-readable output")
    measure.set_defaults(func=run_measure)


def run_measure(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.domain.text_rules import measure

    try:
        network = parse_network(args.network)
    except ValueError as error:
        raise CliError(str(error)) from None
    text = read_stdin() if args.text == STDIN_MARK else str(args.text)
    result = measure(network, text)
    ctx.emit(result.to_dict(), human_summary(result.to_dict()))
    return 0


def read_stdin() -> str:
    """Standard input as UTF-8, byte for byte (no newline translation: CRLF counts differ)."""
    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CliError(f"standard input is not UTF-8 text (byte {error.start})") from None
    # "echo ... |" adds one line break that is not part of the post.
    if text.endswith("\r\n"):
        return text[:-2]
    return text.removesuffix("\n")


UNIT_WORDS = {
    "x_weighted": "weighted characters",
    "utf16_code_units": "UTF-16 code units",
    "graphemes": "graphemes",
    "characters": "characters",
}


def human_summary(result: dict[str, Any]) -> str:
    """E.g. "x: 291 of 280 weighted characters - invalid: too long by 11"."""
    unit = UNIT_WORDS.get(str(result["unit"]), str(result["unit"]))
    at_least = "" if result["exact"] else "at least "
    if result["limit"] is None:
        head = f"{result['network']}: {at_least}{result['length']} {unit} (no limit)"
    else:
        head = f"{result['network']}: {at_least}{result['length']} of {result['limit']} {unit}"
    if result["valid"]:
        return f"{head} - valid"
    reason = str(result["reason"]).replace("_", " ")
    if result["reason"] == "too_long":
        return f"{head} - invalid: too long by {at_least}{result['over_by']}"
    if result["reason"] == "too_many_bytes":
        return (
            f"{head} - invalid: {result['byte_length']} bytes, "
            f"more than the {result['byte_limit']} allowed"
        )
    return f"{head} - invalid: {reason}"
