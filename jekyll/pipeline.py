"""How :func:`jekyll.importer.import_paths` works through the files: in batches, rendering while it writes.

Files are read and parsed a batch at a time (:func:`batches`); the posts a batch would update are looked up
together and the bodies that need rendering are sent to worker processes (:func:`prepare`,
:class:`Renderer`); then the batch is written in one transaction (:class:`Writer`) while the workers
render the next. blog/importer.py states the rules this keeps.
"""

import collections
import contextlib
import datetime
import multiprocessing
import os
import signal
import stat
from collections.abc import Iterable, Iterator
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from taggit.models import Tag

from blog import markdown
from blog.caching import bump_on_commit
from blog.models import OldUrl, Post, TaggedPost
from jekyll import identity, pictures
from jekyll import parse as jekyll
from jekyll.site import Site

SOURCE_PATH_MAX_LENGTH = Post._meta.get_field("source_path").max_length
CREATED, UPDATED, UNCHANGED, DRAFT, FAILED = "created", "updated", "unchanged", "draft", "failed"

# Files per transaction, and their bytes: a batch is what an interruption can lose, and what is held in memory.
BATCH_SIZE = 100
BATCH_BYTES = 16 * 1024 * 1024
# Bodies per task sent to a worker: fewer round trips, results still arriving soon.
RENDER_CHUNK = 8


@dataclass(frozen=True)
class SourceFile:
    """One file to read: where it is, how to name it in messages, and whether Jekyll would call it a draft."""

    path: Path
    name: str
    in_drafts: bool = False
    # The Jekyll site it belongs to, and its path there (``_posts/en/2018-07-20-x.md``).
    site: Site | None = None
    relative_path: str = ""
    # The folder it was found in: a link out of it is not followed.
    root: Path | None = None


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
class Item:
    """One file on its way through the import: read and parsed, compared, rendered, written."""

    source: SourceFile
    size: int = 0
    parsed: jekyll.ParsedPost | None = None
    failure: FileOutcome | None = None  # it could not be read or parsed
    post: Post | None = None  # the post it would update, tags prefetched
    matched_by_url: bool = False
    slug_taken: bool = False  # another post has the file's slug
    slug: str = ""  # the new post's slug, once chosen (see Writer._choose_slug)
    new_urls: tuple[str, ...] = ()  # old URLs the post does not have yet
    change: str = ""  # CREATED, UPDATED or UNCHANGED
    tags_changed: bool = True
    rendering: Future | None = None  # the task rendering this body, or that rendered it (at ``position``)
    position: int = 0


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
    except jekyll.JekyllError as error:
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
    except jekyll.JekyllError as error:
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
        raise jekyll.JekyllError("a link to a file outside the folder being imported; not followed")
    status = source.path.stat()
    if not stat.S_ISREG(status.st_mode):
        raise jekyll.JekyllError("not a regular file")
    if status.st_size > jekyll.MAX_FILE_BYTES:
        raise jekyll.JekyllError(f"file is {status.st_size:,} bytes; the limit is {jekyll.MAX_FILE_BYTES:,}")
    with open(source.path, "rb") as file:
        data = file.read(jekyll.MAX_FILE_BYTES + 1)  # it may have grown since: decode() refuses it then
        mtime = os.fstat(file.fileno()).st_mtime
    return data, datetime.datetime.fromtimestamp(mtime, tz=datetime.UTC)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def prepare(batch: list[Item], renderer: "Renderer") -> None:
    """Find the posts the batch's files would update (three queries), decide what changes, start the renders.

    Which post a file is: see jekyll.identity.
    """
    parsed = [item for item in batch if item.parsed is not None]
    if not parsed:
        return
    known = identity.Known.lookup(
        [(item.parsed, item.source.name[:SOURCE_PATH_MAX_LENGTH], item.source.relative_path) for item in parsed]
    )
    to_render = []
    for item in parsed:
        name = item.source.name[:SOURCE_PATH_MAX_LENGTH]
        post, item.matched_by_url = known.post_for(item.parsed, name, item.source.relative_path)
        item.post = post
        item.slug_taken = known.slug_taken(item.parsed.slug, post)
        if post is None:
            item.change = CREATED
        else:
            item.new_urls = known.new_urls(item.parsed, post)
            item.tags_changed = not _same_tags(post, item.parsed.tags)
            unchanged = not item.tags_changed and not item.new_urls and _same_fields(post, _fields(item.parsed))
            item.change = UNCHANGED if unchanged else UPDATED
        if item.change != UNCHANGED:
            to_render.append(item)
    renderer.start(to_render)


class Renderer:
    """Renders bodies in worker processes, started on the first task; with ``workers`` below 2, here.

    This process renders too while it would otherwise wait: it takes back the last task no worker has
    started yet (at the start, while the workers are still starting; at the end, the last few).
    """

    def __init__(self, workers: int):
        self.pool = None
        # Tasks sent, oldest first, that no worker may have started yet, with their items.
        self.unstarted: collections.deque[tuple[Future, list[Item]]] = collections.deque()
        if workers > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=workers,
                # Named, not left to the platform (Python 3.14 changes Linux's default): spawned workers start
                # clean and import blog.markdown, which has no Django in it; they share nothing with this
                # process, its database connection least of all.
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

    def start(self, items: list[Item]) -> None:
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

    def rendered(self, item: Item) -> markdown.Rendered:
        """The item's body rendered, by a worker or here, once however often it is asked for (a batch whose new
        posts could not be written together writes them again one by one). Raises what rendering it raised."""
        while item.rendering is not None and not item.rendering.done() and self._take_back():
            pass
        result = None
        if item.rendering is not None:
            try:
                result = item.rendering.result()[item.position]
            except Exception:  # the pool broke (not this body): rendering here gives the file its own outcome
                result = None
        if result is None:
            item.rendering, item.position = _done(markdown.render_posts([_body(item)])), 0
            result = item.rendering.result()[0]
        if isinstance(result, Exception):
            raise result
        return result

    def _take_back(self) -> bool:
        """Render here the last task sent that no worker has started: True if there was one."""
        while self.unstarted:
            task, chunk = self.unstarted.pop()
            if task.cancel():
                here = _done(markdown.render_posts([_body(item) for item in chunk]))
                for item in chunk:
                    item.rendering = here
                return True
            self.unstarted.clear()  # a worker started it, so every task sent before it has started too
        return False


def _done(results: list[markdown.Rendered | Exception]) -> Future:
    """Results rendered here, kept as a worker's task keeps them."""
    task: Future = Future()
    task.set_result(results)
    return task


def _body(item: Item) -> tuple[str, bool]:
    """What rendering needs: the body, and whether it is HTML."""
    return item.parsed.body, item.parsed.body_format == Post.Format.HTML


class Writer:
    """Writes batches of files, keeping what one file tells about the next: slugs claimed, tags known."""

    def __init__(self, *, dry_run: bool, renderer: Renderer):
        self.dry_run = dry_run
        self.renderer = renderer
        # slug -> the file that took it in this import; the same for old URLs
        self.claimed: dict[str, str] = {}
        self.claimed_urls: dict[str, str] = {}
        self.tags = Tags()

    def write(self, batch: list[Item]) -> list[FileOutcome]:
        """Every file's outcome, once the batch is committed (or known to be lost)."""
        if self.dry_run or all(item.failure or item.change == UNCHANGED for item in batch):
            return [self._write_file(item) for item in batch]
        outcomes: dict[int, FileOutcome] = {}  # by the file's place in the batch
        try:
            with transaction.atomic():
                self.tags.check({name for item in batch if item.parsed for name in item.parsed.tags})
                # New posts go in together; the other files are written one by one after them, as is every file
                # if writing together failed. No other file has a new post's slug (prepare() looked them all up at
                # once), so the first file in path order to claim a slug still gets it.
                together = [place for place, item in enumerate(batch) if item.change == CREATED]
                written = self._create_together([batch[place] for place in together]) if together else None
                if written is not None:
                    outcomes.update(zip(together, written, strict=True))
                for place, item in enumerate(batch):
                    if place not in outcomes:
                        outcomes[place] = self._write_file(item)
        except Exception as error:  # e.g. the commit failed: the whole batch is gone, as an interruption would do
            reason = f"not saved: its batch failed: {type(error).__name__}: {error}"[:500]
            return [self._lost(item, outcomes.get(place), reason) for place, item in enumerate(batch)]
        return [outcomes[place] for place in range(len(batch))]

    def _create_together(self, batch: list[Item]) -> list[FileOutcome] | None:
        """Files making new posts, the posts written in a few statements for them all, in a savepoint.

        If anything fails, the savepoint is rolled back and None returned: then each file is written on its
        own (``_write_file``), so that only a bad one fails.
        """
        claimed, claimed_urls = dict(self.claimed), dict(self.claimed_urls)
        outcomes: list[FileOutcome] = []
        new: list[tuple[Item, Post, markdown.Rendered]] = []
        try:
            with transaction.atomic():
                for item in batch:
                    outcome = self._refused(item)
                    if outcome is None:
                        try:
                            new.append((item, *self._prepared_post(item)))
                        except Exception as error:  # its body cannot be rendered
                            outcome = self._not_saved(item, error)
                    outcomes.append(outcome or self._saved(item))
                self._insert(new)
        except Exception:
            self.claimed, self.claimed_urls = claimed, claimed_urls
            return None
        return outcomes

    def _write_file(self, item: Item) -> FileOutcome:
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

    def _save(self, item: Item) -> None:
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
        if item.new_urls:
            OldUrl.objects.bulk_create([OldUrl(path=url, post=post) for url in item.new_urls], ignore_conflicts=True)
        if item.tags_changed:
            found: dict[str, Tag] = {}
            post.tags.set(self.tags.get(item.parsed.tags, found))
            self.tags.remember(found)

    def _prepared_post(self, item: Item) -> tuple[Post, markdown.Rendered]:
        """The file's post, new or its current one with the file's fields, and its body rendered."""
        parsed = item.parsed
        post = item.post or Post(slug=item.slug or parsed.slug)
        for name, value in _fields(parsed).items():
            setattr(post, name, value)
        post.source_path = item.source.name[:SOURCE_PATH_MAX_LENGTH]
        rendered = self.renderer.rendered(item)
        post.render(rendered)
        return post, rendered

    def _insert(self, new: list[tuple[Item, Post, markdown.Rendered]]) -> None:
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
        old_urls = [OldUrl(path=url, post=post) for item, post, _rendered in new for url in item.parsed.old_urls]
        # A path another post already has stays with it (one path, one post).
        OldUrl.objects.bulk_create(old_urls, ignore_conflicts=True)
        for _item, post, _rendered in new:
            # bulk_create sends no post_save: tell the cache what save() would have (blog.caching), and only it.
            bump_on_commit(instance=post, using=post._state.db)
        self.tags.remember(found)

    def _refused(self, item: Item) -> FileOutcome | None:
        """Why the file cannot be written at all: it could not be read or parsed, or another file in this import
        has its Jekyll URL (on the Jekyll site one overwrote the other). Else settles what it becomes: a post
        another file of this import already wrote is not this file's (a new post is made), and a new post's
        slug is chosen."""
        if item.failure:
            return item.failure
        parsed = item.parsed
        if (first := self.claimed_urls.get(parsed.legacy_url)) is not None and first != item.source.name:
            reason = (
                f"same Jekyll URL {parsed.legacy_url} as {first}, already imported: on the Jekyll site one file "
                "overwrote the other; give one of them another 'permalink:' to keep both"
            )
            return FileOutcome(name=item.source.name, outcome=FAILED, reason=reason, warnings=parsed.warnings)
        if (
            item.post is not None
            and not item.matched_by_url
            and self.claimed.get(item.post.slug, item.source.name) != item.source.name
        ):
            item.post, item.change, item.new_urls = None, CREATED, ()
        if item.change == CREATED:
            item.slug = self._choose_slug(item)
        return None

    def _choose_slug(self, item: Item) -> str:
        """The file's slug if no other post has it; else one with its folder or date (jekyll.identity)."""
        if item.parsed.slug not in self.claimed and not item.slug_taken:
            return item.parsed.slug
        zone = item.source.site.zone if item.source.site else datetime.UTC
        return identity.new_slug(
            parsed=item.parsed, relative_path=item.source.relative_path, zone=zone, taken=self.claimed
        )

    def _saved(self, item: Item) -> FileOutcome:
        parsed = item.parsed
        slug = item.post.slug if item.post is not None else item.slug or parsed.slug
        self.claimed[slug] = item.source.name
        for url in parsed.old_urls:
            self.claimed_urls.setdefault(url, item.source.name)
        return FileOutcome(
            name=item.source.name,
            outcome=DRAFT if parsed.is_draft else item.change,
            change=item.change,
            slug=slug,
            warnings=parsed.warnings,
        )

    @staticmethod
    def _not_saved(item: Item, error: Exception) -> FileOutcome:
        return FileOutcome(
            name=item.source.name, outcome=FAILED, reason=f"not saved: {type(error).__name__}: {error}"[:500]
        )

    def _lost(self, item: Item, outcome: FileOutcome | None, reason: str) -> FileOutcome:
        """The outcome of a file whose batch was rolled back."""
        if item.failure:
            return item.failure
        if outcome is not None and outcome.outcome == FAILED:
            return outcome
        # The next file with this slug or URL may have it.
        self.claimed = {slug: name for slug, name in self.claimed.items() if name != item.source.name}
        self.claimed_urls = {url: name for url, name in self.claimed_urls.items() if name != item.source.name}
        return FileOutcome(name=item.source.name, outcome=FAILED, reason=reason)


class Tags:
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
