"""The layer rules of docs/ARCHITECTURE.md, checked on every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[2] / "desktop_app"

# layer -> top-level names under desktop_app it must not import
FORBIDDEN: dict[str, set[str]] = {
    "domain": {"store", "networks", "engine", "ui", "cli", "sandbox", "secrets", "app"},
    "store": {"networks", "engine", "ui", "cli", "sandbox", "secrets", "app"},
    "networks": {"store", "engine", "ui", "cli", "sandbox", "app"},
    "engine": {"ui", "cli", "sandbox", "app"},
    "cli": {"ui"},
}
NO_IO_IN_DOMAIN = {"sqlalchemy", "requests", "keyring", "PySide6", "socket", "http", "urllib"}


def imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules() -> list[Path]:
    return sorted(PACKAGE_ROOT.rglob("*.py"))


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE_ROOT)
    return relative.parts[0].removesuffix(".py") if len(relative.parts) > 1 else relative.stem


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE_ROOT)))
def test_module_respects_layers(path: Path) -> None:
    layer = layer_of(path)
    names = imported_names(path)
    app_parts = {n.split(".")[1] for n in names if n.startswith("desktop_app.")}
    qt = {n for n in names if n.split(".")[0] == "PySide6"}
    if layer != "ui":
        assert not qt, f"{path.name} imports Qt outside desktop_app/ui: {sorted(qt)}"
    if layer == "sandbox":
        assert app_parts <= {"sandbox"}, f"the sandbox imports the app: {sorted(app_parts)}"
    bad = app_parts & FORBIDDEN.get(layer, set())
    assert not bad, f"{layer} module {path.name} imports {sorted(bad)}"
    if layer == "domain":
        io = {n for n in names if n.split(".")[0] in NO_IO_IN_DOMAIN}
        assert not io, f"domain module {path.name} does I/O through {sorted(io)}"
