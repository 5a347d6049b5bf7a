"""Is the data folder somewhere SQLite is not safe? A network share or a synced cloud folder.

SQLite's locking does not work reliably over SMB/CIFS or NFS (the SQLite documentation says so),
and OneDrive, Dropbox or Google Drive copy the database file while it is being written, leave
"conflicted copies" and may free the space of a file they consider "online only". Roaming
profiles and redirected folders put exactly these under a user's feet on a managed Windows desk,
so the window and the CLI warn (they do not refuse: IT may have reasons) when the folder is:

- a UNC path (``\\\\server\\share\\...``) or a mapped network drive (Windows' GetDriveType says
  DRIVE_REMOTE);
- on an NFS, CIFS/SMB or other network file system (Linux, from /proc/mounts);
- inside a OneDrive, Dropbox, Google Drive or iCloud folder (the clients' environment variables,
  Dropbox's info.json, and the folder names they use).

Pure logic with injectable inputs; nothing here changes anything.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath, PureWindowsPath

NETWORK_FILE_SYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "afs",
        "ceph",
        "glusterfs",
        "9p",
        "davfs",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.davfs2",
        "fuse.s3fs",
    }
)
CLOUD_ENV = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")
CLOUD_FOLDER_NAMES = {
    "onedrive": "OneDrive",
    "dropbox": "Dropbox",
    "google drive": "Google Drive",
    "my drive": "Google Drive",
    "icloud drive": "iCloud",
    "mobile documents": "iCloud",
    "icloudrive": "iCloud",
}
CLOUD_FOLDER_PREFIXES = {
    "onedrive - ": "OneDrive",  # OneDrive for Business: "OneDrive - Myndigheten"
    "onedrive-": "OneDrive",  # macOS ~/Library/CloudStorage/OneDrive-Myndigheten
    "googledrive-": "Google Drive",
    "dropbox (": "Dropbox",  # "Dropbox (Myndigheten)"
}
DRIVE_REMOTE = 4  # GetDriveTypeW


@dataclass(frozen=True)
class StorageWarning:
    kind: str  # "network" or "cloud"
    where: str  # "SMB share", "NFS", "OneDrive", ...
    message: str


def check_data_folder(
    folder: Path | str,
    *,
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    mounts: str | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> list[StorageWarning]:
    """Warnings for ``folder`` (empty when it is a local, unsynced folder).

    ``mounts`` is the text of /proc/mounts and ``drive_type`` Windows' GetDriveTypeW, both read
    from the system when not given (tests give them).
    """
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    text = str(folder)
    warnings: list[StorageWarning] = []
    network = _network_kind(text, platform, mounts, drive_type)
    if network is not None:
        warnings.append(
            StorageWarning(
                "network",
                network,
                f"Kanal's data folder {text} is on a network drive ({network}). The database "
                "can be damaged there, because file locking over the network is unreliable. "
                "Choose a folder on this computer (--data-dir, or ask IT to set DataFolder).",
            )
        )
    cloud = _cloud_service(text, env, platform)
    if cloud is not None:
        warnings.append(
            StorageWarning(
                "cloud",
                cloud,
                f"Kanal's data folder {text} is synced by {cloud}. Syncing copies the database "
                "while Kanal writes it, which can lose changes or leave conflicting copies. "
                f"Choose a folder that {cloud} does not sync (--data-dir, or ask IT to set "
                "DataFolder); Kanal's own backup is the history export.",
            )
        )
    return warnings


def _pure(text: str, platform: str) -> PurePath:
    return PureWindowsPath(text) if platform == "win32" else PurePath(text)


def _network_kind(
    text: str, platform: str, mounts: str | None, drive_type: Callable[[str], int] | None
) -> str | None:
    if platform == "win32":
        path = PureWindowsPath(text)
        if path.drive.startswith(("\\\\", "//")):
            return "network share " + path.drive
        if path.drive:
            try:
                kind = (drive_type or _get_drive_type)(path.drive + "\\")
            except OSError:
                return None
            if kind == DRIVE_REMOTE:
                return f"mapped network drive {path.drive}"
        return None
    if text.startswith("//"):
        return "network share"
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    fs_type = _mount_type(text, mounts)
    if fs_type is not None and fs_type.lower() in NETWORK_FILE_SYSTEMS:
        return fs_type.upper().replace("FUSE.", "")
    return None


def _mount_type(text: str, mounts: str) -> str | None:
    """The file system type of the longest mount point containing ``text``."""
    target = os.path.abspath(text)
    best: tuple[int, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) > best[0]):
            best = (len(point), fields[2])
    return best[1] if best else None


def _get_drive_type(root: str) -> int:
    import ctypes

    windll = getattr(ctypes, "windll", None)
    if windll is None:
        raise OSError("not Windows")
    return int(windll.kernel32.GetDriveTypeW(root))


def _cloud_service(text: str, env: Mapping[str, str], platform: str) -> str | None:
    path = _pure(text, platform)
    for name in CLOUD_ENV:
        root = env.get(name)
        if root and _inside(path, _pure(root, platform), platform):
            return "OneDrive"
    for root in _dropbox_roots(env, platform):
        if _inside(path, _pure(root, platform), platform):
            return "Dropbox"
    for part in path.parts:
        lowered = part.lower()
        if lowered in CLOUD_FOLDER_NAMES:
            return CLOUD_FOLDER_NAMES[lowered]
        for prefix, service in CLOUD_FOLDER_PREFIXES.items():
            if lowered.startswith(prefix):
                return service
    return None


def _inside(path: PurePath, root: PurePath, platform: str) -> bool:
    if platform == "win32":
        path = PureWindowsPath(str(path).lower())
        root = PureWindowsPath(str(root).lower())
    return path == root or root in path.parents


def _dropbox_roots(env: Mapping[str, str], platform: str) -> list[str]:
    """Dropbox's folders from its info.json (where Dropbox documents that it writes it)."""
    candidates = []
    if platform == "win32":
        candidates = [
            Path(env[name]) / "Dropbox" / "info.json"
            for name in ("APPDATA", "LOCALAPPDATA")
            if env.get(name)
        ]
    elif env.get("HOME"):
        candidates = [Path(env["HOME"]) / ".dropbox" / "info.json"]
    roots: list[str] = []
    for candidate in candidates:
        try:
            info = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(info, dict):
            for account in info.values():
                if isinstance(account, dict) and isinstance(account.get("path"), str):
                    roots.append(account["path"])
    return roots
