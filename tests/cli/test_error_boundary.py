"""Every bad input and every broken environment ends in ONE line on stderr, a non-zero exit of
its class, and the data as it was: the real ``kanal`` in a subprocess, real SQLite files, a real
full or read-only file system where this machine lets a test mount one."""

from __future__ import annotations

import os
import resource
import socket
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.cli.errors import ExitCode
from tests.support.cli import (
    assert_one_line_failure,
    can_mount,
    database_file,
    draft_bodies,
    fingerprint,
    kanal,
    kanal_json,
    make_data_dir,
    remount_read_only,
    remount_read_write,
    tmpfs,
)

FIRST = "Vattenavstängning på Storgatan i morgon"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "kanal-data"


@pytest.fixture
def saved(data_dir: Path) -> Iterator[Path]:
    """A data folder holding one draft; after the test the database must be byte-identical."""
    database = make_data_dir(data_dir, FIRST)
    before = fingerprint(database)
    yield database
    assert fingerprint(database) == before
    assert draft_bodies(database) == [FIRST]


def test_garbage_database_url(data_dir: Path, saved: Path) -> None:
    result = kanal("--database-url", "garbage", "draft", "new", "--text", "x", data_dir=data_dir)
    assert_one_line_failure(result, ExitCode.CONFIG, "--database-url")
    unknown = kanal("--database-url", "nosuch://h/db", "draft", "list", data_dir=data_dir)
    assert_one_line_failure(unknown, ExitCode.CONFIG, "nosuch")


def test_database_url_with_a_password_is_never_echoed(data_dir: Path) -> None:
    result = kanal(
        "--database-url", "postgresql+psycopg://kanal:Hemligt123@127.0.0.1:9/kanal",
        "draft", "list", data_dir=data_dir,
    )  # fmt: skip
    line = assert_one_line_failure(result)
    assert "Hemligt123" not in line


def test_corrupt_database_file(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    database = database_file(data_dir)
    database.write_bytes(b"SQLite format 2\x00" + os.urandom(8192))
    before = fingerprint(database)
    for command in (["draft", "list"], ["draft", "new", "--text", "x"], ["history", "verify"]):
        result = kanal(*command, data_dir=data_dir)
        assert_one_line_failure(result, ExitCode.DATA, str(database))
    assert fingerprint(database) == before


def test_database_from_a_newer_kanal(data_dir: Path) -> None:
    database = make_data_dir(data_dir, FIRST)
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'zz_from_the_future_0001'")
    connection.close()
    before = fingerprint(database)
    result = kanal("draft", "new", "--text", "x", data_dir=data_dir)
    assert_one_line_failure(result, ExitCode.DATA, "newer Kanal", "zz_from_the_future_0001")
    assert fingerprint(database) == before
    assert draft_bodies(database) == [FIRST]


def test_limit_beyond_any_integer(data_dir: Path, saved: Path) -> None:
    result = kanal("draft", "list", "--limit", "99999999999999999999", data_dir=data_dir)
    assert_one_line_failure(result, ExitCode.USAGE, "--limit")
    inbox = kanal("inbox", "list", "--limit", "99999999999999999999", data_dir=data_dir)
    assert_one_line_failure(inbox, ExitCode.USAGE, "--limit")
    # history.py has no validator of its own: the boundary still makes it one line.
    history = kanal("history", "list", "--limit", "99999999999999999999", data_dir=data_dir)
    assert_one_line_failure(history, ExitCode.USAGE)


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "-inf", "soon"])
def test_max_wait_must_be_finite_and_not_negative(data_dir: Path, value: str) -> None:
    result = kanal("sync", "--max-wait", value, data_dir=data_dir)
    assert_one_line_failure(result, ExitCode.USAGE, "--max-wait")
    assert not data_dir.exists()  # refused while parsing: nothing was even opened


def test_schedule_in_year_one(data_dir: Path, saved: Path) -> None:
    result = kanal("draft", "new", "--text", "x", "--schedule", "0001-01-01T00:00",
                   data_dir=data_dir)  # fmt: skip
    assert_one_line_failure(result, ExitCode.USAGE, "in the past")


def test_search_with_a_thousand_words(data_dir: Path, saved: Path) -> None:
    words = " ".join(f"ord{n}" for n in range(1000))
    result = kanal("draft", "list", "--search", words, data_dir=data_dir)
    assert_one_line_failure(result, ExitCode.USAGE, "--search", "1000")
    few = kanal_json("draft", "list", "--search", "Vattenavstängning Storgatan", data_dir=data_dir)
    assert [d["body"] for d in few] == [FIRST]


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("keep me", encoding="utf-8")
    for data_dir in (blocker, blocker / "below"):
        result = kanal("--data-dir", str(data_dir), "draft", "new", "--text", "x")
        assert_one_line_failure(result, ExitCode.CONFIG, str(blocker))
    assert blocker.read_text(encoding="utf-8") == "keep me"


def test_sandbox_port_out_of_range(data_dir: Path) -> None:
    result = kanal("sandbox", "serve", "--port", "99999", data_dir=data_dir)
    assert_one_line_failure(result, ExitCode.USAGE, "--port")


def test_sandbox_port_in_use(data_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = kanal("sandbox", "serve", "--port", port, data_dir=data_dir)
    assert_one_line_failure(result, ExitCode.UNAVAILABLE, port)


def test_unknown_command_and_option_are_one_line(data_dir: Path) -> None:
    assert_one_line_failure(kanal("nonsense", data_dir=data_dir), ExitCode.USAGE)
    assert_one_line_failure(kanal("draft", "list", "--bogus", data_dir=data_dir), ExitCode.USAGE)
    assert_one_line_failure(kanal("--lang", "fi", "draft", "list", data_dir=data_dir))


# -- disk full --------------------------------------------------------------------------------


BIG = "Snöröjning " * 9_000  # ~110 kB of text (one argument may hold at most 128 kB)


def _fill(folder: Path) -> Path:
    """Fill the file system holding ``folder`` to the last block."""
    filler = folder / "filler.bin"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(descriptor, b"\0" * 4096):
            pass
    except OSError:
        pass  # ENOSPC: full
    finally:
        os.close(descriptor)
    return filler


def test_disk_full_on_a_small_tmpfs(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", "2m") as mount:
        data_dir = mount / "kanal-data"
        database = make_data_dir(data_dir, FIRST)
        before = fingerprint(database)
        filler = _fill(mount)
        result = kanal("draft", "new", "--text", BIG, data_dir=data_dir)
        assert_one_line_failure(result, ExitCode.IO, "full")
        filler.unlink()
        assert fingerprint(database) == before
        assert draft_bodies(database) == [FIRST]
        assert [d["body"] for d in kanal_json("draft", "list", data_dir=data_dir)] == [FIRST]


def test_disk_full_by_file_size_limit(data_dir: Path, saved: Path) -> None:
    """Without a mount (any user): the kernel refuses to let any file grow past its size."""
    limit = 48 * 1024  # the write-ahead log must grow past this to hold the draft

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = kanal("draft", "new", "--text", BIG, data_dir=data_dir, preexec_fn=small_files)
    assert_one_line_failure(result, ExitCode.IO)


# -- a read-only data folder ------------------------------------------------------------------


@pytest.fixture
def read_only_data(tmp_path: Path) -> Iterator[Path]:
    """A data folder with one draft, then made read-only for real: a read-only mount as root
    (root ignores permission bits), the permission bits otherwise."""
    if can_mount():
        with tmpfs(tmp_path / "ro", "8m") as mount:
            data_dir = mount / "kanal-data"
            make_data_dir(data_dir, FIRST)
            remount_read_only(mount)
            try:
                yield data_dir
            finally:
                remount_read_write(mount)
        return
    if os.name == "posix" and os.geteuid() == 0:
        pytest.skip("root ignores permission bits and cannot mount here")
    data_dir = tmp_path / "kanal-data"
    make_data_dir(data_dir, FIRST)
    folders = [data_dir, data_dir / "logs"]
    for folder in folders:
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        yield data_dir
    finally:
        for folder in folders:
            folder.chmod(stat.S_IRWXU)


def test_read_only_folder_still_reads(read_only_data: Path) -> None:
    logs_before = sorted(p.name for p in (read_only_data / "logs").iterdir())
    measured = kanal("text", "measure", "--network", "x", "Hej", data_dir=read_only_data)
    assert measured.returncode == 0 and measured.stderr == "", measured.stderr
    assert "x: 3 of 280" in measured.stdout
    verified = kanal("history", "verify", data_dir=read_only_data)
    assert verified.returncode == 0 and verified.stderr == "", verified.stderr
    assert "intact" in verified.stdout
    listed = kanal("draft", "list", "--json", data_dir=read_only_data)
    assert listed.returncode == 0 and listed.stderr == "", listed.stderr
    assert FIRST in listed.stdout
    # Logging fell back to stderr (nothing to say at WARNING): no log file was made.
    assert sorted(p.name for p in (read_only_data / "logs").iterdir()) == logs_before


def test_read_only_folder_refuses_writing_in_one_line(read_only_data: Path) -> None:
    database = database_file(read_only_data)
    before = fingerprint(database)
    result = kanal("draft", "new", "--text", "Ny", data_dir=read_only_data)
    assert_one_line_failure(result, ExitCode.CANT_CREATE, str(read_only_data), "read-only")
    swedish = kanal("--lang", "sv", "draft", "new", "--text", "Ny", data_dir=read_only_data)
    assert "inget ändrades" in assert_one_line_failure(swedish)
    assert fingerprint(database) == before
    assert draft_bodies(database) == [FIRST]


def test_image_that_is_a_fifo_or_missing(data_dir: Path, saved: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "bild.png"
    os.mkfifo(fifo)  # opening it to read would block forever
    result = kanal("draft", "new", "--text", "x", "--image", str(fifo), "--alt", "Bild",
                   data_dir=data_dir, timeout=60)  # fmt: skip
    assert_one_line_failure(result, ExitCode.USAGE, "not an ordinary file")
    missing = kanal("draft", "new", "--text", "x", "--image", str(tmp_path / "nej.png"),
                    data_dir=data_dir)  # fmt: skip
    assert_one_line_failure(missing, ExitCode.FAILED, "nej.png is no longer at")
