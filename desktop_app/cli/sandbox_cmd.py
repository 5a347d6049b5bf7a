"""``kanal sandbox serve``: the platform emulator in the foreground.

When it is listening it prints ONE JSON line (base URL, every platform's base URL and demo
credentials) and then serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType
from typing import Any

from desktop_app.cli.context import CliContext, CliError
from desktop_app.cli.errors import UnavailableError
from desktop_app.cli.validate import port, whole_number


def register(sub: argparse._SubParsersAction[Any]) -> None:
    sandbox = sub.add_parser("sandbox", help="the local platform emulator (practice and tests)")
    actions = sandbox.add_subparsers(dest="sandbox_command", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve", help="run the emulator; prints one JSON line with base URLs and demo credentials"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=port(), default=0, help="port (0: any free port)")
    serve.add_argument("--seed", type=int, default=1, help="seed for faults, ids and the public")
    serve.add_argument(
        "--latency-ms",
        type=whole_number("--latency-ms", maximum=600_000),
        default=0,
        help="delay added to every request",
    )
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="ENDPOINT_GLOB:KIND[:RATE], repeatable, e.g. 'POST /2/tweets:commit-drop:0.3'",
    )
    serve.add_argument(
        "--public-rate",
        type=float,
        default=0.0,
        help="simulated citizens' items per simulated minute (0: none)",
    )
    serve.add_argument("--json", action="store_true", help="(the ready line is always JSON)")
    serve.set_defaults(func=_serve)


def _serve(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop_app.sandbox.faults import parse_fault
    from desktop_app.sandbox.server import SandboxServer

    for spec in args.fault:
        try:
            parse_fault(spec)
        except ValueError as error:
            raise CliError(f"bad --fault: {error}") from error
    try:
        server = SandboxServer(
            host=args.host,
            port=args.port,
            seed=args.seed,
            latency_ms=args.latency_ms,
            faults=list(args.fault),
            public_rate=args.public_rate,
        )
    except ValueError as error:  # a negative latency or public rate
        raise CliError(f"bad sandbox setting: {error}") from error
    try:
        server.start()
    except OSError as error:
        raise UnavailableError(
            "port_in_use", address=f"{args.host}:{args.port}", detail=error.strerror or str(error)
        ) from error
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        ready = {"base_url": server.base_url, "seed": args.seed, "platforms": server.platforms()}
        sys.stdout.write(json.dumps(ready, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
