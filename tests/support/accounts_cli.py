"""Runs the real `kanal` with a test keyring, for the accounts commands against the emulator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
TEST_KEYRING = "keyrings.alt.file.PlaintextKeyring"  # tests only; Kanal itself never picks it


def kanal(
    *args: str, keyring: str = TEST_KEYRING, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHON_KEYRING_BACKEND"] = keyring
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
        cwd=REPO,
    )


def options(credentials: dict[str, Any]) -> list[str]:
    result: list[str] = []
    for name, value in credentials.items():
        result += [f"--{name.replace('_', '-')}", str(value)]
    return result
