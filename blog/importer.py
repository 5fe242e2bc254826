"""Import Jekyll posts into the database: :func:`import_paths` reads files and folders and returns a report.

Rules (the ``import_jekyll`` command only prints what this module decides):

- A file named directly is read whatever its extension. A folder that is, or contains, a Jekyll site (a
  ``_posts`` or ``_drafts`` folder) is read as Jekyll reads it: the files under every ``_posts/`` and
  ``_drafts/``, skipping hidden and ``_``-prefixed entries and folders named like posts. Any other folder is
  read whole (``.md``, ``.markdown``, ``.html``).
- Each file is one unit of work inside ``transaction.atomic()``: it is created, updated in place (matched by
  slug), left unchanged when nothing differs, or fails and leaves nothing behind. Nothing is ever deleted, and
  members' saved pieces (``accounts.Favourite``) are never touched because posts keep their primary keys.
- Two files claiming the same slug in one run: the first (in path order) wins, the second fails with a reason
  naming the first, so that one file never silently overwrites another.
- Counts are disjoint: a draft is counted under "drafts" whether it was created, updated or unchanged.
"""

import datetime
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from blog import jekyll, markdown
from blog.models import Post

JEKYLL_FOLDERS = {"_posts", "_drafts"}
PLAIN_FOLDER_EXTENSIONS = {".md", ".markdown", ".html"}
_SKIPPED_FOLDERS = {"_site", "node_modules", ".git", ".jekyll-cache", ".sass-cache", "vendor"}
_DATED_FOLDER = re.compile(r"\d{4}-\d{1,2}-\d{1,2}-")
SOURCE_PATH_MAX_LENGTH = Post._meta.get_field("source_path").max_length

CREATED, UPDATED, UNCHANGED, DRAFT, FAILED = "created", "updated", "unchanged", "draft", "failed"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, DRAFT, FAILED)
COUNT_NAMES = {CREATED: "created", UPDATED: "updated", UNCHANGED: "unchanged", DRAFT: "drafts", FAILED: "failed"}


@dataclass(frozen=True)
class SourceFile:
    """One file to read: where it is, how to name it in messages, and whether Jekyll would call it a draft."""

    path: Path
    name: str
    in_drafts: bool = False


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file. ``change`` says created/updated/unchanged for drafts too."""

    name: str
    outcome: str
    change: str = ""
    slug: str = ""
    reason: str = ""
    warnings: tuple[str, ...] = ()

    def line(self) -> str:
        label = f"{self.outcome} ({self.change})" if self.outcome == DRAFT else self.outcome
        text = f"{label:<17} {self.name}"
        if self.slug:
            text += f" -> /posts/{self.slug}/"
        if self.reason:
            text += f": {self.reason}"
        return text


@dataclass
class ImportReport:
    """Every file's outcome, in the order read, and the counts the command prints last."""

    dry_run: bool = False
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for item in self.outcomes:
            counts[item.outcome] += 1
        return counts

    @property
    def failed(self) -> list[FileOutcome]:
        return [item for item in self.outcomes if item.outcome == FAILED]

    def summary(self) -> str:
        text = ", ".join(f"{COUNT_NAMES[key]} {value}" for key, value in self.counts.items())
        return f"{text} (dry run: nothing was written)" if self.dry_run else text


def import_paths(
    paths: Iterable[str | os.PathLike],
    *,
    dry_run: bool = False,
    progress: Callable[[int, int, FileOutcome], None] | None = None,
) -> ImportReport:
    """Import every post file found under ``paths``; one transaction per file.

    ``dry_run`` reads, parses, compares and renders every file but writes nothing (not even the cache's
    content version, which any save would bump). ``progress`` is
    called after each file with (files done, total files, that file's outcome).
    """
    report = ImportReport(dry_run=dry_run)
    sources, missing = collect(paths)
    total = len(missing) + len(sources)
    claimed: dict[str, str] = {}
    for name in missing:
        report.outcomes.append(FileOutcome(name=name, outcome=FAILED, reason="no such file or folder"))
        if progress:
            progress(len(report.outcomes), total, report.outcomes[-1])
    for source in sources:
        outcome = import_file(source, claimed=claimed, dry_run=dry_run)
        report.outcomes.append(outcome)
        if outcome.outcome != FAILED:
            claimed[outcome.slug] = source.name
        if progress:
            progress(len(report.outcomes), total, outcome)
    return report


def import_file(source: SourceFile, *, claimed: dict[str, str] | None = None, dry_run: bool = False) -> FileOutcome:
    """Read, parse and save one file. Never raises for a bad file: the failure is the outcome."""
    claimed = {} if claimed is None else claimed
    try:
        data = source.path.read_bytes()
        mtime = datetime.datetime.fromtimestamp(source.path.stat().st_mtime, tz=datetime.UTC)
    except OSError as error:
        return FileOutcome(name=source.name, outcome=FAILED, reason=f"cannot read: {error.strerror or error}")
    try:
        parsed = jekyll.parse(data, name=source.name, in_drafts=source.in_drafts, fallback_date=mtime)
    except jekyll.JekyllError as error:
        return FileOutcome(name=source.name, outcome=FAILED, reason=str(error))
    if parsed.slug in claimed:
        reason = (
            f"slug {parsed.slug!r} is already taken by {claimed[parsed.slug]} in this import; "
            "give one of them a 'slug:' in its front matter"
        )
        return FileOutcome(name=source.name, outcome=FAILED, slug="", reason=reason, warnings=parsed.warnings)
    try:
        with transaction.atomic():
            change = save_post(parsed, source_path=source.name[:SOURCE_PATH_MAX_LENGTH], dry_run=dry_run)
    except Exception as error:  # one bad file must not stop the others; its transaction is gone
        return FileOutcome(name=source.name, outcome=FAILED, reason=f"not saved: {type(error).__name__}: {error}"[:500])
    return FileOutcome(
        name=source.name,
        outcome=DRAFT if parsed.is_draft else change,
        change=change,
        slug=parsed.slug,
        warnings=parsed.warnings,
    )


def save_post(parsed: jekyll.ParsedPost, *, source_path: str, dry_run: bool = False) -> str:
    """Create or update the post with ``parsed.slug``; returns created, updated or unchanged.

    Call inside a transaction: the post row and its tags are written together or not at all. ``dry_run``
    decides the same answer and renders the body (so a body that cannot render still fails) without writing.
    """
    fields = {
        "title": parsed.title,
        "body": parsed.body,
        "body_format": parsed.body_format,
        "excerpt": parsed.excerpt,
        "description": parsed.description,
        "status": parsed.status,
        "published_at": parsed.published_at,
        "legacy_url": parsed.legacy_url,
        "revised_at": parsed.revised_at,
    }
    post = Post.objects.filter(slug=parsed.slug).first()
    if post is None:
        post = Post(slug=parsed.slug, source_path=source_path, **fields)
        if dry_run:
            post.render()
            return CREATED
        post.save()
        post.tags.add(*parsed.tags)
        return CREATED
    if _unchanged(post, fields, parsed.tags):
        return UNCHANGED
    for name, value in fields.items():
        setattr(post, name, value)
    post.source_path = source_path
    if dry_run:
        post.render()
        return UPDATED
    post.save()
    post.tags.set(list(parsed.tags))
    return UPDATED


def _unchanged(post: Post, fields: dict, tags: tuple[str, ...]) -> bool:
    for name, value in fields.items():
        current = getattr(post, name)
        if name == "excerpt" and not value:
            # An empty excerpt means "the first paragraph", which save() derived from the same body.
            if current != markdown.first_paragraph(post.body_html):
                return False
        elif current != value:
            return False
    return {name.casefold() for name in post.tags.names()} == {name.casefold() for name in tags}


def collect(paths: Iterable[str | os.PathLike]) -> tuple[list[SourceFile], list[str]]:
    """The files to read under ``paths`` (in a stable order, each once) and the paths that do not exist."""
    sources: list[SourceFile] = []
    missing: list[str] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_file():
            found = [SourceFile(path, str(path), in_drafts="_drafts" in path.parts)]
        elif path.is_dir():
            found = list(_jekyll_files(path) if is_jekyll_site(path) else _plain_files(path))
        else:
            missing.append(str(path))
            continue
        for source in found:
            resolved = source.path.resolve()
            if resolved not in seen:
                seen.add(resolved)
                sources.append(source)
    return sources, missing


def is_jekyll_site(folder: Path) -> bool:
    """A folder that is a ``_posts``/``_drafts`` folder or holds one somewhere below it."""
    if folder.name in JEKYLL_FOLDERS:
        return True
    for _root, dirs, _files in os.walk(folder):
        if JEKYLL_FOLDERS.intersection(dirs):
            return True
        dirs[:] = [d for d in dirs if d not in _SKIPPED_FOLDERS and not d.startswith(".")]
    return False


def _jekyll_files(folder: Path):
    for root, dirs, files in _walk(folder):
        parts = Path(root).parts
        inside = [part for part in parts if part in JEKYLL_FOLDERS]
        if not inside:
            continue
        # Jekyll ignores folders inside _posts named like a post (2013-03-19-not-a-post.markdown/).
        dirs[:] = [d for d in dirs if not _DATED_FOLDER.match(d)]
        for name in files:
            if not _ignored(name):
                yield SourceFile(Path(root) / name, os.path.join(root, name), in_drafts=inside[-1] == "_drafts")


def _plain_files(folder: Path):
    for root, _dirs, files in _walk(folder):
        for name in files:
            if not _ignored(name) and os.path.splitext(name)[1].lower() in PLAIN_FOLDER_EXTENSIONS:
                yield SourceFile(Path(root) / name, os.path.join(root, name))


def _walk(folder: Path):
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_FOLDERS and not d.startswith("."))
        files.sort()
        yield root, dirs, files


def _ignored(name: str) -> bool:
    """Jekyll's entry filter: hidden, underscore, hash-prefixed and backup (``~``) files are not content."""
    return name.startswith((".", "_", "#")) or name.endswith("~")
