"""What the upload form accepted, as one checked zip: a zip as sent, or Markdown files packed into one.

Packing is deterministic (names sorted, one fixed date), so the same files uploaded again make the same
zip, with the same digest, and the importer names them the same way.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings

from imports import archive
from jekyll.front_matter import MAX_FILE_BYTES
from jekyll.importer import PLAIN_FOLDER_EXTENSIONS

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
PACKED_DATE = (1980, 1, 1, 0, 0, 0)


class UploadRefused(ValueError):
    """The files cannot be imported; ``str(error)`` says why, for the person who sent them."""


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes
    sha256: str
    file_count: int
    # Few and small enough to import while the person waits (see ``small_enough``).
    small: bool
    notes: str = ""


def small_enough(listing: archive.Listing) -> bool:
    """A handful of small files: imported in well under a second, so inline; anything more goes to the worker."""
    return len(listing.files) <= settings.IMPORT_INLINE_MAX_FILES and (
        listing.unpacked_bytes <= settings.IMPORT_INLINE_MAX_BYTES
    )


def from_zip(*, name: str, data: bytes) -> Upload:
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
        limit = _mb(settings.IMPORT_MAX_UPLOAD_BYTES)
        raise UploadRefused(f"The zip is {_mb(len(data))}; uploads may be up to {limit}.")
    try:
        listing = archive.inspect(io.BytesIO(data))
    except archive.ArchiveRefused as error:
        raise UploadRefused(str(error)) from None
    notes = ""
    if listing.skipped:
        shown = ", ".join(listing.skipped[:5]) + (" …" if len(listing.skipped) > 5 else "")
        notes = f"Archives inside the zip are not opened: {shown}."
    return Upload(
        name=display_name(name),
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        file_count=1,
        small=small_enough(listing),
        notes=notes,
    )


def from_markdown(files: list[tuple[str, bytes]]) -> Upload:
    """Markdown (or HTML) post files, each named by its file name alone, packed into one zip."""
    if len(files) > settings.IMPORT_MAX_MARKDOWN_FILES:
        raise UploadRefused(
            f"{len(files)} files were sent; at most {settings.IMPORT_MAX_MARKDOWN_FILES} at once. Put more in a zip."
        )
    seen: set[str] = set()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as packed:
        for name, data in sorted(files):
            name = display_name(name)
            extension = name[name.rfind(".") :].lower() if "." in name else ""
            if extension not in PLAIN_FOLDER_EXTENSIONS:
                raise UploadRefused(
                    f"{name}: only Markdown (.md, .markdown) or .html post files, or one .zip of a Jekyll site."
                )
            if name.startswith((".", "_", "#")) or name.endswith("~"):
                raise UploadRefused(f"{name}: Jekyll never reads a file whose name starts with '.', '_' or '#'.")
            if name in seen:
                raise UploadRefused(f"Two files are named {name}.")
            if len(data) > MAX_FILE_BYTES:
                raise UploadRefused(f"{name} is {_mb(len(data))}; a post file may be up to {_mb(MAX_FILE_BYTES)}.")
            seen.add(name)
            packed.writestr(zipfile.ZipInfo(name, date_time=PACKED_DATE), data, compress_type=zipfile.ZIP_DEFLATED)
    data = buffer.getvalue()
    try:
        listing = archive.inspect(io.BytesIO(data))
    except archive.ArchiveRefused as error:  # a name too long for a file system, say
        raise UploadRefused(str(error)) from None
    label = display_name(files[0][0]) if len(files) == 1 else f"{len(files)} Markdown files"
    return Upload(
        name=label,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        file_count=len(files),
        small=small_enough(listing),
    )


def is_zip(name: str, head: bytes) -> bool:
    return name.lower().endswith(".zip") or head.startswith(ZIP_MAGIC)


def display_name(name: str) -> str:
    """The file's own name (browsers may send a path), without control characters, at most 255 characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if ord(char) >= 32 and ord(char) != 127).strip()
    return name[:255] or "unnamed"


def _mb(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"
