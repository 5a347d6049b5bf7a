"""The Accounts section: which accounts Kanal posts as, whether each works, and connecting,
checking, signing in again and removing them.

Every platform call runs on the section's thread pool through the account service (which does
its database work on the window's database thread); the list itself is read on the database
thread. Results come back as signals, so the window never waits for a platform.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import (
    QAbstractListModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimeZone,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.accounts import Account, AccountStatus
from desktop_app.domain.errors import NetworkError
from desktop_app.domain.networks import Network
from desktop_app.ui import draft_jobs
from desktop_app.ui.formatting import ui_locale
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    # The account service, the dialog and the avatar cache bring the HTTP stack with them; they
    # are imported on first use, so the window opens without waiting for it.
    from desktop_app.engine.accounts import AccountService, SignInPreset
    from desktop_app.engine.avatars import AvatarCache
    from desktop_app.networks.health import AccountHealth
    from desktop_app.ui.account_dialog import AccountDialog
    from desktop_app.ui.channel_register import ChannelRegisterDialog

OpenUrl = Callable[[str], object]
NETWORK_NAMES: dict[Network, str] = {
    Network.WORDPRESS: "WordPress",
    Network.FACEBOOK: "Facebook",
    Network.X: "X",
    Network.MASTODON: "Mastodon",
    Network.BLUESKY: "Bluesky",
}

AVATAR_SIZE = 40
ROW_HEIGHT = 60
# The placeholder disc's colour: the platform's own, so the list can be scanned by colour.
NETWORK_COLOURS: dict[Network, str] = {
    Network.WORDPRESS: "#21759b",
    Network.FACEBOOK: "#1877f2",
    Network.X: "#14171a",
    Network.MASTODON: "#6364ff",
    Network.BLUESKY: "#0a7aff",
}
STATUS_COLOURS: dict[AccountStatus, str] = {
    AccountStatus.WORKING: "#1b5e20",
    AccountStatus.NEEDS_SIGN_IN: "#b00020",
    AccountStatus.RATE_LIMITED: "#8a4b00",
    AccountStatus.UNVERIFIED: "#555555",
}

ACCOUNT_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_TEXT_ROLE = Qt.ItemDataRole.UserRole + 2
SUBTITLE_ROLE = Qt.ItemDataRole.UserRole + 3
BUSY_ROLE = Qt.ItemDataRole.UserRole + 4

Confirm = Callable[[QWidget, str, str], bool]
AvatarFilter = Callable[[str, Account], bool]


def loopback_only(url: str, _account: Account) -> bool:
    """Avatars from this machine only (practice mode's emulator)."""
    return urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")


def open_in_system_browser(url: str) -> bool:
    return QDesktopServices.openUrl(QUrl(url))


def confirm_with_message_box(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def shown_handle(account: Account) -> str:
    """The handle people recognise; a Facebook page's handle is only its number."""
    if account.network is Network.FACEBOOK and account.handle == account.remote_id:
        return ""
    return account.handle


def placeholder_avatar(account: Account, size: int = AVATAR_SIZE) -> QPixmap:
    """A disc in the platform's colour with the account's initial, until the avatar arrives."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(NETWORK_COLOURS[account.network]))
    painter.drawEllipse(0, 0, size, size)
    name = (account.display_name or account.handle.lstrip("@") or "?").strip()
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(int(size * 0.45))
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, name[:1].upper())
    painter.end()
    return pixmap


def round_image(image: QImage, under: QPixmap) -> QPixmap:
    """The avatar cut to a circle and drawn over the placeholder (which shows through any
    transparent parts)."""
    size = under.width()
    scaled = image.scaled(
        QSize(size, size),
        Qt.AspectRatioMode.KeepAspectRatioByExpanding,
        Qt.TransformationMode.SmoothTransformation,
    )
    result = QPixmap(under)
    painter = QPainter(result)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    clip = QPainterPath()
    clip.addEllipse(0, 0, size, size)
    painter.setClipPath(clip)
    painter.drawImage(0, 0, scaled)
    painter.end()
    return result


class AccountListModel(QAbstractListModel):
    """The accounts, in the order the store lists them (by network, then name)."""

    def __init__(
        self, status_text: Callable[[Account], str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._accounts: list[Account] = []
        self._busy: set[str] = set()
        self._status_text = status_text

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._accounts)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._accounts):
            return None
        account = self._accounts[index.row()]
        if role == ACCOUNT_ROLE:
            return account
        if role == STATUS_TEXT_ROLE:
            return self._status_text(account)
        if role == SUBTITLE_ROLE:
            handle = shown_handle(account)
            network = NETWORK_NAMES[account.network]
            return f"{network} · {handle}" if handle else network
        if role == BUSY_ROLE:
            return account.id in self._busy
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            name = account.display_name or account.handle
            return f"{name}, {self.data(index, SUBTITLE_ROLE)}, {self._status_text(account)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return account.base_url
        return None

    def accounts(self) -> list[Account]:
        return list(self._accounts)

    def set_accounts(self, accounts: list[Account]) -> None:
        self.beginResetModel()
        self._accounts = list(accounts)
        self._busy &= {a.id for a in accounts}
        self.endResetModel()

    def row_of(self, account_id: str) -> int:
        return next((i for i, a in enumerate(self._accounts) if a.id == account_id), -1)

    def update_account(self, account: Account) -> None:
        row = self.row_of(account.id)
        if row < 0:
            return
        self._accounts[row] = account
        self.dataChanged.emit(self.index(row), self.index(row))

    def set_busy(self, account_id: str, busy: bool) -> None:
        if busy:
            self._busy.add(account_id)
        else:
            self._busy.discard(account_id)
        row = self.row_of(account_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row), self.index(row))


class AccountDelegate(QStyledItemDelegate):
    """Avatar, name, network and handle, and the status in its colour on the right."""

    def __init__(
        self,
        avatar_for: Callable[[Account], QPixmap],
        checking_text: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._avatar_for = avatar_for
        self._checking_text = checking_text

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(option.rect.width(), ROW_HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        account = index.data(ACCOUNT_ROLE)
        if not isinstance(account, Account):
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        margin = (ROW_HEIGHT - AVATAR_SIZE) // 2
        painter.drawPixmap(rect.left() + 12, rect.top() + margin, self._avatar_for(account))
        text_left = rect.left() + 12 + AVATAR_SIZE + 12
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        status = str(index.data(STATUS_TEXT_ROLE))
        if index.data(BUSY_ROLE):
            status = self._checking_text
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        # The status as a pill in its colour, readable on a selected row too.
        metrics = painter.fontMetrics()
        pill_height = metrics.height() + 8
        pill_width = metrics.horizontalAdvance(status) + 20
        status_rect = QRect(
            rect.right() - pill_width - 12,
            rect.top() + (rect.height() - pill_height) // 2,
            pill_width,
            pill_height,
        )
        colour = QColor(STATUS_COLOURS[account.status])
        background = QColor("#ffffff") if selected else QColor(colour)
        if not selected:
            background.setAlpha(28)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(status_rect, pill_height / 2, pill_height / 2)
        painter.setPen(colour)
        painter.drawText(status_rect, Qt.AlignmentFlag.AlignCenter, status)
        text_width = max(40, status_rect.left() - text_left - 12)
        name_rect = QRect(text_left, rect.top() + 9, text_width, rect.height() // 2 - 9)
        painter.setPen(text_colour)
        name = account.display_name or account.handle
        painter.drawText(
            name_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, text_width),
        )
        painter.setFont(option.font)
        subtitle_rect = QRect(
            text_left, rect.top() + rect.height() // 2, text_width, rect.height() // 2 - 9
        )
        if not selected:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            subtitle_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            painter.fontMetrics().elidedText(
                str(index.data(SUBTITLE_ROLE)), Qt.TextElideMode.ElideRight, text_width
            ),
        )
        painter.restore()


class AccountsView(QWidget):
    """The Accounts section.

    Signals:
        accounts_changed(list): the accounts as now stored (after loading, adding, checking,
            signing in again or removing), for the composer's and the drafts' account lists.
        status_message(str): something worth a line in the status bar.
    """

    accounts_changed = Signal(list)
    status_message = Signal(str)

    def __init__(
        self,
        worker: TaskRunner,
        service_factory: Callable[[], AccountService],
        display_zone: QTimeZone,
        avatars_dir: Path | None = None,
        presets: Mapping[Network, SignInPreset] | None = None,
        open_url: OpenUrl = open_in_system_browser,
        confirm: Confirm = confirm_with_message_box,
        avatar_filter: AvatarFilter | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``avatar_filter(url, account)`` narrows which avatars are fetched (practice mode:
        only the emulator's, so it never reaches out to the internet)."""
        super().__init__(parent)
        self._worker = worker
        self._service_factory = service_factory
        self._service: AccountService | None = None
        self._zone = display_zone
        self._avatars_dir = avatars_dir
        self._avatars: AvatarCache | None = None
        self._avatar_filter = avatar_filter
        self._presets = dict(presets or {})
        self._open_url = open_url
        self._confirm = confirm
        self._pixmaps: dict[str, QPixmap] = {}  # account id + avatar URL -> the painted avatar
        self._pending_avatars: set[str] = set()
        self._dialog: AccountDialog | None = None
        self._select_after_refresh: str | None = None
        self._closed = False

        heading = QLabel(self.tr("Accounts"))
        heading.setObjectName("sectionHeading")
        intro = QLabel(
            self.tr(
                "The accounts Kanal posts as. Their passwords and tokens are kept in the "
                "system keyring, never in Kanal's database."
            )
        )
        intro.setWordWrap(True)

        self.model = AccountListModel(self.status_text, self)
        self.list = QListView(self)
        self.list.setObjectName("accountList")
        self.list.setAccessibleName(self.tr("Connected accounts"))
        self.list.setModel(self.model)
        self.list.setItemDelegate(
            AccountDelegate(self._avatar_for, self.tr("Checking…"), self.list)
        )
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())

        self.empty_label = QLabel(
            self.tr("No accounts yet. Add the blog, Facebook Page, X, Mastodon or Bluesky account.")
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setVisible(False)  # until the accounts have been read

        self.add_button = QPushButton(self.tr("Add account…"))
        self.add_button.clicked.connect(self.open_add_dialog)
        self.verify_button = QPushButton(self.tr("Check again"))
        self.verify_button.setToolTip(self.tr("Ask the platform whether the account still works"))
        self.verify_button.clicked.connect(self.verify_selected)
        self.health_button = QPushButton(self.tr("Account check…"))
        self.health_button.setToolTip(
            self.tr("Token, expiry, permissions and rate limits, each with what to do")
        )
        self.health_button.clicked.connect(self.check_health_of_selected)
        self.health_box: QMessageBox | None = None  # the last check's answer, while open
        self.register_button = QPushButton(self.tr("Channel register…"))
        self.register_button.setToolTip(
            self.tr("Purpose, responsible person, start date and moderation notice (BBS law §3)")
        )
        self.register_button.clicked.connect(self.edit_register_of_selected)
        self.register_dialog: ChannelRegisterDialog | None = None
        self.verify_all_button = QPushButton(self.tr("Check all"))
        self.verify_all_button.clicked.connect(self.verify_all)
        self.sign_in_button = QPushButton(self.tr("Sign in again…"))
        self.sign_in_button.clicked.connect(self.open_sign_in_again_dialog)
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.verify_button,
            self.health_button,
            self.register_button,
            self.verify_all_button,
            self.sign_in_button,
            self.remove_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.message_label = QLabel()
        self.message_label.setObjectName("accountsMessage")
        self.message_label.setAccessibleName(self.tr("Accounts message"))
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message_label)
        self._update_buttons()

        worker.store_opened.connect(self.refresh)

    @property
    def service(self) -> AccountService:
        if self._service is None:
            self._service = self._service_factory()
        return self._service

    # ----- texts ----------------------------------------------------------------------------

    def status_text(self, account: Account) -> str:
        if account.status is AccountStatus.WORKING:
            return self.tr("Working")
        if account.status is AccountStatus.NEEDS_SIGN_IN:
            return self.tr("Needs sign-in again")
        if account.status is AccountStatus.RATE_LIMITED:
            if account.rate_limited_until is None:
                return self.tr("Rate-limited")
            return self.tr("Rate-limited until {time}").format(
                time=self.local_time(account.rate_limited_until)
            )
        return self.tr("Not checked yet")

    def local_time(self, moment: datetime) -> str:
        """HH:MM in the display time zone; with the date when it is not today there."""
        utc = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        shown = QDateTime.fromSecsSinceEpoch(int(utc.timestamp()), self._zone)
        locale = ui_locale()
        clock = locale.toString(shown.time(), "HH:mm")
        today = QDateTime.currentDateTime().toTimeZone(self._zone).date()
        if shown.date() == today:
            return clock
        return f"{locale.toString(shown.date(), QLocale.FormatType.ShortFormat)} {clock}"

    # ----- loading --------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Read the accounts again (on the database thread)."""
        if self._closed:
            return
        self._worker.submit(self, draft_jobs.list_accounts, self._on_accounts, self._on_failed)

    def _on_accounts(self, accounts: list[Account]) -> None:
        current = self.selected_account()
        wanted = self._select_after_refresh or (current.id if current is not None else None)
        self._select_after_refresh = None
        self.model.set_accounts(accounts)
        self.empty_label.setVisible(not accounts)
        if wanted is not None:
            self.select_account(wanted)
        self._update_buttons()
        self.accounts_changed.emit(list(accounts))

    def accounts(self) -> list[Account]:
        return self.model.accounts()

    def selected_account(self) -> Account | None:
        value = self.list.currentIndex().data(ACCOUNT_ROLE)
        return value if isinstance(value, Account) else None

    def select_account(self, account_id: str) -> None:
        row = self.model.row_of(account_id)
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))

    def _update_buttons(self) -> None:
        account = self.selected_account()
        has_one = account is not None
        self.verify_button.setEnabled(has_one)
        self.health_button.setEnabled(has_one)
        self.register_button.setEnabled(has_one)
        self.remove_button.setEnabled(has_one)
        self.sign_in_button.setEnabled(has_one)
        self.verify_all_button.setEnabled(bool(self.model.rowCount()))

    # ----- avatars --------------------------------------------------------------------------

    def _avatar_for(self, account: Account) -> QPixmap:
        key = f"{account.id} {account.avatar_url}"
        cached = self._pixmaps.get(key)
        if cached is not None:
            return cached
        placeholder = placeholder_avatar(account)
        url = account.avatar_url
        if self._avatars_dir is None or not url:
            return placeholder
        from desktop_app.engine.avatars import AvatarCache, allowed_avatar_url

        if self._avatars is None:
            self._avatars = AvatarCache(self._avatars_dir)
        path = self._avatars.cached(url)
        if path is not None:
            return self._remember_avatar(key, path, placeholder)
        wanted = allowed_avatar_url(url, account) and (
            self._avatar_filter is None or self._avatar_filter(url, account)
        )
        if key not in self._pending_avatars and wanted:
            self._pending_avatars.add(key)
            cache = self._avatars

            def arrived(found: Path | None) -> None:
                self._pending_avatars.discard(key)
                self._remember_avatar(key, found, placeholder)
                self.list.viewport().update()

            def failed(_error: Exception) -> None:
                self._pending_avatars.discard(key)
                self._pixmaps[key] = placeholder  # no retry storm; the next start tries again

            self._worker.run(self, lambda: cache.fetch(url, account), arrived, failed)
        return placeholder

    def _remember_avatar(self, key: str, path: Path | None, placeholder: QPixmap) -> QPixmap:
        pixmap = placeholder
        if path is not None:
            image = QImage(str(path))
            if not image.isNull():
                pixmap = round_image(image, placeholder)
        self._pixmaps[key] = pixmap
        return pixmap

    # ----- actions --------------------------------------------------------------------------

    @Slot()
    def verify_selected(self) -> None:
        account = self.selected_account()
        if account is not None:
            self.verify(account.id)

    @Slot()
    def verify_all(self) -> None:
        for account in self.model.accounts():
            self.verify(account.id)

    def verify(self, account_id: str) -> None:
        """Ask the platform (on the pool) and show the answer."""
        self.model.set_busy(account_id, True)
        service = self.service

        def done(account: Account) -> None:
            self.model.set_busy(account_id, False)
            self.model.update_account(account)
            self._show_message(
                self.tr("{name}: {status}").format(
                    name=account.display_name or account.handle, status=self.status_text(account)
                )
            )
            self.accounts_changed.emit(self.model.accounts())

        def failed(error: Exception) -> None:
            self.model.set_busy(account_id, False)
            self._on_failed(error)

        self._worker.run(self, lambda: service.verify(account_id), done, failed)

    @Slot()
    def edit_register_of_selected(self) -> None:
        """The selected account's entry in the channel register, edited in a dialog."""
        account = self.selected_account()
        if account is None:
            return
        from desktop_app.ui.channel_register import ChannelRegisterDialog

        actor = self.service.actor or ""
        self.register_dialog = ChannelRegisterDialog(
            self._worker, account.id, account.display_name or account.handle, actor, self
        )
        self.register_dialog.saved.connect(
            lambda _entry: self._show_message(self.tr("The channel register was saved."))
        )
        self.register_dialog.open()

    @Slot()
    def check_health_of_selected(self) -> None:
        """The account diagnostic (accounts check) on the worker lane; the answer in a box."""
        account = self.selected_account()
        if account is None:
            return
        from desktop_app.ui.account_health import health_box

        self.model.set_busy(account.id, True)
        service, name = self.service, account.display_name or account.handle

        def done(health: AccountHealth) -> None:
            self.model.set_busy(account.id, False)
            self.health_box = health_box(self, name, health)
            self.health_box.open()

        def failed(error: Exception) -> None:
            self.model.set_busy(account.id, False)
            self._on_failed(error)

        self._worker.run(self, lambda: service.check(account.id), done, failed)

    @Slot()
    def remove_selected(self) -> None:
        account = self.selected_account()
        if account is None:
            return
        name = account.display_name or account.handle
        confirmed = self._confirm(
            self,
            self.tr("Remove account"),
            self.tr(
                "Remove {name} ({network}) from Kanal? Its password or token is deleted from the "
                "keyring. Nothing is deleted on {network}."
            ).format(name=name, network=NETWORK_NAMES[account.network]),
        )
        if not confirmed:
            return
        self.model.set_busy(account.id, True)
        service = self.service

        def done(removed: Account) -> None:
            self._show_message(self.tr("Removed {name}.").format(name=name))
            self.refresh()

        def failed(error: Exception) -> None:
            self.model.set_busy(account.id, False)
            self._on_failed(error)
            self.refresh()

        self._worker.run(self, lambda: service.remove(account.id), done, failed)

    @Slot()
    def open_add_dialog(self) -> AccountDialog:
        return self._open_dialog(None)

    @Slot()
    def open_sign_in_again_dialog(self) -> AccountDialog | None:
        account = self.selected_account()
        if account is None:
            return None
        return self._open_dialog(account)

    def _open_dialog(self, account: Account | None) -> AccountDialog:
        from desktop_app.ui.account_dialog import AccountDialog

        if self._dialog is not None:
            self._dialog.reject()
        dialog = AccountDialog(
            self.service, self._worker, self._presets, self._open_url, account=account, parent=self
        )
        dialog.connected.connect(self._on_connected)
        dialog.finished.connect(lambda _code: self._forget_dialog(dialog))
        self._dialog = dialog
        dialog.open()
        return dialog

    @property
    def dialog(self) -> AccountDialog | None:
        """The Add account / Sign in again dialog while it is open."""
        return self._dialog

    def _forget_dialog(self, dialog: AccountDialog) -> None:
        if self._dialog is dialog:
            self._dialog = None
        dialog.deleteLater()

    @Slot(object)
    def _on_connected(self, account: Account) -> None:
        self._show_message(
            self.tr("Connected {name} ({network}).").format(
                name=account.display_name or account.handle,
                network=NETWORK_NAMES[account.network],
            )
        )
        self._select_after_refresh = account.id
        self.refresh()

    def _show_message(self, text: str, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("color: #b00020;" if error else "")
        self.status_message.emit(text)

    def _on_failed(self, error: Exception) -> None:
        if isinstance(error, NetworkError):
            text = self.tr("Could not reach the platform: {reason}").format(
                reason=getattr(error, "reason", None) or error.message
            )
        else:
            text = str(error) or type(error).__name__
        self._show_message(text, error=True)

    # ----- closing --------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Abandon a waiting browser sign-in (the task runner joins the calls). Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._dialog is not None:
            self._dialog.abandon()
