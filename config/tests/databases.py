"""The SQLite test database as migrations leave it: kept in memory once, put back after a test that commits.

A test that commits (``transaction=True``) is followed by a flush, which empties the tables and nothing
else. What else it changed stayed for every later test in that process: the rows migrations made, and
the query planner's statistics (an import ends with ``ANALYZE``, see blog.database), which outlive the
flush both in ``sqlite_stat1`` and in the planner's in-memory estimates of each table. Later queries were
then planned for a handful of rows, and a plan test failed or passed by which tests had run before it.
Putting the whole database back with SQLite's backup API reloads the schema, so the planner starts
afresh as well.
"""

import sqlite3

from django.contrib.contenttypes.models import ContentType


def keep(database: sqlite3.Connection) -> sqlite3.Connection:
    """An in-memory copy of ``database`` as it is now."""
    copy = sqlite3.connect(":memory:")
    database.backup(copy)
    return copy


def put_back(copy: sqlite3.Connection, database: sqlite3.Connection) -> None:
    """Make ``database`` what ``copy`` holds again (every table, and no statistics the copy lacks)."""
    copy.backup(database)
    # Content types are cached by id; the flush before this made them again under new ids.
    ContentType.objects.clear_cache()
