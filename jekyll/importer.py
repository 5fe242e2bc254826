"""Import Jekyll posts into the database: :func:`import_paths` reads files and folders and returns a report.

Rules (the ``import_jekyll`` command only prints what this module decides):

- A file named directly is read whatever its extension. A folder that is, or contains, a Jekyll site (a
  ``_posts`` or ``_drafts`` folder) is read as Jekyll reads it: the files under every ``_posts/`` and
  ``_drafts/``, skipping hidden and ``_``-prefixed entries and folders named like posts. Any other folder is
  read whole (``.md``, ``.markdown``, ``.html``).
- Each file is created, updated in place (matched by slug), left unchanged when nothing differs, or fails and
  leaves nothing behind. Nothing is ever deleted, and members' saved pieces (``accounts.Favourite``) are never
  touched because posts keep their primary keys.
- Files are written in batches of up to 100 (``jekyll.reading.BATCH_SIZE``), one transaction per batch. A
  batch's new posts are written with a few statements for all of them, and each file that updates a post in
  a savepoint of its own; if writing the new posts together fails, it is undone and each of them is written
  on its own too, so a file that fails leaves nothing and the rest of its batch is still saved. A batch is the
  unit of durability: an interruption (Ctrl-C, the process dying) loses the batch being written and keeps
  every batch before it; importing again finishes the job, as files already imported come out unchanged.
  ``progress`` hears of a file once its batch is committed. A batch's tag names are looked up in one query and
  the missing tags made in one INSERT (jekyll.writing.Tags). (Thirty new posts take 19 statements in all,
  whatever their tags; written one by one, each new post takes five, and each new tag took four more.)
- Bodies are rendered in worker processes (one per CPU; spawned, so they never hold a database connection)
  while earlier files are written, when there are at least ``POOL_MIN_FILES`` files to make starting them
  worth it; the posts come out the same either way. Outcomes stay in path order. As with any code starting
  processes, a script calling :func:`import_paths` must do so under ``if __name__ == "__main__":``, since
  each worker imports the script's module.
- Two files claiming the same slug in one run: the first (in path order) wins, the second fails with a reason
  naming the first, so that one file never silently overwrites another.
- Counts are disjoint: a draft is counted under "drafts" whether it was created, updated or unchanged.
"""

import multiprocessing
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.db import connections

from blog.database import refresh_planner_statistics
from jekyll import site as jekyll_site
from jekyll.items import CREATED, DRAFT, FAILED, UNCHANGED, UPDATED, FileOutcome, SourceFile
from jekyll.pipeline import prepare
from jekyll.reading import batches
from jekyll.rendering import Renderer
from jekyll.writing import Writer

JEKYLL_FOLDERS = {"_posts", "_drafts"}
PLAIN_FOLDER_EXTENSIONS = {".md", ".markdown", ".html"}
_SKIPPED_FOLDERS = {"_site", "node_modules", ".git", ".jekyll-cache", ".sass-cache", "vendor"}
_DATED_FOLDER = re.compile(r"\d{4}-\d{1,2}-\d{1,2}-")

OUTCOMES = (CREATED, UPDATED, UNCHANGED, DRAFT, FAILED)
COUNT_NAMES = {CREATED: "created", UPDATED: "updated", UNCHANGED: "unchanged", DRAFT: "drafts", FAILED: "failed"}

# Below this many files, rendering here costs less than starting worker processes.
POOL_MIN_FILES = 100


@dataclass
class ImportReport:
    """Every file's outcome, in the order read, and the counts the command prints last."""

    dry_run: bool = False
    outcomes: list[FileOutcome] = field(default_factory=list)
    sites: list[jekyll_site.Site] = field(default_factory=list)

    def settings_lines(self) -> list[str]:
        """The settings each Jekyll site's posts were read with (URLs, dates and what was public follow them)."""
        return [site.describe() for site in self.sites]

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
    config_files: Iterable[str | os.PathLike] | None = None,
    name_root: str | os.PathLike | None = None,
) -> ImportReport:
    """Import every post file found under ``paths``, in batches (see the module's docstring).

    ``dry_run`` reads, parses, compares and renders every file but writes nothing (not even the cache's
    content version, which any save would bump). ``progress`` is called for each file once its batch is
    committed, with (files done, total files, that file's outcome). ``workers`` is the number of processes
    rendering bodies: by default one per CPU when there are at least ``POOL_MIN_FILES`` files; 0 or 1
    renders here. ``config_files`` replace each site's ``_config.yml``, merged in the order given (as Jekyll's
    ``--config a.yml,b.yml``). ``name_root``: name files (in outcomes, and as posts' source paths) by their
    path inside this folder, for a folder whose place on disk means nothing (an upload unpacked in a
    temporary folder), so the same upload names its files the same way each time.
    """
    report = ImportReport(dry_run=dry_run)
    sources, missing, report.sites, refused = collect(paths, config_files=config_files)
    if name_root is not None:
        sources, refused = _named_inside(Path(name_root), sources, refused)
    total = len(missing) + len(refused) + len(sources)

    def done(outcome: FileOutcome) -> None:
        report.outcomes.append(outcome)
        if progress:
            progress(len(report.outcomes), total, outcome)

    for name in missing:
        done(FileOutcome(name=name, outcome=FAILED, reason="no such file or folder"))
    for outcome in refused:
        done(outcome)
    if workers is None:
        # A daemonic process (a task queue's worker, say) may not start processes of its own.
        pool_worthy = len(sources) >= POOL_MIN_FILES and not multiprocessing.current_process().daemon
        workers = (os.cpu_count() or 1) if pool_worthy else 0
    with Renderer(workers) as renderer:
        writer = Writer(dry_run=dry_run, renderer=renderer)
        reading = batches(sources, store_pictures=not dry_run)
        batch = next(reading, [])
        prepare(batch, renderer)
        while batch:
            # The next batch is read and sent to the workers before this one is written, so that its bodies
            # render meanwhile. Its posts are looked up before this batch is written: only a file with the
            # same slug could change what it finds, and the first of two files with one slug is the only one
            # written (see Writer.claimed).
            following = next(reading, [])
            prepare(following, renderer)
            for outcome in writer.write(batch):
                done(outcome)
            _forget_queries()
            batch = following
    # New rows change the tables' shape; see blog.database. (A draft's outcome is "draft" whatever happened to
    # it: its ``change`` says whether it was created.)
    added = sum(outcome.change == CREATED for outcome in report.outcomes)
    if not dry_run and added:
        refresh_planner_statistics(added=added)
    return report


def _named_inside(
    root: Path, sources: list[SourceFile], refused: list[FileOutcome]
) -> tuple[list[SourceFile], list[FileOutcome]]:
    prefix = f"{root}{os.sep}"

    def inside(name: str) -> str:
        return name.removeprefix(prefix) if name.startswith(prefix) else name

    sources = [replace(source, name=inside(source.name)) for source in sources]
    refused = [replace(item, name=inside(item.name), reason=item.reason.replace(prefix, "")) for item in refused]
    return sources, refused


def _forget_queries() -> None:
    """With DEBUG on, Django keeps the SQL of a connection's last 9,000 statements, and a batch puts a hundred
    posts' bodies into a few: an import would hold hundreds of megabytes of them. They are forgotten after each
    batch, as Django forgets them at each request, unless something is counting them (as tests do, forcing
    the debug cursor)."""
    for connection in connections.all(initialized_only=True):
        if not connection.force_debug_cursor:
            connection.queries_log.clear()


def collect(
    paths: Iterable[str | os.PathLike], *, config_files: Iterable[str | os.PathLike] | None = None
) -> tuple[list[SourceFile], list[str], list[jekyll_site.Site], list[FileOutcome]]:
    """The files to read under ``paths`` (in a stable order, each once), the paths that do not exist, the Jekyll
    sites the files belong to, and the outcomes of what was refused before reading (a site whose configuration
    cannot be read, with its files)."""
    configs = [Path(config) for config in config_files or ()]
    sources: list[SourceFile] = []
    missing: list[str] = []
    refused: list[FileOutcome] = []
    sites: dict[Path, jekyll_site.Site | None] = {}
    seen: set[Path] = set()

    def site_at(root: Path) -> jekyll_site.Site | None:
        if root not in sites:
            try:
                sites[root] = jekyll_site.load(root, configs)
            except jekyll_site.SiteError as error:
                sites[root] = None
                refused.append(FileOutcome(name=str(root), outcome=FAILED, reason=f"site not read: {error}"))
        return sites[root]

    for given in paths:
        path = Path(given)
        if path.is_file():
            root = _site_root_of_file(path)
            site = site_at(root) if root is not None else jekyll_site.Site()
            relative = path.relative_to(root).as_posix() if root is not None else path.name
            found = [SourceFile(path, str(path), "_drafts" in path.parts, site, relative)]
        elif path.is_dir():
            found = list(_jekyll_files(path, site_at) if is_jekyll_site(path) else _plain_files(path, site_at))
        else:
            missing.append(str(path))
            continue
        for source in found:
            if source.site is None:
                continue  # its site's configuration was refused
            resolved = source.path.resolve()
            if resolved not in seen:
                seen.add(resolved)
                sources.append(source)
    return sources, missing, [site for site in sites.values() if site is not None], refused


def site_roots(folder: Path) -> dict[Path, Path]:
    """Each ``_posts``/``_drafts`` folder under ``folder`` with the root of the Jekyll site it belongs to: the
    nearest folder above it with a ``_config.yml``, else the highest one (within ``folder``) holding a
    ``_posts`` or ``_drafts`` folder (``source/foo/_posts`` belongs to ``source``, as Jekyll reads it)."""
    top = folder.parent if folder.name in JEKYLL_FOLDERS else folder
    roots: dict[Path, Path] = {}
    for root, dirs, _files in _walk(top):
        for name in dirs:
            if name not in JEKYLL_FOLDERS:
                continue
            posts_dir = Path(root) / name
            if not (posts_dir == folder or folder in posts_dir.parents or folder == top):
                continue
            above = [posts_dir.parent, *[p for p in posts_dir.parent.parents if p == top or top in p.parents]]
            configured = next((p for p in above if (p / "_config.yml").is_file()), None)
            holding = [p for p in above if any((p / special).is_dir() for special in JEKYLL_FOLDERS)]
            roots[posts_dir] = configured or holding[-1]
    return roots


def _site_root_of_file(path: Path) -> Path | None:
    """The site a file named on its own belongs to: the folder above its last ``_posts``/``_drafts``."""
    parts = path.parts
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] in JEKYLL_FOLDERS:
            return Path(*parts[:index]) if index else Path(".")
    return None


def is_jekyll_site(folder: Path) -> bool:
    """A folder that is a ``_posts``/``_drafts`` folder or holds one somewhere below it."""
    if folder.name in JEKYLL_FOLDERS:
        return True
    for _root, dirs, _files in os.walk(folder):
        if JEKYLL_FOLDERS.intersection(dirs):
            return True
        dirs[:] = [d for d in dirs if d not in _SKIPPED_FOLDERS and not d.startswith(".")]
    return False


def _jekyll_files(folder: Path, site_at):
    roots = site_roots(folder)
    for root, dirs, files in _walk(folder):
        parts = Path(root).parts
        inside = [part for part in parts if part in JEKYLL_FOLDERS]
        if not inside:
            continue
        # Jekyll ignores folders inside _posts named like a post (2013-03-19-not-a-post.markdown/).
        dirs[:] = [d for d in dirs if not _DATED_FOLDER.match(d)]
        posts_dir = _posts_dir_of(Path(root))
        site_root = roots.get(posts_dir, posts_dir.parent)
        site = site_at(site_root)
        for name in files:
            if not _ignored(name):
                path = Path(root) / name
                relative = path.relative_to(site_root).as_posix()
                yield SourceFile(path, os.path.join(root, name), inside[-1] == "_drafts", site, relative, folder)


def _posts_dir_of(folder: Path) -> Path:
    """The ``_posts``/``_drafts`` folder a folder is in (its last one)."""
    for candidate in [folder, *folder.parents]:
        if candidate.name in JEKYLL_FOLDERS:
            return candidate
    return folder


def _plain_files(folder: Path, site_at):
    # Not a Jekyll site's layout: files are posts named by their file name alone, with the folder's
    # _config.yml if it has one.
    site = site_at(folder) if (folder / "_config.yml").is_file() else jekyll_site.Site()
    for root, _dirs, files in _walk(folder):
        for name in files:
            if not _ignored(name) and os.path.splitext(name)[1].lower() in PLAIN_FOLDER_EXTENSIONS:
                yield SourceFile(Path(root) / name, os.path.join(root, name), False, site, name, folder)


def _walk(folder: Path):
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_FOLDERS and not d.startswith("."))
        files.sort()
        yield root, dirs, files


def _ignored(name: str) -> bool:
    """Jekyll's entry filter: hidden, underscore, hash-prefixed and backup (``~``) files are not content."""
    return name.startswith((".", "_", "#")) or name.endswith("~")
