"""The Accounts and practice-mode screenshots can be made headless, and show what they claim."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[2]
NEEDS_SIGN_IN_RED = (0xB0, 0x00, 0x20)
WORKING_GREEN = (0x1B, 0x5E, 0x20)
BANNER_YELLOW = (0xFF, 0xF3, 0xCD)


def run_script(script: str, output: Path) -> list[object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, f"scripts/{script}", "--lang", "sv", "--output", str(output)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with Image.open(output) as image:
        assert image.size[0] == 1280
        return [colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 20) or []]


def test_accounts_screenshot_shows_working_accounts_and_one_needing_sign_in(
    tmp_path: Path,
) -> None:
    colours = run_script("screenshot_accounts.py", tmp_path / "accounts.png")
    assert NEEDS_SIGN_IN_RED in colours
    assert WORKING_GREEN in colours


def test_practice_screenshot_shows_the_banner(tmp_path: Path) -> None:
    colours = run_script("screenshot_practice.py", tmp_path / "practice.png")
    assert BANNER_YELLOW in colours
