"""``kanal policy show``: every setting IT's policy touches, its value, and where it came from."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.context import CliContext
from desktop_app.policy import KEYS, Policy, Value, load_policy, policy_file


def register(sub: argparse._SubParsersAction[Any]) -> None:
    policy = sub.add_parser("policy", help="the organisation's policy on this machine")
    actions = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    show = actions.add_parser(
        "show",
        help="every effective setting and where it came from",
        description="Print every setting the organisation can set, its effective value and its "
        "source: locked policy > user setting > policy default > built-in default.",
    )
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=run_show)


def user_settings(args: argparse.Namespace, ctx: CliContext) -> dict[str, Value]:
    """What this user chose for the keys policy also covers (options and environment)."""
    import os

    chosen: dict[str, Value] = {}
    data_dir = getattr(args, "data_dir", None) or os.environ.get("KANAL_DATA_DIR")
    if data_dir:
        chosen["DataFolder"] = str(data_dir)
    if getattr(args, "lang", None):
        chosen["DefaultLanguage"] = str(args.lang)
    return chosen


def report(policy: Policy, user: dict[str, Value]) -> dict[str, Any]:
    return {
        "policy_file": str(policy_file()),
        "sources": policy.sources,
        "settings": [setting.to_dict() for setting in policy.effective(user)],
        "problems": policy.problems,
    }


def human(payload: dict[str, Any]) -> str:
    lines = [f"Policy file: {payload['policy_file']}"]
    if not payload["sources"]:
        lines.append("No organisation policy is set on this machine.")
    width = max(len(name) for name in KEYS)
    for setting in payload["settings"]:
        value = setting["value"]
        if value is None:
            shown = "(not set)"
        else:
            shown = str(value).lower() if isinstance(value, bool) else str(value)
        where = setting["source"] + (f" ({setting['origin']})" if setting["origin"] else "")
        lines.append(f"{setting['key']:<{width}}  {shown}  [{where}]")
    lines.extend(f"Not applied: {problem}" for problem in payload["problems"])
    return "\n".join(lines)


def run_show(args: argparse.Namespace, ctx: CliContext) -> int:
    payload = report(load_policy(), user_settings(args, ctx))
    ctx.emit(payload, human(payload))
    return 0
