"""The SQLite test database as migrations leave it: kept in memory once, put back after a test that commits.

A test that commits (``transaction=True``) is followed by a flush, which empties the tables and nothing
else. What else it changed stayed for every later test in that process: the rows migrations made, and
the query planner's statistics (an import ends with ``ANALYZE``, see blog.database), which outlive the
flush both in ``sqlite_stat1`` and in the planner's in-memory estimates of each table. Later queries were
then planned for a handful of rows, and a plan test failed or passed by which tests had run before it.
Putting the whole database back with SQLite's backup API reloads the schema, so the planner starts
afresh as well.

The flush before it is then wasted work: it would empty every table and have Django's ``post_migrate``
handlers make the content types and permissions again (most of a committing test's cost), all of which
the put-back replaces at once. While ``leave_tables_alone`` is set, a database router tells the flush,
and those handlers, that no table is theirs to touch.
"""

import sqlite3

from django.contrib.contenttypes.models import ContentType


def keep(database: sqlite3.Connection) -> sqlite3.Connection:
    """An in-memory copy of ``database`` as it is now."""
    copy = sqlite3.connect(":memory:")
    database.backup(copy)
    return copy


class TablesRouter:
    """A database router with no opinion, except: while ``leave_tables_alone`` is set, nothing may be migrated.

    Django's flush empties only the tables of models it may migrate, and its ``post_migrate`` handlers
    ask the same before making content types and permissions; so for that while both do nothing.
    """

    leave_tables_alone = False

    def allow_migrate(self, db, app_label, **hints):
        return False if self.leave_tables_alone else None


router = TablesRouter()


def put_back(copy: sqlite3.Connection, database: sqlite3.Connection) -> None:
    """Make ``database`` what ``copy`` holds again (every table, and no statistics the copy lacks)."""
    copy.backup(database)
    # Content types are cached by id; the flush before this made them again under new ids.
    ContentType.objects.clear_cache()
