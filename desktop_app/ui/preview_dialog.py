"""The per-network preview of the composer's draft: one tab per chosen network with the text as
it will go out (cut, or as X thread parts), the link card and the images with their alt text."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.networks import Network
from desktop_app.domain.platforms import colour
from desktop_app.domain.preview import PostPreview, PreviewImage, preview
from desktop_app.ui.targets import network_label

THUMBNAIL_WIDTH = 160


class PreviewDialog(QDialog):
    def __init__(
        self,
        previews: Sequence[PostPreview],
        data_dir: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preview per network"))
        self._data_dir = data_dir
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Preview per network"))
        self.pages: dict[Network, QTextBrowser] = {}
        for shown in previews:
            page = QTextBrowser(self)
            page.setOpenLinks(False)
            page.setAccessibleName(
                self.tr("Preview for {network}").format(network=network_label(shown.network))
            )
            page.document().setBaseUrl(QUrl.fromLocalFile(str(data_dir) + "/"))
            page.setHtml(self.page_html(shown))
            self.pages[shown.network] = page
            self.tabs.addTab(page, network_label(shown.network))
        if not previews:
            empty = QTextBrowser(self)
            empty.setAccessibleName(self.tr("Preview"))
            empty.setPlainText(self.tr("Tick an account or a network to see a preview."))
            self.tabs.addTab(empty, self.tr("Preview"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(620, 560)

    def page_html(self, shown: PostPreview) -> str:
        accent = colour(shown.network)
        out = [f"<div style='border-left: 4px solid {accent}; padding-left: 8px;'>"]
        if shown.title:
            out.append(f"<h2>{escape(shown.title)}</h2>")
        total = len(shown.parts)
        for index, part in enumerate(shown.parts, start=1):
            if total > 1:
                label = self.tr("Post {index} of {total}").format(index=index, total=total)
                out.append(f"<p style='color:#555;'><b>{escape(label)}</b></p>")
            body = escape(part).replace("\n", "<br>")
            out.append(
                "<table width='100%' style='border: 1px solid #c8c8c8; margin-bottom: 8px;'>"
                f"<tr><td style='padding: 8px;'>{body}</td></tr></table>"
            )
        if shown.cut:
            if shown.network is Network.X:
                warning = self.tr(
                    "The text is too long for {network}: only the part above fits. Shorten it, "
                    "customise it for {network}, or publish it as a thread."
                )
            else:
                warning = self.tr(
                    "The text is too long for {network}: only the part above fits. Shorten it "
                    "or customise it for {network}."
                )
            text = warning.format(network=network_label(shown.network))
            out.append(f"<p style='color:#8a1c00;'>{escape(text)}</p>")
        if shown.link:
            host = urlsplit(shown.link).hostname or shown.link
            card = self.tr("Link card")
            out.append(
                "<table width='100%' style='border: 1px solid #c8c8c8; background: #f4f6f8;'>"
                f"<tr><td style='padding: 8px;'><b>{escape(card)}</b><br>"
                f"{escape(host)}<br><span style='color:#444;'>{escape(shown.link)}</span>"
                "</td></tr></table>"
            )
        for number, image in enumerate(shown.images, start=1):
            out.append(self._image_html(number, image))
        out.append("</div>")
        return "".join(out)

    def _image_html(self, number: int, image: PreviewImage) -> str:
        source = QUrl.fromLocalFile(str(self._data_dir / image.path)).toString()
        alt = image.alt_text.strip()
        caption = (
            self.tr("Image {number} — alt text: “{alt}”").format(number=number, alt=alt)
            if alt
            else self.tr("Image {number} — ⚠ no alt text").format(number=number)
        )
        colour_ = "#333" if alt else "#8a1c00"
        return (
            f"<p><img src='{escape(source)}' width='{THUMBNAIL_WIDTH}'><br>"
            f"<span style='color:{colour_};'>{escape(caption)}</span></p>"
        )


def composer_previews(
    networks: Sequence[Network],
    text_for: dict[Network, str],
    title: str,
    images: Sequence[PreviewImage],
    as_thread: bool,
) -> list[PostPreview]:
    """One preview per chosen network, with that network's own text if it was customised."""
    return [
        preview(network, text_for[network], title=title, images=images, as_thread=as_thread)
        for network in networks
    ]
