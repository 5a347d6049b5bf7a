"""Shows what `kanal accounts check` finds for one account: token, expiry, permissions, limits.

The findings come from the engine (AccountService.check, on the worker lane); this only lays
them out, each with what a person can do, most serious first.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.networks.health import AccountHealth, Severity

_ORDER = {Severity.PROBLEM: 0, Severity.WARNING: 1, Severity.OK: 2}


def severity_label(severity: Severity) -> str:
    labels = {
        Severity.PROBLEM: QCoreApplication.translate("AccountHealth", "Needs action"),
        Severity.WARNING: QCoreApplication.translate("AccountHealth", "Note"),
        Severity.OK: QCoreApplication.translate("AccountHealth", "OK"),
    }
    return labels[severity]


def health_text(health: AccountHealth) -> str:
    """The findings as plain lines: label, what was found, and what to do."""
    lines = []
    for finding in sorted(health.findings, key=lambda f: _ORDER[f.severity]):
        line = f"{severity_label(finding.severity)}: {finding.message}"
        if finding.action:
            advice = QCoreApplication.translate("AccountHealth", "What to do: %1")
            line += "\n    " + advice.replace("%1", finding.action)
        lines.append(line)
    if not lines:
        lines.append(QCoreApplication.translate("AccountHealth", "Nothing to report."))
    return "\n".join(lines)


def health_box(parent: QWidget, account_name: str, health: AccountHealth) -> QMessageBox:
    """A non-blocking message box naming the account it is about (screen readers read it)."""
    icon = QMessageBox.Icon.Information if health.ok else QMessageBox.Icon.Warning
    box = QMessageBox(icon, "", "", QMessageBox.StandardButton.Close, parent)
    box.setWindowTitle(
        QCoreApplication.translate("AccountHealth", "Account check: %1").replace("%1", account_name)
    )
    headline = (
        QCoreApplication.translate("AccountHealth", "%1 works as Kanal needs.")
        if health.ok
        else QCoreApplication.translate("AccountHealth", "%1 needs attention.")
    )
    box.setText(headline.replace("%1", health.name or account_name))
    box.setInformativeText(health_text(health))
    box.setAccessibleName(box.windowTitle())
    return box
