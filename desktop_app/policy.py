"""Organisation policy: settings IT sets for every workstation, the way browsers do it.

Two levels, as in Chrome and Edge: a *locked* (mandatory) value wins over everything and cannot be
changed in the window; a *recommended* value is only a default that the user may override.
Precedence, highest first: locked policy > user setting > recommended policy > built-in default.

Where policy comes from:
- a JSON file: ``KANAL_POLICY_FILE`` if set (tests, special set-ups), else
  ``%ProgramData%\\Kanal\\policy.json`` on Windows and ``/etc/kanal/policy.json`` elsewhere::

      {"policies": {"XClientId": "abc", "ApprovalRequired": true},
       "recommended": {"DefaultLanguage": "sv"}}

- on Windows also the registry (Group Policy, templates in packaging/windows/policy/):
  values under ``HKLM\\Software\\Policies\\Kanal`` are locked, values under
  ``HKLM\\Software\\Policies\\Kanal\\Recommended`` are defaults. The registry wins over the file
  for the same key at the same level.

A bad value or an unreadable file never stops Kanal: it is skipped and reported in
``Policy.problems`` (``kanal policy show`` prints them), so IT sees what was not applied.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

POLICY_FILE_ENV = "KANAL_POLICY_FILE"
REGISTRY_KEY = r"Software\Policies\Kanal"
RECOMMENDED_SUBKEY = "Recommended"


class Source(StrEnum):
    LOCKED = "locked policy"
    USER = "user setting"
    RECOMMENDED = "policy default"
    BUILT_IN = "built-in default"


Value = str | bool | None
Checker = Callable[[Any], Value]


def _text(value: Any) -> Value:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty text")
    return value.strip()


def _flag(value: Any) -> Value:
    # Registry DWORDs arrive as 0/1; JSON as true/false.
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValueError("expected true/false (JSON) or 0/1 (registry DWORD)")


def _url(*schemes: str) -> Checker:
    def check(value: Any) -> Value:
        text = _text(value)
        assert isinstance(text, str)
        parts = urlsplit(text)
        if parts.scheme not in schemes or not parts.hostname:
            raise ValueError(f"expected a {' or '.join(schemes)} URL")
        return text

    return check


def _host_or_url(value: Any) -> Value:
    text = _text(value)
    assert isinstance(text, str)
    if "://" in text:
        return _url("https")(text)
    if "/" in text or " " in text:
        raise ValueError("expected a host name such as social.example.se")
    return text


def _choice(*allowed: str) -> Checker:
    def check(value: Any) -> Value:
        text = _text(value)
        if text not in allowed:
            raise ValueError(f"expected one of: {', '.join(allowed)}")
        return text

    return check


def _folder(value: Any) -> Value:
    text = _text(value)
    assert isinstance(text, str)
    return os.path.expandvars(text)  # %USERPROFILE%\Kanal, $HOME/Kanal


@dataclass(frozen=True)
class Key:
    """One setting IT can set: its JSON/registry name, meaning, check and built-in default."""

    name: str
    description: str
    check: Checker
    default: Value = None


KEYS: dict[str, Key] = {
    key.name: key
    for key in (
        Key("XClientId", "the organisation's X app (OAuth 2.0 client id)", _text),
        Key("MetaAppId", "the organisation's Meta app id (Facebook Pages)", _text),
        Key("MastodonInstance", "the organisation's Mastodon server", _host_or_url),
        Key("ProxyUrl", "HTTP(S) proxy for every connection", _url("http", "https")),
        Key("ProxyPacUrl", "proxy auto-config (PAC) file", _url("http", "https", "file")),
        Key("DataFolder", "where Kanal keeps its database and files", _folder),
        Key("DefaultLanguage", "language of the window", _choice("sv", "en")),
        # Required unless IT says otherwise: images a screen reader cannot describe are not
        # accessible (the Swedish accessibility law covers an authority's channels).
        Key("AltTextRequired", "images cannot be published without alt text", _flag, True),
        Key("ApprovalRequired", "posts need a second person's approval", _flag, False),
        Key("TeamStoreUrl", "the team's shared store (database URL)", _text),
        Key("UpdateChannel", "which updates to offer", _choice("stable", "beta", "off"), "stable"),
    )
}


@dataclass(frozen=True)
class PolicyValue:
    value: Value
    origin: str  # "file /etc/kanal/policy.json" or r"registry HKLM\Software\Policies\Kanal"


@dataclass(frozen=True)
class Setting:
    """One effective setting and where it came from (for ``kanal policy show``)."""

    key: str
    value: Value
    source: Source
    origin: str = ""

    @property
    def locked(self) -> bool:
        return self.source is Source.LOCKED

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": self.value,
            "source": self.source.value,
            "origin": self.origin,
            "locked": self.locked,
        }


@dataclass
class Policy:
    """The organisation's policy as loaded: locked values, defaults, and what was not applied."""

    locked: dict[str, PolicyValue] = field(default_factory=dict)
    recommended: dict[str, PolicyValue] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def is_locked(self, key: str) -> bool:
        """Whether the window must show ``key`` read-only."""
        _known(key)
        return key in self.locked

    def resolve(self, key: str, user_value: Value = None) -> Setting:
        """The effective value of ``key`` given the user's own setting (None: not set)."""
        _known(key)
        if key in self.locked:
            held = self.locked[key]
            return Setting(key, held.value, Source.LOCKED, held.origin)
        if user_value is not None:
            return Setting(key, user_value, Source.USER)
        if key in self.recommended:
            held = self.recommended[key]
            return Setting(key, held.value, Source.RECOMMENDED, held.origin)
        return Setting(key, KEYS[key].default, Source.BUILT_IN)

    def value(self, key: str, user_value: Value = None) -> Value:
        return self.resolve(key, user_value).value

    def effective(self, user: Mapping[str, Value] | None = None) -> list[Setting]:
        """Every known setting, in the order of ``KEYS``."""
        user = user or {}
        return [self.resolve(name, user.get(name)) for name in KEYS]

    def apply(self, level: dict[str, PolicyValue], entries: Mapping[str, Any], origin: str) -> None:
        """Check and add one source's values at one level; bad ones become problems."""
        for name, raw in entries.items():
            key = KEYS.get(name)
            if key is None:
                self.problems.append(f"{origin}: unknown policy {name!r} ignored")
                continue
            try:
                level[name] = PolicyValue(key.check(raw), origin)
            except ValueError as error:
                self.problems.append(f"{origin}: {name} ignored: {error}")


def _known(key: str) -> None:
    if key not in KEYS:
        raise KeyError(f"unknown policy key {key!r}; known: {', '.join(KEYS)}")


def policy_file(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """Where the machine-wide policy file is (it need not exist)."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if env.get(POLICY_FILE_ENV):
        return Path(env[POLICY_FILE_ENV])
    if platform == "win32":
        program_data = env.get("ProgramData") or env.get("PROGRAMDATA") or r"C:\ProgramData"
        return Path(program_data) / "Kanal" / "policy.json"
    return Path("/etc/kanal/policy.json")


def load_file(policy: Policy, path: Path) -> None:
    """Add the JSON file's policies; a missing file is normal, a broken one a problem."""
    origin = f"file {path}"
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad may write a BOM
    except FileNotFoundError:
        return
    except OSError as error:
        policy.problems.append(f"{origin}: cannot be read ({error.strerror or error})")
        return
    try:
        document = json.loads(text)
    except ValueError as error:
        policy.problems.append(f"{origin}: not valid JSON ({error}); no policy from it applied")
        return
    if not isinstance(document, dict):
        policy.problems.append(f"{origin}: expected a JSON object; no policy from it applied")
        return
    policy.sources.append(origin)
    for section, level in (("policies", policy.locked), ("recommended", policy.recommended)):
        entries = document.get(section, {})
        if not isinstance(entries, dict):
            policy.problems.append(f"{origin}: {section!r} must be an object; ignored")
            continue
        policy.apply(level, entries, origin)
    for extra in sorted(set(document) - {"policies", "recommended"}):
        policy.problems.append(f"{origin}: unknown section {extra!r} ignored")


RegistryReader = Callable[[str], dict[str, Any] | None]


def read_registry_key(path: str) -> dict[str, Any] | None:
    """The values of ``HKLM\\<path>`` (None when the key does not exist). Windows only."""
    import winreg  # only on Windows; never imported elsewhere

    try:
        handle = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, path)  # type: ignore[attr-defined,unused-ignore]
    except OSError:
        return None
    values: dict[str, Any] = {}
    with handle:
        index = 0
        while True:
            try:
                name, data, _kind = winreg.EnumValue(handle, index)  # type: ignore[attr-defined,unused-ignore]
            except OSError:
                break
            values[name] = data
            index += 1
    return values


def load_registry(policy: Policy, reader: RegistryReader) -> None:
    """Add Group Policy's values: the key's own values are locked, ``Recommended`` defaults."""
    for subkey, level in (("", policy.locked), (RECOMMENDED_SUBKEY, policy.recommended)):
        path = f"{REGISTRY_KEY}\\{subkey}" if subkey else REGISTRY_KEY
        origin = f"registry HKLM\\{path}"
        try:
            values = reader(path)
        except OSError as error:
            policy.problems.append(f"{origin}: cannot be read ({error})")
            continue
        if values is None:
            continue
        policy.sources.append(origin)
        policy.apply(level, values, origin)


def load_policy(
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    registry: RegistryReader | None = None,
) -> Policy:
    """The machine's policy: the file, then (Windows) the registry over it."""
    platform = sys.platform if platform is None else platform
    policy = Policy()
    load_file(policy, policy_file(environ, platform))
    if registry is None and platform == "win32":
        registry = read_registry_key
    if registry is not None:
        load_registry(policy, registry)
    return policy


_current: Policy | None = None


def current() -> Policy:
    """The policy of this machine, loaded once per process."""
    global _current
    if _current is None:
        _current = load_policy()
    return _current


def is_locked(key: str) -> bool:
    """Whether the window must show ``key`` read-only (the settings page asks this)."""
    return current().is_locked(key)


def reload() -> Policy:
    """Forget the loaded policy (tests; a settings page after IT changed it)."""
    global _current
    _current = None
    return current()


def start_options(
    data_dir: str | None, lang: str | None, environ: Mapping[str, str] | None = None
) -> tuple[str | None, str | None]:
    """The data folder and language to start with: a locked policy wins over ``--data-dir``/
    ``KANAL_DATA_DIR`` and ``--lang``; a recommended one fills in where the person chose none."""
    env = os.environ if environ is None else environ
    policy = current()
    folder = policy.resolve("DataFolder", data_dir or env.get("KANAL_DATA_DIR") or None)
    language = policy.resolve("DefaultLanguage", lang)
    chosen_folder = folder.value if folder.source is not Source.BUILT_IN else data_dir
    chosen_language = language.value if language.source is not Source.BUILT_IN else lang
    return (
        str(chosen_folder) if chosen_folder else None,
        str(chosen_language) if chosen_language else None,
    )
