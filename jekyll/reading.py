"""Reading an import's files (:func:`batches`): each read and parsed, its pictures localised, a batch at a time."""

import datetime
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from jekyll import parse as jekyll
from jekyll import pictures
from jekyll.front_matter import MAX_FILE_BYTES, JekyllError
from jekyll.items import FAILED, FileOutcome, Item, SourceFile

# Files per transaction, and their bytes: a batch is what an interruption can lose, and what is held in memory.
BATCH_SIZE = 100
BATCH_BYTES = 16 * 1024 * 1024


def batches(sources: list[SourceFile], *, store_pictures: bool = True) -> Iterator[list[Item]]:
    """Each file read and parsed, in batches of at most BATCH_SIZE files or BATCH_BYTES bytes.

    ``store_pictures``: bring the pictures each post references into media storage (not in a dry run,
    which works out the same text without storing anything)."""
    batch: list[Item] = []
    size = 0
    for source in sources:
        item = read(source, store_pictures=store_pictures)
        if batch and size + item.size > BATCH_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item.size
        if len(batch) == BATCH_SIZE:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def read(source: SourceFile, *, store_pictures: bool = True) -> Item:
    """Read and parse one file. Never raises for a bad file: the failure is kept for its outcome."""
    item = Item(source)
    try:
        data, mtime = _read_bytes(source)
    except OSError as error:
        item.failure = FileOutcome(name=source.name, outcome=FAILED, reason=f"cannot read: {error.strerror or error}")
        return item
    except JekyllError as error:
        item.failure = FileOutcome(name=source.name, outcome=FAILED, reason=str(error))
        return item
    item.size = len(data)
    try:
        item.parsed = jekyll.parse(
            data,
            name=source.name,
            in_drafts=source.in_drafts,
            fallback_date=mtime,
            site=source.site,
            relative_path=source.relative_path or None,
        )
        item.parsed = pictures.localise(
            item.parsed, file=source.path, site=source.site, root=source.root, store=store_pictures
        )
    except JekyllError as error:
        item.failure = FileOutcome(name=source.name, outcome=FAILED, reason=str(error))
    except Exception as error:  # a parser bug must cost this file, never the rest of the import
        reason = f"could not be parsed: {type(error).__name__}: {error}"[:500]
        item.failure = FileOutcome(name=source.name, outcome=FAILED, reason=reason)
    return item


def _read_bytes(source: SourceFile) -> tuple[bytes, datetime.datetime]:
    """The file's bytes and modification time: never through a link out of the folder being imported, never
    more than the size limit (checked before reading), never anything but a regular file (a FIFO would hang)."""
    # Folders below the one given are walked without following links: only the file itself can be one.
    if source.root is not None and source.path.is_symlink() and not _inside(source.path, source.root):
        raise JekyllError("a link to a file outside the folder being imported; not followed")
    status = source.path.stat()
    if not stat.S_ISREG(status.st_mode):
        raise JekyllError("not a regular file")
    if status.st_size > MAX_FILE_BYTES:
        raise JekyllError(f"file is {status.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    with open(source.path, "rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)  # it may have grown since: decode() refuses it then
        mtime = os.fstat(file.fileno()).st_mtime
    return data, datetime.datetime.fromtimestamp(mtime, tz=datetime.UTC)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())
