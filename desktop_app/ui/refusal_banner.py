"""An in-window banner (and a tray message) for every publication that failed or was refused.

Why: a refusal found only in Sent is a refusal missed. The banner names the account and the
reason in the user's language, quotes the platform's own words, and offers only what can work:
"Retry" where an unchanged retry can succeed, "Edit and publish again" for a duplicate or a
content or rule refusal. A refusal leaves the banner as soon as it stops being true (retried,
cancelled, sent)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.domain.publications import Publication
from desktop_app.domain.refusals import Refusal, RefusalKind, refusal_of
from desktop_app.ui.targets import network_label

ShowTray = Callable[[str, str], None]


class RefusalBanner(QFrame):
    """Signals: edit_requested(draft_id), retry_requested(draft_id), sent_requested(),
    count_changed(number of current refusals)."""

    edit_requested = Signal(str)
    retry_requested = Signal(str)
    sent_requested = Signal()
    count_changed = Signal(int)

    def __init__(self, show_tray: ShowTray | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refusalBanner")
        self.setStyleSheet(
            "#refusalBanner { background: #fdecea; border-bottom: 1px solid #b00020; }"
            " #refusalBanner QLabel { color: #611a15; }"
        )
        self._show_tray = show_tray
        self._refusals: dict[str, Refusal] = {}
        self._dismissed: set[str] = set()
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName(self.tr("Publication refused"))
        self.action_button = QPushButton(self)
        self.action_button.clicked.connect(self._act)
        self.sent_button = QPushButton(self.tr("Show in Sent"), self)
        self.sent_button.clicked.connect(self.sent_requested.emit)
        self.close_button = QPushButton(self.tr("Dismiss"), self)
        self.close_button.setAccessibleName(self.tr("Dismiss the refusal message"))
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.message, 1)
        for button in (self.action_button, self.sent_button, self.close_button):
            layout.addWidget(button)
        self.hide()

    # ----- state ----------------------------------------------------------------------------

    def count(self) -> int:
        return len(self._refusals)

    def current(self) -> Refusal | None:
        """The newest refusal not dismissed: what the banner shows."""
        shown = [r for key, r in self._refusals.items() if key not in self._dismissed]
        return shown[-1] if shown else None

    def publication_changed(self, publication: Publication) -> None:
        """Add a new refusal (and announce it), or drop one that is no longer true."""
        refusal = refusal_of(publication)
        before = self.count()
        if refusal is None:
            self._refusals.pop(publication.id, None)
            self._dismissed.discard(publication.id)
        elif publication.id not in self._refusals:
            self._refusals[publication.id] = refusal
            self._announce(refusal)
        self._render()
        if self.count() != before:
            self.count_changed.emit(self.count())

    def dismiss(self) -> None:
        """Hide what is shown; the badge on Sent still counts it until it is dealt with."""
        self._dismissed.update(self._refusals)
        self._render()

    # ----- text -----------------------------------------------------------------------------

    def describe(self, refusal: Refusal) -> str:
        network = network_label(refusal.network)
        account = refusal.account_label or network
        texts = {
            RefusalKind.DUPLICATE: self.tr(
                "{network} refused the post to {account} as a duplicate: the same text was "
                "already posted. Change the text and publish again."
            ),
            RefusalKind.CONTENT: self.tr(
                "{network} refused the post to {account}. Edit it, or retry if the reason has "
                "passed."
            ),
            RefusalKind.RULES: self.tr(
                "Kanal stopped the post to {account} before sending: it breaks a rule of "
                "{network}. Edit it and publish again."
            ),
            RefusalKind.SIGN_IN: self.tr(
                "The post to {account} waits: sign in to {network} again, then retry."
            ),
            RefusalKind.OTHER: self.tr("The post to {account} on {network} was not published."),
        }
        text = texts[refusal.kind].format(network=network, account=account)
        if refusal.platform_words:
            said = (
                self.tr("Kanal's check said: “{words}”")
                if refusal.kind is RefusalKind.RULES
                else self.tr("{network} said: “{words}”")
            )
            text += " " + said.format(network=network, words=refusal.platform_words)
        others = self.count() - 1
        if others > 0:
            text += " " + self.tr("(%n more in Sent)", "", others)
        return text

    def _render(self) -> None:
        refusal = self.current()
        if refusal is None:
            self.hide()
            return
        self.message.setText(self.describe(refusal))
        can_retry = refusal.retry_can_succeed
        self.action_button.setText(
            self.tr("Retry") if can_retry else self.tr("Edit and publish again")
        )
        self.action_button.setVisible(refusal.draft_id is not None)
        self.show()

    def _announce(self, refusal: Refusal) -> None:
        if self._show_tray is not None:
            self._show_tray(self.tr("Kanal: not published"), self.describe(refusal))

    def _act(self) -> None:
        refusal = self.current()
        if refusal is None or refusal.draft_id is None:
            return
        if refusal.retry_can_succeed:
            self.retry_requested.emit(refusal.draft_id)
        else:
            self.edit_requested.emit(refusal.draft_id)
