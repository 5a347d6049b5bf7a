"""HTTP done once for every connector: timeouts, retries, trust store, proxies, redaction.

One ``HttpClient`` (one ``requests.Session``) per account. The client maps only what happens
*below* HTTP (refused connections, timeouts, resets, malformed bodies) to the shared errors; what
a status code means is each platform's business, so connectors get the ``Response`` back and use
``status_error`` for the parts all platforms share.

Which failures are safe to retry:
- GET/HEAD/OPTIONS are retried here, with exponential back-off and jitter, honouring
  ``Retry-After`` and the platforms' reset headers (as long as the wait is short).
- A POST is never repeated automatically. A failure before the request left (connection refused,
  DNS, connect timeout) is a ``TemporaryFailure``; a failure after it left (read timeout, reset,
  truncated or malformed answer, any 5xx) is ``OutcomeUnknown``, because the platform may have
  carried it out. Any 5xx counts, not only 502/504: a 500 or 503 from the application tier may
  come after the row was committed (a timed-out worker behind a load balancer, a failure while
  rendering the answer), and the cost of a wrong "unknown" is one look-up by ``find_post`` while
  the cost of a wrong "temporary" is a duplicate public post from an authority.
- Calls the caller declares ``replay_safe`` (DELETE, uploads whose orphan is harmless, posts with a
  platform idempotency key) map those failures to ``TemporaryFailure`` instead.
"""

from __future__ import annotations

import ipaddress
import logging
import random
import re
import ssl
import sys
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import truststore
from requests.adapters import HTTPAdapter

from desktop_app import __version__
from desktop_app.domain.errors import (
    AuthExpired,
    NetworkError,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    TemporaryFailure,
)

log = logging.getLogger("desktop_app.networks.http")

USER_AGENT = f"Kanal/{__version__}"
DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds
RETRIABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REPLAY_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRIABLE_STATUSES = frozenset({429, 500, 502, 503, 504})

# ---------------------------------------------------------------------------------------------
# Redaction
# ---------------------------------------------------------------------------------------------

_SECRET_NAMES = (
    r"access_token|refresh_token|token|password|app_password|application_password|"
    r"client_secret|consumer_secret|access_token_secret|oauth_token|oauth_signature|code|"
    r"code_verifier|accessJwt|refreshJwt|input_token|fb_exchange_token|api_key|key|secret"
)
_QUERY_SECRET = re.compile(rf"(?i)(?<![A-Za-z0-9_])({_SECRET_NAMES})=([^&\s\"'#]+)")
_JSON_SECRET = re.compile(rf"(?i)(\"(?:{_SECRET_NAMES})\"\s*:\s*\")([^\"]*)(\")")
_AUTH_HEADER = re.compile(
    r"(?i)\b(authorization|proxy-authorization|cookie|set-cookie)(\s*[:=]\s*)([^\r\n,}]+)"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic|oauth)\s+[A-Za-z0-9\-._~+/=,\"]{8,}")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
REDACTED = "[redacted]"


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Hide tokens, passwords and Authorization values in a log line or message.

    Known secret values (the account's own) are blanked wherever they appear; the patterns catch
    the rest: query and form parameters, JSON fields, auth headers, bearer strings and JWTs.
    """
    for value in secrets:
        if value and len(value) >= 4:
            text = text.replace(value, REDACTED)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    text = _JSON_SECRET.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(3)}", text)
    return _JWT.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites every record's message through ``redact``.

    Install it on the handlers that write log files (``install_redaction``), so that a token that
    slips into a message from any library (urllib3 logs full URLs at DEBUG) never reaches disk.
    """

    def __init__(self, secrets: Callable[[], tuple[str, ...]] | None = None) -> None:
        super().__init__()
        self._secrets = secrets or (lambda: ())

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not stop logging
            message = str(record.msg)
        record.msg = redact(message, self._secrets())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Formatters print exc_text when it is set, so the traceback is written redacted
            # (also when another handler formatted it first); exc_info stays, because the
            # record is shared with every other handler.
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text, self._secrets())
        return True


def redacting_file_handler(path: Path, level: int = logging.INFO) -> logging.Handler:
    """A rotating log file whose every line has gone through ``redact`` (for app start-up)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return install_redaction(handler)


def install_redaction(handler: logging.Handler) -> logging.Handler:
    """Add the redacting filter to a handler (idempotent) and return it."""
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
    return handler


# ---------------------------------------------------------------------------------------------
# Rate-limit headers
# ---------------------------------------------------------------------------------------------


def _parse_reset(value: str, now: datetime) -> datetime | None:
    """A reset header as epoch seconds, seconds-from-now, ISO 8601 or an HTTP date."""
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        if number > 1_000_000_000:  # epoch seconds (X, Bluesky)
            return datetime.fromtimestamp(number, UTC)
        return now + timedelta(seconds=max(0.0, number))  # delta seconds (IETF RateLimit)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))  # Mastodon
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).astimezone(UTC)
    except (TypeError, ValueError):
        return None


def rate_limit_until(
    headers: Mapping[str, str], now: datetime | None = None, default_seconds: float = 60.0
) -> datetime:
    """When a throttled client may call again, from whatever headers the platform sent."""
    now = now or datetime.now(UTC)
    retry_after = headers.get("Retry-After")
    if retry_after:
        until = _parse_reset(retry_after, now)
        if until is not None:
            return until
    for name in ("x-user-limit-24hour-reset", "x-app-limit-24hour-reset"):
        remaining = headers.get(name.replace("-reset", "-remaining"))
        if remaining is not None and remaining.strip() == "0" and headers.get(name):
            until = _parse_reset(headers[name], now)
            if until is not None:
                return until
    for name in ("x-rate-limit-reset", "X-RateLimit-Reset", "RateLimit-Reset"):
        value = headers.get(name)
        if value:
            until = _parse_reset(value, now)
            if until is not None:
                return max(until, now)
    return now + timedelta(seconds=default_seconds)


# ---------------------------------------------------------------------------------------------
# Status mapping shared by all platforms
# ---------------------------------------------------------------------------------------------


def status_error(
    response: requests.Response, *, replay_safe: bool, detail: str, platform: str
) -> NetworkError:
    """The shared meaning of an error status; platforms refine it before falling back here."""
    code = response.status_code
    text = f"{platform} answered {code}: {detail}" if detail else f"{platform} answered {code}"
    if code == 401:
        return AuthExpired(f"{platform}: the sign-in no longer works ({code}). Sign in again.")
    if code == 429:
        until = rate_limit_until(response.headers)
        return RateLimited(f"{platform} is rate-limiting this account ({code})", until)
    if code >= 500 or code in (408, 425):
        if replay_safe:
            return TemporaryFailure(text)
        return OutcomeUnknown(f"{text} — the request may have been carried out")
    return Rejected(text, detail or text)


def decode_json(response: requests.Response, *, replay_safe: bool, platform: str) -> Any:
    """The body as JSON; a malformed body is a transport failure, never a crash."""
    try:
        return response.json()
    except (ValueError, requests.exceptions.JSONDecodeError):
        message = f"{platform} answered {response.status_code} with a body that is not JSON"
        if replay_safe or response.request.method in RETRIABLE_METHODS:
            raise TemporaryFailure(message) from None
        raise OutcomeUnknown(message + " — the request may have been carried out") from None


# ---------------------------------------------------------------------------------------------
# Loopback, proxies (explicit, PAC/WPAD, system) and the https-only rule for credentials
# ---------------------------------------------------------------------------------------------

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
# Every proxy key requests looks at: a None value removes env and session proxies for a request.
DIRECT: dict[str, str | None] = {"http": None, "https": None, "all": None}
CREDENTIAL_PARAMS = frozenset(
    {"access_token", "refresh_token", "oauth_token", "token", "password", "client_secret"}
)
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1 and the localhost names: this computer, never worth a proxy.

    Windows' "bypass proxy for local addresses" (``<local>``) covers dot-less names only, not
    127.0.0.1; practice mode and the sign-in callbacks listen on loopback, so Kanal decides itself.
    """
    if not host:
        return False
    name = host.strip("[]").lower().rstrip(".")
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return False


class InsecureCredentials(Rejected):
    """A token or password would go over plain http to another computer: refused, not sent."""


def check_credentials_transport(
    url: str, headers: Mapping[str, Any] | None, params: Any, data: Any, auth: Any
) -> None:
    """Refuse credentials over http:// except to loopback (issue 11 item 3)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or is_loopback(parts.hostname):
        return
    carried: list[str] = []
    if auth is not None:
        carried.append("sign-in credentials")
    for name in headers or {}:
        if str(name).lower() in CREDENTIAL_HEADERS:
            carried.append(f"an {name} header")
    fields = [name for name, _ in parse_qsl(parts.query, keep_blank_values=True)]
    for extra in (params, data):
        if isinstance(extra, Mapping):
            fields.extend(str(k) for k in extra)
        elif isinstance(extra, list | tuple):
            fields.extend(str(item[0]) for item in extra if isinstance(item, tuple) and item)
    carried.extend(f"the {name} parameter" for name in fields if name in CREDENTIAL_PARAMS)
    if carried:
        host = parts.hostname or "?"
        raise InsecureCredentials(
            f"Kanal will not send {carried[0]} to http://{host}: credentials go only over "
            f"https (or to this computer). Change the address to https://{host} in the "
            "account's settings, or ask IT why that server has no https."
        )


class ProxyChooser:
    """Which proxy a URL goes through, the way a Windows office has it set up.

    In order: loopback is always direct; an explicit proxy (the organisation's ``ProxyUrl``
    policy) for everything else; else a PAC file (the ``ProxyPacUrl`` policy, or the system's:
    on Windows the "Use automatic configuration script" address from Internet Options / Group
    Policy, on macOS the network preferences), evaluated with pypac; else the system proxy that
    requests reads itself (HTTP(S)_PROXY, NO_PROXY and, on Windows, the Internet Options proxy
    and bypass list).

    Proxy authentication that works: Basic, with the user name and password in the proxy URL
    (``http://user:pass@proxy:8080``, also in HTTPS_PROXY). NTLM and Kerberos (Negotiate) are not
    spoken by requests; docs/it-admin.md says what to do then.
    """

    def __init__(
        self,
        proxy_url: str | None = None,
        pac_url: str | None = None,
        *,
        use_os_pac: bool | None = None,
        pac_timeout: float = 5.0,
    ) -> None:
        self.proxy_url = proxy_url
        self.pac_url = pac_url
        self.use_os_pac = sys.platform in ("win32", "darwin") if use_os_pac is None else use_os_pac
        self.pac_timeout = pac_timeout
        self._resolver: Any = None
        self._pac_tried = False
        self._lock = threading.Lock()

    def for_url(self, url: str) -> dict[str, str | None] | None:
        """``proxies`` for requests, or None to let requests use the system's settings."""
        if is_loopback(urlsplit(url).hostname):
            return dict(DIRECT)
        if self.proxy_url:
            return {"http": self.proxy_url, "https": self.proxy_url}
        resolver = self._pac_resolver()
        if resolver is None:
            return None
        try:
            found: dict[str, str | None] = resolver.get_proxy_for_requests(url)
        except Exception as error:  # a PAC script's own failure: fall back, say why
            log.warning("The PAC file gave no proxy for %s (%s)", redact(url), error)
            return None
        return found

    def _pac_resolver(self) -> Any:
        with self._lock:
            if not self._pac_tried:
                self._pac_tried = True
                self._resolver = self._load_pac()
            return self._resolver

    def _pac_address(self) -> str | None:
        if self.pac_url:
            return self.pac_url
        if not self.use_os_pac:
            return None
        try:
            from pypac import os_settings

            if sys.platform == "darwin":
                found = os_settings.autoconfig_url_from_preferences()
            else:
                found = os_settings.autoconfig_url_from_registry()
        except Exception:  # no such setting here, or it cannot be read: no OS PAC
            return None
        return str(found) if found else None

    def _load_pac(self) -> Any:
        address = self._pac_address()
        if not address:
            return None
        from pypac.parser import PACFile
        from pypac.resolver import ProxyResolver

        try:
            if address.startswith("file:") or "://" not in address:
                from urllib.request import url2pathname

                local = urlsplit(address)
                path = url2pathname(local.path) if address.startswith("file:") else address
                if address.startswith("file:") and local.netloc:  # \\server\share\proxy.pac
                    path = f"//{local.netloc}{path}"
                text = Path(path).read_text(encoding="utf-8")
            else:
                with requests.Session() as session:
                    session.trust_env = False  # the PAC itself is fetched directly
                    answer = session.get(address, timeout=self.pac_timeout)
                    answer.raise_for_status()
                    text = answer.text
            return ProxyResolver(PACFile(text))
        except Exception as error:  # unreachable or malformed PAC: the system proxy instead
            log.warning("Cannot use the PAC file %s (%s); using the system proxy", address, error)
            return None


# ---------------------------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------------------------


class _TrustStoreAdapter(HTTPAdapter):
    """An adapter whose TLS uses the operating system's trust store, for this session only."""

    def __init__(self, ssl_context: ssl.SSLContext, **kwargs: Any) -> None:
        self._ssl_context = ssl_context
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._ssl_context
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        proxy_kwargs["ssl_context"] = self._ssl_context
        return super().proxy_manager_for(proxy, **proxy_kwargs)


class HttpClient:
    """One account's HTTP session: every call has a timeout; reads retry, writes never do."""

    def __init__(
        self,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        max_retry_wait: float = 20.0,
        proxies: Mapping[str, str] | None = None,
        proxy_chooser: ProxyChooser | None = None,
        use_os_trust_store: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        self._known_secrets: list[str] = []
        self.session = requests.Session()
        self.session.trust_env = True  # HTTP(S)_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE
        self.session.headers["User-Agent"] = USER_AGENT
        if use_os_trust_store:
            adapter = _TrustStoreAdapter(truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
            self.session.mount("https://", adapter)
        # System proxies need nothing here: with trust_env, requests asks urllib's getproxies(),
        # which reads HTTP(S)_PROXY and, on Windows, the Internet Options in the registry (set
        # by group policy), and honours NO_PROXY / the registry's bypass list. Setting those
        # proxies on the session would lose the bypass list, so only explicit ones are set.
        if proxies:
            self.session.proxies.update(proxies)
        self.proxy_chooser = proxy_chooser if proxy_chooser is not None else _shared_chooser()

    def close(self) -> None:
        self.session.close()

    def add_secret(self, value: str | None) -> None:
        """Remember a credential so it is blanked in every line this client logs."""
        if value and value not in self._known_secrets:
            self._known_secrets.append(value)

    def redact(self, text: str) -> str:
        return redact(text, tuple(self._known_secrets))

    def _backoff(self, attempt: int, response: requests.Response | None) -> float | None:
        """Seconds to wait before the next attempt, or None when waiting is not worth it."""
        if response is not None:
            now = datetime.now(UTC)
            if response.status_code == 429 or "Retry-After" in response.headers:
                until = rate_limit_until(response.headers, now, default_seconds=0.0)
                wait = (until - now).total_seconds()
                if wait > self.max_retry_wait:
                    return None  # a long wait is the engine's decision, not a blocked thread's
                if wait > 0:
                    return wait + random.uniform(0, self.backoff_base)
        ceiling = min(self.backoff_cap, self.backoff_base * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)  # jitter spreads out retrying clients

    def request(
        self,
        method: str,
        url: str,
        *,
        platform: str,
        replay_safe: bool | None = None,
        timeout: tuple[float, float] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request; transport failures become the shared errors.

        Returns the response for every status (connectors interpret platform errors); retries
        idempotent reads on 429/5xx and on transport failures.
        """
        method = method.upper()
        check_credentials_transport(
            url,
            {**self.session.headers, **(kwargs.get("headers") or {})},
            kwargs.get("params"),
            kwargs.get("data"),
            kwargs.get("auth") or self.session.auth,
        )
        if "proxies" not in kwargs:
            chosen = self.proxy_chooser.for_url(url)
            if chosen is not None:
                kwargs["proxies"] = chosen
        retriable = method in RETRIABLE_METHODS
        safe = method in REPLAY_SAFE_METHODS if replay_safe is None else replay_safe
        attempts = self.max_retries + 1 if retriable else 1
        last_error: NetworkError | None = None
        for attempt in range(attempts):
            started = time.monotonic()
            try:
                response = self.session.request(
                    method,
                    url,
                    timeout=timeout or self.timeout,
                    allow_redirects=retriable,
                    **kwargs,
                )
            except requests.exceptions.RequestException as error:
                last_error = self._classify(error, platform, safe)
                response = None
            elapsed = time.monotonic() - started
            if response is not None:
                log.debug(
                    "%s %s -> %s in %.0f ms",
                    method,
                    self.redact(url),
                    response.status_code,
                    elapsed * 1000,
                )
                if not (retriable and response.status_code in RETRIABLE_STATUSES):
                    return response
                if attempt + 1 >= attempts:
                    return response
            else:
                log.info(
                    "%s %s failed after %.0f ms: %s",
                    method,
                    self.redact(url),
                    elapsed * 1000,
                    last_error,
                )
                if not retriable or attempt + 1 >= attempts:
                    assert last_error is not None
                    raise last_error
            wait = self._backoff(attempt, response)
            if wait is None:
                if response is not None:
                    return response
                assert last_error is not None
                raise last_error
            self._sleep(wait)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        """A plain GET through this client (for callers outside a connector, e.g. images)."""
        kwargs.setdefault("platform", urlsplit(url).hostname or "the server")
        return self.request("GET", url, **kwargs)

    @classmethod
    def _classify(
        cls, error: requests.exceptions.RequestException, platform: str, safe: bool
    ) -> NetworkError:
        """A transport failure's place in the error taxonomy (was it sent? may it be resent?)."""
        if isinstance(error, requests.exceptions.ConnectTimeout):
            return TemporaryFailure(f"{platform}: could not connect (timed out)")
        if isinstance(error, requests.exceptions.ProxyError):
            return TemporaryFailure(f"{platform}: the proxy refused the connection")
        if isinstance(error, requests.exceptions.SSLError):
            return TemporaryFailure(
                f"{platform}: the secure connection failed (certificate not trusted?)"
            )
        if isinstance(error, requests.exceptions.ConnectionError):
            if _sent_before_failure(error):
                return cls._after_send(platform, "the connection was cut", safe)
            return TemporaryFailure(f"{platform}: could not connect")
        if isinstance(
            error,
            requests.exceptions.ReadTimeout
            | requests.exceptions.ChunkedEncodingError
            | requests.exceptions.ContentDecodingError,
        ):
            return cls._after_send(platform, "no complete answer in time", safe)
        return TemporaryFailure(f"{platform}: the request could not be sent")

    @staticmethod
    def _after_send(platform: str, what: str, replay_safe: bool) -> NetworkError:
        if replay_safe:
            return TemporaryFailure(f"{platform}: {what}")
        return OutcomeUnknown(
            f"{platform}: {what} after the request was sent — it may have been done"
        )


_chooser: ProxyChooser | None = None
_chooser_lock = threading.Lock()


def configure_proxies(proxy_url: str | None, pac_url: str | None) -> None:
    """The organisation's proxy settings, given once by the composition root (from policy).

    Process-wide on purpose: one chooser per process fetches a PAC file once, not per account.
    """
    global _chooser
    with _chooser_lock:
        _chooser = ProxyChooser(proxy_url, pac_url)


def _shared_chooser() -> ProxyChooser:
    global _chooser
    with _chooser_lock:
        if _chooser is None:
            _chooser = ProxyChooser(None, None)  # no policy given: the system's settings
        return _chooser


def _sent_before_failure(error: requests.exceptions.ConnectionError) -> bool:
    """Whether a ConnectionError happened after the request went out (reset, remote close).

    urllib3 wraps "could not connect" (refused, DNS, unreachable) as NewConnectionError or
    NameResolutionError; everything else (ProtocolError: connection aborted/reset, remote end
    closed without response) happened on an established connection, i.e. after sending.
    """
    from urllib3.exceptions import NameResolutionError, NewConnectionError

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, NewConnectionError | NameResolutionError):
            return False
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException) and id(reason) not in seen:
            current = reason
            continue
        args = getattr(current, "args", ())
        nested = next((a for a in args if isinstance(a, BaseException)), None)
        current = nested or current.__cause__ or current.__context__
    text = str(error)
    return not any(
        marker in text
        for marker in ("Failed to establish", "Name or service", "getaddrinfo", "refused")
    )
