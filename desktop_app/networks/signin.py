"""Browser sign-in for desktop apps (RFC 8252): loopback redirect, PKCE S256, state checked.

The platform's consent page opens in the system browser (``open_browser``, ``webbrowser.open``
by default; tests pass a function that drives the page). The browser is sent back to a one-shot
listener on ``http://127.0.0.1:<random port>/callback``, which hands over the code only when the
``state`` matches what this flow generated. Codes, verifiers and tokens are never logged.

Facebook compares the redirect URI with the app's registered list by exact match, so its
sign-in listens on one fixed, registered loopback address (``FACEBOOK_REDIRECT_URI``, which an
organisation may change to match its app) and keeps everything that varies in ``state``. The
code exchange gives a user token for one hour; it is exchanged at once for a 60-day token
(``fb_exchange_token``, which carries the app secret), whose page tokens do not expire.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from desktop_app.domain.errors import AuthExpired, Rejected, TemporaryFailure
from desktop_app.networks.facebook import require_https
from desktop_app.networks.http import HttpClient, decode_json
from desktop_app.networks.x import SCOPES as X_SCOPES
from desktop_app.networks.x import authorize_url_for, token_url_for

OpenBrowser = Callable[[str], Any]
CALLBACK_PATH = "/callback"
# The fixed ports lie below every desktop's range of ports for outgoing connections (Linux
# 32768-60999, Windows and macOS 49152-65535): a port inside it can be held, briefly, by any
# program's ordinary connection, and the sign-in would then find its own address taken.
# Kanal's registered desktop redirect for Facebook Login (enter it in the Meta app's
# "Valid OAuth Redirect URIs"); configurable where the app registered another loopback address.
FACEBOOK_REDIRECT_URI = "http://127.0.0.1:28321/facebook/callback"
# X compares callback URLs exactly, port included: register this one in the X developer
# portal (User authentication settings → Callback URI); configurable like Facebook's.
X_REDIRECT_URI = "http://127.0.0.1:28322/x/callback"
DEFAULT_TIMEOUT = 300.0
FACEBOOK_SCOPES = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_posts",
    "pages_manage_engagement",
    "pages_read_user_content",
)
MASTODON_SCOPES = ("read", "write")
_DONE_PAGE = (
    "<!doctype html><html lang='sv'><meta charset='utf-8'><title>Kanal</title>"
    "<body style='font-family:sans-serif;margin:3em'><h1>{title}</h1><p>{text}</p></body></html>"
)


class SignInCancelled(Rejected):
    """The user declined, the answer did not belong to this sign-in, or it took too long."""


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) per RFC 7636."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def loopback_address(redirect_uri: str) -> tuple[int, str]:
    """(port, path) of a fixed loopback redirect URI; anything else is refused."""
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or parts.hostname != "127.0.0.1" or not parts.port:
        raise ValueError(
            f"the redirect URI {redirect_uri!r} must be http://127.0.0.1:<port>/<path> "
            "(a loopback address registered in the app)"
        )
    return parts.port, parts.path or "/"


class LoopbackReceiver:
    """A one-shot HTTP listener on 127.0.0.1 that catches the authorisation redirect.

    Without ``redirect_uri`` it takes any free port (platforms that accept any loopback port,
    RFC 8252); with one it listens on exactly that port and path (Facebook's exact match).
    """

    def __init__(self, redirect_uri: str | None = None) -> None:
        port, path = loopback_address(redirect_uri) if redirect_uri else (0, CALLBACK_PATH)
        self._path = path
        self._result: dict[str, str] | None = None
        self._event = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != receiver._path or receiver._event.is_set():
                    self.send_error(404)
                    return
                query = {k: v[0] for k, v in parse_qs(parts.query).items() if v}
                ok = "code" in query and "error" not in query
                title = "Klart – inloggad" if ok else "Inloggningen avbröts"
                text = (
                    "Du kan stänga fliken och gå tillbaka till Kanal. "
                    "You can close this tab and return to Kanal."
                )
                body = _DONE_PAGE.format(title=title, text=text).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
                receiver._result = query
                receiver._event.set()

            def log_message(self, format: str, *args: Any) -> None:
                return None  # the query holds the code: never log it

        try:
            self._server = HTTPServer(("127.0.0.1", port), Handler)
        except OSError as error:
            raise Rejected(
                f"cannot listen on the sign-in redirect port {port}: {error}",
                f"Port {port} på den här datorn används redan, så inloggningen kan inte ta emot "
                "svaret. Stäng programmet som använder porten eller registrera en annan "
                "redirect-adress i appen. The sign-in redirect port is in use.",
            ) from None
        self._server.timeout = 0.2
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="kanal-signin-loopback", daemon=True
        )
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self._path}"

    def wait(self, expected_state: str, timeout: float) -> str:
        """The authorisation code, once the browser came back with the right state."""
        if not self._event.wait(timeout):
            raise SignInCancelled("sign-in timed out", "Inloggningen tog för lång tid.")
        result = self._result or {}
        if result.get("error"):
            raise SignInCancelled(
                f"sign-in refused: {result['error']}", "Inloggningen avbröts eller nekades."
            )
        if not secrets.compare_digest(result.get("state", ""), expected_state):
            raise SignInCancelled(
                "sign-in answer with a wrong state", "Svaret hörde inte till denna inloggning."
            )
        code = result.get("code")
        if not code:
            raise SignInCancelled("sign-in answer without a code", "Inloggningen misslyckades.")
        return code

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _authorize(
    authorize_url: str,
    params: Mapping[str, str],
    receiver: LoopbackReceiver,
    open_browser: OpenBrowser,
    timeout: float,
) -> str:
    state = secrets.token_urlsafe(24)
    query = {**params, "state": state, "redirect_uri": receiver.redirect_uri}
    separator = "&" if "?" in authorize_url else "?"
    open_browser(f"{authorize_url}{separator}{urlencode(query)}")
    return receiver.wait(state, timeout)


def _token_answer(response: Any, platform: str) -> dict[str, Any]:
    if response.status_code in (400, 401):
        raise AuthExpired(f"{platform} refused the sign-in code ({response.status_code})")
    if response.status_code != 200:
        raise TemporaryFailure(f"{platform} answered {response.status_code} to the token request")
    body = decode_json(response, replay_safe=True, platform=platform)
    if not isinstance(body, dict) or not body.get("access_token"):
        raise TemporaryFailure(f"{platform} answered the token request without a token")
    return body


@dataclass(frozen=True)
class XSignIn:
    """OAuth 2.0 authorisation code with PKCE for X (a public client: no secret)."""

    api_root: str
    client_id: str
    http: HttpClient
    open_browser: OpenBrowser = webbrowser.open
    timeout: float = DEFAULT_TIMEOUT
    redirect_uri: str = X_REDIRECT_URI

    def run(self) -> dict[str, Any]:
        """Token answer: access_token, refresh_token, expires_in, scope."""
        verifier, challenge = pkce_pair()
        receiver = LoopbackReceiver(self.redirect_uri)
        try:
            code = _authorize(
                authorize_url_for(self.api_root),
                {
                    "response_type": "code",
                    "client_id": self.client_id,
                    "scope": " ".join(X_SCOPES),
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                },
                receiver,
                self.open_browser,
                self.timeout,
            )
            response = self.http.request(
                "POST",
                token_url_for(self.api_root),
                platform="X",
                replay_safe=True,  # a code is single-use: a resend fails harmlessly
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": receiver.redirect_uri,
                    "code_verifier": verifier,
                    "client_id": self.client_id,
                },
            )
        finally:
            receiver.close()
        return _token_answer(response, "X")


def facebook_dialog_url(graph_root: str, version: str) -> str:
    root = graph_root.rstrip("/")
    if root == "https://graph.facebook.com":
        return f"https://www.facebook.com/{version}/dialog/oauth"
    return f"{root}/{version}/dialog/oauth"


def exchange_for_long_lived(
    http: HttpClient, graph_root: str, version: str, app_id: str, app_secret: str, token: str
) -> dict[str, Any]:
    """A short-lived (1 hour) user token for a long-lived (60 days) one.

    The request carries the app secret, so it goes only where the rest of the sign-in went.
    """
    response = http.request(
        "GET",
        f"{graph_root.rstrip('/')}/{version}/oauth/access_token",
        platform="Facebook",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": app_id,
            "client_secret": app_secret,
            "fb_exchange_token": token,
        },
    )
    return _token_answer(response, "Facebook")


@dataclass(frozen=True)
class FacebookSignIn:
    """Facebook Login (manual flow, with PKCE) for a user token that manages Pages.

    With the app secret the short-lived token from the code is exchanged for a long-lived one
    (``long_lived`` in the answer says which one it is); without it the token lasts an hour.
    """

    graph_root: str
    version: str
    app_id: str
    http: HttpClient
    app_secret: str | None = None
    open_browser: OpenBrowser = webbrowser.open
    timeout: float = DEFAULT_TIMEOUT
    redirect_uri: str = FACEBOOK_REDIRECT_URI

    def run(self) -> dict[str, Any]:
        """Token answer with the *user* access token; the connector derives the page token."""
        require_https(self.graph_root)  # the code, the secret and the tokens travel in queries
        verifier, challenge = pkce_pair()
        receiver = LoopbackReceiver(self.redirect_uri)
        try:
            code = _authorize(
                facebook_dialog_url(self.graph_root, self.version),
                {
                    "client_id": self.app_id,
                    "response_type": "code",
                    "scope": ",".join(FACEBOOK_SCOPES),
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                },
                receiver,
                self.open_browser,
                self.timeout,
            )
            params = {
                "client_id": self.app_id,
                "redirect_uri": receiver.redirect_uri,
                "code": code,
                "code_verifier": verifier,
            }
            if self.app_secret:
                params["client_secret"] = self.app_secret
            response = self.http.request(
                "GET",
                f"{self.graph_root.rstrip('/')}/{self.version}/oauth/access_token",
                platform="Facebook",
                params=params,
            )
        finally:
            receiver.close()
        short = _token_answer(response, "Facebook")
        self.http.add_secret(str(short["access_token"]))
        if not self.app_secret:
            return {**short, "long_lived": False}
        long_lived = exchange_for_long_lived(
            self.http,
            self.graph_root,
            self.version,
            self.app_id,
            self.app_secret,
            str(short["access_token"]),
        )
        return {**long_lived, "long_lived": True}


@dataclass(frozen=True)
class MastodonSignIn:
    """Registers Kanal as an app on the instance, then authorisation code with PKCE."""

    instance: str
    http: HttpClient
    open_browser: OpenBrowser = webbrowser.open
    timeout: float = DEFAULT_TIMEOUT
    client_name: str = "Kanal"

    def run(self) -> dict[str, Any]:
        """Token answer plus the registered ``client_id`` and ``client_secret``."""
        base = self.instance.rstrip("/")
        receiver = LoopbackReceiver()
        try:
            scopes = " ".join(MASTODON_SCOPES)
            registered = self.http.request(
                "POST",
                f"{base}/api/v1/apps",
                platform="Mastodon",
                replay_safe=True,  # a second registration is just another unused app
                data={
                    "client_name": self.client_name,
                    "redirect_uris": receiver.redirect_uri,
                    "scopes": scopes,
                },
            )
            if registered.status_code != 200:
                raise Rejected(
                    f"Mastodon refused to register Kanal ({registered.status_code})",
                    "Instansen tillåter inte att Kanal registreras.",
                )
            app = decode_json(registered, replay_safe=True, platform="Mastodon")
            if not isinstance(app, dict) or not app.get("client_id"):
                raise TemporaryFailure("Mastodon answered the app registration without a client")
            self.http.add_secret(str(app.get("client_secret", "")))
            verifier, challenge = pkce_pair()
            code = _authorize(
                f"{base}/oauth/authorize",
                {
                    "response_type": "code",
                    "client_id": str(app["client_id"]),
                    "scope": scopes,
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                },
                receiver,
                self.open_browser,
                self.timeout,
            )
            response = self.http.request(
                "POST",
                f"{base}/oauth/token",
                platform="Mastodon",
                replay_safe=True,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "client_id": str(app["client_id"]),
                    "client_secret": str(app.get("client_secret", "")),
                    "redirect_uri": receiver.redirect_uri,
                    "code_verifier": verifier,
                    "scope": scopes,
                },
            )
        finally:
            receiver.close()
        tokens = _token_answer(response, "Mastodon")
        return {
            **tokens,
            "client_id": str(app["client_id"]),
            "client_secret": str(app.get("client_secret", "")),
        }
