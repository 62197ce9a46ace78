"""Checks and prepares a drill's uploaded picture or video before anything is stored (issue 19).

The file's type is read from its content, never from its name or the browser's content type:
an image must open with Pillow as JPEG, PNG, WebP or GIF; a video must start like an MP4 or
a WebM file. An image is then turned upright, shrunk to the longest edge allowed and encoded
anew without any of its metadata (EXIF, GPS, camera, ICC profile, text chunks). No HTTP here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Pictures larger than this many pixels are refused before decoding (a "decompression bomb":
# a small file that unpacks to gigabytes).
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 85


@dataclass(frozen=True)
class PreparedMedia:
    """What is stored: the bytes, the file extension, the content type and the size."""

    data: bytes
    extension: str
    content_type: str
    width: int | None = None
    height: int | None = None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def _read(upload, *, max_bytes: int, kind: str) -> bytes:
    """The whole upload, refused when over the limit (checked on the size first, then on what
    was really read, in case the size was not told)."""
    if kind == "image":
        too_big = gettext("This image is %(size)s; the largest allowed is %(most)s.")
    else:
        too_big = gettext("This video is %(size)s; the largest allowed is %(most)s.")
    most = _megabytes(max_bytes)
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(too_big % {"size": _megabytes(size), "most": most}, code="too_large")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        more = gettext("more than %(size)s") % {"size": most}
        raise ValidationError(too_big % {"size": more, "most": most}, code="too_large")
    if not data:
        raise ValidationError(gettext("The file is empty."), code="empty")
    return data


def prepare_image(upload, *, max_bytes: int, max_edge: int) -> PreparedMedia:
    """A re-encoded copy of an uploaded image: upright, at most `max_edge` pixels on its
    longest side, and free of metadata. Raises ValidationError with a sentence for the form."""
    data = _read(upload, max_bytes=max_bytes, kind="image")
    not_image = ValidationError(
        gettext("This file is not a picture we can use: upload a JPEG, PNG, WebP or GIF image."),
        code="not_image",
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in IMAGE_FORMATS:
                raise not_image
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(
                    gettext(
                        "This image is %(width)s × %(height)s pixels; the largest allowed "
                        "is %(most)s million pixels."
                    )
                    % {
                        "width": probe.width,
                        "height": probe.height,
                        "most": MAX_PIXELS // 1_000_000,
                    },
                    code="too_many_pixels",
                )
            probe.verify()  # reads the whole file: a truncated or corrupt one fails here
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_image from None

    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    picture = upright.convert("RGBA" if has_alpha else "RGB")
    picture.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
    # A fresh image from the pixels alone: nothing of the upload's info (EXIF, ICC, XMP,
    # comments, PNG text) can reach the encoder.
    clean = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, format="PNG", optimize=True)
        extension, content_type = "png", "image/png"
    else:
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        extension, content_type = "jpg", "image/jpeg"
    return PreparedMedia(out.getvalue(), extension, content_type, clean.width, clean.height)


# ISO base media (MP4) files start with a box of type "ftyp"; these brands are MP4 video.
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash"}
EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def video_type(head: bytes) -> tuple[str, str] | None:
    """(extension, content type) of an MP4 or WebM file from its first bytes, else None."""
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return "mp4", "video/mp4"
    # WebM is Matroska (EBML) whose header names the document type "webm".
    if head.startswith(EBML_MAGIC) and b"\x42\x82\x84webm" in head[:64]:
        return "webm", "video/webm"
    return None


def prepare_video(upload, *, max_bytes: int) -> PreparedMedia:
    """An uploaded video as stored (not re-encoded): refused unless it is MP4 or WebM by its
    signature, and within the size limit."""
    data = _read(upload, max_bytes=max_bytes, kind="video")
    found = video_type(data[:64])
    if found is None:
        raise ValidationError(
            gettext("This file is not a video we can use: upload an MP4 or WebM video."),
            code="not_video",
        )
    return PreparedMedia(data, *found)
