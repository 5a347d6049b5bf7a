"""The layer contracts of docs/ARCHITECTURE.md, enforced by import-linter (`lint-imports`).

The real tree must keep every contract, and each rule must be able to fail: for each one a probe
module that breaks it is written into a copy of the package, and `lint-imports` has to report
that very contract as broken (a rule that cannot fail protects nothing).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
CONTRACT_NAMES: dict[str, str] = {
    contract["id"]: contract["name"]
    for contract in tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"][
        "contracts"
    ]
}


def lint_imports(source_root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter with the project's contracts on the package found under source_root."""
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command;"
            " sys.exit(lint_imports_command())",
            "--config",
            str(PYPROJECT),
            "--no-cache",
        ],
        cwd=source_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_real_tree_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in CONTRACT_NAMES.values():
        assert f"{name} KEPT" in " ".join(result.stdout.split()), name


@dataclass(frozen=True)
class Probe:
    """Lines added to (or new files in) a copy of desktop_app/, and the contract they break."""

    contract: str
    files: dict[str, str]


PROBES: dict[str, Probe] = {
    "domain imports store": Probe(
        "layers", {"domain/_probe.py": "import desktop_app.store.database\n"}
    ),
    "domain imports the engine": Probe(
        "layers", {"domain/_probe.py": "from desktop_app.engine import retry\n"}
    ),
    "store imports networks": Probe(
        "layers", {"store/_probe.py": "import desktop_app.networks.http\n"}
    ),
    "networks import store": Probe(
        "layers", {"networks/_probe.py": "import desktop_app.store.unit_of_work\n"}
    ),
    "engine imports ui": Probe(
        "layers", {"engine/_probe.py": "import desktop_app.ui.formatting\n"}
    ),
    "engine imports cli": Probe("layers", {"engine/_probe.py": "import desktop_app.cli.text\n"}),
    "engine imports practice": Probe(
        "layers", {"engine/_probe.py": "import desktop_app.practice\n"}
    ),
    "engine reads the configuration": Probe(
        "layers", {"engine/_probe.py": "import desktop_app.config\n"}
    ),
    "ui imports cli": Probe("layers", {"ui/_probe.py": "import desktop_app.cli.text\n"}),
    "cli imports ui": Probe("layers", {"cli/_probe.py": "import desktop_app.ui.formatting\n"}),
    "a top-level module imports ui": Probe(
        "layers", {"config.py": "import desktop_app.ui.formatting\n"}
    ),
    "a new top-level module nobody placed": Probe(
        "layers", {"unplaced_probe.py": "import desktop_app.domain.errors\n"}
    ),
    "ui imports the sandbox server": Probe(
        "sandbox-protected", {"ui/_probe.py": "import desktop_app.sandbox.server\n"}
    ),
    "engine imports the sandbox": Probe(
        "sandbox-protected", {"engine/_probe.py": "from desktop_app.sandbox import faults\n"}
    ),
    "the sandbox imports domain": Probe(
        "sandbox-independent", {"sandbox/_probe.py": "import desktop_app.domain.networks\n"}
    ),
    "the sandbox reaches the app through the package's __init__": Probe(
        "sandbox-independent",
        {
            "sandbox/_probe.py": "import desktop_app\n",
            "__init__.py": "import desktop_app.config\n",
        },
    ),
    "cli starts practice mode": Probe(
        "practice-protected", {"cli/_probe.py": "import desktop_app.practice\n"}
    ),
    "ui starts practice mode": Probe(
        "practice-protected", {"ui/_probe.py": "import desktop_app.practice\n"}
    ),
    "the engine imports Qt": Probe(
        "qt-only-in-ui", {"engine/_probe.py": "from PySide6 import QtCore\n"}
    ),
    "cli imports Qt": Probe("qt-only-in-ui", {"cli/_probe.py": "import PySide6.QtWidgets\n"}),
    "domain opens a database": Probe("domain-pure", {"domain/_probe.py": "import sqlalchemy\n"}),
    "domain opens a socket": Probe("domain-pure", {"domain/_probe.py": "import socket\n"}),
    "domain talks HTTP through a helper module": Probe(
        "domain-pure",
        {
            "domain/_probe.py": "from desktop_app.domain import _probe_helper\n",
            "domain/_probe_helper.py": "import requests\n",
        },
    ),
    "store reads credentials": Probe(
        "no-secrets-in-store", {"store/_probe.py": "import desktop_app.secrets\n"}
    ),
    "an import circle in the engine": Probe(
        "engine-acyclic",
        {
            "engine/_probe_a.py": "from desktop_app.engine import _probe_b\n",
            "engine/_probe_b.py": "from desktop_app.engine import _probe_a\n",
        },
    ),
}


@pytest.mark.parametrize("probe_name", sorted(PROBES))
def test_a_probe_breaking_the_rule_fails_lint_imports(probe_name: str, tmp_path: Path) -> None:
    probe = PROBES[probe_name]
    package = tmp_path / "desktop_app"
    shutil.copytree(
        ROOT / "desktop_app", package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    for relative, text in probe.files.items():
        target = package / relative
        before = target.read_text(encoding="utf-8") if target.exists() else ""
        target.write_text(before + text, encoding="utf-8")

    # PYTHONPATH puts the copy first, so the probe (not the checkout) is what gets analysed.
    result = lint_imports(tmp_path)
    output = " ".join(result.stdout.split())
    assert result.returncode != 0, output
    assert f"{CONTRACT_NAMES[probe.contract]} BROKEN" in output, output
