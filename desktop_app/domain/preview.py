"""How a draft will look on each network, before it is published (pure).

What the preview shows is what the rules will do: the text as one post (cut where the network
cuts it, so the officer sees what would be lost), or as X thread parts when a thread is asked
for; the first link, which networks turn into a card; and each image with its alt text (or the
lack of one)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.domain.networks import Network
from desktop_app.domain.text_rules import measure
from desktop_app.domain.threads import ThreadTooLong, split_thread

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
ELLIPSIS = "…"


@dataclass(frozen=True)
class PreviewImage:
    path: str
    alt_text: str


@dataclass(frozen=True)
class PostPreview:
    network: Network
    title: str
    parts: tuple[str, ...]  # one post, or the parts of an X thread
    cut: bool  # the text is over the limit and shown cut where the network would refuse it
    link: str | None  # the first address: the link card's target
    images: tuple[PreviewImage, ...]

    @property
    def images_without_alt(self) -> int:
        return sum(1 for image in self.images if not image.alt_text.strip())


def first_link(text: str) -> str | None:
    match = _URL.search(text)
    return match.group(0) if match else None


def fits(network: Network, text: str) -> bool:
    measured = measure(network, text)
    return measured.limit is None or measured.over_by == 0


def cut_to_fit(network: Network, text: str) -> str:
    """The longest start of ``text`` (plus "…") the network accepts; the text if it fits."""
    if fits(network, text):
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that still fits with the ellipsis
        middle = (low + high + 1) // 2
        if fits(network, text[:middle].rstrip() + ELLIPSIS):
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def preview(
    network: Network,
    text: str,
    *,
    title: str = "",
    images: Sequence[PreviewImage] = (),
    as_thread: bool = False,
) -> PostPreview:
    text = text.strip()
    parts: tuple[str, ...]
    cut = False
    if network is Network.X and as_thread and not fits(network, text):
        try:
            parts = tuple(
                split_thread(text, lambda part: measure(Network.X, part).length, _x_limit())
            )
        except ThreadTooLong:
            parts, cut = (cut_to_fit(network, text),), True
    elif fits(network, text):
        parts = (text,)
    else:
        parts, cut = (cut_to_fit(network, text),), True
    return PostPreview(
        network=network,
        title=title.strip() if network is Network.WORDPRESS else "",
        parts=parts,
        cut=cut,
        link=first_link(text),
        images=tuple(images),
    )


def _x_limit() -> int:
    limit = measure(Network.X, "").limit
    return limit if limit is not None else 280
