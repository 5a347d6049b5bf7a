"""Attaching images: copied into the data folder, checksummed, refused with a clear message."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.domain.drafts import AttachmentRejected, Draft
from desktop_app.store.attachment_files import MAX_ATTACHMENT_BYTES
from desktop_app.store.database import Store
from desktop_app.store.errors import UnknownAttachment
from tests.support.store import FakeClock, image_bytes, make_store, write_png

BODY = "Plogbilarna är ute i natt. " * 1000


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    store = make_store(tmp_path / "data", clock)
    yield store
    store.dispose()


@pytest.fixture
def draft(store: Store) -> Draft:
    with store.unit_of_work() as uow:
        return uow.drafts.create(body=BODY, title="Snö")


def attachment_files(store: Store) -> list[Path]:
    folder = store.data_dir / "attachments"
    return sorted(folder.iterdir()) if folder.exists() else []


def assert_draft_untouched(store: Store, draft: Draft) -> None:
    with store.unit_of_work() as uow:
        now = uow.drafts.require(draft.id)
    assert now == draft  # same text, same updated_at, no attachments
    assert attachment_files(store) == []


def test_image_is_copied_with_checksum_and_alt_text(
    store: Store, draft: Draft, tmp_path: Path, clock: FakeClock
) -> None:
    source = write_png(tmp_path / "Karta över Storgatan.png")
    clock.advance(4)
    with store.unit_of_work() as uow:
        attachment = uow.attachments.add(draft.id, source, "Karta över vägarbetet")
    source.unlink()  # the copy in the data folder does not depend on the original
    stored = store.attachment_path(attachment)
    assert stored.parent == store.data_dir / "attachments"
    assert attachment.stored_path == f"attachments/{stored.name}"
    assert stored.read_bytes() == image_bytes()
    assert attachment.sha256 == hashlib.sha256(image_bytes()).hexdigest()
    assert attachment.size_bytes == len(image_bytes())
    assert attachment.mime_type == "image/png"
    assert attachment.original_name == "Karta över Storgatan.png"
    assert attachment.alt_text == "Karta över vägarbetet"
    with store.unit_of_work() as uow:
        loaded = uow.drafts.require(draft.id)
    assert loaded.attachments == (attachment,)
    assert loaded.updated_at == clock.now
    assert loaded.body == BODY


def test_images_keep_their_order_and_alt_text_can_change(
    store: Store, draft: Draft, tmp_path: Path
) -> None:
    first = write_png(tmp_path / "a.png", colour=(1, 2, 3))
    second = tmp_path / "b.jpg"
    second.write_bytes(image_bytes(colour=(9, 9, 9), image_format="JPEG"))
    with store.unit_of_work() as uow:
        a = uow.attachments.add(draft.id, first)
        b = uow.attachments.add(draft.id, str(second), "Två")
        changed = uow.attachments.set_alt_text(a.id, "Ett")
    assert b.mime_type == "image/jpeg" and b.stored_path.endswith(".jpg")
    with store.unit_of_work() as uow:
        listed = uow.attachments.list_for_draft(draft.id)
    assert [x.id for x in listed] == [a.id, b.id]
    assert [x.position for x in listed] == [0, 1]
    assert listed[0] == changed and changed.alt_text == "Ett"


def test_remove_deletes_the_file_after_commit(store: Store, draft: Draft, tmp_path: Path) -> None:
    with store.unit_of_work() as uow:
        attachment = uow.attachments.add(draft.id, write_png(tmp_path / "a.png"))
    stored = store.attachment_path(attachment)
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.attachments.remove(attachment.id)
        raise RuntimeError("rolled back")
    assert stored.exists()
    with store.unit_of_work() as uow:
        uow.attachments.remove(attachment.id)
    assert not stored.exists()
    with store.unit_of_work() as uow:
        assert uow.attachments.list_for_draft(draft.id) == []
        with pytest.raises(UnknownAttachment):
            uow.attachments.remove(attachment.id)


def test_a_rolled_back_add_leaves_no_file(store: Store, draft: Draft, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.attachments.add(draft.id, write_png(tmp_path / "a.png"))
        raise RuntimeError("rolled back")
    assert attachment_files(store) == []


def test_corrupt_image_is_refused_and_the_draft_is_intact(
    store: Store, draft: Draft, tmp_path: Path
) -> None:
    broken = tmp_path / "semester.png"
    whole = image_bytes()
    broken.write_bytes(whole[: len(whole) - 20])  # cut off inside the pixel data
    with pytest.raises(AttachmentRejected) as refused, store.unit_of_work() as uow:
        uow.attachments.add(draft.id, broken, "alt")
    assert "semester.png" in str(refused.value)
    assert "damaged" in str(refused.value)
    assert_draft_untouched(store, draft)


def test_a_text_file_is_not_an_image(store: Store, draft: Draft, tmp_path: Path) -> None:
    text_file = tmp_path / "notes.jpg"
    text_file.write_text("not an image at all", encoding="utf-8")
    refusal = r"notes\.jpg is not an image Kanal can read"
    with pytest.raises(AttachmentRejected, match=refusal), store.unit_of_work() as uow:
        uow.attachments.add(draft.id, text_file)
    assert_draft_untouched(store, draft)


def test_unsupported_format_names_the_supported_ones(
    store: Store, draft: Draft, tmp_path: Path
) -> None:
    bitmap = tmp_path / "scan.bmp"
    bitmap.write_bytes(image_bytes(image_format="BMP"))
    refusal = "BMP image; supported formats are GIF, JPEG"
    with pytest.raises(AttachmentRejected, match=refusal), store.unit_of_work() as uow:
        uow.attachments.add(draft.id, bitmap)
    assert_draft_untouched(store, draft)


def test_file_over_50_mb_is_refused(store: Store, draft: Draft, tmp_path: Path) -> None:
    huge = tmp_path / "drönarbild.png"
    with huge.open("wb") as handle:  # sparse: 50 MB + 1 byte without writing them
        handle.truncate(MAX_ATTACHMENT_BYTES + 1)
    with pytest.raises(AttachmentRejected) as refused, store.unit_of_work() as uow:
        uow.attachments.add(draft.id, huge)
    message = str(refused.value)
    assert "drönarbild.png is 50.0 MB" in message
    assert "at most 50.0 MB" in message
    assert_draft_untouched(store, draft)


def test_vanished_path_gets_a_clear_message(store: Store, draft: Draft, tmp_path: Path) -> None:
    gone = write_png(tmp_path / "flyttad.png")
    gone.unlink()
    with (
        pytest.raises(AttachmentRejected, match=r"flyttad\.png is no longer at .*moved or deleted"),
        store.unit_of_work() as uow,
    ):
        uow.attachments.add(draft.id, gone)
    assert_draft_untouched(store, draft)


def test_a_folder_is_not_an_image(store: Store, draft: Draft, tmp_path: Path) -> None:
    with pytest.raises(AttachmentRejected, match="is a folder"), store.unit_of_work() as uow:
        uow.attachments.add(draft.id, tmp_path)
    assert_draft_untouched(store, draft)


def test_refusal_inside_a_larger_unit_of_work_keeps_earlier_changes(
    store: Store, draft: Draft, tmp_path: Path
) -> None:
    """The composer saves the text, then tries the image: a refused image loses no text."""
    with store.unit_of_work() as uow:
        uow.drafts.update(draft.id, body="new text typed just now")
        with pytest.raises(AttachmentRejected):
            uow.attachments.add(draft.id, tmp_path / "missing.png")
    with store.unit_of_work() as uow:
        assert uow.drafts.require(draft.id).body == "new text typed just now"
