"""Attaching refuses anything but a regular file, without blocking, and keeps the SHA-256."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from desktop_app.domain.drafts import AttachmentRejected
from desktop_app.store.attachment_files import (
    ATTACHMENTS_FOLDER,
    NotARegularFile,
    import_image,
    open_regular_file,
    sha256_of,
)
from tests.support.store import make_store, write_png

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@needs_fifo
@pytest.mark.timeout(20)  # a FIFO opened for reading would block until then
def test_a_fifo_is_refused_without_blocking_and_nothing_is_left(tmp_path: Path) -> None:
    pipe = fifo(tmp_path / "bild.png")
    data_dir = tmp_path / "data"
    with pytest.raises(AttachmentRejected, match=r"bild\.png is not a regular file"):
        import_image(pipe, data_dir, "a1")
    assert not list((data_dir / ATTACHMENTS_FOLDER).glob("*"))
    with pytest.raises(NotARegularFile):
        open_regular_file(pipe)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "mapp.png"
    folder.mkdir()
    with pytest.raises(AttachmentRejected, match="is a folder"):
        import_image(folder, tmp_path / "data", "a1")
    with pytest.raises(NotARegularFile):
        open_regular_file(folder)


@pytest.mark.skipif(sys.platform == "win32", reason="/dev/zero is a Unix device")
@pytest.mark.timeout(20)  # reading a device that never ends would run until then
def test_a_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AttachmentRejected, match="not a regular file"):
        import_image(Path("/dev/zero"), tmp_path / "data", "a1")


def test_the_sha256_of_the_attached_bytes_is_kept(tmp_path: Path) -> None:
    source = write_png(tmp_path / "plogbil.png")
    imported = import_image(source, tmp_path / "data", "a1")
    expected = hashlib.sha256(source.read_bytes()).hexdigest()
    assert imported.sha256 == expected
    assert sha256_of(tmp_path / "data" / imported.stored_path) == expected


@needs_fifo
@pytest.mark.timeout(20)
def test_the_store_refuses_a_fifo_and_leaves_the_draft_as_it_was(tmp_path: Path) -> None:
    store = make_store(tmp_path / "data")
    try:
        with store.unit_of_work() as uow:
            draft = uow.drafts.create(title="", body="Halkvarning", actor="anna")
        pipe = fifo(tmp_path / "bild.png")
        with pytest.raises(AttachmentRejected), store.unit_of_work() as uow:
            uow.attachments.add(draft.id, pipe, "Plogbil")
        with store.unit_of_work(read_only=True) as uow:
            assert uow.drafts.require(draft.id).attachments == ()
    finally:
        store.dispose()
