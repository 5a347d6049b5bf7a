"""Connecting an account (or signing in to one again): choose the network and its address, then
sign in in the system browser, or paste a token or app password instead.

The browser sign-in (RFC 8252: loopback listener, PKCE, state) and the verification run on the
Accounts section's thread pool, never on the GUI thread. The flow asks for the browser from its
worker thread; the request is carried to the GUI thread by a signal and opened there with
``QDesktopServices``, and the address is also shown in the dialog for machines where no
browser opens.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.accounts import Account
from desktop_app.domain.errors import NetworkError
from desktop_app.domain.networks import Network
from desktop_app.engine.accounts import (
    BROWSER_SIGN_IN,
    AccountService,
    BrowserHandoff,
    MissingBaseUrl,
    MissingCredentials,
    SignInPreset,
    error_reason,
    sign_in_with_browser,
)
from desktop_app.networks.factory import DEFAULT_BASE_URLS
from desktop_app.secrets import SecretsUnavailable
from desktop_app.store.errors import DuplicateAccount
from desktop_app.ui.accounts_view import NETWORK_NAMES, OpenUrl, open_in_system_browser
from desktop_app.ui.tasks import TaskRunner

NETWORK_ORDER = (Network.WORDPRESS, Network.FACEBOOK, Network.X, Network.MASTODON, Network.BLUESKY)
SECRET_FIELDS = frozenset(
    {
        "application_password",
        "access_token",
        "refresh_token",
        "consumer_secret",
        "access_token_secret",
        "app_password",
    }
)
X_OAUTH2_FIELDS = ("client_id", "access_token", "refresh_token")
X_OAUTH1_FIELDS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")


class _BrowserRelay(QObject):
    """Carries the sign-in flow's "open this page" from its worker thread to the GUI thread.

    It has no parent: the flow's closure keeps it alive for as long as it may emit, and Qt cuts
    the connection if the dialog is gone by then.
    """

    open_requested = Signal(str)


class AccountDialog(QDialog):
    """Add an account, or (given ``account``) sign in to it again.

    Signals:
        connected(object): the Account, verified and stored.
    """

    connected = Signal(object)

    def __init__(
        self,
        service: AccountService,
        tasks: TaskRunner,
        presets: Mapping[Network, SignInPreset],
        open_url: OpenUrl = open_in_system_browser,
        account: Account | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self._presets = presets
        self._open_url = open_url
        self._account = account
        self._handoff: BrowserHandoff | None = None
        self._busy = False
        self._fields: dict[str, QLineEdit] = {}
        self.setModal(True)
        self.setMinimumWidth(520)
        if account is None:
            self.setWindowTitle(self.tr("Add account"))
        else:
            self.setWindowTitle(
                self.tr("Sign in again: {name}").format(name=account.display_name or account.handle)
            )

        self.network_box = QComboBox()
        for network in NETWORK_ORDER:
            self.network_box.addItem(_network_name(network), network.value)
        self.network_box.setAccessibleName(self.tr("Network"))
        self.base_url_edit = QLineEdit()
        self.base_url_edit.setAccessibleName(self.tr("Address"))
        top = QFormLayout()
        top.addRow(self.tr("&Network:"), self.network_box)
        top.addRow(self.tr("&Address:"), self.base_url_edit)
        self.base_url_hint = QLabel()
        self.base_url_hint.setWordWrap(True)
        self.base_url_hint.setObjectName("hint")
        top.addRow("", self.base_url_hint)

        # -- browser sign-in --
        self.browser_group = QGroupBox(self.tr("Sign in in the browser"))
        browser_layout = QVBoxLayout(self.browser_group)
        browser_text = QLabel(
            self.tr(
                "Kanal opens the platform's sign-in page in your web browser. Sign in there and "
                "allow Kanal; the browser then hands the sign-in back to Kanal."
            )
        )
        browser_text.setWordWrap(True)
        browser_layout.addWidget(browser_text)
        self.app_form = QFormLayout()
        self.client_id_edit = QLineEdit()
        self.client_id_edit.setAccessibleName(self.tr("Client ID"))
        self.app_id_edit = QLineEdit()
        self.app_id_edit.setAccessibleName(self.tr("App ID"))
        self.app_secret_edit = QLineEdit()
        self.app_secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.app_secret_edit.setAccessibleName(self.tr("App secret"))
        self.app_form.addRow(self.tr("Client ID of the organisation's X app:"), self.client_id_edit)
        self.app_form.addRow(
            self.tr("App ID of the organisation's Facebook app:"), self.app_id_edit
        )
        self.app_form.addRow(self.tr("App secret (if the app requires it):"), self.app_secret_edit)
        browser_layout.addLayout(self.app_form)
        self.sign_in_button = QPushButton(self.tr("Sign in in the browser"))
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.sign_in_with_browser)
        browser_layout.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.browser_link = QLabel()
        self.browser_link.setWordWrap(True)
        self.browser_link.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.browser_link.setOpenExternalLinks(False)
        self.browser_link.linkActivated.connect(lambda url: self._open_url(url))
        self.browser_link.setVisible(False)
        browser_layout.addWidget(self.browser_link)

        # -- token or app password --
        self.manual_group = QGroupBox()
        manual_layout = QVBoxLayout(self.manual_group)
        self.manual_hint = QLabel()
        self.manual_hint.setWordWrap(True)
        manual_layout.addWidget(self.manual_hint)
        self.x_kind_box = QComboBox()
        self.x_kind_box.addItem(self.tr("OAuth 2.0 tokens"), "oauth2")
        self.x_kind_box.addItem(self.tr("OAuth 1.0a keys"), "oauth1")
        self.x_kind_box.setAccessibleName(self.tr("Kind of X credentials"))
        self.x_kind_box.currentIndexChanged.connect(lambda _i: self._rebuild_fields())
        manual_layout.addWidget(self.x_kind_box, 0, Qt.AlignmentFlag.AlignLeft)
        self.credential_form = QFormLayout()
        manual_layout.addLayout(self.credential_form)
        self.connect_button = QPushButton(self.tr("Connect"))
        self.connect_button.clicked.connect(self.connect_with_credentials)
        manual_layout.addWidget(self.connect_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.status_label = QLabel()
        self.status_label.setObjectName("dialogStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.browser_group)
        layout.addWidget(self.manual_group)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)

        self.network_box.currentIndexChanged.connect(lambda _i: self._on_network_changed())
        if account is not None:
            self.network_box.setCurrentIndex(NETWORK_ORDER.index(account.network))
            self.network_box.setEnabled(False)
        self._on_network_changed()
        if account is not None:
            self.base_url_edit.setText(account.base_url)

    # ----- what the form shows ----------------------------------------------------------------

    def network(self) -> Network:
        return Network(str(self.network_box.currentData()))

    def set_network(self, network: Network) -> None:
        self.network_box.setCurrentIndex(NETWORK_ORDER.index(network))

    def field(self, name: str) -> QLineEdit:
        """The entry for one credential (``access_token``, ``app_password``, ...)."""
        return self._fields[name]

    def _on_network_changed(self) -> None:
        network = self.network()
        preset = self._presets.get(network, SignInPreset())
        self.base_url_edit.setText(preset.base_url or DEFAULT_BASE_URLS.get(network, ""))
        self.base_url_edit.setPlaceholderText(_address_example(network))
        self.base_url_hint.setText(self._address_hint(network))
        self.client_id_edit.setText(preset.client_id)
        self.app_id_edit.setText(preset.app_id)
        self.app_secret_edit.setText(preset.app_secret)
        browser = network in BROWSER_SIGN_IN
        self.browser_group.setVisible(browser)
        self.app_form.setRowVisible(self.client_id_edit, network is Network.X)
        self.app_form.setRowVisible(self.app_id_edit, network is Network.FACEBOOK)
        self.app_form.setRowVisible(self.app_secret_edit, network is Network.FACEBOOK)
        self.browser_link.setVisible(False)
        if browser:
            self.manual_group.setTitle(self.tr("Or enter a token or app password instead"))
        elif network is Network.WORDPRESS:
            self.manual_group.setTitle(self.tr("Enter the application password"))
        else:
            self.manual_group.setTitle(self.tr("Enter the app password"))
        self.manual_hint.setText(self._manual_hint(network))
        self.x_kind_box.setVisible(network is Network.X)
        self.connect_button.setDefault(not browser)
        self._rebuild_fields()
        self.status_label.clear()

    def _rebuild_fields(self) -> None:
        while self.credential_form.rowCount():
            self.credential_form.removeRow(0)
        self._fields = {}
        for name in self._field_names():
            edit = QLineEdit()
            edit.setObjectName(f"credential_{name}")
            edit.setAccessibleName(self._field_label(name))
            if name in SECRET_FIELDS:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.credential_form.addRow(self._field_label(name) + ":", edit)
            self._fields[name] = edit

    def _field_names(self) -> tuple[str, ...]:
        network = self.network()
        if network is Network.WORDPRESS:
            return ("username", "application_password")
        if network is Network.BLUESKY:
            return ("identifier", "app_password")
        if network is Network.X:
            return X_OAUTH1_FIELDS if self.x_kind_box.currentData() == "oauth1" else X_OAUTH2_FIELDS
        return ("access_token",)

    def _field_label(self, name: str) -> str:
        labels = {
            "username": self.tr("User name"),
            "application_password": self.tr("Application password"),
            "identifier": self.tr("Handle or e-mail"),
            "app_password": self.tr("App password"),
            "client_id": self.tr("Client ID"),
            "access_token": self.tr("Access token"),
            "refresh_token": self.tr("Refresh token"),
            "consumer_key": self.tr("Consumer key"),
            "consumer_secret": self.tr("Consumer secret"),
            "access_token_secret": self.tr("Access token secret"),
        }
        return labels.get(name, name)

    def _address_hint(self, network: Network) -> str:
        if network is Network.WORDPRESS:
            return self.tr("The blog's address, as visitors see it.")
        if network is Network.MASTODON:
            return self.tr("The address of the Mastodon server the account is on.")
        if network is Network.FACEBOOK:
            return self.tr("The Graph API address with its version; the default is Facebook's.")
        if network is Network.X:
            return self.tr("The X API address; the default is X's own.")
        return self.tr("The account's server (PDS); the default is Bluesky's own.")

    def _manual_hint(self, network: Network) -> str:
        if network is Network.WORDPRESS:
            return self.tr(
                "Create an application password in WordPress under Users → Profile → "
                "Application passwords, and paste it here with your user name."
            )
        if network is Network.BLUESKY:
            return self.tr(
                "Create an app password in Bluesky under Settings → Privacy and security → App "
                "passwords. Never use the account's own password here."
            )
        if network is Network.FACEBOOK:
            return self.tr(
                "A user access token of someone who manages the Page; Kanal gets the Page's own "
                "token from it."
            )
        if network is Network.X:
            return self.tr("Tokens or keys from the organisation's app in the X developer portal.")
        return self.tr("An access token from the server's Preferences → Development.")

    # ----- connecting -------------------------------------------------------------------------

    def _base_url(self) -> str:
        return self.base_url_edit.text().strip()

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        for widget in (
            self.sign_in_button,
            self.connect_button,
            self.base_url_edit,
            self.client_id_edit,
            self.app_id_edit,
            self.app_secret_edit,
        ):
            widget.setEnabled(not busy)
        self.network_box.setEnabled(not busy and self._account is None)
        self.manual_group.setEnabled(not busy)
        self.status_label.setStyleSheet("")
        self.status_label.setText(text)

    @Slot()
    def sign_in_with_browser(self) -> None:
        """Run the browser sign-in on the pool, then verify and store the account there too."""
        if self._busy:
            return
        network = self.network()
        base_url = self._base_url()
        if not base_url:
            self._show_error(self.tr("Enter the address of the site or instance."))
            return
        relay = _BrowserRelay()
        relay.open_requested.connect(self._on_browser_requested)

        def open_from_worker(url: str) -> bool:
            relay.open_requested.emit(url)
            return True

        handoff = BrowserHandoff(open_from_worker)
        self._handoff = handoff
        client_id = self.client_id_edit.text().strip()
        app_id = self.app_id_edit.text().strip()
        app_secret = self.app_secret_edit.text().strip()
        service = self._service
        account = self._account

        def job() -> Account:
            credentials = sign_in_with_browser(
                network,
                base_url,
                handoff.open,
                client_id=client_id,
                app_id=app_id,
                app_secret=app_secret,
            )
            if account is not None:
                return service.reconnect(account.id, credentials, base_url)
            return service.add(network, base_url, credentials)

        self._set_busy(True, self.tr("Waiting for the sign-in in the browser…"))
        self._tasks.run(self, job, self._on_connected, self._on_failed)

    @Slot(str)
    def _on_browser_requested(self, url: str) -> None:
        self.browser_link.setText(
            self.tr("If no browser opened, open this address: {link}").format(
                link=f'<a href="{escape(url, quote=True)}">{escape(url[:80])}…</a>'
            )
        )
        self.browser_link.setVisible(True)
        self._open_url(url)

    @Slot()
    def connect_with_credentials(self) -> None:
        if self._busy:
            return
        network = self.network()
        base_url = self._base_url()
        values = {name: edit.text().strip() for name, edit in self._fields.items()}
        service = self._service
        account = self._account

        def job() -> Account:
            if account is not None:
                return service.reconnect(account.id, values, base_url)
            return service.add(network, base_url or None, values)

        self._set_busy(
            True, self.tr("Checking with {network}…").format(network=_network_name(network))
        )
        self._tasks.run(self, job, self._on_connected, self._on_failed)

    def _on_connected(self, account: Account) -> None:
        self._handoff = None
        self._set_busy(False)
        self.connected.emit(account)
        self.accept()

    def _on_failed(self, error: Exception) -> None:
        self._handoff = None
        self._set_busy(False)
        self._show_error(self.describe_error(error))

    def describe_error(self, error: Exception) -> str:
        if isinstance(error, MissingCredentials):
            names = ", ".join(self._field_label(name) for name in error.names)
            return self.tr("Fill in: {fields}").format(fields=names)
        if isinstance(error, MissingBaseUrl):
            return self.tr("Enter the address of the site or instance.")
        if isinstance(error, DuplicateAccount):
            return self.tr("This account is already connected.")
        if isinstance(error, SecretsUnavailable):
            return self.tr(
                "The credentials cannot be stored safely, because the system keyring cannot be "
                "used: {reason}"
            ).format(reason=str(error))
        if isinstance(error, NetworkError):
            return self.tr("Could not connect: {reason}").format(reason=error_reason(error))
        return str(error) or type(error).__name__

    def _show_error(self, text: str) -> None:
        self.status_label.setStyleSheet("color: #b00020;")
        self.status_label.setText(text)

    # ----- closing ----------------------------------------------------------------------------

    def abandon(self) -> None:
        """Stop waiting for the browser: the pool thread waiting for it ends at once.

        This sends one request to Kanal's own loopback listener (in this process, answered in
        well under a millisecond, bounded by a 2 s timeout), so it may run on the GUI thread.
        """
        handoff = self._handoff
        self._handoff = None
        if handoff is not None:
            handoff.cancel()

    def reject(self) -> None:
        self.abandon()
        super().reject()


def _network_name(network: Network) -> str:
    return NETWORK_NAMES[network]


def _address_example(network: Network) -> str:
    if network is Network.WORDPRESS:
        return "https://blogg.example.se"
    if network is Network.MASTODON:
        return "https://mastodon.example.se"
    return DEFAULT_BASE_URLS.get(network, "")
