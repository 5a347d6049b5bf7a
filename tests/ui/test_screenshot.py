"""The README's composer screenshot can be made headless (scripts/screenshot_composer.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_script_renders_the_composer(tmp_path: Path) -> None:
    output = tmp_path / "composer.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run(
        [sys.executable, "scripts/screenshot_composer.py", "--lang", "en", "--output", str(output)],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    with Image.open(output) as image:
        assert image.size == (1280, 820)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    # The over-limit X counter is drawn in the warning red.
    assert any(colour == (0xB0, 0x00, 0x20) for _, colour in colours)
