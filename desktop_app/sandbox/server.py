"""One threaded HTTP server that emulates every platform under its own path prefix.

    sb = SandboxServer(port=0, seed=1); sb.start(); ...; sb.stop()

The control surface lives under ``/_sandbox/`` (state, public, reset, faults, advance); see the
README next to this file.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import math
import socket
import struct
import sys
import threading
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from desktop_app.sandbox.core import (
    CaseInsensitiveHeaders,
    Request,
    Response,
    SimClock,
    iso_z,
    json_response,
)
from desktop_app.sandbox.faults import FaultPlan
from desktop_app.sandbox.platforms.base import Platform, PlatformContext, StageError
from desktop_app.sandbox.platforms.bluesky import Bluesky
from desktop_app.sandbox.platforms.facebook import Facebook
from desktop_app.sandbox.platforms.mastodon import Mastodon
from desktop_app.sandbox.platforms.wordpress import WordPress
from desktop_app.sandbox.platforms.x import X
from desktop_app.sandbox.public import PublicSimulator

PLATFORM_CLASSES: tuple[type[Platform], ...] = (WordPress, Facebook, X, Mastodon, Bluesky)
KINDS = ("comment", "mention", "reply")
MAX_LATENCY_MS = 600_000  # ten minutes: more is a typo, not a slow network
MAX_PUBLIC_RATE = 600.0  # simulated citizens' items per simulated minute
MAX_ADVANCE_S = 366 * 86400.0

_REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    410: "Gone",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class _Outcome:
    action: str  # "answer", "drop" (close without answering) or "reset" (RST)
    response: Response | None = None


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer) -> None:
        self.sandbox = sandbox
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about connections that ended abruptly; report anything else.

        A ``reset`` fault closes the connection under the handler, and clients (timeouts,
        retries) reset theirs: that is the emulated outside world working, not a server error.
        """
        error = sys.exc_info()[1]
        if _connection_ended(error):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HttpServer
    timeout = 300  # an idle keep-alive connection is closed after this many seconds

    def setup(self) -> None:
        super().setup()
        self.server.sandbox._track(self.connection, True)

    def handle_one_request(self) -> None:
        # A reset fault has closed the streams: there is no next request to read.
        if self.rfile.closed:
            self.close_connection = True
            return
        super().handle_one_request()

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.sandbox._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        host = self.headers.get("Host") or ""
        outcome = self.server.sandbox._dispatch(
            self.command, self.path, list(self.headers.items()), body, host
        )
        if outcome.action == "reset":
            self._reset_connection()
            return
        if outcome.action == "drop" or outcome.response is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._write(outcome.response)

    def _reset_connection(self) -> None:
        """Close with RST, the way a crashed proxy or a dropped link looks to the client."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        for stream in (self.rfile, self.wfile):
            with contextlib.suppress(OSError):
                stream.close()
        with contextlib.suppress(OSError):
            self.connection.close()
        # The base class flushes wfile after each request: give it a harmless one.
        self.wfile = io.BytesIO()

    def _write(self, response: Response) -> None:
        reason = _REASONS.get(response.status, "Unknown")
        lines = [f"HTTP/1.1 {response.status} {reason}"]
        has_length = False
        for name, value in response.headers:
            if name.lower() == "content-length":
                has_length = True
            lines.append(f"{name}: {value}")
        if not has_length:
            lines.append(f"Content-Length: {len(response.body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        payload = head if self.command == "HEAD" else head + response.body
        try:
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
    do_PATCH = _serve
    do_DELETE = _serve
    do_HEAD = _serve
    do_OPTIONS = _serve


class SandboxServer:
    """The emulator: start() listens on a background thread; stop() ends every connection."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 1,
        latency_ms: int = 0,
        faults: list[str] | None = None,
        public_rate: float = 0.0,
        hang_seconds: float = 60.0,
        demo_world: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.seed = seed
        self._latency_ms = 0
        self._public_rate = 0.0
        self.latency_ms = latency_ms
        self.public_rate = public_rate
        self.hang_seconds = hang_seconds
        self.demo_world = demo_world
        self.clock = SimClock()
        self._faults = FaultPlan(seed, list(faults or []))
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._httpd: _HttpServer | None = None
        self._serve_thread: threading.Thread | None = None
        self._public_thread: threading.Thread | None = None
        self._base_url = ""
        self._platforms: dict[str, Platform] = {}
        self._public: PublicSimulator
        self._build_world()

    # --- settings (refused when they would break the emulator) ---------------------------------

    @property
    def latency_ms(self) -> int:
        return self._latency_ms

    @latency_ms.setter
    def latency_ms(self, value: int) -> None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= MAX_LATENCY_MS
        ):
            raise ValueError(f"latency must be 0..{MAX_LATENCY_MS} milliseconds, got {value!r}")
        self._latency_ms = value

    @property
    def public_rate(self) -> float:
        return self._public_rate

    @public_rate.setter
    def public_rate(self, value: float) -> None:
        rate = float(value)
        if not math.isfinite(rate) or not 0.0 <= rate <= MAX_PUBLIC_RATE:
            raise ValueError(
                f"the public rate must be 0..{MAX_PUBLIC_RATE:g} items a minute, got {value!r}"
            )
        self._public_rate = rate

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        """Listen and serve on a background thread; returns once the socket is bound."""
        if self._httpd is not None:
            raise RuntimeError("the sandbox is already running")
        self._stopping.clear()
        self._httpd = _HttpServer((self.host, self.port), self)
        bound_host, bound_port = self._httpd.server_address[:2]
        host_text = bound_host.decode() if isinstance(bound_host, bytes) else str(bound_host)
        shown_host = f"[{host_text}]" if ":" in host_text else host_text
        self._base_url = f"http://{shown_host}:{bound_port}"
        self._serve_thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="sandbox-http",
            daemon=True,
        )
        self._serve_thread.start()
        self._public.restart_clock()
        if self.public_rate > 0:
            self._public_thread = threading.Thread(
                target=self._public_loop, name="sandbox-public", daemon=True
            )
            self._public_thread.start()
        return self

    def stop(self) -> None:
        """Stop listening, end open and hanging connections, join the threads."""
        self._stopping.set()
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        with self._connections_lock:
            open_connections = list(self._connections)
        for connection in open_connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        for thread in (self._serve_thread, self._public_thread):
            if thread is not None:
                thread.join(timeout=5)
        self._serve_thread = self._public_thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if not self._base_url:
            raise RuntimeError("start() the sandbox first")
        return self._base_url

    # --- the in-process control surface -------------------------------------------------------

    def platforms(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {name: platform.platform_info() for name, platform in self._platforms.items()}

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "base_url": self._base_url,
                "seed": self.seed,
                "now": iso_z(self.clock.now()),
                "clock_offset_seconds": round(self.clock.offset, 3),
                "faults": self._faults.specs(),
                "public_rate": self.public_rate,
                "platforms": {name: p.state() for name, p in self._platforms.items()},
            }

    def stage_public(
        self,
        platform: str,
        kind: str,
        account: str | None = None,
        author: str = "",
        text: str = "",
        post_id: str | None = None,
        in_reply_to: str | None = None,
        status: str | None = None,
    ) -> dict[str, Any]:
        """A citizen's comment, mention or reply, then visible through the platform's own API.

        ``status`` (WordPress comments and replies only): "approved" (default), "hold" (awaiting
        approval) or "spam".
        """
        if kind not in KINDS:
            raise StageError(f"kind must be one of {', '.join(KINDS)}")
        if not text:
            raise StageError("text is required")
        for name, value in (
            ("text", text),
            ("author", author),
            ("account", account),
            ("post_id", post_id),
            ("in_reply_to", in_reply_to),
        ):
            _require_valid_text(name, value)  # before anything is stored
        with self._lock:
            target = self._platforms.get(platform)
            if target is None:
                raise StageError(f"unknown platform {platform!r}")
            if kind not in target.supported_kinds():
                raise StageError(f"{platform} has no {kind}s")
            if status is None:
                item = target.stage_public(
                    kind, account, author or "Anonym medborgare", text, post_id, in_reply_to
                )
            elif isinstance(target, WordPress) and kind in ("comment", "reply"):
                item = target.stage_public(
                    kind,
                    account,
                    author or "Anonym medborgare",
                    text,
                    post_id,
                    in_reply_to,
                    status=status,
                )
            else:
                raise StageError("status applies to WordPress comments and replies only")
        return {"platform": platform, "kind": kind, **item}

    def set_faults(self, specs: list[str]) -> None:
        """Replace the active fault rules (raises ValueError on a bad spec, changing nothing)."""
        self._faults.replace(list(specs))

    def faults(self) -> list[str]:
        return self._faults.specs()

    def reset(self) -> None:
        """Back to the start: a fresh demo world (same seed), clock at real time, same faults."""
        with self._lock:
            self.clock.reset()
            self._faults.replace(self._faults.specs())
            self._build_world()
            self._public.restart_clock()

    def stage_backlog(self, count: int, hours: float) -> int:
        """Stage ``count`` citizens' items spread evenly over the last ``hours`` (deterministic).

        Practice mode opens with an inbox to work on, some of it older than a day, without
        moving the clock (which would expire the demo tokens). Returns how many were staged.
        """
        staged = 0
        with self._lock:
            now = self.clock.now()
            span = hours * 3600.0
            for index in range(count):
                at = now - span + span * (index + 1) / (count + 1)
                if self._public.stage_one(at) is not None:
                    staged += 1
        return staged

    def advance(self, minutes: float = 0.0, seconds: float = 0.0, hours: float = 0.0) -> None:
        """Move simulated time forward; the simulated public catches up on what it would say.

        Raises ValueError, changing nothing, for a step that is negative, not finite or more
        than a year (the clock must stay a date every platform can write).
        """
        parts = (float(seconds), float(minutes), float(hours))
        if not all(math.isfinite(part) and part >= 0 for part in parts):
            raise ValueError("advance takes finite, non-negative minutes, seconds and hours")
        total = parts[0] + 60.0 * parts[1] + 3600.0 * parts[2]
        if not math.isfinite(total) or total > MAX_ADVANCE_S:
            raise ValueError(f"advance at most {MAX_ADVANCE_S / 86400:g} days at a time")
        with self._lock:
            self.clock.advance(total)
            self._public.catch_up()

    # --- internals -----------------------------------------------------------------------------

    def _build_world(self) -> None:
        ctx = PlatformContext(self.clock, self.seed, lambda: self._base_url)
        self._platforms = {cls.name: cls(ctx) for cls in PLATFORM_CLASSES}
        if self.demo_world:
            for platform in self._platforms.values():
                platform.seed_demo()
        self._public = PublicSimulator(
            self.seed, self.clock, self._platforms, lambda: self.public_rate
        )

    def _public_loop(self) -> None:
        while not self._stopping.wait(1.0):
            with self._lock:
                self._public.catch_up()

    def _track(self, connection: socket.socket, add: bool) -> None:
        with self._connections_lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _dispatch(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes, host: str
    ) -> _Outcome:
        parts = urlsplit(target)
        path = unquote(parts.path) or "/"
        query = parse_qs(parts.query, keep_blank_values=True)
        request_headers = CaseInsensitiveHeaders(headers)
        if path == "/_sandbox" or path.startswith("/_sandbox/"):
            return _Outcome("answer", self._control(method, path, query, body))
        prefix, _, rest = path.lstrip("/").partition("/")
        platform = self._platforms.get(prefix)
        if platform is None:
            return _Outcome("answer", self._index(path))
        origin = f"http://{host}" if host else self._base_url
        request = Request(
            method="GET" if method == "HEAD" else method,
            path="/" + rest,
            query=query,
            headers=request_headers,
            body=body,
            platform_base=f"{origin}/{prefix}",
            raw_query=parts.query,
        )
        decision = self._faults.decide(request.method, platform.fault_paths(request))
        delay_s = (self.latency_ms + decision.latency_ms) / 1000.0
        if delay_s > 0 and self._stopping.wait(delay_s):
            return _Outcome("drop")
        kind = decision.terminal.kind if decision.terminal is not None else None
        if kind == "reset":
            return _Outcome("reset")
        if kind == "hang":
            self._stopping.wait(self.hang_seconds)
            return _Outcome("drop")
        with self._lock:
            if kind in ("status", "ratelimit", "expired-token"):
                status = decision.terminal.value if decision.terminal is not None else None
                response = platform.fault_response(kind or "", status, request)
            else:
                response = self._handle(platform, request)
        if kind == "commit-drop":
            return _Outcome("drop")
        if kind == "bad-json":
            response = _malformed(response)
        return _Outcome("answer", response)

    @staticmethod
    def _handle(platform: Platform, request: Request) -> Response:
        try:
            return platform.handle(request)
        except Exception:  # a sandbox bug must still answer like a server would
            traceback.print_exc()
            return json_response(500, {"error": "sandbox internal error"})

    def _index(self, path: str) -> Response:
        if path in ("/", ""):
            return json_response(200, {"sandbox": True, "platforms": self.platforms()})
        return json_response(404, {"error": f"no platform at {path}"})

    def _control(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes
    ) -> Response:
        route = path[len("/_sandbox") :].strip("/")
        try:
            payload: Any = json.loads(body.decode("utf-8")) if body.strip() else {}
        except (ValueError, UnicodeDecodeError):
            return json_response(400, {"error": "the body is not JSON"})
        if not isinstance(payload, dict):
            return json_response(400, {"error": "the body must be a JSON object"})
        try:
            if route == "state" and method in ("GET", "HEAD"):
                return json_response(200, self.state())
            if route == "platforms" and method in ("GET", "HEAD"):
                return json_response(
                    200, {"base_url": self._base_url, "platforms": self.platforms()}
                )
            if route == "public" and method == "POST":
                item = self.stage_public(
                    platform=str(payload.get("platform", "")),
                    kind=str(payload.get("kind", "")),
                    account=_opt_str(payload.get("account")),
                    author=str(payload.get("author") or ""),
                    text=str(payload.get("text") or ""),
                    post_id=_opt_str(payload.get("post_id")),
                    in_reply_to=_opt_str(payload.get("in_reply_to")),
                    status=_opt_str(payload.get("status")),
                )
                return json_response(201, item)
            if route == "reset" and method == "POST":
                self.reset()
                return json_response(200, {"reset": True, "platforms": self.platforms()})
            if route == "faults" and method in ("GET", "HEAD"):
                return json_response(200, {"faults": self.faults()})
            if route == "faults" and method in ("POST", "PUT"):
                specs = payload.get("faults", [])
                if not isinstance(specs, list):
                    return json_response(400, {"error": "faults must be a list of specs"})
                self.set_faults([str(spec) for spec in specs])
                return json_response(200, {"faults": self.faults()})
            if route == "advance" and method == "POST":
                self.advance(
                    minutes=float(payload.get("minutes", 0)),
                    seconds=float(payload.get("seconds", 0)),
                    hours=float(payload.get("hours", 0)),
                )
                return json_response(200, {"now": iso_z(self.clock.now())})
        except (StageError, ValueError, TypeError) as error:
            return json_response(400, {"error": str(error)})
        return json_response(404, {"error": f"no control endpoint {method} /_sandbox/{route}"})


def _connection_ended(error: BaseException | None) -> bool:
    """True for the errors of a connection reset, aborted or already closed."""
    if isinstance(error, (ConnectionError, TimeoutError)):
        return True
    if isinstance(error, OSError) and error.errno in (errno.EBADF, errno.ENOTCONN, errno.EPIPE):
        return True
    return isinstance(error, ValueError) and "closed file" in str(error)


def _require_valid_text(name: str, value: str | None) -> None:
    """Staged text must be valid Unicode (a lone surrogate cannot be stored or answered)."""
    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise StageError(f"{name} is not valid Unicode (at character {error.start})") from None


def _opt_str(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _malformed(response: Response) -> Response:
    """Same status and headers, but a body that is not valid JSON (cut off mid-way)."""
    body = response.body or b'{"data":'
    cut = body[: max(1, len(body) // 2)]
    if cut.rstrip().endswith((b"}", b"]")):
        cut = cut + b","
    headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json; charset=utf-8"))
    return Response(response.status, cut, headers)
