"""Backing up and restoring the site's database: posts, tags, members, saved pieces and notes.

SQLite: :func:`backup` copies the live database with SQLite's online backup API, in one step, so the
copy is a consistent snapshot while the site keeps reading and writing (WAL lets writers carry on).
:func:`restore` checks that a file really is a backup of this site and copies it, with the same API,
into a database that holds no data yet.

PostgreSQL has its own tools for both, which do it better than we could: the functions raise
:class:`BackupError` with the exact ``pg_dump`` / ``pg_restore`` commands to use instead.

The logic lives in ``blog`` because the posts are what the site is for; the module covers every app's
tables because a backup that left out members' notes would not be one.
"""

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from taggit.models import Tag

from accounts.models import Favourite
from blog.caching import bump_content_version
from blog.models import Post

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables the framework fills by itself in a freshly migrated database: rows there are not "data".
# Rows the framework and the migrations make in every new database (the "Editors" group among them): a
# restore replaces them like everything else, and their presence does not make a database "hold data".
_BOOKKEEPING = {"contenttypes.contenttype", "auth.permission", "auth.group", "sessions.session"}

POSTGRES_HELP = """This site's database is PostgreSQL: use PostgreSQL's own tools, which take a consistent snapshot
while the site keeps serving.

  Back up:
    pg_dump --format=custom --no-owner --no-privileges --file={outfile} "$DATABASE_URL"

  Restore into an empty database (create it, point DATABASE_URL at it, then):
    pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" {infile}
"""


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    """What a backup file holds."""

    posts: int
    tags: int
    members: int
    saved: int
    notes: int
    size: int
    missing_migrations: int = 0

    def __str__(self):
        return (
            f"{self.posts} posts, {self.tags} tags, {self.members} members, "
            f"{self.saved} saved pieces ({self.notes} with notes), {self.size / 1024:.0f} KiB"
        )


def _require_sqlite(using: str, *, outfile="OUTFILE", infile="BACKUPFILE") -> None:
    vendor = connections[using].vendor
    if vendor == "postgresql":
        raise BackupError(POSTGRES_HELP.format(outfile=outfile, infile=infile))
    if vendor != "sqlite":
        raise BackupError(f"Backups of a {vendor} database are not supported: use that database's own tools.")


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def summarise(path: Path) -> Summary:
    """Count what a backup file (a SQLite database of this site) holds."""
    tables = {
        "posts": Post._meta.db_table,
        "tags": Tag._meta.db_table,
        "members": get_user_model()._meta.db_table,
        "saved": Favourite._meta.db_table,
    }
    db = _open_read_only(path)
    try:
        counts = {name: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for name, table in tables.items()}
        notes = db.execute(f"SELECT COUNT(*) FROM \"{tables['saved']}\" WHERE note <> ''").fetchone()[0]
    finally:
        db.close()
    return Summary(**counts, notes=notes, size=path.stat().st_size)


def backup(outfile: Path, *, using: str = DEFAULT_DB_ALIAS, overwrite: bool = False, dry_run: bool = False) -> Summary:
    """Copy the live SQLite database to ``outfile`` (readable by its owner only); return what it holds.

    The copy is written beside ``outfile`` and renamed into place once checked, so an interrupted
    backup never leaves a half-written file under the name.
    """
    outfile = Path(outfile)
    _require_sqlite(using, outfile=outfile, infile=outfile)
    if outfile.exists() and not overwrite:
        raise BackupError(f"{outfile} already exists: choose another name, or pass --force to replace it.")
    if not outfile.parent.is_dir():
        raise BackupError(f"{outfile.parent} is not a folder.")
    if dry_run:
        return Summary(0, 0, 0, 0, 0, 0)
    partial = outfile.with_name(f".{outfile.name}.partial")
    partial.unlink(missing_ok=True)
    # Password hashes and private notes: nobody but the owner may read the copy, from its first byte.
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    connection = connections[using]
    connection.ensure_connection()
    target = sqlite3.connect(partial)
    try:
        # One step (pages=-1): one read transaction, so one consistent snapshot, however busy the site is.
        connection.connection.backup(target)
        # A single self-contained file, whatever journal mode the live database uses.
        target.execute("PRAGMA journal_mode=DELETE")
        if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The copy failed its integrity check; the live database may need attention.")
    except BaseException:
        target.close()
        partial.unlink(missing_ok=True)
        raise
    target.close()
    os.replace(partial, outfile)
    return summarise(outfile)


def inspect(infile: Path) -> Summary:
    """Check that ``infile`` is a sound SQLite backup of this site that this code can use."""
    infile = Path(infile)
    if not infile.is_file():
        raise BackupError(f"{infile} is not a file.")
    with infile.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{infile} is not a SQLite database, so it is not a backup made by `manage.py backup`.")
    db = _open_read_only(infile)
    try:
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{infile} is damaged (SQLite's integrity check failed).")
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        needed = {"django_migrations", Post._meta.db_table, Favourite._meta.db_table, get_user_model()._meta.db_table}
        if not needed <= tables:
            raise BackupError(
                f"{infile} is a SQLite database, but not a backup of this site (it lacks {needed - tables})."
            )
        applied = set(db.execute("SELECT app, name FROM django_migrations").fetchall())
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{infile} cannot be read as a SQLite database: {error}.") from error
    finally:
        db.close()
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    ours = {config.label for config in apps.get_app_configs()}
    unknown = {migration for migration in applied if migration[0] in ours and migration not in known}
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in sorted(unknown)[:5])
        raise BackupError(
            f"{infile} was made by a newer version of the site (it has migrations this code lacks: {names})."
        )
    missing = len({migration for migration in known if migration[0] in ours} - applied)
    summary = summarise(infile)
    return Summary(**{**summary.__dict__, "missing_migrations": missing})


def rows_present(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Labels of the models that hold rows in the target database (framework bookkeeping aside)."""
    occupied = []
    for model in apps.get_models():
        if model._meta.label_lower in _BOOKKEEPING or not model._meta.managed or model._meta.proxy:
            continue
        try:
            if model._default_manager.using(using).exists():
                occupied.append(model._meta.label)
        except Exception:  # noqa: BLE001 - a table missing from an unmigrated target is simply empty
            connections[using].close()
    return occupied


def restore(infile: Path, *, using: str = DEFAULT_DB_ALIAS, force: bool = False, dry_run: bool = False) -> Summary:
    """Replace the (empty) SQLite database with the backup ``infile``; return what it held.

    Refuses a target that already holds data unless ``force``: a restore replaces everything.
    """
    infile = Path(infile)
    _require_sqlite(using, infile=infile)
    summary = inspect(infile)
    occupied = rows_present(using)
    if occupied and not force:
        raise BackupError(
            f"The database already holds data ({', '.join(occupied[:6])}{'…' if len(occupied) > 6 else ''}). "
            "A restore replaces everything in it: restore into an empty database, or pass --force to replace it."
        )
    if dry_run:
        return summary
    connection = connections[using]
    connection.close()
    connection.ensure_connection()
    source = _open_read_only(infile)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
        # Reconnect so the connection's PRAGMAs apply to the restored database.
        connection.close()
    # Pages cached from the database that was there before must not be served again.
    bump_content_version()
    return summary
