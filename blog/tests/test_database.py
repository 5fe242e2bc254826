"""SQLite as configured for production-like use: WAL, a busy timeout, IMMEDIATE transactions.

The settings are read in a fresh process with no ``DATABASE_URL`` (the SQLite default a site gets
with no set-up), against a real file, because an in-memory test database cannot be in WAL mode.
"""

import json
import threading

import pytest
from django.db import OperationalError, connections
from django.db.backends.sqlite3.base import DatabaseWrapper

from blog.tests.fresh_process import shell

PROBE = """
import json
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    pragmas = {name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
               for name in ("journal_mode", "busy_timeout", "synchronous", "foreign_keys")}
print(json.dumps({"pragmas": pragmas, "transaction_mode": connection.transaction_mode,
                  "name": str(connection.settings_dict["NAME"]), "options": settings.DATABASES["default"]["OPTIONS"]}))
"""


@pytest.fixture(scope="module")
def sqlite_settings(tmp_path_factory):
    """What a fresh process with the default SQLite database reports about its connection."""
    var_dir = tmp_path_factory.mktemp("var")
    result = shell(PROBE, var_dir=var_dir, DJANGO_SECRET_KEY="probe-only-" + "x" * 50)
    assert result.returncode == 0, result.stderr
    return {**json.loads(result.stdout.strip().splitlines()[-1]), "var_dir": var_dir}


@pytest.mark.slow
def test_the_default_database_is_a_file_in_wal_mode(sqlite_settings):
    assert sqlite_settings["name"] == str(sqlite_settings["var_dir"] / "db.sqlite3")
    assert (sqlite_settings["var_dir"] / "db.sqlite3").exists()
    assert sqlite_settings["pragmas"]["journal_mode"] == "wal"


@pytest.mark.slow
def test_writers_wait_for_each_other_and_transactions_take_the_write_lock_at_begin(sqlite_settings):
    assert sqlite_settings["pragmas"]["busy_timeout"] >= 5000
    assert sqlite_settings["transaction_mode"] == "IMMEDIATE"
    # FULL: a commit a member saw succeed survives a power cut, not only a crash of the process.
    assert sqlite_settings["pragmas"]["synchronous"] == 2
    assert sqlite_settings["pragmas"]["foreign_keys"] == 1


def _wrapper(path, options):
    settings_dict = connections.configure_settings(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": dict(options)}}
    )["default"]
    return DatabaseWrapper(settings_dict, alias="probe")


def _second_writer_result(path, options) -> str:
    """Hold the write lock on one connection while another tries to write; say how the second fared."""
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        db = _wrapper(path, options)
        try:
            with db.cursor() as cursor:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute("INSERT INTO note (who) VALUES ('first')")
                holding.set()
                release.wait(10)
                cursor.execute("COMMIT")
        finally:
            db.close()

    def second():
        db = _wrapper(path, options)
        try:
            with db.cursor() as cursor:
                cursor.execute("INSERT INTO note (who) VALUES ('second')")
            outcome["second"] = "written"
        except OperationalError as error:
            outcome["second"] = f"failed: {error}"
        finally:
            db.close()

    holder = threading.Thread(target=first)
    holder.start()
    assert holding.wait(10)
    writer = threading.Thread(target=second)
    writer.start()
    # Let the second writer run into the lock; with no busy timeout it fails at once, with one it waits.
    writer.join(0.5)
    release.set()
    holder.join(10)
    writer.join(30)
    return outcome["second"]


@pytest.mark.slow
def test_a_second_writer_waits_for_the_first_instead_of_failing(sqlite_settings, tmp_path, django_db_blocker):
    path = tmp_path / "writers.sqlite3"
    options = sqlite_settings["options"]
    # Probe connections to a scratch file, not the test database (which pytest-django guards).
    with django_db_blocker.unblock():
        setup = _wrapper(path, options)
        with setup.cursor() as cursor:
            cursor.execute("CREATE TABLE note (who TEXT)")
        setup.close()

        assert _second_writer_result(path, options) == "written"
        # The same race with no busy timeout is exactly the "database is locked" failure the settings prevent.
        assert _second_writer_result(path, {**options, "timeout": 0}).startswith("failed: database is locked")

        check = _wrapper(path, options)
        with check.cursor() as cursor:
            cursor.execute("SELECT who FROM note ORDER BY rowid")
            assert [row[0] for row in cursor.fetchall()] == ["first", "second", "first"]
        check.close()
