"""An ``app.bsky.feed.post`` record checked as the PDS does, with its error wording.

Each check returns the first problem as the PDS words it ("Record/..."), or None. The limits are
the lexicons': text 300 graphemes / 3000 bytes, facets as UTF-8 byte ranges, ``langs`` at most
3 BCP 47 tags, images (1-4, alt required, ``aspectRatio`` of integers >= 1, blobs up to
2,000,000 bytes) and link cards (uri, title, description; a thumbnail up to 1,000,000 bytes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from desktop_app.sandbox.core import parse_iso

# app.bsky.embed.images#image maxSize ("May be up to 2 MB, formerly limited to 1 MB") and
# app.bsky.embed.external#external thumb maxSize.
MAX_BLOB = 2_000_000
MAX_THUMB = 1_000_000
_LANGUAGE = re.compile(r"^(?:[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*|i-[a-z]+)$")
_FEATURE_FIELDS = {
    "app.bsky.richtext.facet#link": "uri",
    "app.bsky.richtext.facet#mention": "did",
    "app.bsky.richtext.facet#tag": "tag",
}

Blobs = Mapping[str, Mapping[str, Any]]


def graphemes(text: str) -> int:
    import grapheme

    return int(grapheme.length(text))


def on_boundary(encoded: bytes, offset: int) -> bool:
    """True when a byte offset does not fall inside a multi-byte UTF-8 sequence."""
    return offset == len(encoded) or (encoded[offset] & 0xC0) != 0x80


def validate_post(record: dict[str, Any], did: str, blobs: Blobs) -> str | None:
    """The first problem of a post record written by ``did``, or None."""
    text = record.get("text")
    if not isinstance(text, str):
        return "Record/text must be a string"
    return (
        _text_and_time(record, text)
        or _facets(record.get("facets", []), text.encode("utf-8"))
        or _langs(record.get("langs"))
        or _embed(record.get("embed"), did, blobs)
        or _reply(record.get("reply"))
    )


def _text_and_time(record: dict[str, Any], text: str) -> str | None:
    if graphemes(text) > 300:
        return "Record/text must not be longer than 300 graphemes"
    if len(text.encode("utf-8")) > 3000:
        return "Record/text must not be longer than 3000 characters"
    created = record.get("createdAt")
    if not isinstance(created, str):
        return 'Record must have the property "createdAt"'
    try:
        parse_iso(created)
    except ValueError:
        return "Record/createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)"
    return None


def _facets(facets: object, encoded: bytes) -> str | None:
    if not isinstance(facets, list):
        return "Record/facets must be an array"
    for index, facet in enumerate(facets):
        problem = _facet(facet, encoded, f"Record/facets/{index}")
        if problem:
            return problem
    return None


def _facet(facet: object, encoded: bytes, where: str) -> str | None:
    span = facet.get("index") if isinstance(facet, dict) else None
    if not isinstance(facet, dict) or not isinstance(span, dict):
        return f'{where} must have the property "index"'
    start, end = span.get("byteStart"), span.get("byteEnd")
    if not isinstance(start, int) or not isinstance(end, int):
        return f"{where}/index/byteStart and byteEnd must be integers"
    if start < 0 or end < 0:
        return f"{where}/index/byteStart can not be less than 0"
    if not start < end <= len(encoded):
        return f"{where}/index is not a byte range inside the UTF-8 text ({len(encoded)} bytes)"
    if not on_boundary(encoded, start) or not on_boundary(encoded, end):
        return f"{where}/index splits a UTF-8 character: offsets are bytes, not characters"
    features = facet.get("features")
    if not isinstance(features, list) or not features:
        return f'{where} must have the property "features"'
    for feature in features:
        kind = feature.get("$type") if isinstance(feature, dict) else None
        needed = _FEATURE_FIELDS.get(str(kind))
        if needed is None or not isinstance(feature, dict):
            continue  # an open union: other features are allowed
        value = feature.get(needed)
        if not isinstance(value, str) or (needed == "did" and not value.startswith("did:")):
            return f"{where}/features must have a {needed}"
    return None


def _langs(langs: object) -> str | None:
    if langs is None:
        return None
    if not isinstance(langs, list) or len(langs) > 3:
        return "Record/langs must be an array of at most 3 items"
    for index, tag in enumerate(langs):
        if not isinstance(tag, str) or not _LANGUAGE.match(tag):
            return f"Record/langs/{index} must be a well-formed BCP 47 language tag"
    return None


def _embed(embed: object, did: str, blobs: Blobs) -> str | None:
    if not isinstance(embed, dict):
        return None
    if embed.get("$type") == "app.bsky.embed.images":
        return _images(embed, did, blobs)
    if embed.get("$type") == "app.bsky.embed.external":
        return _external(embed, did, blobs)
    return None


def _blob(blob: object, did: str, blobs: Blobs, where: str, limit: int) -> str | None:
    link = None
    if isinstance(blob, dict) and isinstance(blob.get("ref"), dict):
        link = blob["ref"].get("$link")
    stored = blobs.get(str(link))
    if stored is None or stored["owner"] != did:
        return f"Could not find blob: {link}"
    if stored["size"] > limit:
        return f"{where} file too large ({limit} bytes max)"
    if not str(stored["mimeType"]).startswith("image/"):
        return f"{where} has the wrong mime type"
    return None


def _aspect_ratio_ok(ratio: object) -> bool:
    if ratio is None:
        return True
    if not isinstance(ratio, dict):
        return False
    values = [ratio.get("width"), ratio.get("height")]
    return all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in values)


def _images(embed: dict[str, Any], did: str, blobs: Blobs) -> str | None:
    images = embed.get("images")
    if not isinstance(images, list) or not 1 <= len(images) <= 4:
        return "Record/embed/images must have 1-4 items"
    for index, image in enumerate(images):
        where = f"Record/embed/images/{index}"
        if not isinstance(image, dict) or not isinstance(image.get("alt"), str):
            return f'{where} must have the property "alt"'
        problem = _blob(image.get("image"), did, blobs, f"{where}/image", MAX_BLOB)
        if problem:
            return problem
        if not _aspect_ratio_ok(image.get("aspectRatio")):
            return f"{where}/aspectRatio must have integer width and height of at least 1"
    return None


def _external(embed: dict[str, Any], did: str, blobs: Blobs) -> str | None:
    external = embed.get("external")
    if not isinstance(external, dict):
        return 'Record/embed must have the property "external"'
    for key in ("uri", "title", "description"):
        if not isinstance(external.get(key), str):
            return f'Record/embed/external must have the property "{key}"'
    if not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", external["uri"]):
        return "Record/embed/external/uri must be a valid uri"
    if "thumb" in external:
        return _blob(external["thumb"], did, blobs, "Record/embed/external/thumb", MAX_THUMB)
    return None


def _reply(reply: object) -> str | None:
    if reply is None:
        return None
    for key in ("root", "parent"):
        ref = reply.get(key) if isinstance(reply, dict) else None
        if (
            not isinstance(ref, dict)
            or not isinstance(ref.get("uri"), str)
            or not isinstance(ref.get("cid"), str)
        ):
            return f'Record/reply must have the property "{key}"'
    return None
