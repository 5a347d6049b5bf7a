"""Output in UTF-8 whatever the console's code page; a command that saved never fails printing.

On Windows a redirected ``kanal`` writes in the ANSI code page (cp1252); ``PYTHONIOENCODING``
makes Linux behave the same, so the bug (a UnicodeEncodeError after ``draft new`` had saved the
draft, and a duplicate on retry) is reproduced here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import database_file, draft_bodies, kanal_json

TEXT = "Snöoväder över Sandviken 🌨️ – plogbilarna är ute ❄️"


def _run_to_file(tmp_path: Path, *args: str, encoding: str) -> tuple[int, bytes, str]:
    out_path = tmp_path / "out.txt"
    env = {**os.environ, "PYTHONIOENCODING": encoding, "KANAL_DATA_DIR": str(tmp_path / "data")}
    with out_path.open("wb") as out:
        done = subprocess.run(
            [sys.executable, "-m", "desktop_app", *args],
            stdout=out,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
            check=False,
        )
    return done.returncode, out_path.read_bytes(), done.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
@pytest.mark.parametrize("encoding", ["cp1252", "ascii", "cp850"])
def test_emoji_to_a_cp1252_redirect_leaves_exactly_one_draft(
    tmp_path: Path, encoding: str, json_flag: list[str]
) -> None:
    code, output, errors = _run_to_file(
        tmp_path, "draft", "new", "--text", TEXT, *json_flag, encoding=encoding
    )
    assert code == 0, errors
    assert errors == ""
    text = output.decode("utf-8")  # UTF-8, whatever the code page asked for
    if json_flag:
        assert json.loads(text)["body"] == TEXT
    else:
        assert TEXT in text
    assert draft_bodies(database_file(tmp_path / "data")) == [TEXT]
    listed = kanal_json("draft", "list", data_dir=tmp_path / "data")
    assert [d["body"] for d in listed] == [TEXT]


def test_error_line_in_a_cp1252_console_is_utf8(tmp_path: Path) -> None:
    code, _output, errors = _run_to_file(
        tmp_path, "--lang", "sv", "sync", "--max-wait", "oändligt", encoding="cp1252"
    )
    assert code == 2
    assert errors.count("\n") == 1 and "'oändligt' är inget ändligt antal" in errors


def test_no_console_at_all_still_saves_once(tmp_path: Path) -> None:
    """A windowed build (``console=False``) has no stdout or stderr: no crash after saving."""
    script = (
        "import sys; sys.stdout = None; sys.stderr = None; "
        f"sys.argv = ['kanal', 'draft', 'new', '--text', {TEXT!r}]; "
        "from desktop_app.__main__ import main; main()"
    )
    env = {**os.environ, "KANAL_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0 and done.stdout == b"" and done.stderr == b""
    assert draft_bodies(database_file(tmp_path / "data")) == [TEXT]


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path: Path) -> None:
    """``kanal draft show ID | head -c 1``: the pipe closes under a long output."""
    data_dir = tmp_path / "data"
    draft = kanal_json("draft", "new", "--text", "Lång text. " * 9_000, data_dir=data_dir)
    env = {**os.environ, "KANAL_DATA_DIR": str(data_dir)}
    reader, writer = os.pipe()
    os.close(reader)  # nobody will ever read
    try:
        done = subprocess.run(
            [sys.executable, "-m", "desktop_app", "draft", "show", draft["id"]],
            stdout=writer,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
            check=False,
        )
    finally:
        os.close(writer)
    assert done.returncode == 141
    assert done.stderr == b""
