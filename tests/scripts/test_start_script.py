"""scripts/start.sh installs only when needed, so an everyday start does not pay for pip."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def make_checkout(tmp_path: Path) -> Path:
    """A copy of start.sh beside a bootstrap that only counts its calls and makes a fake kanal."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "start.sh", root / "scripts" / "start.sh")
    (root / "pyproject.toml").write_text("[project]\nname = 'kanal'\n", encoding="utf-8")
    (root / "scripts" / "bootstrap.sh").write_text(
        'set -e\ncd "$(dirname "$0")/.."\necho x >> bootstrap-calls\n'
        "mkdir -p .venv/bin\nprintf '#!/bin/sh\\necho kanal \"$@\"\\n' > .venv/bin/kanal\n"
        "chmod +x .venv/bin/kanal\n",
        encoding="utf-8",
    )
    return root


def start(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["bash", str(root / "scripts" / "start.sh"), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def bootstrap_calls(root: Path) -> int:
    calls = root / "bootstrap-calls"
    return len(calls.read_text().split()) if calls.exists() else 0


def test_installs_on_first_run_only_and_again_when_the_project_changes(tmp_path: Path) -> None:
    root = make_checkout(tmp_path)
    assert start(root, "--sandbox").strip() == "kanal --sandbox"
    assert bootstrap_calls(root) == 1
    start(root)
    assert bootstrap_calls(root) == 1
    with (root / "pyproject.toml").open("a", encoding="utf-8") as project:
        project.write("# a new dependency\n")
    start(root)
    assert bootstrap_calls(root) == 2
