"""The Windows packaging sources agree with the program: policy templates, WiX and NSIS files."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

from desktop_app.policy import KEYS

REPO = Path(__file__).resolve().parents[2]
POLICY_DIR = REPO / "packaging" / "windows" / "policy"
ADMX_NS = "{http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions}"


def generator() -> object:
    spec = importlib.util.spec_from_file_location("kanal_admx", POLICY_DIR / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_group_policy_templates_are_current() -> None:
    for path, text in generator().files().items():  # type: ignore[attr-defined]
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is out of date: run python packaging/windows/policy/generate.py"
        )


def test_every_policy_key_is_in_the_admx_locked_and_recommended() -> None:
    root = ET.parse(POLICY_DIR / "Kanal.admx").getroot()
    policies = {p.get("name"): p.get("key") for p in root.iter(f"{ADMX_NS}policy")}
    for name in KEYS:
        assert policies[name] == r"Software\Policies\Kanal"
        assert policies[f"{name}_Recommended"] == r"Software\Policies\Kanal\Recommended"
    assert len(policies) == 2 * len(KEYS)


def test_both_languages_define_every_string_the_admx_uses() -> None:
    admx = (POLICY_DIR / "Kanal.admx").read_text(encoding="utf-8")
    import re

    used = set(re.findall(r"\$\(string\.([A-Za-z_]+)\)", admx))
    presented = set(re.findall(r"\$\(presentation\.([A-Za-z_]+)\)", admx))
    for language in ("en-US", "sv-SE"):
        root = ET.parse(POLICY_DIR / language / "Kanal.adml").getroot()
        strings = {s.get("id") for s in root.iter(f"{ADMX_NS}string")}
        presentations = {p.get("id") for p in root.iter(f"{ADMX_NS}presentation")}
        assert used <= strings, f"{language} lacks {sorted(used - strings)}"
        assert presented <= presentations, f"{language} lacks {sorted(presented - presentations)}"


def test_the_msi_keeps_its_upgrade_code_and_starts_the_windowed_program() -> None:
    wxs = ET.parse(REPO / "packaging" / "windows" / "kanal.wxs").getroot()
    ns = "{http://schemas.microsoft.com/wix/2006/wi}"
    product = wxs.find(f"{ns}Product")
    assert product is not None
    # Changing the UpgradeCode breaks upgrade in place for every installed machine.
    assert product.get("UpgradeCode") == "b3623784-8855-4814-b80c-14c98a4b0086"
    assert product.find(f"{ns}MajorUpgrade") is not None
    package = product.find(f"{ns}Package")
    assert package is not None and package.get("InstallScope") == "perMachine"
    shortcut = next(product.iter(f"{ns}Shortcut"))
    assert shortcut.get("Target") == "[INSTALLDIR]kanalw.exe"
    nsi = (REPO / "packaging" / "windows" / "kanal-user.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in nsi
    assert '"$INSTDIR\\kanalw.exe"' in nsi
