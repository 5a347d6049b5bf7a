# ruff: noqa: E501 - a table of display texts; long lines read better than split strings
"""Writes the Group Policy templates (Kanal.admx, en-US/Kanal.adml, sv-SE/Kanal.adml) from
desktop_app/policy.py's KEYS, so the templates and the program never disagree about a name.

Each key appears twice: under "Kanal" (locked: HKLM\\Software\\Policies\\Kanal) and under
"Kanal - recommended" (a default the user may change: ...\\Kanal\\Recommended).
Run: python packaging/windows/policy/generate.py   (tests/packaging checks the files are current)
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from desktop_app.policy import KEYS, RECOMMENDED_SUBKEY, REGISTRY_KEY  # noqa: E402

KINDS = {  # key -> "text" | "flag" | ("enum", values)
    "XClientId": "text",
    "MetaAppId": "text",
    "MastodonInstance": "text",
    "ProxyUrl": "text",
    "ProxyPacUrl": "text",
    "DataFolder": "text",
    "DefaultLanguage": ("enum", ("sv", "en")),
    "AltTextRequired": "flag",
    "ApprovalRequired": "flag",
    "TeamStoreUrl": "text",
    "UpdateChannel": ("enum", ("stable", "beta", "off")),
}

TEXT: dict[str, dict[str, tuple[str, str]]] = {
    # key -> language -> (display name, explanation)
    "XClientId": {
        "en-US": ("X client id", "The organisation's X app registration (OAuth 2.0 client id)."),
        "sv-SE": ("X-klient-id", "Organisationens app-registrering hos X (OAuth 2.0-klient-id)."),
    },
    "MetaAppId": {
        "en-US": (
            "Meta app id",
            "The organisation's Meta app id, used to sign in to Facebook Pages.",
        ),
        "sv-SE": (
            "Meta-app-id",
            "Organisationens app-id hos Meta, för inloggning till Facebooksidor.",
        ),
    },
    "MastodonInstance": {
        "en-US": ("Mastodon server", "The organisation's Mastodon server, e.g. social.example.se."),
        "sv-SE": ("Mastodon-server", "Organisationens Mastodon-server, t.ex. social.example.se."),
    },
    "ProxyUrl": {
        "en-US": (
            "Proxy server",
            "HTTP(S) proxy for every connection, e.g. http://proxy.example.se:8080. Loopback addresses never use it.",
        ),
        "sv-SE": (
            "Proxyserver",
            "HTTP(S)-proxy för alla anslutningar, t.ex. http://proxy.example.se:8080. Loopback-adresser går aldrig via den.",
        ),
    },
    "ProxyPacUrl": {
        "en-US": (
            "Proxy auto-config (PAC) file",
            "Address of a PAC file (http, https or file) that chooses the proxy per address.",
        ),
        "sv-SE": (
            "Automatisk proxykonfiguration (PAC)",
            "Adress till en PAC-fil (http, https eller file) som väljer proxy per adress.",
        ),
    },
    "DataFolder": {
        "en-US": (
            "Data folder",
            "Where Kanal keeps its database and files. Use a local folder, not a network share or a synced folder. Environment variables such as %LOCALAPPDATA% are expanded.",
        ),
        "sv-SE": (
            "Datamapp",
            "Där Kanal sparar sin databas och sina filer. Välj en lokal mapp, inte en nätverksresurs eller synkad mapp. Miljövariabler som %LOCALAPPDATA% expanderas.",
        ),
    },
    "DefaultLanguage": {
        "en-US": ("Language", "The language of the window."),
        "sv-SE": ("Språk", "Fönstrets språk."),
    },
    "AltTextRequired": {
        "en-US": ("Alt text required", "Images cannot be published without alt text."),
        "sv-SE": ("Alternativtext krävs", "Bilder kan inte publiceras utan alternativtext."),
    },
    "ApprovalRequired": {
        "en-US": ("Approval required", "Posts need a second person's approval before publishing."),
        "sv-SE": (
            "Godkännande krävs",
            "Inlägg måste godkännas av en andra person före publicering.",
        ),
    },
    "TeamStoreUrl": {
        "en-US": ("Team store address", "The team's shared store (database URL)."),
        "sv-SE": ("Teamets gemensamma lagring", "Teamets gemensamma lagring (databasens URL)."),
    },
    "UpdateChannel": {
        "en-US": ("Update channel", "Which updates Kanal offers: stable, beta or off."),
        "sv-SE": (
            "Uppdateringskanal",
            "Vilka uppdateringar Kanal erbjuder: stable, beta eller off.",
        ),
    },
}

LABELS = {
    "en-US": {
        "Kanal": "Kanal",
        "KanalRecommended": "Kanal - recommended (user may change)",
        "Supported": "Kanal 0.1 and later",
        "enum_sv": "Swedish",
        "enum_en": "English",
        "enum_stable": "Stable",
        "enum_beta": "Beta",
        "enum_off": "Off",
        "locked": "Locked: users cannot change this setting.",
        "recommended": "Recommended: a default that users may change.",
        "Value": "Value:",
    },
    "sv-SE": {
        "Kanal": "Kanal",
        "KanalRecommended": "Kanal - rekommenderat (användaren kan ändra)",
        "Supported": "Kanal 0.1 och senare",
        "enum_sv": "Svenska",
        "enum_en": "Engelska",
        "enum_stable": "Stabil",
        "enum_beta": "Beta",
        "enum_off": "Av",
        "locked": "Låst: användaren kan inte ändra inställningen.",
        "recommended": "Rekommenderat: ett förval som användaren kan ändra.",
        "Value": "Värde:",
    },
}

LEVELS = (("", "Kanal", "locked"), ("_Recommended", "KanalRecommended", "recommended"))


def admx() -> str:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<!-- Generated by packaging/windows/policy/generate.py from desktop_app/policy.py. -->",
        '<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" '
        'xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">',
        "  <policyNamespaces>",
        '    <target prefix="kanal" namespace="Kanal.Policies.Kanal" />',
        '    <using prefix="windows" namespace="Microsoft.Policies.Windows" />',
        "  </policyNamespaces>",
        '  <resources minRequiredRevision="1.0" />',
        "  <supportedOn>",
        "    <definitions>",
        '      <definition name="SUPPORTED_Kanal" displayName="$(string.Supported)" />',
        "    </definitions>",
        "  </supportedOn>",
        "  <categories>",
        '    <category name="Kanal" displayName="$(string.Kanal)" />',
        '    <category name="KanalRecommended" displayName="$(string.KanalRecommended)" />',
        "  </categories>",
        "  <policies>",
    ]
    for suffix, category, _level in LEVELS:
        key = REGISTRY_KEY + ("\\" + RECOMMENDED_SUBKEY if suffix else "")
        for name in KEYS:
            kind = KINDS[name]
            policy = f"{name}{suffix}"
            head = (
                f'    <policy name="{policy}" class="Machine" displayName="$(string.{name})" '
                f'explainText="$(string.{name}_Explain{suffix})" key="{escape(key)}"'
            )
            if kind == "flag":
                out.append(head + f' valueName="{name}">')
            else:
                out.append(head + f' presentation="$(presentation.{policy})">')
            out.append(f'      <parentCategory ref="{category}" />')
            out.append('      <supportedOn ref="SUPPORTED_Kanal" />')
            if kind == "flag":
                out.append('      <enabledValue><decimal value="1" /></enabledValue>')
                out.append('      <disabledValue><decimal value="0" /></disabledValue>')
            elif kind == "text":
                out.append("      <elements>")
                out.append(f'        <text id="{name}" valueName="{name}" required="true" />')
                out.append("      </elements>")
            else:
                out.append("      <elements>")
                out.append(f'        <enum id="{name}" valueName="{name}" required="true">')
                for value in kind[1]:
                    out.append(
                        f'          <item displayName="$(string.enum_{value})">'
                        f"<value><string>{value}</string></value></item>"
                    )
                out.append("        </enum>")
                out.append("      </elements>")
            out.append("    </policy>")
    out += ["  </policies>", "</policyDefinitions>", ""]
    return "\n".join(out)


def adml(language: str) -> str:
    labels = LABELS[language]
    strings = [(k, labels[k]) for k in ("Kanal", "KanalRecommended", "Supported")]
    strings += [(f"enum_{v}", labels[f"enum_{v}"]) for v in ("sv", "en", "stable", "beta", "off")]
    for name in KEYS:
        display, explain = TEXT[name][language]
        strings.append((name, display))
        for suffix, _category, level in LEVELS:
            strings.append((f"{name}_Explain{suffix}", f"{explain}\n\n{labels[level]}"))
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<!-- Generated by packaging/windows/policy/generate.py from desktop_app/policy.py. -->",
        '<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" '
        'xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">',
        "  <displayName>Kanal</displayName>",
        "  <description>Kanal</description>",
        "  <resources>",
        "    <stringTable>",
    ]
    out += [f'      <string id="{sid}">{escape(text)}</string>' for sid, text in strings]
    out += ["    </stringTable>", "    <presentationTable>"]
    for suffix, _category, _level in LEVELS:
        for name in KEYS:
            kind = KINDS[name]
            if kind == "flag":
                continue
            out.append(f'      <presentation id="{name}{suffix}">')
            if kind == "text":
                out.append(
                    f'        <textBox refId="{name}"><label>{labels["Value"]}</label></textBox>'
                )
            else:
                out.append(
                    f'        <dropdownList refId="{name}" noSort="true">{labels["Value"]}</dropdownList>'
                )
            out.append("      </presentation>")
    out += ["    </presentationTable>", "  </resources>", "</policyDefinitionResources>", ""]
    return "\n".join(out)


def files() -> dict[Path, str]:
    return {
        HERE / "Kanal.admx": admx(),
        HERE / "en-US" / "Kanal.adml": adml("en-US"),
        HERE / "sv-SE" / "Kanal.adml": adml("sv-SE"),
    }


if __name__ == "__main__":
    for path, text in files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(path.relative_to(HERE.parents[2]))
