"""Remote images in strangers' content, fetched only when the user asks, off the GUI thread.

A tracking pixel learns that someone read a comment the moment it is fetched, so nothing is
fetched until the user presses "Show images" on one item; then only that item's images are asked
for: http or https only, each with a timeout, at most ``MAX_IMAGE_BYTES``, only image content
types (not SVG, which can carry scripts and references of its own), decoded with QImage. Style
sheets and scripts are never fetched.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from desktop_app.domain.errors import NetworkError

MAX_IMAGE_BYTES = 5 * 1024 * 1024
TIMEOUT_S = (5.0, 15.0)  # connect, read
CHUNK_BYTES = 64 * 1024
REFUSED_TYPES = frozenset({"image/svg+xml"})

if TYPE_CHECKING:
    import requests

    from desktop_app.networks.http import HttpClient

HttpGet = Callable[..., "requests.Response"]


_client: HttpClient | None = None  # made on first use: importing requests waits until then
_client_lock = threading.Lock()


def client_get(url: str, **kwargs: object) -> requests.Response:
    """GET through Kanal's one HTTP client: OS trust store, proxy/PAC rules, loopback direct."""
    from desktop_app.networks.http import HttpClient

    global _client
    with _client_lock:
        if _client is None:
            _client = HttpClient(timeout=TIMEOUT_S, max_retries=1)
    kwargs.pop("allow_redirects", None)  # the client follows redirects for every GET
    return _client.get(url, platform="the image server", **kwargs)


class ImageRefused(Exception):
    """The answer is not an image Kanal will show (type, size, undecodable)."""


def image_sources(document: str) -> list[str]:
    """The http(s) ``src`` of every ``<img>`` in ``document``, in order, without repeats."""
    collector = _ImageCollector()
    collector.feed(document)
    collector.close()
    return list(dict.fromkeys(collector.sources))


def is_fetchable(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def fetch_image(url: str, http_get: HttpGet | None = None) -> QImage:
    """Download and decode one image; raise ImageRefused or a requests error."""
    if http_get is None:
        http_get = client_get  # the one HTTP client, created on the fetching thread
    if not is_fetchable(url):
        raise ImageRefused(f"not an http(s) address: {url}")
    with http_get(url, timeout=TIMEOUT_S, stream=True, allow_redirects=True) as response:
        response.raise_for_status()
        if not is_fetchable(response.url):
            raise ImageRefused(f"redirected away from http(s): {response.url}")
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not content_type.startswith("image/") or content_type in REFUSED_TYPES:
            raise ImageRefused(f"not an image: {content_type or 'no content type'}")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_IMAGE_BYTES:
            raise ImageRefused(f"too large: {declared} bytes")
        body = bytearray()
        for chunk in response.iter_content(CHUNK_BYTES):
            body.extend(chunk)
            if len(body) > MAX_IMAGE_BYTES:
                raise ImageRefused(f"too large: over {MAX_IMAGE_BYTES} bytes")
    image = QImage.fromData(bytes(body))
    if image.isNull():
        raise ImageRefused("the data is not an image Kanal can decode")
    return image


@dataclass(frozen=True)
class FetchedImage:
    request: int  # which press of "Show images" asked for it
    url: str
    image: QImage | None
    error: str = ""


class RemoteImageFetcher(QObject):
    """Fetches images on a small thread pool; reports each on the GUI thread.

    Signals:
        fetched(object): a FetchedImage (with an image, or the error that stopped it).
    """

    fetched = Signal(object)

    def __init__(self, http_get: HttpGet | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._http_get = http_get
        self._executor: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=2, thread_name_prefix="kanal-images"
        )
        self._futures: set[Future[None]] = set()

    def fetch(self, request: int, urls: list[str]) -> None:
        if self._executor is None:
            return
        for url in urls:
            future = self._executor.submit(self._fetch_one, request, url)
            self._futures.add(future)
            future.add_done_callback(self._futures.discard)

    def shutdown(self) -> None:
        """Drop what has not started; a running download ends at its timeout at the latest."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _fetch_one(self, request: int, url: str) -> None:
        import requests

        try:
            result = FetchedImage(request, url, fetch_image(url, self._http_get))
        except (ImageRefused, NetworkError, requests.RequestException) as error:
            result = FetchedImage(request, url, None, str(error) or type(error).__name__)
        if self._executor is None:
            return  # shut down meanwhile: nobody is listening
        # Emitted from this worker thread; the receiver in the GUI thread gets it queued. A
        # RuntimeError means the pane was deleted while the image was on its way.
        with contextlib.suppress(RuntimeError):
            self.fetched.emit(result)


class _ImageCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "img":
            return
        for name, value in attrs:
            if name == "src" and value and is_fetchable(value.strip()):
                self.sources.append(value.strip())
