"""A few web pages under ``/bluesky/web/`` for link cards: Open Graph tags, images, edge cases.

A Bluesky client reads the linked page itself to build ``app.bsky.embed.external``; these
pages let the connector do that against loopback, including the cases it must survive: a page
far larger than it reads, an image over the thumbnail limit and a link that is no HTML page.
"""

from __future__ import annotations

import html
import struct
import zlib

from desktop_app.sandbox.core import Response, html_response, json_response

BIG_PAGE_BYTES = 3_000_000
BIG_IMAGE_BYTES = 1_500_000  # over the 1,000,000 bytes a card's thumbnail may have


def png(width: int, height: int, padding: int = 0) -> bytes:
    """A valid grey PNG of the given size (``padding``: extra bytes in an ancillary chunk)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    extra = chunk(b"tEXt", b"pad\x00" + b"x" * padding) if padding else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + extra
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _page(title: str, description: str, image: str | None, filler: int = 0) -> str:
    image_tag = f'<meta property="og:image" content="{html.escape(image)}">' if image else ""
    return (
        "<!doctype html><html lang=sv><head><meta charset=utf-8>"
        f"<title>{html.escape(title)} | Sandvikens kommun</title>"
        f'<meta property="og:title" content="{html.escape(title)}">'
        f'<meta property="og:description" content="{html.escape(description)}">'
        f'<meta name="description" content="Reservbeskrivning">{image_tag}'
        "</head><body><p>" + "Lorem ipsum. " * (filler // 13) + "</p></body></html>"
    )


def web_page(name: str, base: str) -> Response:
    """The page or image ``name`` (``base`` is the URL of ``/web/``)."""
    if name == "nyhet":
        page = _page(
            "Nytt bibliotek öppnar i centrum",
            "Från 1 mars lånar du böcker på Storgatan 4 – med längre öppettider & café.",
            "nyhet.png",  # relative, as many sites write it
        )
        return html_response(200, page)
    if name == "utan-bild":
        return html_response(200, _page("Taxor 2027", "Nya taxor för vatten och avlopp.", None))
    if name == "stor":
        page = _page("Budget 2027", "Kommunens budget i sin helhet.", None, BIG_PAGE_BYTES)
        return html_response(200, page)
    if name == "stor-bild":
        page = _page("Karta", "En mycket stor karta.", f"{base}jattebild.png")
        return html_response(200, page)
    if name == "nyhet.png":
        return Response(200, png(120, 63), [("Content-Type", "image/png")])
    if name == "jattebild.png":
        return Response(200, png(64, 64, BIG_IMAGE_BYTES), [("Content-Type", "image/png")])
    if name == "dokument.pdf":
        return Response(200, b"%PDF-1.7\n%%EOF\n", [("Content-Type", "application/pdf")])
    return json_response(404, {"error": "NotFound", "message": "Not Found"})
