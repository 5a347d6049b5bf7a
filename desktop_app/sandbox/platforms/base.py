"""What an emulated platform offers the server, and what the server gives every platform."""

from __future__ import annotations

import hashlib
import html
import random
import secrets
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Hashable, MutableMapping
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from desktop_app.sandbox.core import (
    RateWindows,
    Request,
    Response,
    SimClock,
    html_response,
    redirect,
)


class StageError(ValueError):
    """A staged public item that the platform cannot take (unknown post, unsupported kind)."""


class PlatformContext:
    """Shared by all platforms of one server: the clock, the seed, rate windows, the base URL."""

    def __init__(self, clock: SimClock, seed: int, base_url: Callable[[], str]) -> None:
        self.clock = clock
        self.seed = seed
        self._base_url = base_url
        self.rates = RateWindows(clock)

    @property
    def base_url(self) -> str:
        return self._base_url()

    def rng(self, name: str) -> random.Random:
        """A generator of its own per purpose, so one platform's use never shifts another's."""
        return random.Random(f"{self.seed}:{name}")


class Platform(ABC):
    """One emulated platform under ``{base_url}/{name}``."""

    name: ClassVar[str]

    def __init__(self, ctx: PlatformContext) -> None:
        self.ctx = ctx
        self.clock = ctx.clock
        self._token_rng = ctx.rng(f"{self.name}:tokens")
        self._orders: dict[str, deque[Hashable]] = {}

    def keep_bounded(
        self, group: str, key: Hashable, store: MutableMapping[Any, Any], cap: int
    ) -> None:
        """Note ``key`` as the newest of ``group``; past ``cap`` the oldest leave ``store``."""
        order = self._orders.setdefault(group, deque())
        order.append(key)
        while len(order) > cap:
            store.pop(order.popleft(), None)

    @property
    def base_url(self) -> str:
        return f"{self.ctx.base_url}/{self.name}"

    def demo_secret(self, prefix: str, length: int = 32) -> str:
        """A demo credential that is the same for the same seed (printed, reproducible)."""
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return prefix + "".join(self._token_rng.choice(alphabet) for _ in range(length))

    @staticmethod
    def fresh_secret(prefix: str = "", nbytes: int = 24) -> str:
        """A credential issued at run time (OAuth codes and tokens): unguessable."""
        return prefix + secrets.token_urlsafe(nbytes)

    def trace_id(self, *parts: object) -> str:
        digest = hashlib.sha256(repr((self.ctx.seed, *parts)).encode()).hexdigest()
        return digest[:23]

    def fault_paths(self, req: Request) -> tuple[str, ...]:
        """The paths a fault glob is matched against (prefix-less first)."""
        return (req.path, f"/{self.name}{req.path}")

    @abstractmethod
    def handle(self, req: Request) -> Response: ...

    @abstractmethod
    def fault_response(self, kind: str, status: int | None, req: Request) -> Response:
        """The platform's own answer for a ``status``, ``ratelimit`` or ``expired-token`` fault."""

    @abstractmethod
    def credentials(self) -> dict[str, Any]: ...

    def platform_info(self) -> dict[str, Any]:
        """The entry of ``platforms()``: base URL, credentials and what else a client needs."""
        return {"base_url": self.base_url, "credentials": self.credentials()}

    @abstractmethod
    def state(self) -> dict[str, Any]: ...

    @abstractmethod
    def stage_public(
        self,
        kind: str,
        account: str | None,
        author: str,
        text: str,
        post_id: str | None,
        in_reply_to: str | None,
        at: float | None = None,
    ) -> dict[str, Any]:
        """Store a citizen's item (``at``: its simulated time) and describe it with its id."""

    @abstractmethod
    def seed_demo(self) -> None: ...

    @abstractmethod
    def recent_post_ids(self) -> list[str]:
        """Ids of the demo account's recent posts, for the simulated public to comment on."""

    def supported_kinds(self) -> tuple[str, ...]:
        return ("comment", "mention", "reply")


def last_or_none(items: list[str]) -> str | None:
    return items[-1] if items else None


# --- the OAuth browser step, the same for X, Facebook and Mastodon -------------------------------

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback_redirect(uri: str) -> bool:
    """RFC 8252: a loopback redirect URI matches on any port."""
    parts = urlsplit(uri)
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS


def redirect_allowed(uri: str, registered: list[str]) -> bool:
    """A registered URI, or any loopback URI (any port, any path) as native apps use."""
    return uri in registered or is_loopback_redirect(uri)


def add_params(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query.extend(params.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def consent_page(platform_title: str, app_name: str, scopes: list[str], account: str) -> Response:
    """The HTML a browser shows; the form posts back to the same URL (same query string)."""
    items = "".join(f"<li>{html.escape(scope)}</li>" for scope in scopes) or "<li>(none)</li>"
    page = (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        f"<title>{html.escape(platform_title)} – authorize</title></head><body>"
        f"<h1>{html.escape(platform_title)} (sandbox)</h1>"
        f"<p><strong>{html.escape(app_name)}</strong> wants to use the account "
        f"<strong>{html.escape(account)}</strong> with these permissions:</p><ul>{items}</ul>"
        '<form method="post">'
        '<button type="submit" name="decision" value="allow">Authorize app</button> '
        '<button type="submit" name="decision" value="deny">Cancel</button>'
        "</form></body></html>"
    )
    return html_response(200, page, [("Cache-Control", "no-store")])


def consent_decision(req: Request, redirect_uri: str, state: str | None, code: str) -> Response:
    """POST decision=allow -> 302 with code and state; deny -> error=access_denied."""
    decision = (req.form().get("decision") or [""])[0]
    params: dict[str, str] = {}
    if decision == "allow":
        params["code"] = code
    else:
        params["error"] = "access_denied"
        params["error_description"] = "The user denied the request."
    if state is not None:
        params["state"] = state
    return redirect(add_params(redirect_uri, params))


def pkce_matches(verifier: str, challenge: str, method: str) -> bool:
    import base64

    if method == "plain":
        return secrets.compare_digest(verifier, challenge)
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    expected = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    return secrets.compare_digest(expected, challenge)
