"""Every string of the window has a finished Swedish translation, and what ships is current.

- kanal_sv.ts holds every source string of desktop_app/ui (checked by running pyside6-lupdate
  into a copy) and each has a finished translation, with every plural form filled in and the
  same {placeholders} / %1 markers as the English.
- The committed .qm files are what pyside6-lrelease makes of the .ts files today.
- The program loads them: a Swedish window says "Utkast".
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator

from desktop_app.ui.application import TRANSLATIONS_DIR

REPO_ROOT = Path(__file__).resolve().parents[2]
UI_SOURCES = sorted(
    str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "desktop_app/ui").rglob("*.py")
)
MARKERS = re.compile(r"\{[a-z_]+\}|%n|%\d")


def qt_tool(name: str) -> str:
    """pyside6-lupdate / -lrelease: beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not found (it comes with PySide6)")
    return found


def messages(ts_path: Path) -> list[tuple[str, ET.Element]]:
    root = ET.parse(ts_path).getroot()
    found = []
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found.append((name, message))
    return found


def keys(ts_path: Path) -> set[tuple[str, str]]:
    return {(name, m.findtext("source") or "") for name, m in messages(ts_path)}


def test_every_swedish_message_is_translated() -> None:
    problems = []
    all_messages = messages(TRANSLATIONS_DIR / "kanal_sv.ts")
    assert len(all_messages) > 50
    for context, message in all_messages:
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        if translation.get("type") in {"unfinished", "vanished", "obsolete"}:
            problems.append(f"{context}: {source!r} is {translation.get('type')}")
            continue
        if message.get("numerus") == "yes":
            forms = [f.text or "" for f in translation.findall("numerusform")]
            texts = forms if len(forms) == 2 else []
            if not texts or not all(f.strip() for f in forms):
                problems.append(f"{context}: {source!r} lacks a plural form")
                continue
        else:
            texts = [translation.text or ""]
        for text in texts:
            if not text.strip():
                problems.append(f"{context}: {source!r} has no translation")
            elif sorted(MARKERS.findall(text)) != sorted(MARKERS.findall(source)):
                problems.append(f"{context}: {source!r} -> {text!r} changes the placeholders")
    assert problems == []


def test_translation_files_list_every_string_of_the_window(tmp_path: Path) -> None:
    """New or changed strings in desktop_app/ui need scripts/update_translations.sh."""
    for language in ("sv", "en"):
        committed = TRANSLATIONS_DIR / f"kanal_{language}.ts"
        fresh = tmp_path / committed.name
        shutil.copy(committed, fresh)
        extra = ["-pluralonly"] if language == "en" else []
        subprocess.run(
            [qt_tool("pyside6-lupdate"), "-no-obsolete", *extra, *UI_SOURCES, "-ts", str(fresh)],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
        )
        assert keys(fresh) == keys(committed), f"run scripts/update_translations.sh ({language})"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_compiled_translations_match_their_sources(tmp_path: Path, language: str) -> None:
    source = TRANSLATIONS_DIR / f"kanal_{language}.ts"
    compiled = tmp_path / f"kanal_{language}.qm"
    subprocess.run(
        [qt_tool("pyside6-lrelease"), "-removeidentical", str(source), "-qm", str(compiled)],
        check=True,
        capture_output=True,
    )
    committed = TRANSLATIONS_DIR / f"kanal_{language}.qm"
    assert committed.read_bytes() == compiled.read_bytes(), "run scripts/update_translations.sh"


def test_the_swedish_translation_loads() -> None:
    translator = QTranslator()
    assert translator.load("kanal_sv", str(TRANSLATIONS_DIR))
    assert translator.translate("DraftsView", "Drafts") == "Utkast"
    assert translator.translate("DraftsView", "%n draft(s)", "", 3) == "%n utkast"
    english = QTranslator()
    assert english.load("kanal_en", str(TRANSLATIONS_DIR))
    assert english.translate("DraftsView", "%n draft(s)", "", 1) == "%n draft"
