"""Import Jekyll posts into the database: :func:`import_paths` reads files and folders and returns a report.

Rules (the ``import_jekyll`` command only prints what this module decides):

- A file named directly is read whatever its extension. A folder that is, or contains, a Jekyll site (a
  ``_posts`` or ``_drafts`` folder) is read as Jekyll reads it: the files under every ``_posts/`` and
  ``_drafts/``, skipping hidden and ``_``-prefixed entries and folders named like posts. Any other folder is
  read whole (``.md``, ``.markdown``, ``.html``).
- Each file is created, updated in place (matched by slug), left unchanged when nothing differs, or fails and
  leaves nothing behind. Nothing is ever deleted, and members' saved pieces (``accounts.Favourite``) are never
  touched because posts keep their primary keys.
- Files are written in batches of up to ``BATCH_SIZE``, one transaction per batch. A batch of new posts is
  written with a few statements for all of them; if any of that fails, it is undone and each file is written
  again in a savepoint of its own, so a file that fails leaves nothing and the rest of its batch is still
  saved. A batch is the unit of durability: an interruption (Ctrl-C, the process dying) loses the batch being
  written and keeps every batch before it; importing again finishes the job, as files already imported come
  out unchanged. ``progress`` hears of a file once its batch is committed. (A transaction and a dozen
  statements per file spent most of an import committing and building queries.)
- Bodies are rendered in worker processes (one per CPU; spawned, so they never hold a database connection)
  while earlier files are written, when there are at least ``POOL_MIN_FILES`` files to make starting them
  worth it; the posts come out the same either way. Outcomes stay in path order. As with any code starting
  processes, a script calling :func:`import_paths` must do so under ``if __name__ == "__main__":``, since
  each worker imports the script's module.
- Two files claiming the same slug in one run: the first (in path order) wins, the second fails with a reason
  naming the first, so that one file never silently overwrites another.
- Counts are disjoint: a draft is counted under "drafts" whether it was created, updated or unchanged.
"""

import collections
import contextlib
import datetime
import itertools
import multiprocessing
import os
import re
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models.signals import post_save
from taggit.models import Tag

from blog import jekyll, markdown
from blog.models import Post, TaggedPost

JEKYLL_FOLDERS = {"_posts", "_drafts"}
PLAIN_FOLDER_EXTENSIONS = {".md", ".markdown", ".html"}
_SKIPPED_FOLDERS = {"_site", "node_modules", ".git", ".jekyll-cache", ".sass-cache", "vendor"}
_DATED_FOLDER = re.compile(r"\d{4}-\d{1,2}-\d{1,2}-")
SOURCE_PATH_MAX_LENGTH = Post._meta.get_field("source_path").max_length

CREATED, UPDATED, UNCHANGED, DRAFT, FAILED = "created", "updated", "unchanged", "draft", "failed"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, DRAFT, FAILED)
COUNT_NAMES = {CREATED: "created", UPDATED: "updated", UNCHANGED: "unchanged", DRAFT: "drafts", FAILED: "failed"}

# Files per transaction, and their bytes: a batch is what an interruption can lose, and what is held in memory.
BATCH_SIZE = 100
BATCH_BYTES = 16 * 1024 * 1024
# Below this many files, rendering here costs less than starting worker processes.
POOL_MIN_FILES = 100
# Bodies per task sent to a worker: fewer round trips, results still arriving soon.
RENDER_CHUNK = 8


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
    workers: int | None = None,
) -> ImportReport:
    """Import every post file found under ``paths``, in batches (see the module's docstring).

    ``dry_run`` reads, parses, compares and renders every file but writes nothing (not even the cache's
    content version, which any save would bump). ``progress`` is called for each file once its batch is
    committed, with (files done, total files, that file's outcome). ``workers`` is the number of processes
    rendering bodies: by default one per CPU when there are at least ``POOL_MIN_FILES`` files; 0 or 1
    renders here.
    """
    report = ImportReport(dry_run=dry_run)
    sources, missing = collect(paths)
    total = len(missing) + len(sources)

    def done(outcome: FileOutcome) -> None:
        report.outcomes.append(outcome)
        if progress:
            progress(len(report.outcomes), total, outcome)

    for name in missing:
        done(FileOutcome(name=name, outcome=FAILED, reason="no such file or folder"))
    if workers is None:
        # A daemonic process (a task queue's worker, say) may not start processes of its own.
        pool_worthy = len(sources) >= POOL_MIN_FILES and not multiprocessing.current_process().daemon
        workers = (os.cpu_count() or 1) if pool_worthy else 0
    with _Renderer(workers) as renderer:
        writer = _Writer(dry_run=dry_run, renderer=renderer)
        batches = _batches(sources)
        batch = _prepare(next(batches, []), renderer)
        while batch:
            # The next batch is read and sent to the workers before this one is written, so that its bodies
            # render meanwhile. Its posts are looked up before this batch is written: only a file with the
            # same slug could change what it finds, and the first of two files with one slug is the only one
            # written (see _Writer.claimed).
            following = _prepare(next(batches, []), renderer)
            for outcome in writer.write(batch):
                done(outcome)
            batch = following
    return report


@dataclass
class _Item:
    """One file on its way through the import: read and parsed, compared, rendered, written."""

    source: SourceFile
    size: int = 0
    parsed: jekyll.ParsedPost | None = None
    failure: FileOutcome | None = None  # it could not be read or parsed
    post: Post | None = None  # the post it would update, tags prefetched
    change: str = ""  # CREATED, UPDATED or UNCHANGED
    tags_changed: bool = True
    rendering: Future | None = None  # the task rendering this body (with others: it is at ``position``)
    position: int = 0


def _batches(sources: list[SourceFile]) -> Iterator[list[_Item]]:
    """Each file read and parsed, in batches of at most BATCH_SIZE files or BATCH_BYTES bytes."""
    batch: list[_Item] = []
    size = 0
    for source in sources:
        item = _read(source)
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


def _read(source: SourceFile) -> _Item:
    """Read and parse one file. Never raises for a bad file: the failure is kept for its outcome."""
    item = _Item(source)
    try:
        data = source.path.read_bytes()
        mtime = datetime.datetime.fromtimestamp(source.path.stat().st_mtime, tz=datetime.UTC)
    except OSError as error:
        item.failure = FileOutcome(name=source.name, outcome=FAILED, reason=f"cannot read: {error.strerror or error}")
        return item
    item.size = len(data)
    try:
        item.parsed = jekyll.parse(data, name=source.name, in_drafts=source.in_drafts, fallback_date=mtime)
    except jekyll.JekyllError as error:
        item.failure = FileOutcome(name=source.name, outcome=FAILED, reason=str(error))
    return item


def _prepare(batch: list[_Item], renderer: "_Renderer") -> list[_Item]:
    """Find the posts the batch's files would update (two queries), decide what changes, start the renders."""
    parsed = [item for item in batch if item.parsed is not None]
    if not parsed:
        return batch
    slugs = {item.parsed.slug for item in parsed}
    posts = {post.slug: post for post in Post.objects.filter(slug__in=slugs).prefetch_related("tags")}
    to_render = []
    for item in parsed:
        post = posts.get(item.parsed.slug)
        item.post = post
        if post is None:
            item.change = CREATED
        else:
            item.tags_changed = not _same_tags(post, item.parsed.tags)
            unchanged = not item.tags_changed and _same_fields(post, _fields(item.parsed))
            item.change = UNCHANGED if unchanged else UPDATED
        if item.change != UNCHANGED:
            to_render.append(item)
    renderer.start(to_render)
    return batch


class _Renderer:
    """Renders bodies in worker processes, started on the first task; with ``workers`` below 2, here.

    This process renders too while it would otherwise wait: it takes back the last task no worker has
    started yet (at the start, while the workers are still starting; at the end, the last few).
    """

    def __init__(self, workers: int):
        self.pool = None
        # Tasks sent, oldest first, that no worker may have started yet, with their items.
        self.unstarted: collections.deque[tuple[Future, list[_Item]]] = collections.deque()
        if workers > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=workers,
                # Named, not left to the platform (Python 3.14 changes Linux's default): spawned workers start
                # clean, import only blog.markdown, and share nothing with this process's database connection.
                mp_context=multiprocessing.get_context("spawn"),
                # Ctrl-C is this process's to handle; workers just stop when it shuts the pool down.
                initializer=signal.signal,
                initargs=(signal.SIGINT, signal.SIG_IGN),
            )

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def start(self, items: list[_Item]) -> None:
        """Send the items' bodies to the workers; without workers they are rendered when asked for."""
        if self.pool is None:
            return
        # Workers take tasks in the order sent: those at the front that have started are no longer ours to take.
        while self.unstarted and (self.unstarted[0][0].running() or self.unstarted[0][0].done()):
            self.unstarted.popleft()
        for first in range(0, len(items), RENDER_CHUNK):
            chunk = items[first : first + RENDER_CHUNK]
            try:
                task = self.pool.submit(markdown.render_posts, [_body(item) for item in chunk])
            except BrokenExecutor:  # a worker died: render here from now on
                self.pool = None
                return
            self.unstarted.append((task, chunk))
            for position, item in enumerate(chunk):
                item.rendering, item.position = task, position

    def rendered(self, item: _Item) -> markdown.Rendered:
        """The item's body rendered, by a worker or here. Raises what rendering it raised."""
        while item.rendering is not None and not item.rendering.done() and self._take_back():
            pass
        result = None
        if item.rendering is not None:
            try:
                result = item.rendering.result()[item.position]
            except Exception:  # the pool broke (not this body): rendering here gives the file its own outcome
                result = None
        if result is None:
            body, is_html = _body(item)
            return markdown.render_post(body, is_html=is_html)
        if isinstance(result, Exception):
            raise result
        return result

    def _take_back(self) -> bool:
        """Render here the last task sent that no worker has started: True if there was one."""
        while self.unstarted:
            task, chunk = self.unstarted.pop()
            if task.cancel():
                here: Future = Future()
                here.set_result(markdown.render_posts([_body(item) for item in chunk]))
                for item in chunk:
                    item.rendering = here
                return True
            self.unstarted.clear()  # a worker started it, so every task sent before it has started too
        return False


def _body(item: _Item) -> tuple[str, bool]:
    """What rendering needs: the body, and whether it is HTML."""
    return item.parsed.body, item.parsed.body_format == Post.Format.HTML


class _Writer:
    """Writes batches of files, keeping what one file tells about the next: slugs claimed, tags known."""

    def __init__(self, *, dry_run: bool, renderer: _Renderer):
        self.dry_run = dry_run
        self.renderer = renderer
        # slug -> the file that took it in this import
        self.claimed: dict[str, str] = {}
        self.tags = _Tags()

    def write(self, batch: list[_Item]) -> list[FileOutcome]:
        """Every file's outcome, once the batch is committed (or known to be lost)."""
        if self.dry_run or all(item.failure or item.change == UNCHANGED for item in batch):
            return [self._write_file(item) for item in batch]
        outcomes: list[FileOutcome] = []
        try:
            with transaction.atomic():
                self.tags.check({name for item in batch if item.parsed for name in item.parsed.tags})
                together = None if any(item.change == UPDATED for item in batch) else self._create_together(batch)
                if together is not None:
                    outcomes = together
                else:
                    for item in batch:
                        outcomes.append(self._write_file(item))
        except Exception as error:  # e.g. the commit failed: the whole batch is gone, as an interruption would do
            reason = f"not saved: its batch failed: {type(error).__name__}: {error}"[:500]
            return [self._lost(item, outcome, reason) for item, outcome in itertools.zip_longest(batch, outcomes)]
        return outcomes

    def _create_together(self, batch: list[_Item]) -> list[FileOutcome] | None:
        """A batch of new posts written in a few statements for them all, in a savepoint.

        If anything fails, the savepoint is rolled back and None returned: then each file is written on its
        own (``_write_file``), so that only a bad one fails.
        """
        claimed = dict(self.claimed)
        outcomes: list[FileOutcome] = []
        new: list[tuple[_Item, Post, markdown.Rendered]] = []
        try:
            with transaction.atomic():
                for item in batch:
                    outcome = self._refused(item)
                    if outcome is None and item.change == CREATED:
                        try:
                            new.append((item, *self._prepared_post(item)))
                        except Exception as error:  # its body cannot be rendered
                            outcome = self._not_saved(item, error)
                    outcomes.append(outcome or self._saved(item))
                self._insert(new)
        except Exception:
            self.claimed = claimed
            return None
        return outcomes

    def _write_file(self, item: _Item) -> FileOutcome:
        """One file in a savepoint of its own: created, updated, unchanged or failed with nothing left."""
        if outcome := self._refused(item):
            return outcome
        writes = not self.dry_run and item.change != UNCHANGED
        try:
            with transaction.atomic() if writes else contextlib.nullcontext():
                self._save(item)
        except Exception as error:  # one bad file must not stop the others; its savepoint is rolled back
            return self._not_saved(item, error)
        return self._saved(item)

    def _save(self, item: _Item) -> None:
        """Create or update the file's post and its tags; in a dry run, only render it (a body that cannot
        render still fails)."""
        if item.change == UNCHANGED:
            return
        post, rendered = self._prepared_post(item)
        if self.dry_run:
            return
        if item.change == CREATED:
            self._insert([(item, post, rendered)])
            return
        post.save(rendered=rendered)
        if item.tags_changed:
            found: dict[str, Tag] = {}
            post.tags.set(self.tags.get(item.parsed.tags, found))
            self.tags.remember(found)

    def _prepared_post(self, item: _Item) -> tuple[Post, markdown.Rendered]:
        """The file's post, new or its current one with the file's fields, and its body rendered."""
        parsed = item.parsed
        post = item.post or Post(slug=parsed.slug)
        for name, value in _fields(parsed).items():
            setattr(post, name, value)
        post.source_path = item.source.name[:SOURCE_PATH_MAX_LENGTH]
        rendered = self.renderer.rendered(item)
        post.render(rendered)
        return post, rendered

    def _insert(self, new: list[tuple[_Item, Post, markdown.Rendered]]) -> None:
        """Insert new posts and their tags with a few statements, however many posts there are.

        SQLite's search-index triggers (blog/migrations/0002) index a post's whole text again for each tag
        row added. So the posts go in with no searchable text, their tags follow, then their text: each
        post is indexed once.
        """
        if not new:
            return
        tagged = [(post, rendered.text) for item, post, rendered in new if item.parsed.tags]
        for post, _text in tagged:
            post.body_text = ""
        Post.objects.bulk_create([post for _item, post, _rendered in new])
        found: dict[str, Tag] = {}
        TaggedPost.objects.bulk_create(
            TaggedPost(content_object=post, tag=tag)
            for item, post, _rendered in new
            for tag in self.tags.get(item.parsed.tags, found)
        )
        for post, text in tagged:
            post.body_text = text
        Post.objects.bulk_update([post for post, _text in tagged], ["body_text"])
        for _item, post, _rendered in new:
            # What save() would announce: the cache's content version follows every write (blog.caching).
            post_save.send(Post, instance=post, created=True, update_fields=None, raw=False, using=post._state.db)
        self.tags.remember(found)

    def _refused(self, item: _Item) -> FileOutcome | None:
        """Why the file cannot be written at all: it could not be read or parsed, or its slug is taken."""
        if item.failure:
            return item.failure
        if item.parsed.slug in self.claimed:
            reason = (
                f"slug {item.parsed.slug!r} is already taken by {self.claimed[item.parsed.slug]} in this import; "
                "give one of them a 'slug:' in its front matter"
            )
            return FileOutcome(name=item.source.name, outcome=FAILED, reason=reason, warnings=item.parsed.warnings)
        return None

    def _saved(self, item: _Item) -> FileOutcome:
        parsed = item.parsed
        self.claimed[parsed.slug] = item.source.name
        return FileOutcome(
            name=item.source.name,
            outcome=DRAFT if parsed.is_draft else item.change,
            change=item.change,
            slug=parsed.slug,
            warnings=parsed.warnings,
        )

    @staticmethod
    def _not_saved(item: _Item, error: Exception) -> FileOutcome:
        return FileOutcome(
            name=item.source.name, outcome=FAILED, reason=f"not saved: {type(error).__name__}: {error}"[:500]
        )

    def _lost(self, item: _Item, outcome: FileOutcome | None, reason: str) -> FileOutcome:
        """The outcome of a file whose batch was rolled back."""
        if item.failure:
            return item.failure
        if outcome is not None and outcome.outcome == FAILED:
            return outcome
        if item.parsed is not None and self.claimed.get(item.parsed.slug) == item.source.name:
            del self.claimed[item.parsed.slug]  # the next file with this slug may have it
        return FileOutcome(name=item.source.name, outcome=FAILED, reason=reason)


class _Tags:
    """Tags by name for the whole import, so that each name is looked up once.

    A name is found as taggit finds it (case-insensitively; the oldest of several), or made. A tag made for
    a file that then fails is not remembered. What is remembered is checked again at each batch's start,
    inside its transaction: a tag may have gone with a batch that failed, or been renamed or deleted by
    someone else meanwhile.
    """

    def __init__(self):
        self.known: dict[str, Tag] = {}

    def check(self, names: set[str]) -> None:
        ids = {self.known[name].pk for name in names if name in self.known}
        if not ids:
            return
        current = dict(Tag.objects.filter(pk__in=ids).values_list("pk", "name"))
        self.known = {
            name: tag for name, tag in self.known.items() if tag.pk not in ids or current.get(tag.pk) == tag.name
        }

    def get(self, names: Iterable[str], found: dict[str, Tag]) -> list[Tag]:
        """The tags for ``names`` (each once). Tags looked up or made go in ``found``, to :meth:`remember`
        once they are saved with their posts."""
        tags: dict[int, Tag] = {}
        for name in names:
            tag = self.known.get(name) or found.get(name)
            if tag is None:
                tag = Tag.objects.filter(name__iexact=name).order_by("pk").first() or Tag.objects.create(name=name)
                found[name] = tag
            tags.setdefault(tag.pk, tag)
        return list(tags.values())

    def remember(self, found: dict[str, Tag]) -> None:
        self.known.update(found)


def _fields(parsed: jekyll.ParsedPost) -> dict:
    return {
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


def _same_fields(post: Post, fields: dict) -> bool:
    for name, value in fields.items():
        current = getattr(post, name)
        if name == "excerpt" and not value:
            # An empty excerpt means "the first paragraph", which save() derived from the same body.
            if current != markdown.first_paragraph(post.body_html):
                return False
        elif current != value:
            return False
    return True


def _same_tags(post: Post, tags: tuple[str, ...]) -> bool:
    """The post's tags (prefetched) are ``tags``, as taggit compares names: case-insensitively."""
    return {tag.name.casefold() for tag in post.tags.all()} == {name.casefold() for name in tags}


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
