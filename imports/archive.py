"""An uploaded zip, checked before anything is extracted, and extracted only as far as it passed.

:func:`inspect` reads the zip's directory alone (nothing is decompressed) and refuses it, with a sentence for
the person who uploaded it, when it is not a zip or is damaged; holds more entries than ``IMPORT_MAX_FILES``
(counted from its end record before Python reads the directory, so a zip of a million empty entries costs
nothing); declares an entry larger than ``MAX_ENTRY_BYTES`` or more than ``IMPORT_MAX_UNPACKED_BYTES`` in all;
would unpack an entry to more than ``MAX_RATIO`` times its compressed size (a zip bomb); has entries whose
compressed data overlap; names an entry with an absolute path, a drive, a ``..`` part, a control character or
more than a file system takes; names one path twice, or as both a file and a folder; holds a link, a device
or anything else but files and folders; is encrypted or compressed in a way we do not read.

:func:`extract` then writes each file itself (never ``extractall``), refusing to overwrite anything and
counting bytes as they come, so a zip that lies about its sizes stops there too. Archives inside the zip
and macOS's ``__MACOSX`` copies are never extracted.
"""

import datetime
import os
import re
import stat
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings

from blog import images

# No file the importer reads may be larger: a post file is at most 5 MB, a picture at most 20 MB.
MAX_ENTRY_BYTES = images.MAX_BYTES
# Text compresses five to ten times; only a made-up entry unpacks a hundred times larger. Small entries
# are let through whatever their ratio (a 100 KB file of spaces harms nobody).
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024
# Room in the central directory per entry (its fixed 46 bytes, a long name, the usual extra fields).
DIRECTORY_BYTES_PER_ENTRY = 512
MAX_NAME_BYTES = 1000  # a post's source_path
READ_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
NESTED_ARCHIVES = (".zip", ".jar", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar")
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 64 * 1024


class ArchiveRefused(ValueError):
    """The zip cannot be imported; ``str(error)`` says why, for the person who uploaded it."""


@dataclass(frozen=True)
class Entry:
    info: zipfile.ZipInfo
    path: PurePosixPath


@dataclass
class Listing:
    """What a zip holds that passed the checks: the files to extract and what is left out on purpose."""

    files: list[Entry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unpacked_bytes: int = 0


def limits() -> tuple[int, int]:
    """(entries, unpacked bytes) a zip may hold, from the settings."""
    return settings.IMPORT_MAX_FILES, settings.IMPORT_MAX_UNPACKED_BYTES


def inspect(file) -> Listing:
    """Check the zip in ``file`` (a binary file object, seekable) from its directory; raise ArchiveRefused."""
    _check_end_record(file)
    try:
        with zipfile.ZipFile(file) as archive:
            return _listing(archive, _size_of(file))
    except ArchiveRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        raise ArchiveRefused(f"This is not a zip file, or it is damaged ({_short(error)}).") from None


def extract(path: Path, into: Path) -> Listing:
    """Check the zip at ``path`` again, then write its files under ``into`` (an empty folder)."""
    with path.open("rb") as file:
        listing = inspect(file)
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive:
                _write_files(archive, listing, into.resolve())
        except ArchiveRefused:
            raise
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as error:
            raise ArchiveRefused(f"The zip is damaged: {_short(error)}.") from None
    return listing


def _write_files(archive: zipfile.ZipFile, listing: Listing, into: Path) -> None:
    budget = limits()[1]
    for entry in listing.files:
        target = into.joinpath(*entry.path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.parent.resolve().is_relative_to(into):
            raise ArchiveRefused(f"{entry.info.filename} would be written outside the folder.")
        written = 0
        # "x": a file is created, never an existing one (or a link's target) overwritten.
        with archive.open(entry.info) as source, target.open("xb") as out:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                budget -= len(chunk)
                if written > entry.info.file_size or budget < 0:
                    raise ArchiveRefused(f"{entry.info.filename} unpacks to more than the zip says it holds.")
                out.write(chunk)
        moment = _modified(entry.info)
        os.utime(target, (moment, moment))


def _modified(info: zipfile.ZipInfo) -> float:
    """The entry's time, read as UTC (a zip does not say its zone): the same zip gives the same dates each time."""
    try:
        return datetime.datetime(*info.date_time, tzinfo=datetime.UTC).timestamp()
    except ValueError:
        return datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC).timestamp()


def _listing(archive: zipfile.ZipFile, archive_size: int) -> Listing:
    max_files, max_unpacked = limits()
    infos = archive.infolist()
    if len(infos) > max_files:
        raise ArchiveRefused(f"The zip holds {len(infos):,} entries; at most {max_files:,} can be imported at once.")
    listing = Listing()
    seen_files: set[PurePosixPath] = set()
    seen_folders: set[PurePosixPath] = set()
    compressed = 0
    for info in infos:
        path = _safe_path(info.filename)
        _check_kind(info)
        compressed += info.compress_size
        if info.file_size > MAX_ENTRY_BYTES:
            raise ArchiveRefused(
                f"{info.filename} is {info.file_size:,} bytes unpacked; no file in an import may be over "
                f"{MAX_ENTRY_BYTES // 1_048_576} MB."
            )
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ArchiveRefused(
                f"{info.filename} would unpack to over {MAX_RATIO} times its packed size, as zip bombs do; "
                "it was not opened."
            )
        listing.unpacked_bytes += info.file_size
        if listing.unpacked_bytes > max_unpacked:
            raise ArchiveRefused(
                f"The zip unpacks to over {max_unpacked // 1_048_576} MB; at most that can be imported at once."
            )
        if info.is_dir() or path is None:
            continue
        if path in seen_files or path in seen_folders:
            raise ArchiveRefused(f"The zip holds {info.filename} twice (or as both a file and a folder).")
        seen_files.add(path)
        seen_folders.update(path.parents)
        if seen_files.intersection(path.parents):
            raise ArchiveRefused(f"The zip holds a file where {info.filename} needs a folder.")
        if path.parts[0] == "__MACOSX" or path.name.lower().endswith(NESTED_ARCHIVES):
            if path.parts[0] != "__MACOSX":
                listing.skipped.append(info.filename)
            continue
        listing.files.append(Entry(info, path))
    if compressed > archive_size:
        raise ArchiveRefused("The zip's entries overlap one another, as zip bombs do; it was not opened.")
    return listing


def _safe_path(name: str) -> PurePosixPath | None:
    """The entry's path inside the upload's folder (None for the folder itself), or ArchiveRefused."""
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise ArchiveRefused(f"An entry's name has a control character in it: {name!r}.")
    # Zips should use "/", but some Windows tools write "\": both separate folders here.
    posix = name.replace("\\", "/")
    if posix.startswith("/") or _DRIVE.match(posix):
        raise ArchiveRefused(f"{name} is an absolute path; an import's files must be inside the zip's folder.")
    parts = [part for part in posix.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ArchiveRefused(f"{name} climbs out of the zip's folder with '..'.")
    if len(posix.encode()) > MAX_NAME_BYTES or any(len(part.encode()) > 255 for part in parts):
        raise ArchiveRefused(f"{name[:80]}… is too long a name.")
    return PurePosixPath(*parts) if parts else None


def _check_kind(info: zipfile.ZipInfo) -> None:
    """Only files and folders: a link could point anywhere on the server once extracted."""
    if info.flag_bits & 0x1:
        raise ArchiveRefused(f"{info.filename} is encrypted; upload a zip without a password.")
    if info.compress_type not in READ_METHODS:
        raise ArchiveRefused(f"{info.filename} is compressed in a way this site does not read; use ordinary zip.")
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise ArchiveRefused(f"{info.filename} is a link; links are not imported. Zip the files themselves.")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise ArchiveRefused(f"{info.filename} is not an ordinary file or folder.")


def _check_end_record(file) -> None:
    """Refuse a zip whose end record declares too many entries or too large a directory, before Python reads
    the directory (it builds an object per entry, whatever the count claims: so the directory's size is
    bounded too)."""
    size = _size_of(file)
    tail_start = max(0, size - (22 + 65_535))
    file.seek(tail_start)
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise ArchiveRefused("This is not a zip file, or it is damaged (no end of its directory).")
    entries, directory_size = struct.unpack("<xxxxxxxxxxHI", tail[at : at + 16])
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:
        entries, directory_size = _zip64_counts(file, tail_start + at)
    max_files = limits()[0]
    if entries > max_files:
        raise ArchiveRefused(f"The zip holds {entries:,} entries; at most {max_files:,} can be imported at once.")
    if directory_size > max_files * DIRECTORY_BYTES_PER_ENTRY:
        raise ArchiveRefused(f"The zip's list of entries is too long; at most {max_files:,} entries can be imported.")
    file.seek(0)


def _zip64_counts(file, end_record_at: int) -> tuple[int, int]:
    """(entries, directory size) from a zip64 end record, found through the locator just before the end record."""
    if end_record_at < 20:
        raise ArchiveRefused("This is not a zip file, or it is damaged (no zip64 end record).")
    file.seek(end_record_at - 20)
    locator = file.read(20)
    if locator[:4] != b"PK\x06\x07":
        raise ArchiveRefused("This is not a zip file, or it is damaged (no zip64 end record).")
    (record_at,) = struct.unpack("<Q", locator[8:16])
    file.seek(record_at)
    record = file.read(56)
    if len(record) < 56 or record[:4] != b"PK\x06\x06":
        raise ArchiveRefused("This is not a zip file, or it is damaged (no zip64 end record).")
    entries, directory_size = struct.unpack("<QQ", record[32:48])
    return entries, directory_size


def _size_of(file) -> int:
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


def _short(error: Exception) -> str:
    return str(error)[:200] or type(error).__name__
