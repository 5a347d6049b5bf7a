"""Images made to fit each platform before sending: size, pixel dimensions, type, metadata.

Every image is decoded and re-encoded with Pillow, which also drops EXIF metadata: a phone
photo's GPS position must not reach the public with an authority's post. The result is written
once per content and target (named by its digest), so retries send byte-identical files.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from desktop_app.domain.media_rules import media_rules
from desktop_app.domain.networks import Network
from desktop_app.store.attachment_files import NotARegularFile, open_regular_file

_FORMAT_OF = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}
_EXTENSION_OF = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}


class MediaPrepError(ValueError):
    """The image cannot be made to fit; the message says why in words the user can act on."""


@dataclass(frozen=True)
class MediaTarget:
    max_bytes: int
    max_dimension: int  # longest side in pixels; larger images are shrunk here
    types: tuple[str, ...]  # MIME types the platform accepts and Pillow can write
    max_count: int = 4
    # (type, bytes) where a type may be larger than max_bytes (X: GIF animations).
    max_bytes_by_type: tuple[tuple[str, int], ...] = ()

    def max_bytes_for(self, mime_type: str) -> int:
        return dict(self.max_bytes_by_type).get(mime_type, self.max_bytes)


def media_target_for(network: Network) -> MediaTarget:
    """What images for ``network`` must fit, from the table of platform facts."""
    rules = media_rules(network)
    return MediaTarget(
        max_bytes=rules.max_image_bytes,
        max_dimension=rules.max_dimension,
        # Only what Pillow writes here: a HEIC or TIFF original is sent as JPEG or PNG.
        types=tuple(t for t in rules.image_types if t in _FORMAT_OF),
        max_count=rules.max_images,
        max_bytes_by_type=rules.max_bytes_by_type,
    )


@dataclass(frozen=True)
class PreparedImage:
    path: Path
    mime_type: str
    sha256: str
    size_bytes: int
    width: int
    height: int


def prepare_image(
    source: Path, target: MediaTarget, out_dir: Path, expected_sha256: str | None = None
) -> PreparedImage:
    """A copy of ``source`` within ``target``'s limits, written under ``out_dir``.

    With ``expected_sha256`` (the digest stored when the image was attached) a file changed or
    swapped since then is refused: what is published is what was attached and reviewed.
    """
    original = _read_attached(source, expected_sha256)
    try:
        with Image.open(io.BytesIO(original)) as opened:
            opened.load()
            source_mime = Image.MIME.get(opened.format or "", "")
            animated = bool(getattr(opened, "is_animated", False))
            image = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise MediaPrepError(f"{source.name} is not a readable image ({error})") from None

    out_dir.mkdir(parents=True, exist_ok=True)
    # An animation is sent as it is when the platform takes it; re-encoding would keep one frame.
    if animated and source_mime in target.types:
        size = len(original)
        limit = target.max_bytes_for(source_mime)
        if size > limit:
            raise MediaPrepError(
                f"the animation {source.name} is {size // 1024} KB; the limit is {limit // 1024} KB"
            )
        return _write(original, source_mime, out_dir)

    if max(image.size) > target.max_dimension:
        image.thumbnail((target.max_dimension, target.max_dimension), Image.Resampling.LANCZOS)
    mime = _choose_type(image, source_mime, target.types)
    data = _encode_within(image, mime, target.max_bytes)
    return _write(data, mime, out_dir)


def _choose_type(image: Image.Image, source_mime: str, accepted: tuple[str, ...]) -> str:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if source_mime in accepted and source_mime != "image/gif":
        return source_mime
    if has_alpha and "image/png" in accepted:
        return "image/png"
    if "image/jpeg" in accepted:
        return "image/jpeg"
    if accepted:
        return accepted[0]
    raise MediaPrepError("the platform accepts no image types")


def _encode(image: Image.Image, mime: str, quality: int) -> bytes:
    buffer = io.BytesIO()
    fmt = _FORMAT_OF.get(mime, "JPEG")
    frame = image
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        # JPEG has no alpha: flatten onto white, as a viewer would show it.
        rgba = image.convert("RGBA")
        frame = Image.new("RGB", rgba.size, (255, 255, 255))
        frame.paste(rgba, mask=rgba.getchannel("A"))
    if fmt == "JPEG":
        frame.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    elif fmt == "PNG":
        frame.save(buffer, format="PNG", optimize=True)
    elif fmt == "WEBP":
        frame.save(buffer, format="WEBP", quality=quality)
    else:
        frame.save(buffer, format=fmt)
    return buffer.getvalue()


def _encode_within(image: Image.Image, mime: str, max_bytes: int) -> bytes:
    """Lower the quality, then the size, until the file fits (or give up clearly)."""
    data = _encode(image, mime, 90)
    if len(data) <= max_bytes:
        return data
    if mime == "image/png":
        # A photo saved as PNG is often far too big; JPEG is what every platform takes.
        mime = "image/jpeg"
    for quality in (85, 75, 65):
        data = _encode(image, mime, quality)
        if len(data) <= max_bytes:
            return data
    current = image
    for _ in range(8):
        width, height = current.size
        if min(width, height) < 64:
            break
        current = current.resize((width * 3 // 4, height * 3 // 4), Image.Resampling.LANCZOS)
        data = _encode(current, mime, 75)
        if len(data) <= max_bytes:
            return data
    raise MediaPrepError(f"the image cannot be made smaller than {max_bytes // 1024} KB")


def _read_attached(source: Path, expected_sha256: str | None) -> bytes:
    """The attached file's bytes, refused if it is not a regular file or no longer matches."""
    try:
        with open_regular_file(source) as reader:
            data = reader.read()
    except FileNotFoundError:
        raise MediaPrepError(f"the image {source.name} is no longer there") from None
    except NotARegularFile:
        raise MediaPrepError(f"the image {source.name} is no longer a regular file") from None
    except OSError as error:
        raise MediaPrepError(f"the image {source.name} cannot be read ({error})") from None
    if expected_sha256 is not None and hashlib.sha256(data).hexdigest() != expected_sha256:
        raise MediaPrepError(
            f"the image {source.name} changed after it was attached (its checksum differs); "
            "remove it from the draft and attach it again"
        )
    return data


def _write(data: bytes, mime: str, out_dir: Path) -> PreparedImage:
    # The mime may have changed in _encode_within (PNG photo to JPEG): trust the bytes.
    with Image.open(io.BytesIO(data)) as check:
        actual_mime = Image.MIME.get(check.format or "", mime)
        width, height = check.size
    sha = hashlib.sha256(data).hexdigest()
    path = out_dir / f"{sha}.{_EXTENSION_OF.get(actual_mime, 'bin')}"
    if not path.exists():
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(data)
        partial.replace(path)
    return PreparedImage(path, actual_mime, sha, len(data), width, height)
