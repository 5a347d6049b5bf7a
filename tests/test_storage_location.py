"""The data-folder warning: network shares and synced cloud folders, on Windows and Linux."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.storage_location import DRIVE_REMOTE, check_data_folder

LOCAL_MOUNTS = "/dev/sda1 / ext4 rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n"
NETWORK_MOUNTS = (
    LOCAL_MOUNTS
    + "//fs01/home /mnt/home cifs rw 0 0\n"
    + "nas:/export /srv/nfs nfs4 rw 0 0\n"
    + "user@host:/x /mnt/my\\040ssh fuse.sshfs rw 0 0\n"
)


def kinds(folder: str, **kwargs: object) -> list[tuple[str, str]]:
    return [(w.kind, w.where) for w in check_data_folder(folder, **kwargs)]  # type: ignore[arg-type]


def windows(folder: str) -> list[tuple[str, str]]:
    return kinds(folder, environ={}, platform="win32", drive_type=local_drive)


def local_drive(root: str) -> int:
    return 3  # DRIVE_FIXED


def test_a_local_folder_gets_no_warning() -> None:
    assert (
        kinds("/var/lib/anna/.local/share/Kanal", environ={}, platform="linux", mounts=LOCAL_MOUNTS)
        == []
    )
    assert (
        kinds(
            r"C:\Users\anna\AppData\Local\Kanal\Kanal",
            environ={},
            platform="win32",
            drive_type=local_drive,
        )
        == []
    )


@pytest.mark.parametrize(
    ("folder", "where"),
    [
        ("/mnt/home/anna/Kanal", "CIFS"),
        ("/srv/nfs/kanal", "NFS4"),
        ("/mnt/my ssh/kanal", "SSHFS"),
    ],
)
def test_network_file_systems_on_linux(folder: str, where: str) -> None:
    assert kinds(folder, environ={}, platform="linux", mounts=NETWORK_MOUNTS) == [
        ("network", where)
    ]


def test_a_folder_beside_a_mount_point_is_not_inside_it() -> None:
    assert kinds("/mnt/homework", environ={}, platform="linux", mounts=NETWORK_MOUNTS) == []


def test_unc_paths_and_mapped_drives_on_windows() -> None:
    warnings = check_data_folder(r"\\fs01\home$\anna\Kanal", environ={}, platform="win32")
    assert [w.kind for w in warnings] == ["network"]
    assert r"\\fs01\home$" in warnings[0].where and "network drive" in warnings[0].message
    asked: list[str] = []

    def remote(root: str) -> int:
        asked.append(root)
        return DRIVE_REMOTE

    assert kinds(r"H:\Kanal", environ={}, platform="win32", drive_type=remote) == [
        ("network", "mapped network drive H:")
    ]
    assert asked == ["H:\\"]


def test_onedrive_from_its_environment_variable_and_folder_names() -> None:
    env = {"OneDriveCommercial": r"C:\Users\anna\OneDrive - Myndigheten"}
    folder = r"c:\users\anna\onedrive - myndigheten\Dokument\Kanal"
    warnings = check_data_folder(folder, environ=env, platform="win32", drive_type=local_drive)
    assert [(w.kind, w.where) for w in warnings] == [("cloud", "OneDrive")]
    assert "synced by OneDrive" in warnings[0].message
    assert kinds(
        r"D:\Data\OneDrive\Kanal", environ={}, platform="win32", drive_type=local_drive
    ) == [("cloud", "OneDrive")]
    assert kinds(
        "/Volumes/Data/anna/Library/CloudStorage/GoogleDrive-anna@example.se/My Drive/Kanal",
        environ={},
        platform="darwin",
        mounts="",
    ) == [("cloud", "Google Drive")]


def test_dropbox_from_its_info_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".dropbox").mkdir(parents=True)
    synced = tmp_path / "Arbete" / "Synk"  # a renamed Dropbox folder: only info.json knows it
    (home / ".dropbox" / "info.json").write_text(
        json.dumps({"business": {"path": str(synced), "host": 1}}), encoding="utf-8"
    )
    env = {"HOME": str(home)}
    assert kinds(str(synced / "Kanal"), environ=env, platform="linux", mounts=LOCAL_MOUNTS) == [
        ("cloud", "Dropbox")
    ]
    assert kinds(str(tmp_path / "Kanal"), environ=env, platform="linux", mounts=LOCAL_MOUNTS) == []


def test_a_network_share_that_is_also_synced_gets_both_warnings() -> None:
    assert kinds(
        "/mnt/home/anna/Dropbox/Kanal", environ={}, platform="linux", mounts=NETWORK_MOUNTS
    ) == [
        ("network", "CIFS"),
        ("cloud", "Dropbox"),
    ]


def test_this_machine_is_checked_without_injected_inputs(tmp_path: Path) -> None:
    # The real /proc/mounts (or nothing, off Linux): a pytest temp folder is local.
    assert [w for w in check_data_folder(tmp_path, environ={}) if w.kind == "cloud"] == []
