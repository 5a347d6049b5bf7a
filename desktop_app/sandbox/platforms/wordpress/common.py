"""Constants and text helpers of the WordPress emulator, and the site's local time.

The emulated site runs in Europe/Stockholm time, like the authority's real one: every ``date``
and ``modified`` field is local wall-clock time, ``*_gmt`` is UTC, and ``after``/``before`` are
compared with the local dates as WordPress core does (see ``local_bound``).
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

POST_STATUSES = ("publish", "future", "draft", "pending", "private")
COMMENT_STATUS_OUT = {
    "approve": "approved",
    "approved": "approved",
    "1": "approved",
    "hold": "hold",
    "0": "hold",
    "unapproved": "hold",
    "spam": "spam",
    "trash": "trash",
}
# The statuses a trainer or a test may give a staged comment (as GET /_sandbox/state shows them).
STAGE_COMMENT_STATUSES = ("approved", "hold", "spam")
ALLOWED_COMMENT_TAGS = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "acronym": {"title"},
    "b": set(),
    "blockquote": {"cite"},
    "cite": set(),
    "code": set(),
    "del": {"datetime"},
    "em": set(),
    "i": set(),
    "q": {"cite"},
    "s": set(),
    "strike": set(),
    "strong": set(),
}
TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
ATTR_RE = re.compile(r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)")
POST_ORDERBY = (
    "author",
    "date",
    "id",
    "include",
    "modified",
    "parent",
    "relevance",
    "slug",
    "include_slugs",
    "title",
)
COMMENT_ORDERBY = ("date", "date_gmt", "id", "include", "post", "parent", "type")
ADMIN_CAPABILITIES = (
    "switch_themes",
    "edit_themes",
    "activate_plugins",
    "edit_plugins",
    "edit_users",
    "edit_files",
    "manage_options",
    "moderate_comments",
    "manage_categories",
    "manage_links",
    "upload_files",
    "import",
    "unfiltered_html",
    "edit_posts",
    "edit_others_posts",
    "edit_published_posts",
    "publish_posts",
    "edit_pages",
    "read",
    "edit_others_pages",
    "edit_published_pages",
    "publish_pages",
    "delete_pages",
    "delete_others_pages",
    "delete_published_pages",
    "delete_posts",
    "delete_others_posts",
    "delete_published_posts",
    "delete_private_posts",
    "edit_private_posts",
    "read_private_posts",
    "delete_private_pages",
    "edit_private_pages",
    "read_private_pages",
    "delete_users",
    "create_users",
    "unfiltered_upload",
    "edit_dashboard",
    "update_plugins",
    "delete_plugins",
    "install_plugins",
    "update_themes",
    "install_themes",
    "update_core",
    "list_users",
    "remove_users",
    "promote_users",
    "edit_theme_options",
    "delete_themes",
    "export",
    "administrator",
)
UPLOAD_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")

SITE_TIMEZONE = "Europe/Stockholm"
SITE_ZONE = ZoneInfo(SITE_TIMEZONE)
# rest_parse_date's RFC 3339 pattern (the offset is optional).
_WP_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)


def wp_date(ts: float) -> str:
    """A UTC instant as WordPress writes ``*_gmt`` fields."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def wp_local(ts: float) -> str:
    """A UTC instant as the site's local wall-clock time (``date``, ``modified``)."""
    return datetime.fromtimestamp(ts, SITE_ZONE).strftime("%Y-%m-%dT%H:%M:%S")


def gmt_offset_hours(ts: float) -> float:
    """The site's offset from UTC at ``ts``, in hours (what the REST index calls gmt_offset)."""
    offset = datetime.fromtimestamp(ts, SITE_ZONE).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def local_bound(value: str) -> str:
    """An ``after``/``before`` value as core compares it: local wall-clock ``Y-m-d H:i:s``.

    WP_Date_Query::build_mysql_datetime reads the value with ``date_create($value,
    wp_timezone())``, so a time without an offset is taken as local and one with an offset
    is converted to local; the result is compared, as a string, with ``comment_date`` /
    ``post_date`` (local time). Raises ValueError for what rest_parse_date refuses.
    """
    text = value.strip()
    if not _WP_TIME.match(text):
        raise ValueError(value)
    text = text.replace(" ", "T").replace("t", "T")
    if text[-1] in "Zz":
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(SITE_ZONE)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def local_key(ts: float) -> str:
    """A stored instant as MySQL holds its local date column, for comparing with bounds."""
    return datetime.fromtimestamp(ts, SITE_ZONE).strftime("%Y-%m-%d %H:%M:%S")


def parse_local(value: str) -> float:
    """A ``date`` sent without an offset is local time (as core's rest_get_date_with_gmt)."""
    text = value.strip()
    if text[-1:] in "Zz" or re.search(r"[+-]\d{2}:?\d{2}$", text):
        return parse_gmt(text)
    return datetime.fromisoformat(text).replace(tzinfo=SITE_ZONE).timestamp()


def parse_gmt(value: str) -> float:
    text = value.strip()
    if text[-1:] in "Zz":
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def sanitize_title(text: str) -> str:
    """A slug the way WordPress makes one: accents removed, lower case, dashes."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = re.sub(r"<[^>]*>", "", folded).lower()
    folded = re.sub(r"[^a-z0-9 _-]", "", folded)
    return re.sub(r"[\s_-]+", "-", folded).strip("-")


def autop(text: str) -> str:
    """A short wpautop: blank lines make paragraphs, single newlines <br />."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    out = []
    for paragraph in paragraphs:
        if re.match(r"^<(p|div|h[1-6]|ul|ol|blockquote|pre|figure|table)[\s>]", paragraph):
            out.append(paragraph + "\n")
        else:
            out.append("<p>" + paragraph.replace("\n", "<br />\n") + "</p>\n")
    return "".join(out)


def kses_comment(text: str) -> str:
    """Strip what WordPress strips from an unprivileged commenter (wp_filter_kses)."""
    text = re.sub(
        r"<(script|style)[^>]*>.*?</\1\s*>",
        lambda m: _inner(m.group(0)),
        text,
        flags=re.IGNORECASE | re.DOTALL,
    )

    def keep(match: re.Match[str]) -> str:
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        allowed = ALLOWED_COMMENT_TAGS.get(name)
        if allowed is None:
            return ""
        if closing:
            return f"</{name}>"
        kept = []
        for attr, value in ATTR_RE.findall(attrs):
            clean = value.strip("\"'")
            if attr.lower() in allowed and not clean.lower().startswith(("javascript:", "data:")):
                kept.append(f'{attr.lower()}="{html.escape(clean)}"')
        if name == "a":
            kept.append('rel="nofollow ugc"')  # wp_rel_ugc on comment text
        return f"<{name}{' ' + ' '.join(kept) if kept else ''}>"

    return TAG_RE.sub(keep, text)


def _inner(block: str) -> str:
    return re.sub(r"<[^>]*>", "", block)
