"""A non-editable install carries the translations, style sheet and icon inside the package.

The old layout installed them as data files under <prefix>/share/kanal, which ``pip install
--user`` and the frozen build lost silently. Here the project is installed the way a user's pip
does it (``pip install --no-deps --target``, from a copy of the sources so the checkout stays
clean) and a fresh interpreter that sees only that install must find them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import resources_access

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, desktop_app.resources_access as r
print(json.dumps({
    "module": r.__file__,
    "root": str(r.root()),
    "sv": str(r.translation_file("sv")),
    "en": str(r.translation_file("en")),
    "qss": len(r.style_sheet()),
    "icon": str(r.icon_path()),
    "problems": r.problems(),
}))
"""


@pytest.mark.slow
def test_a_plain_pip_install_finds_translations_and_style_sheet(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(REPO / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "desktop_app", source / "desktop_app", ignore=ignore)
    shutil.copytree(REPO / "resources", source / "resources", ignore=ignore)
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert not (target / "share").exists(), "resources must not be installed as data files"
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = json.loads(run.stdout)
    installed = target / "desktop_app"
    assert Path(found["module"]).is_relative_to(installed)
    assert Path(found["root"]) == installed / "resources"
    assert found["sv"] == str(installed / "resources" / "translations" / "kanal_sv.qm")
    assert found["en"] == str(installed / "resources" / "translations" / "kanal_en.qm")
    assert found["qss"] > 100
    assert found["icon"] == str(installed / "resources" / "icons" / "kanal.svg")
    assert found["problems"] == []
    # The PDF export's fonts and the migrations travel inside the package too.
    assert (installed / "engine" / "fonts" / "DejaVuSans.ttf").is_file()
    assert (installed / "engine" / "fonts" / "DejaVuSans-Bold.ttf").is_file()
    assert (installed / "store" / "migrations" / "script.py.mako").is_file()
    assert any((installed / "store" / "migrations" / "versions").glob("0001_*.py"))


def test_a_missing_translation_is_reported_not_silent(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="desktop_app.resources"):
        assert resources_access.translation_file("fi") is None
    assert any("fi translation is missing" in p for p in resources_access.problems())
    assert "kanal_fi.qm" in caplog.text


def test_the_checkout_resources_are_found() -> None:
    assert resources_access.translation_file("sv") is not None
    assert "QListWidget" in resources_access.style_sheet()
    icon = resources_access.icon_path()
    assert icon is not None and icon.read_text(encoding="utf-8").startswith("<?xml")
