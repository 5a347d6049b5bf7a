"""Bringing an image file into the data folder: copied, checksummed and checked to be an image.

Everything here happens before the database is touched, and every refusal is an
``AttachmentRejected`` whose message a user can act on; the draft is never changed by a refusal.
"""

from __future__ import annotations

import hashlib
import os
import stat
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from desktop_app.domain.drafts import AttachmentRejected

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
ATTACHMENTS_FOLDER = "attachments"
_CHUNK = 1024 * 1024

# Pillow format name -> (MIME type, file suffix). The formats every supported network takes.
SUPPORTED_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
}


@dataclass(frozen=True)
class ImportedFile:
    stored_path: str  # relative to the data folder, with forward slashes
    original_name: str
    sha256: str
    size_bytes: int
    mime_type: str


class NotARegularFile(OSError):
    """A pipe, device, socket or folder where a file was expected: never opened for reading."""


def open_regular_file(path: Path) -> BinaryIO:
    """Open ``path`` for reading only if it is a regular file, without ever blocking.

    A FIFO opened for reading waits for a writer forever, and a device may never end: the file
    type is checked before opening, the open itself does not block (O_NONBLOCK), and the type
    is checked again on the open descriptor in case the path was swapped in between.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotARegularFile(f"{path.name} is not a regular file")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotARegularFile(f"{path.name} is not a regular file")
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def sha256_of(path: Path) -> str:
    """The SHA-256 of a regular file, read in chunks."""
    digest = hashlib.sha256()
    with open_regular_file(path) as reader:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def import_image(source: Path, data_dir: Path, attachment_id: str) -> ImportedFile:
    """Copy ``source`` to ``data_dir/attachments/<attachment_id><suffix>`` if it is a usable image.

    Raises ``AttachmentRejected`` if the file is gone, unreadable, larger than 50 MB, or not an
    image in a supported format. On refusal nothing is left behind in the data folder.
    """
    name = source.name
    try:
        info = source.stat()
    except FileNotFoundError:
        raise AttachmentRejected(
            f"{name} is no longer at {source} (moved or deleted?), so it was not attached."
        ) from None
    except OSError as error:
        raise AttachmentRejected(f"{name} could not be read ({error.strerror}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise AttachmentRejected(f"{name} is a folder, not an image file.")
    if not stat.S_ISREG(info.st_mode):
        raise AttachmentRejected(_not_a_file(name))
    if info.st_size > MAX_ATTACHMENT_BYTES:
        raise AttachmentRejected(
            f"{name} is {_megabytes(info.st_size)}; an attached image may be at most "
            f"{_megabytes(MAX_ATTACHMENT_BYTES)}. Make it smaller and attach it again."
        )

    folder = data_dir / ATTACHMENTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{attachment_id}.{uuid.uuid4().hex}.partial"
    try:
        sha256, size = _copy_with_checksum(source, partial, name)
        image_format = _check_image(partial, name)
        mime_type, suffix = SUPPORTED_FORMATS[image_format]
        final = folder / f"{attachment_id}{suffix}"
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return ImportedFile(
        stored_path=f"{ATTACHMENTS_FOLDER}/{final.name}",
        original_name=name,
        sha256=sha256,
        size_bytes=size,
        mime_type=mime_type,
    )


def _copy_with_checksum(source: Path, target: Path, name: str) -> tuple[str, int]:
    """Copy in chunks, hashing as we go; the limit is enforced again in case the file grew."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open_regular_file(source) as reader, target.open("xb") as writer:
            while chunk := reader.read(_CHUNK):
                size += len(chunk)
                if size > MAX_ATTACHMENT_BYTES:
                    raise AttachmentRejected(
                        f"{name} is larger than {_megabytes(MAX_ATTACHMENT_BYTES)}, the most an "
                        "attached image may be. Make it smaller and attach it again."
                    )
                digest.update(chunk)
                writer.write(chunk)
            writer.flush()
            os.fsync(writer.fileno())
    except FileNotFoundError:
        raise AttachmentRejected(
            f"{name} is no longer at {source} (moved or deleted?), so it was not attached."
        ) from None
    except NotARegularFile:
        raise AttachmentRejected(_not_a_file(name)) from None
    except (PermissionError, IsADirectoryError) as error:
        raise AttachmentRejected(f"{name} could not be read ({error.strerror}).") from None
    return digest.hexdigest(), size


def _not_a_file(name: str) -> str:
    return (
        f"{name} is not a regular file (a pipe, device or socket), so it was not attached; "
        "choose an image file."
    )


def _check_image(path: Path, name: str) -> str:
    """Return the Pillow format name if ``path`` is a complete image in a supported format."""
    # Imported here: Pillow is only needed when attaching, not for every start of the program.
    from PIL import Image, UnidentifiedImageError

    supported = ", ".join(sorted(SUPPORTED_FORMATS))
    try:
        with warnings.catch_warnings():
            # A decompression-bomb warning becomes an error: such a file is refused, not opened.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image_format = image.format or ""
                image.verify()
            # verify() checks structure only; decoding the pixels finds truncated data.
            with Image.open(path) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise AttachmentRejected(
            f"{name} has too many pixels to be handled safely; use a smaller image."
        ) from None
    except UnidentifiedImageError:
        raise AttachmentRejected(
            f"{name} is not an image Kanal can read (supported: {supported})."
        ) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise AttachmentRejected(
            f"{name} looks damaged and cannot be used as an image ({error})."
        ) from None
    if image_format not in SUPPORTED_FORMATS:
        raise AttachmentRejected(
            f"{name} is a {image_format or 'unknown'} image; supported formats are {supported}."
        )
    return image_format
