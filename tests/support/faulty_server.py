"""A tiny local HTTP server whose paths misbehave on purpose, for the HTTP client's own tests.

The sandbox covers faults per platform; this one isolates the client: how often a path was hit,
what headers arrived, and failures the client must classify (reset, hang, bad JSON, 5xx, 429).
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FaultyServer:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.headers: list[dict[str, str]] = []
        self.flaky_failures = 2
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def _answer(
                self, status: int, body: bytes, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                key = f"{self.command} {self.path.split('?')[0]}"
                server.hits[key] += 1
                server.headers.append(dict(self.headers.items()))
                path = self.path.split("?")[0]
                if path == "/ok":
                    self._answer(
                        200, json.dumps({"ok": True}).encode(), {"Content-Type": "application/json"}
                    )
                elif path == "/flaky":
                    if server.hits[key] <= server.flaky_failures:
                        self._answer(503, b"{}", {"Retry-After": "0"})
                    else:
                        self._answer(200, b'{"ok": true}')
                elif path == "/reset":
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.connection.close()
                    self.close_connection = True
                elif path == "/hang":
                    server._stop.wait(5)
                    self.close_connection = True
                elif path == "/badjson":
                    self._answer(200, b'{"id": 12', {"Content-Type": "application/json"})
                elif path == "/ratelimit":
                    reset = str(int(time.time()) + 120)
                    self._answer(
                        429, b"{}", {"x-rate-limit-reset": reset, "x-rate-limit-remaining": "0"}
                    )
                elif path.startswith("/status/"):
                    self._answer(int(path.rsplit("/", 1)[1]), b'{"error": "x"}')
                else:
                    self._answer(404, b"{}")

            do_GET = _handle
            do_POST = _handle
            do_DELETE = _handle
            do_PUT = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FaultyServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
