"""The conversation pane: the thread an item belongs to, rendered safely, and the reply box.

Strangers' HTML is sanitised before it is stored (store/sanitize.py); here it is shown in a text
browser that loads nothing: ``loadResource`` refuses every URL (remote images, CSS, even local
files), so a tracking pixel never learns that someone read the comment. Links show their real
target when hovered and open in the system browser only after the user has seen that target.
An item's remote images are fetched only when the user presses that item's "Show images"
(remote_images.py); style sheets and scripts never are.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.config import DEFAULT_TIMEZONE
from desktop_app.domain.inbox import InboxItem, InboxState, RemoteState, RootPost
from desktop_app.ui.inbox.remote_images import FetchedImage, RemoteImageFetcher, image_sources

SHOW_IMAGES_SCHEME = "kanal-images"
IMAGE_RESOURCE = QTextDocument.ResourceType.ImageResource.value

NETWORK_LABELS = {
    "wordpress": "WordPress",
    "facebook": "Facebook",
    "x": "X",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
}


class SafeTextBrowser(QTextBrowser):
    """A text browser that never fetches anything and never follows a link by itself.

    It shows only the images the pane has fetched on the user's request (``granted``).

    Signals:
        resource_refused(str): a resource (image, style sheet) was asked for and not loaded.
        link_activated(QUrl): the user clicked a link (the pane decides what happens).
    """

    resource_refused = Signal(str)
    link_activated = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.refused: list[str] = []
        self.granted: dict[str, QImage] = {}
        self.anchorClicked.connect(self.link_activated.emit)

    def loadResource(self, kind: int, name: QUrl | str, /) -> Any:
        """Refuse every resource: nothing a stranger wrote may make Kanal touch the network.
        Only an image already fetched because the user asked for it is shown."""
        address = name.toString() if isinstance(name, QUrl) else str(name)
        if int(kind) == IMAGE_RESOURCE and address in self.granted:
            return self.granted[address]
        self.refused.append(address)
        self.resource_refused.emit(address)
        return None

    def show_html(self, document: str) -> None:
        self.refused.clear()
        self.setHtml(document)


def _local_time(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(DEFAULT_TIMEZONE)).strftime("%Y-%m-%d %H:%M")


def render_thread(
    items: list[InboxItem],
    selected_id: str | None,
    labels: dict[str, str],
    root: RootPost | None = None,
    show_images_links: dict[str, str] | None = None,
) -> str:
    """One HTML document for the thread; every stranger-supplied string is escaped or was
    sanitised before it was stored. ``show_images_links`` maps an item id to the address of its
    "Show images" action (items whose images are not shown)."""
    show_images_links = show_images_links or {}
    parts = ["<html><body>"]
    first = items[0] if items else None
    if root is not None and first is not None:
        heading = f"<b>{html.escape(root.title)}</b> " if root.title else ""
        when = f" · {_local_time(root.sent_at)}" if root.sent_at is not None else ""
        body = html.escape(root.text[:2000]).replace("\n", "<br>")
        # The link's text is its address: what is clicked is what is seen.
        address = html.escape(root.url, quote=True)
        link = (
            f"<br><a href='{address}'>{address}</a>"
            if root.url.startswith(("http://", "https://"))
            else ""
        )
        parts.append(
            f"<table width='100%' cellpadding='6' bgcolor='#eef4f8'><tr><td>"
            f"{heading}<span style='color:#666'>"
            f"{html.escape(NETWORK_LABELS.get(first.network.value, first.network.value))} · "
            f"{html.escape(root.author)}{when}</span>{link}<div>{body}</div></td></tr></table><hr>"
        )
    elif first is not None and first.root_post_remote_id:
        parts.append(
            f"<p style='color:#555'>{html.escape(labels['on_post'])} "
            f"{html.escape(NETWORK_LABELS.get(first.network.value, first.network.value))} · "
            f"{html.escape(first.root_post_remote_id)}</p><hr>"
        )
    for item in items:
        selected = item.id == selected_id
        background = "#fff8dc" if selected else "#ffffff"
        status = ""
        if item.state in (InboxState.HIDDEN, InboxState.DELETED):
            status = f" <b style='color:#a00'>[{html.escape(labels[item.state.value])}]</b>"
        elif item.remote_state is RemoteState.HELD:
            status = f" <b style='color:#a60'>[{html.escape(labels['held'])}]</b>"
        flags = ""
        if item.flags:
            flags = f" <b style='color:#a00'>⚠ {html.escape(labels['personal_data'])}</b>"
        parts.append(
            f"<table width='100%' cellpadding='6' bgcolor='{background}'><tr><td>"
            f"<b>{html.escape(item.author_name)}</b> "
            f"<span style='color:#666'>@{html.escape(item.author_handle.lstrip('@'))} · "
            f"{_local_time(item.created_at)}</span>{status}{flags}"
            f"<div>{item.html}</div>"
        )
        if item.id in show_images_links:
            address = html.escape(show_images_links[item.id], quote=True)
            parts.append(f"<p><a href='{address}'>{html.escape(labels['show_images'])}</a></p>")
        if item.answered_at is not None:
            parts.append(
                f"<p style='color:#2a7'>{html.escape(labels['answered_by'])} "
                f"{html.escape(item.answered_by or '')} · {_local_time(item.answered_at)}</p>"
            )
        parts.append("</td></tr></table>")
    parts.append("</body></html>")
    return "".join(parts)


class ConversationPane(QWidget):
    """Thread view, link target line, blocked-content note and the reply box.

    Signals:
        reply_requested(str): the user sends this reply to the shown item.
    """

    reply_requested = Signal(str)

    def __init__(
        self,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
        confirm_open: Callable[[QWidget, QUrl], bool] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._open_url = open_url
        self._confirm_open = confirm_open or _ask_before_opening
        self._item: InboxItem | None = None
        self._thread: list[InboxItem] = []
        self._root: RootPost | None = None
        # The "Show images" address carries a secret of this pane, so no link in content can
        # pose as the action (the sanitiser allows only http, https and mailto links anyway).
        self._images_token = secrets.token_hex(8)
        self._images_asked: set[str] = set()  # ids of items whose images the user asked for
        self._images_request = 0  # bumped when another item is shown: late images are dropped
        self._image_errors: list[str] = []
        self.images = RemoteImageFetcher(parent=self)
        self.images.fetched.connect(self._image_fetched)
        self.browser = SafeTextBrowser(self)
        self.browser.highlighted.connect(self._show_target)
        self.browser.link_activated.connect(self._link_clicked)
        self.browser.resource_refused.connect(self._resource_refused)
        self.link_target = QLabel(self)
        self.link_target.setTextFormat(self.link_target.textFormat().PlainText)
        self.blocked_note = QLabel(self)
        self.blocked_note.setVisible(False)
        self.reply_box = QPlainTextEdit(self)
        self.reply_box.setPlaceholderText(self.tr("Write a reply…"))
        self.reply_box.setMaximumHeight(110)
        self.reply_box.textChanged.connect(self._update_counter)
        self.counter = QLabel(self)
        self.send_button = QPushButton(self.tr("Send reply"), self)
        self.send_button.clicked.connect(self._send)
        reply_row = QHBoxLayout()
        self._reply_row = reply_row  # tools beside the reply (saved replies) go in here
        reply_row.addWidget(self.counter, 1)
        reply_row.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.link_target)
        layout.addWidget(self.blocked_note)
        layout.addWidget(self.reply_box)
        layout.addLayout(reply_row)
        self._reply_tools: list[QWidget] = []
        self._set_up_keyboard()
        self._labels = {
            "on_post": self.tr("Conversation on"),
            "hidden": self.tr("hidden"),
            "deleted": self.tr("deleted"),
            "held": self.tr("awaiting approval"),
            "personal_data": self.tr("may hold personal data"),
            "answered_by": self.tr("Answered by"),
            "show_images": self.tr("Show images"),
        }
        self.show_thread(None, [])

    @property
    def item(self) -> InboxItem | None:
        return self._item

    def show_thread(
        self, item: InboxItem | None, thread: list[InboxItem], root: RootPost | None = None
    ) -> None:
        if item is None or self._item is None or item.id != self._item.id:
            # Another item: images the user asked for stay with the one they were asked for.
            self._images_asked.clear()
            self._images_request += 1
            self._image_errors.clear()
            self.browser.granted.clear()
        self._item = item
        self._thread = (thread or [item]) if item is not None else []
        self._root = root
        self.link_target.clear()
        self._render()
        self.reply_box.setEnabled(item is not None)
        self.send_button.setEnabled(item is not None)
        self._update_counter()

    def show_images(self, item_id: str) -> int:
        """Fetch the remote images of this item of the shown thread, in the background; the
        pane shows them as they arrive. Returns how many were asked for."""
        item = next((i for i in self._thread if i.id == item_id), None)
        if item is None or item_id in self._images_asked:
            return 0
        self._images_asked.add(item_id)
        sources = [url for url in image_sources(item.html) if url not in self.browser.granted]
        self.images.fetch(self._images_request, sources)
        self._render()
        return len(sources)

    def shutdown(self) -> None:
        """Stop fetching images (the view calls this on close)."""
        self.images.shutdown()

    def _render(self) -> None:
        self.blocked_note.setVisible(False)
        if self._item is None:
            # tr() outside any f-string, so lupdate finds the text.
            prompt = self.tr("Select an item to read it.")
            self.browser.show_html("<p style='color:#666'>" + html.escape(prompt) + "</p>")
            return
        links = {
            item.id: f"{SHOW_IMAGES_SCHEME}:{self._images_token}/{item.id}"
            for item in self._thread
            if item.id not in self._images_asked and image_sources(item.html)
        }
        position = self.browser.verticalScrollBar().value()
        self.browser.show_html(
            render_thread(self._thread, self._item.id, self._labels, self._root, links)
        )
        self.browser.verticalScrollBar().setValue(position)
        if self._image_errors:
            self._show_note()

    def _image_fetched(self, fetched: FetchedImage) -> None:
        if fetched.request != self._images_request:
            return  # asked for an item no longer shown
        if fetched.image is None:
            self._image_errors.append(fetched.error)
            self._show_note()
            return
        self.browser.granted[fetched.url] = fetched.image
        self._render()

    def _set_up_keyboard(self) -> None:
        """Names for screen readers; Tab leaves the reply box; Ctrl+Enter sends it."""
        self.browser.setAccessibleName(self.tr("Conversation"))
        self.reply_box.setAccessibleName(self.tr("Reply"))
        self.reply_box.setAccessibleDescription(self.tr("Ctrl+Enter sends the reply"))
        self.reply_box.setTabChangesFocus(True)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            send = QShortcut(QKeySequence(keys), self.reply_box)
            send.setContext(Qt.ShortcutContext.WidgetShortcut)
            send.activated.connect(self._send_from_keyboard)

    def _send_from_keyboard(self) -> None:
        if self.send_button.isEnabled():
            self._send()

    def add_reply_tool(self, tool: QWidget) -> None:
        """A control beside Send (saved replies), reached by Tab before it."""
        self._reply_row.insertWidget(self._reply_row.count() - 1, tool)
        self._reply_tools.append(tool)
        QWidget.setTabOrder(self.reply_box, tool)
        QWidget.setTabOrder(tool, self.send_button)

    def focus_chain(self) -> list[QWidget]:
        """The pane's controls in reading order, for the inbox's tab order."""
        return [self.browser, self.reply_box, *self._reply_tools, self.send_button]

    def focus_reply(self) -> None:
        self.reply_box.setFocus()

    def clear_reply(self) -> None:
        self.reply_box.clear()

    def _update_counter(self) -> None:
        if self._item is None:
            self.counter.setText("")
            return
        # Loaded when the first reply is typed: the text rules bring twitter-text.
        from desktop_app.domain.text_rules import measure

        check = measure(self._item.network, self.reply_box.toPlainText())
        if check.limit is None:
            self.counter.setText(str(check.length))
        else:
            self.counter.setText(f"{check.length} / {check.limit}")
        over = not check.valid and bool(self.reply_box.toPlainText())
        self.counter.setStyleSheet("color: #c00; font-weight: bold;" if over else "")
        self.send_button.setEnabled(check.valid and bool(self.reply_box.toPlainText().strip()))

    def _send(self) -> None:
        text = self.reply_box.toPlainText()
        if self._item is not None and text.strip():
            self.reply_requested.emit(text)

    def _show_target(self, url: QUrl) -> None:
        self.link_target.setText(url.toString() if not url.isEmpty() else "")

    def _link_clicked(self, url: QUrl) -> None:
        if url.scheme() == SHOW_IMAGES_SCHEME:
            token, _slash, item_id = url.path().partition("/")
            if token == self._images_token:
                self.show_images(item_id)
            return
        if url.scheme() not in ("http", "https", "mailto"):
            return
        self._show_target(url)
        if self._confirm_open(self, url):
            self._open_url(url)

    def _resource_refused(self, _url: str) -> None:
        self._show_note()

    def _show_note(self) -> None:
        lines = []
        count = len(self.browser.refused)
        if count:
            lines.append(
                self.tr("%n remote image(s) not loaded, to protect your privacy.", "", count)
            )
        for error in self._image_errors[-3:]:
            lines.append(self.tr("An image could not be shown: {reason}").format(reason=error))
        self.blocked_note.setText("\n".join(lines))
        self.blocked_note.setVisible(bool(lines))


def _ask_before_opening(parent: QWidget, url: QUrl) -> bool:
    answer = QMessageBox.question(
        parent,
        parent.tr("Open link?"),
        parent.tr("Open this address in your web browser?\n\n%1").replace("%1", url.toString()),
    )
    return answer == QMessageBox.StandardButton.Yes
