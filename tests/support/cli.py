"""Running the real ``kanal`` and checking the CLI's promises (arch-cli's helpers).

``kanal()`` runs ``python -m desktop_app`` in a subprocess with its own data folder, no proxy
that works and no network; ``assert_one_line_failure`` is the boundary's promise; ``tmpfs``
mounts a real small or read-only file system when this process may (root on Linux).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest


def kanal(
    *args: str,
    data_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    preexec_fn: Callable[[], None] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        environment[name] = "http://127.0.0.1:9"  # any network attempt fails fast
    environment.pop("NO_PROXY", None)
    environment.pop("no_proxy", None)
    environment.setdefault("LANG", "C.UTF-8")
    if data_dir is not None:
        environment["KANAL_DATA_DIR"] = str(data_dir)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=environment,
        timeout=timeout,
        preexec_fn=preexec_fn,
        check=False,
    )


def kanal_json(*args: str, data_dir: Path | None = None) -> Any:
    result = kanal(*args, "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_one_line_failure(
    result: subprocess.CompletedProcess[str], code: int | None = None, *words: str
) -> str:
    """Non-zero exit, exactly one line on stderr starting ``kanal:``, no traceback."""
    assert result.returncode != 0, result.stdout
    if code is not None:
        assert result.returncode == code, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kanal: "), lines[0]
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def database_file(data_dir: Path) -> Path:
    return data_dir / "kanal.sqlite3"


def fingerprint(path: Path) -> str:
    """The bytes of a file (a database: checkpointed first by whoever closed it last)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def draft_bodies(path: Path) -> list[str]:
    """The drafts a database holds, read without Kanal (and without writing: immutable)."""
    uri = f"file:{path.as_posix()}?mode=ro&immutable=1"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
        return [row[0] for row in connection.execute("SELECT body FROM drafts ORDER BY body")]


def make_data_dir(data_dir: Path, *bodies: str) -> Path:
    """A data folder with a current database holding drafts with these bodies."""
    for body in bodies:
        kanal_json("draft", "new", "--text", body, data_dir=data_dir)
    if not bodies:
        kanal_json("draft", "list", data_dir=data_dir)
    return database_file(data_dir)


def can_mount() -> bool:
    return sys.platform.startswith("linux") and os.geteuid() == 0


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A real tmpfs of ``size`` at ``where``; skips the test when it cannot be mounted."""
    where.mkdir(parents=True, exist_ok=True)
    if not can_mount():
        pytest.skip("mounting a tmpfs needs root on Linux")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def remount_read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True, capture_output=True)


def remount_read_write(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,rw", str(where)], check=True, capture_output=True)
