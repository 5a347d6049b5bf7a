"""Draws Kanal's icon with Pillow at build time (kanal.ico for Windows, PNG sizes for Linux).

The committed source is resources/icons/kanal.svg; Pillow cannot read SVG, so the same four
shapes are drawn here (keep the two in step). No binary is committed.
Usage: python packaging/make_icon.py OUTPUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 256
BACKGROUND = "#1f5f8b"
# (x, y, width, height, colour) in the SVG's 256 x 256 view box
LINES = [(48, 64, 160, 24, "#ffffff"), (48, 116, 120, 24, "#ffffff"), (48, 168, 80, 24, "#f2b632")]
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def draw(size: int = SIZE) -> Image.Image:
    scale = 4  # drawn large and scaled down: smooth rounded corners without an SVG renderer
    big = SIZE * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((8 * scale, 8 * scale, 248 * scale, 248 * scale), 48 * scale, BACKGROUND)
    for x, y, w, h, colour in LINES:
        box = (x * scale, y * scale, (x + w) * scale, (y + h) * scale)
        pen.rounded_rectangle(box, h * scale // 2, colour)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.save(out / "kanal.ico", sizes=ICO_SIZES)
    for size in (48, 256):
        draw(size).save(out / f"kanal-{size}.png")
    # NSIS' installer header wants a BMP-free icon too; the .ico above serves both.


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "build/icon"))
