"""Connecting, checking and disconnecting platform accounts (no Qt: the CLI, the window and
practice mode all use it).

The order of writes matters because two places hold an account: the keyring (its secrets) and
the database (who it is). Secrets are written first, under the id the row will get, so the
connector can verify with them; if verification or the row fails they are deleted again, and a
failed check never leaves a half-connected account behind. Removing deletes the row first and
then the secrets, so an account is never listed without the secrets it needs.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit
from urllib.request import urlopen

from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.errors import AuthExpired, NetworkError, RateLimited, Rejected
from desktop_app.domain.networks import Network
from desktop_app.networks.base import Connector, Identity, check_account
from desktop_app.networks.facebook import FacebookConnector, split_graph_url
from desktop_app.networks.factory import (
    CREDENTIAL_NAMES,
    DEFAULT_BASE_URLS,
    HttpFactory,
    build_connector,
)
from desktop_app.networks.health import AccountHealth, generic_check
from desktop_app.networks.http import HttpClient
from desktop_app.networks.signin import (
    DEFAULT_TIMEOUT as SIGN_IN_TIMEOUT,
)
from desktop_app.networks.signin import (
    FACEBOOK_REDIRECT_URI,
    FacebookSignIn,
    MastodonSignIn,
    OpenBrowser,
    XSignIn,
)
from desktop_app.secrets import SecretStore
from desktop_app.store.errors import UnknownAccount

if TYPE_CHECKING:
    from desktop_app.store.database import Store

T = TypeVar("T")

# Platforms whose address the user must give (a self-hosted site, any Mastodon instance).
NEEDS_BASE_URL = frozenset({Network.WORDPRESS, Network.MASTODON})
_X_OAUTH1 = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
_X_OAUTH2 = ("client_id", "access_token")


class StoreAccess(Protocol):
    """Runs a job against the store and returns its result.

    The CLI calls the job directly; the window runs it on its database thread and waits, so
    every database call of the window stays on that one thread.
    """

    def __call__(self, job: Callable[[Store], T], /) -> T: ...


def direct_access(store: Store) -> StoreAccess:
    """Jobs run at once, on the calling thread."""

    def run(job: Callable[[Store], T], /) -> T:
        return job(store)

    return run


class MissingCredentials(ValueError):
    """Some credentials the network needs were not given; ``names`` says which."""

    def __init__(self, network: Network, names: Sequence[str]) -> None:
        super().__init__(f"{network.value} needs {', '.join(names)}")
        self.network = network
        self.names = tuple(names)


class MissingBaseUrl(ValueError):
    """WordPress and Mastodon need the site or instance address."""


class SecretsLeftBehind(Exception):
    """The account was removed, but the keyring refused to delete its secrets."""

    def __init__(self, account: Account, reason: str) -> None:
        super().__init__(reason)
        self.account = account


@dataclass(frozen=True)
class FacebookPage:
    id: str
    name: str


@dataclass(frozen=True)
class SignInPreset:
    """What the Add account dialog fills in for a network: the address and the app's ids for
    the browser sign-in (the organisation's registered app; practice mode's emulator)."""

    base_url: str = ""
    client_id: str = ""  # X: the app's OAuth 2.0 client id
    app_id: str = ""  # Facebook: the app id of the login dialog
    app_secret: str = ""  # Facebook: needed for the 60-day token (fb_exchange_token)
    redirect_uri: str = ""  # Facebook: the app's registered loopback redirect ("" = Kanal's)


OnOtherPages = Callable[[FacebookPage, Sequence[FacebookPage]], None]


def missing_credentials(network: Network, values: Mapping[str, str]) -> list[str]:
    """The credential names still needed; X takes either OAuth 2.0 or OAuth 1.0a keys."""
    if network is Network.X:
        wanted = _X_OAUTH1 if "consumer_key" in values else _X_OAUTH2
        return [name for name in wanted if not values.get(name)]
    return [name for name in CREDENTIAL_NAMES[network] if not values.get(name)]


def normalise_base_url(network: Network, base_url: str | None) -> str:
    """The address without a trailing slash; the platform's own when none is given."""
    chosen = (base_url or "").strip().rstrip("/") or DEFAULT_BASE_URLS.get(network, "")
    if not chosen and network in NEEDS_BASE_URL:
        raise MissingBaseUrl(f"{network.value} needs the address of the site or instance")
    return chosen


def error_reason(error: NetworkError) -> str:
    """What to tell the user: the platform's reason when it gave one."""
    return getattr(error, "reason", None) or error.message


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AccountService:
    """Adds (verified), re-verifies, re-connects and removes accounts.

    Every platform call goes through the account's connector and so has a timeout; each method
    blocks, so the window calls them from a worker thread.
    """

    def __init__(
        self,
        store_access: StoreAccess,
        secrets: SecretStore,
        http_factory: HttpFactory = HttpClient,
        clock: Callable[[], datetime] = _utc_now,
        actor: str | None = None,
    ) -> None:
        """``actor``: the acting person the audit trail names (the services' one)."""
        self.store_access = store_access
        self.secrets = secrets
        self._http_factory = http_factory
        self._clock = clock
        self.actor = actor

    # -- reading -------------------------------------------------------------------------------

    def list(self) -> list[Account]:
        def job(store: Store) -> list[Account]:
            with store.unit_of_work(read_only=True) as uow:
                return list(uow.accounts.list())

        return self.store_access(job)

    def get(self, account_id: str) -> Account:
        def job(store: Store) -> Account | None:
            with store.unit_of_work(read_only=True) as uow:
                return uow.accounts.get(account_id)

        account = self.store_access(job)
        if account is None:
            raise UnknownAccount(f"no account with id {account_id}")
        return account

    # -- adding ------------------------------------------------------------------------------

    def add(
        self,
        network: Network,
        base_url: str | None,
        credentials: Mapping[str, str],
        page_id: str | None = None,
        on_other_pages: OnOtherPages | None = None,
    ) -> Account:
        """Verify the credentials with the platform and connect the account.

        Raises ``MissingBaseUrl``/``MissingCredentials`` before any call, ``SecretsUnavailable``
        without a usable keyring, a ``NetworkError`` when the platform refuses or cannot be
        reached, ``DuplicateAccount`` when it is already connected. Nothing stays behind on
        failure. A Facebook user with several pages gets the first unless ``page_id`` says
        otherwise; ``on_other_pages(chosen, others)`` is told about the rest.
        """
        url = normalise_base_url(network, base_url)
        values = {name: value for name, value in credentials.items() if value}
        unknown = sorted(set(values) - set(CREDENTIAL_NAMES[network]))
        if unknown:
            raise ValueError(f"{', '.join(unknown)} do(es) not apply to {network.value}")
        missing = missing_credentials(network, values)
        if missing:
            raise MissingCredentials(network, missing)
        self.secrets.check_available()

        account_id = str(uuid.uuid4())
        provisional = Account(
            id=account_id,
            network=network,
            display_name="",
            handle="",
            base_url=url,
            remote_id=page_id or "",
            status=AccountStatus.UNVERIFIED,
            rate_limited_until=None,
            avatar_url="",
            created_at=self._clock(),
        )
        try:
            for name, value in values.items():
                self.secrets.set(account_id, name, value)
            identity = self._identify(provisional, choose_page=page_id is None, on=on_other_pages)

            def record(store: Store) -> Account:
                with store.unit_of_work() as uow:
                    return uow.accounts.add(
                        account_id=account_id,
                        network=network,
                        display_name=identity.display_name,
                        handle=identity.handle,
                        base_url=url,
                        remote_id=identity.remote_id,
                        status=AccountStatus.WORKING,
                        avatar_url=identity.avatar_url,
                    )

            return self.store_access(record)
        except BaseException:
            # Includes DuplicateAccount and a failed verification; a keyring that refuses the
            # clean-up as well has nothing stored to clean up.
            self._forget_secrets(account_id)
            raise

    def _identify(
        self, account: Account, *, choose_page: bool = False, on: OnOtherPages | None = None
    ) -> Identity:
        connector: Connector = build_connector(account, self.secrets, self._http_factory)
        try:
            if choose_page and isinstance(connector, FacebookConnector):
                _choose_first_page(connector, on)
            return connector.verify()
        finally:
            connector.close()

    def _forget_secrets(self, account_id: str) -> None:
        # A keyring that fails here failed before too: nothing could have been stored.
        with contextlib.suppress(Exception):
            self.secrets.delete_account(account_id)

    # -- checking ----------------------------------------------------------------------------

    def verify(self, account_id: str) -> Account:
        """Ask the platform who the credentials belong to and record the account's status.

        Expired or revoked credentials give ``needs_sign_in``, a rate limit ``rate_limited``
        with its end; both are answers, not errors. A platform that cannot be reached raises
        (``TemporaryFailure``/``OutcomeUnknown``) and leaves the status as it was.
        """
        account = self.get(account_id)
        try:
            identity = self._identify(account)
        except (AuthExpired, Rejected):
            return self._set_status(account_id, AccountStatus.NEEDS_SIGN_IN, None)
        except RateLimited as limited:
            return self._set_status(account_id, AccountStatus.RATE_LIMITED, limited.until)
        return self._record_identity(account_id, identity)

    def _set_status(
        self, account_id: str, status: AccountStatus, until: datetime | None
    ) -> Account:
        def job(store: Store) -> Account:
            with store.unit_of_work() as uow:
                return uow.accounts.update_status(account_id, status, until)

        return self.store_access(job)

    def _record_identity(
        self, account_id: str, identity: Identity, base_url: str | None = None
    ) -> Account:
        def job(store: Store) -> Account:
            with store.unit_of_work() as uow:
                if base_url is not None:
                    uow.accounts.update_base_url(account_id, base_url)
                uow.accounts.update_profile(
                    account_id,
                    display_name=identity.display_name,
                    handle=identity.handle,
                    avatar_url=identity.avatar_url,
                )
                return uow.accounts.update_status(account_id, AccountStatus.WORKING, None)

        return self.store_access(job)

    def check(self, account_id: str) -> AccountHealth:
        """A diagnostic of the account as the platform sees it (token, expiry, permissions,
        rate-limit headroom), each finding with what to do. Reads only: nothing is changed."""
        account = self.get(account_id)
        seen: list[Mapping[str, str]] = []

        def recording_http() -> HttpClient:
            client = self._http_factory()
            client.session.hooks["response"].append(lambda r, *_a, **_k: seen.append(r.headers))
            return client

        try:
            connector: Connector = build_connector(account, self.secrets, recording_http)
        except NetworkError as error:  # e.g. an http:// address refused before any call
            return generic_check(_raiser(error))
        try:
            return check_account(connector, seen)
        finally:
            connector.close()

    # -- signing in again --------------------------------------------------------------------

    def reconnect(
        self, account_id: str, credentials: Mapping[str, str], base_url: str | None = None
    ) -> Account:
        """Replace the account's credentials (and address) after a new sign-in.

        The new credentials must belong to the same account on the platform; if verification
        fails or they belong to someone else, the old secrets are put back and the error
        raised. Drafts, history and inbox stay with the account.
        """
        account = self.get(account_id)
        network = account.network
        url = normalise_base_url(network, base_url or account.base_url)
        values = {name: value for name, value in credentials.items() if value}
        missing = missing_credentials(network, values)
        if missing:
            raise MissingCredentials(network, missing)
        self.secrets.check_available()
        previous = {
            name: value
            for name in self.secrets.names(account_id)
            if (value := self.secrets.get(account_id, name)) is not None
        }
        try:
            self._write_secrets(account_id, values, drop=set(previous) - set(values))
            identity = self._identify(replace(account, base_url=url))
            if account.remote_id and identity.remote_id != account.remote_id:
                raise Rejected(
                    f"signed in as {identity.handle}, not as {account.handle}",
                    f"Signed in as {identity.handle or identity.display_name}, which is a "
                    f"different account than {account.handle or account.display_name}.",
                )
            return self._record_identity(
                account_id, identity, base_url=url if url != account.base_url else None
            )
        except BaseException:
            self._write_secrets(account_id, previous, drop=set(values) - set(previous))
            raise

    def _write_secrets(self, account_id: str, values: Mapping[str, str], drop: set[str]) -> None:
        for name, value in values.items():
            self.secrets.set(account_id, name, value)
        for name in drop:
            self.secrets.delete(account_id, name)

    # -- removing ----------------------------------------------------------------------------

    def remove(self, account_id: str, *, actor: str | None = None) -> Account:
        """Archive the account (it leaves every list; its publications, inbox items and audit
        trail stay, searchable and exportable: records leave only by disposal), record the
        removal in the audit trail, then delete its secrets; ``SecretsLeftBehind`` if the
        keyring refused that second step (the account is archived)."""
        from desktop_app.domain.audit import AuditKind
        from desktop_app.store.records_accounts import archive_account

        who = actor or self.actor
        if not who:
            raise ValueError("the audit trail needs to know who removes the account")

        def job(store: Store) -> Account:
            with store.unit_of_work() as uow:
                found = uow.accounts.get(account_id)
                if found is None or not archive_account(uow, account_id, uow.clock()):
                    raise UnknownAccount(f"no account with id {account_id}")
                uow.audit.append(
                    AuditKind.ACCOUNT_ARCHIVED,
                    actor=who,
                    subject_type="account",
                    subject_id=account_id,
                    details={
                        "network": found.network.value,
                        "handle": found.handle,
                        "display_name": found.display_name,
                        "base_url": found.base_url,
                    },
                )
                return found

        account = self.store_access(job)
        try:
            self.secrets.delete_account(account_id)
        except Exception as error:
            raise SecretsLeftBehind(account, str(error)) from None
        return account


BROWSER_SIGN_IN = frozenset({Network.X, Network.FACEBOOK, Network.MASTODON})


class BrowserHandoff:
    """Opens the consent page through ``open_browser`` and can abandon a waiting sign-in.

    The sign-in flow waits for the browser to come back to its loopback listener. Cancelling
    sends that listener the answer a refusing browser would (``error=...`` with the flow's own
    state), so the waiting thread ends at once instead of at the flow's timeout.
    """

    def __init__(self, open_browser: OpenBrowser) -> None:
        self._open_browser = open_browser
        self._lock = threading.Lock()
        self._url: str | None = None
        self._cancelled = False

    def open(self, url: str) -> object:
        with self._lock:
            self._url = url
            cancelled = self._cancelled
        if cancelled:
            self._answer_refusal(url)
            return False
        return self._open_browser(url)

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            url = self._url
        if url is not None:
            self._answer_refusal(url)

    @staticmethod
    def _answer_refusal(authorize_url: str) -> None:
        query = dict(parse_qsl(urlsplit(authorize_url).query))
        redirect = query.get("redirect_uri", "")
        if urlsplit(redirect).hostname != "127.0.0.1":
            return  # only ever our own loopback listener
        answer = f"{redirect}?{urlencode({'error': 'cancelled', 'state': query.get('state', '')})}"
        # OSError: the listener is already gone, so the flow has ended anyway.
        with contextlib.suppress(OSError), urlopen(answer, timeout=2.0):
            pass


def sign_in_with_browser(
    network: Network,
    base_url: str,
    open_browser: OpenBrowser,
    *,
    client_id: str = "",
    app_id: str = "",
    app_secret: str = "",
    redirect_uri: str = "",
    http_factory: HttpFactory = HttpClient,
    timeout: float = SIGN_IN_TIMEOUT,
) -> dict[str, str]:
    """Run the platform's browser sign-in (RFC 8252) and return the credentials to store.

    X needs the app's OAuth 2.0 ``client_id``, Facebook the app's ``app_id`` and its secret
    (without the secret the token cannot be exchanged for a 60-day one and lasts an hour) and,
    when the app registered another one, the loopback ``redirect_uri``; Mastodon registers
    Kanal on the instance itself.
    """
    if network not in BROWSER_SIGN_IN:
        raise ValueError(f"{network.value} has no browser sign-in; give its credentials instead")
    if network is Network.X and not client_id:
        raise ValueError("sign-in for x needs the app's OAuth 2.0 client id")
    if network is Network.FACEBOOK and not app_id:
        raise ValueError("sign-in for facebook needs the app id")
    http = http_factory()
    try:
        if network is Network.X:
            tokens = XSignIn(base_url, client_id, http, open_browser, timeout).run()
            return {
                "client_id": client_id,
                "access_token": str(tokens["access_token"]),
                "refresh_token": str(tokens.get("refresh_token") or ""),
            }
        if network is Network.FACEBOOK:
            root, version = split_graph_url(base_url)
            tokens = FacebookSignIn(
                root,
                version,
                app_id,
                http,
                app_secret or None,
                open_browser,
                timeout,
                redirect_uri or FACEBOOK_REDIRECT_URI,
            ).run()
            return {"access_token": str(tokens["access_token"])}
        tokens = MastodonSignIn(base_url, http, open_browser, timeout).run()
        return {"access_token": str(tokens["access_token"])}
    finally:
        http.close()


def _raiser(error: NetworkError) -> Callable[[], Identity]:
    def verify() -> Identity:
        raise error

    return verify


def _choose_first_page(connector: FacebookConnector, on_other_pages: OnOtherPages | None) -> None:
    """Without a page id, the first page the user manages; the caller hears of the others."""
    pages = [FacebookPage(id=p["id"], name=p["name"]) for p in connector.pages()]
    if not pages:
        return  # verify() then says the user manages no page
    connector.page_id = pages[0].id
    if len(pages) > 1 and on_other_pages is not None:
        on_other_pages(pages[0], pages[1:])
