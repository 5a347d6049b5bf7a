"""Where Kanal's translations, style sheet and icon are, in every kind of install.

They live in the checkout's top-level ``resources/`` folder, which setup.py installs as the package
``desktop_app.resources``: a wheel, ``pip install --user``, an editable install and the frozen
build all carry them inside the package, and ``importlib.resources`` finds them there. A missing
file is reported (logged, and kept in ``problems()`` for the window's status bar), never silently
skipped: a Swedish user who gets an English window must be able to learn why.
"""

from __future__ import annotations

import contextlib
import logging
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

log = logging.getLogger("desktop_app.resources")

PACKAGE = "desktop_app.resources"
_HERE = Path(__file__).resolve().parent
_problems: list[str] = []
_extracted = contextlib.ExitStack()  # keeps files unpacked from a zip import alive


def root() -> Traversable:
    """The resources folder: the installed package, else the checkout's folder beside it."""
    with contextlib.suppress(ModuleNotFoundError):
        return resources.files(PACKAGE)
    # An editable install made before the mapping existed, or a bundle that copied the folder.
    for candidate in (_HERE / "resources", _HERE.parent / "resources"):
        if (candidate / "translations").is_dir():
            return candidate
    return _HERE.parent / "resources"


def _as_path(item: Traversable) -> Path:
    """A real file-system path (Qt's loaders need one); unpacked once when imported from a zip."""
    if isinstance(item, Path):
        return item
    return _extracted.enter_context(resources.as_file(item))


def translations_dir() -> Path:
    """The folder holding ``kanal_<language>.qm`` (and the .ts sources)."""
    return _as_path(root() / "translations")


def translation_file(language: str) -> Path | None:
    """The compiled translation for ``language``, or None (reported) when it is missing."""
    path = translations_dir() / f"kanal_{language}.qm"
    if path.is_file():
        return path
    report(f"The {language} translation is missing ({path.name}); the window stays in English.")
    return None


def style_sheet() -> str:
    """The window's style sheet, or "" (reported) when it is missing."""
    item = root() / "qss" / "kanal.qss"
    if item.is_file():
        return item.read_text(encoding="utf-8")
    report("The style sheet kanal.qss is missing; the window uses Qt's plain look.")
    return ""


def style_sheet_path() -> Path:
    return _as_path(root() / "qss" / "kanal.qss")


def icon_path() -> Path | None:
    """Kanal's icon (SVG; the Windows .ico is drawn from the same shapes at build time)."""
    item = root() / "icons" / "kanal.svg"
    if item.is_file():
        return _as_path(item)
    report("The icon kanal.svg is missing.")
    return None


def report(message: str) -> None:
    """Log a missing resource once and keep it for the window's status bar."""
    if message not in _problems:
        _problems.append(message)
        log.warning("%s", message)


def problems() -> list[str]:
    """Missing resources found so far, in the order they were found."""
    return list(_problems)
