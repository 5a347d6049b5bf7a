"""The one HTML policy for what strangers write (nh3, the Rust ``ammonia`` sanitiser).

Applied before anything is stored, so every later reader (the conversation pane, an export, a
future web view) gets harmless HTML. Kept: text structure, emphasis, lists, quotes, code, links
(http, https and mailto only, marked ``nofollow noopener noreferrer``) and images as ``src`` plus
``alt`` (the view never loads them unless the user asks). Dropped: scripts and styles with their
content, every event handler and ``style`` attribute (CSS can fetch URLs), forms, frames,
objects, SVG and MathML, comments. The ``dir`` attribute stays so right-to-left text renders
the right way round.
"""

from __future__ import annotations

import html

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "cite", "code", "del", "div", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li", "mark", "ol", "p",
        "pre", "q", "s", "small", "span", "strong", "sub", "sup", "u", "ul",
    }
)  # fmt: skip

_DIRECTIONAL = {"dir", "lang"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": set(_DIRECTIONAL),
    "a": {"href", "title", *_DIRECTIONAL},
    "img": {"src", "alt", "width", "height"},
    "abbr": {"title", *_DIRECTIONAL},
    "bdo": {"dir"},
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})

# A guard against pathological input: a comment is at most a few kB of HTML; anything past this
# is cut (after sanitising nothing can be cut open, as the cut happens on the input).
MAX_HTML_CHARS = 200_000


def sanitize_html(untrusted: str) -> str:
    """Harmless HTML from a stranger's HTML."""
    return nh3.clean(
        untrusted[:MAX_HTML_CHARS],
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style", "template", "noscript", "title"},
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
        link_rel="nofollow noopener noreferrer",
    )


def text_to_html(text: str) -> str:
    """HTML for a platform that gives plain text only: escaped, with line breaks kept."""
    escaped = html.escape(text[:MAX_HTML_CHARS], quote=True)
    paragraphs = [p.replace("\n", "<br>") for p in escaped.split("\n\n")]
    return "".join(f"<p>{p}</p>" for p in paragraphs if p.strip()) or "<p></p>"


def safe_item_html(untrusted_html: str, text: str) -> str:
    """What the store keeps for an item: its HTML sanitised, or its text made into HTML."""
    if untrusted_html.strip():
        return sanitize_html(untrusted_html)
    return text_to_html(text)
