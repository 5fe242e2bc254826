"""Pictures: checked by decoding them, stored once by content hash, stripped of metadata, resized.

Only JPEG, PNG, GIF and WebP are accepted, and only when Pillow can decode them: never by a file's name
or its Content-Type. Every stored file is written anew by Pillow (orientation applied, EXIF, GPS and
comments left behind), under a name made of the original bytes' hash, so the same picture uploaded twice
is stored once and a stored file never changes (it may be cached for a year).
"""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from PIL import Image as PillowImage
from PIL import ImageOps, UnidentifiedImageError

from blog.models import Image

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_FRAMES = 200
# Copies for phones, tablets and wide screens; never wider than the original.
WIDTHS = (480, 960, 1600)
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
# Pillow refuses (DecompressionBombError) anything over twice this; we refuse anything over it ourselves.
PillowImage.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageRejected(ValueError):
    """Why a file is not stored, in words for the person who sent it."""


@dataclass(frozen=True)
class _Decoded:
    image: PillowImage.Image
    format: str
    frames: int


def _decode(data: bytes) -> _Decoded:
    if len(data) > MAX_BYTES:
        raise ImageRejected(f"the file is {len(data) / 1_048_576:.1f} MB; images may be up to 20 MB")
    if not data:
        raise ImageRejected("the file is empty")
    try:
        with PillowImage.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise ImageRejected(f"{kind or 'this kind of file'} is not accepted: use JPEG, PNG, GIF or WebP")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ImageRejected(f"the image is {width} × {height} pixels; at most 40 megapixels are accepted")
            frames = getattr(probe, "n_frames", 1)
            if frames > MAX_FRAMES:
                raise ImageRejected(f"the image has {frames} frames; at most {MAX_FRAMES} are accepted")
            probe.verify()
        image = PillowImage.open(io.BytesIO(data))
        image.load()
    except ImageRejected:
        raise
    except PillowImage.DecompressionBombError as error:
        raise ImageRejected("the image is too large to open safely (more than 40 megapixels)") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageRejected(
            "the file is not an image we can read (JPEG, PNG, GIF or WebP), or it is damaged"
        ) from error
    return _Decoded(image=image, format=kind, frames=frames)


def _encode(image: PillowImage.Image, kind: str, *, animated: bool) -> bytes:
    """Pillow writes the file anew: pixels only, no EXIF, GPS, XMP or comments."""
    out = io.BytesIO()
    if animated:
        image.save(out, format=kind, save_all=True, optimize=False, loop=image.info.get("loop", 0))
    elif kind == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    elif kind == "WEBP":
        image.save(out, format="WEBP", quality=85)
    else:
        image.save(out, format=kind, optimize=True)
    return out.getvalue()


def _upright(decoded: _Decoded) -> PillowImage.Image:
    image = decoded.image
    if decoded.frames > 1:
        return image
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    return image


def stored_name(data: bytes) -> str:
    """The name ``data`` is (or would be) stored under, without storing it: for a dry run. Raises ImageRejected."""
    digest = hashlib.sha256(data).hexdigest()
    existing = _known(digest).values_list("name", flat=True).first()
    if existing is not None:
        return existing
    return _name(digest, FORMATS[_decode(data).format])


def _known(digest: str):
    """The picture these bytes are: the one first sent as them, or the one stored as them (an export's)."""
    return Image.objects.filter(Q(sha256=digest) | Q(file_sha256=digest))


def _name(digest: str, extension: str) -> str:
    return f"images/{digest[:2]}/{digest[:24]}.{extension}"


def store_image(*, data: bytes, alt_text: str = "", source: str = Image.Source.UPLOAD, source_path: str = "") -> Image:
    """Check, clean and store ``data``; the stored ``Image`` (the existing one when these bytes came before)."""
    digest = hashlib.sha256(data).hexdigest()
    existing = _known(digest).first()
    if existing is not None:
        return existing
    decoded = _decode(data)
    extension = FORMATS[decoded.format]
    animated = decoded.frames > 1
    upright = _upright(decoded)
    name = _name(digest, extension)
    widths = [] if animated else [width for width in WIDTHS if width < upright.width]
    image = Image(
        name=name,
        sha256=digest,
        format=extension,
        width=upright.width,
        height=upright.height,
        widths=widths,
        alt_text=alt_text[:500],
        source=source,
        source_path=source_path[:1000],
    )
    full_size = _encode(upright, decoded.format, animated=animated)
    image.file_sha256 = hashlib.sha256(full_size).hexdigest()
    _save_file(name, full_size)
    for width in widths:
        height = max(1, round(upright.height * width / upright.width))
        copy = upright.resize((width, height), PillowImage.Resampling.LANCZOS)
        _save_file(image.rendition_name(width), _encode(copy, decoded.format, animated=False))
    try:
        with transaction.atomic():
            image.save()
    except IntegrityError:
        # The same bytes stored at the same moment by another request: theirs is ours (same files).
        return Image.objects.get(sha256=digest)
    return image


def _save_file(name: str, content: bytes) -> None:
    """Write ``name`` unless it is already there: a content-hashed name never needs writing twice."""
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(content))


def public_url(name: str) -> str:
    """Where a browser fetches a stored file: the public media URL (a CDN) when set, else ``/media/``."""
    base = settings.MEDIA_PUBLIC_URL or settings.MEDIA_URL
    return f"{base.rstrip('/')}/{name}"
