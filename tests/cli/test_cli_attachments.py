"""``kanal draft new --image`` refuses what is not an image file: one line, non-zero, no wait."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.config import resolve_config
from desktop_app.store.database import Store


def kanal(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def draft_count() -> int:
    config = resolve_config()
    store = Store(config.database_url, config.data_dir)
    store.migrate()
    try:
        with store.unit_of_work(read_only=True) as uow:
            return uow.drafts.count()
    finally:
        store.dispose()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.timeout(90)  # a FIFO opened for reading would block the command until then
def test_a_fifo_given_to_image_is_one_line_on_stderr_and_nothing_is_made(tmp_path: Path) -> None:
    pipe = tmp_path / "bild.png"
    os.mkfifo(pipe)
    result = kanal("draft", "new", "--text", "Halkvarning", "--image", str(pipe))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "not an ordinary file" in lines[0]
    assert "Traceback" not in result.stderr
    assert draft_count() == 0


def test_a_folder_given_to_image_is_one_line_on_stderr(tmp_path: Path) -> None:
    folder = tmp_path / "bilder"
    folder.mkdir()
    result = kanal("draft", "new", "--text", "Halkvarning", "--image", str(folder))
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert draft_count() == 0
