"""Test-wide set-up: fast hashing, in-memory mail and a private cache per run; the shared fixtures."""

import atexit
import gc
import hashlib
import itertools
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import pytest

# Each test process (each xdist worker imports this module itself) gets a cache folder of its own.
# Set in the fixture below: pytest-django has read the settings before this module runs, so an
# environment variable set here would come too late, and one inherited by workers would be shared.
TEST_CACHE_DIR = tempfile.mkdtemp(prefix="site-test-cache-")
atexit.register(shutil.rmtree, TEST_CACHE_DIR, ignore_errors=True)
os.environ.setdefault("DJANGO_CACHE_DIR", TEST_CACHE_DIR)


def pytest_collection_finish(session):
    """Leave what exists after collection (Django, every module) out of the garbage collector's sweeps.

    It lives until the run ends anyway, and each full collection would otherwise walk all of it again.
    """
    gc.collect()
    gc.freeze()


# The in-memory SQLite database of one test process, named so that a second plain sqlite3 connection
# can reach it (cache=shared): that connection fills it from a saved copy and keeps it alive.
TEST_DATABASE = "file:site-tests?mode=memory&cache=shared"


def _migrated_copy_path() -> Path:
    """Where the database as the migrations leave it is kept, named for every migration file's content."""
    import django
    from django.apps import apps
    from django.conf import settings

    digest = hashlib.sha256(django.get_version().encode())
    for app in sorted(apps.get_app_configs(), key=lambda app: app.label):
        for path in sorted((Path(app.path) / "migrations").glob("*.py")):
            digest.update(f"{app.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return Path(settings.VAR_DIR) / "test-databases" / f"{digest.hexdigest()[:16]}.sqlite3"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    request, django_db_modify_db_settings_parallel_suffix, django_db_use_migrations, django_db_createdb
):
    """Each test process starts its SQLite database from a copy of a migrated one instead of migrating.

    Migrating from nothing took about a second per process. The copy is made by the first run after any
    migration file changes (and then ``migrate`` finds nothing left to do, so the database is the same).
    ``--create-db`` migrates from nothing again (and keeps that). PostgreSQL, a named test database and
    ``--no-migrations`` keep pytest-django's usual way.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"] != "django.db.backends.sqlite3" or test.get("NAME") or not django_db_use_migrations:
        return
    test["NAME"] = TEST_DATABASE
    keeper = sqlite3.connect(TEST_DATABASE, uri=True)
    request.addfinalizer(keeper.close)
    request.config.stash[_KEEPER] = keeper
    saved = _migrated_copy_path()
    if saved.exists() and not django_db_createdb:
        with closing(sqlite3.connect(saved)) as copy:
            copy.backup(keeper)
    else:
        request.config.stash[_SAVE_MIGRATED_TO] = saved


_SAVE_MIGRATED_TO = pytest.StashKey[Path]()
_KEEPER = pytest.StashKey[sqlite3.Connection]()
_MIGRATED = pytest.StashKey[sqlite3.Connection]()


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup):
    """pytest-django's set-up; then the migrated database is kept in memory (see config/tests/databases.py)
    and, on a run that had to migrate, on disk for the next runs."""
    from config.tests import databases

    keeper = request.config.stash.get(_KEEPER, None)
    if keeper is not None:
        migrated = request.config.stash[_MIGRATED] = databases.keep(keeper)
        request.addfinalizer(migrated.close)
    saved = request.config.stash.get(_SAVE_MIGRATED_TO, None)
    if saved is not None:
        saved.parent.mkdir(parents=True, exist_ok=True)
        for stale in saved.parent.glob("*.sqlite3"):
            stale.unlink(missing_ok=True)
        # Written aside and renamed: another test process may be saving the same copy right now.
        partial = saved.with_suffix(f".{os.getpid()}.partial")
        with closing(sqlite3.connect(TEST_DATABASE, uri=True)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
        partial.replace(saved)
    yield


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Settings every test shares, set once for the run (each override per test costs a round of signals)."""
    from django.conf import settings
    from django.test import override_settings

    from config.tests import databases

    overrides = {
        # Has no say but while a committing test's flush is followed by a put-back (see below).
        "DATABASE_ROUTERS": [databases.router, *settings.DATABASE_ROUTERS],
        # Real hashing is slow on purpose; tests that check the real hasher set it themselves.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "MAILERS": {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}},
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        # Memory, not files: a test's few hundred cache reads and writes (sessions, pages, fragments) cost
        # a file each. The tests of the file cache itself get it back (_file_cache_where_tested below).
        overrides["CACHES"] = {"default": _LOCMEM_CACHE}
        _FILE_CACHE.update({"default": {**settings.CACHES["default"], "LOCATION": TEST_CACHE_DIR}})
    with override_settings(**overrides):
        yield


_LOCMEM_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "site-tests"}
_FILE_CACHE = {}
# Test modules about the shared file cache itself (another process reading it, its culling, its files).
FILE_CACHE_MODULES = {"blog.tests.test_caching", "blog.tests.test_cache_flood"}


@pytest.fixture(autouse=True)
def _file_cache_where_tested(request):
    """The site's file cache (in this run's private folder) for the modules that test it."""
    if not _FILE_CACHE or request.module.__name__ not in FILE_CACHE_MODULES:
        yield
        return
    from django.test import override_settings

    with override_settings(CACHES=_FILE_CACHE):
        yield


def _commits(item) -> bool:
    """Whether the test's writes are committed (and then flushed) instead of rolled back."""
    marker = item.get_closest_marker("django_db")
    in_marker = marker is not None and bool(marker.kwargs.get("transaction", marker.args[0] if marker.args else False))
    return in_marker or not {"transactional_db", "live_server"}.isdisjoint(getattr(item, "fixturenames", ()))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that commits, the SQLite database is put back as migrations left it.

    Else what it changed besides rows (the planner's statistics, the rows migrations made) reaches every
    later test in its process: see config/tests/databases.py. The flush pytest-django runs first is told
    to leave the tables alone, since the put-back replaces them all anyway.
    """
    migrated = item.config.stash.get(_MIGRATED, None)
    # With no next test, the session's fixtures (the copy among them) are finalised in this teardown.
    if migrated is None or nextitem is None or not _commits(item):
        return (yield)
    from config.tests import databases

    databases.router.leave_tables_alone = True
    try:
        return (yield)
    finally:
        databases.router.leave_tables_alone = False
        databases.put_back(migrated, item.config.stash[_KEEPER])


@pytest.fixture(scope="session")
def _media_folders(tmp_path_factory):
    """Numbered media folders under one temporary folder; a test's own is made only if it stores a file."""
    base = tmp_path_factory.mktemp("media")
    return (base / str(number) for number in itertools.count())


@pytest.fixture(autouse=True)
def _fast_and_isolated(_media_folders, _file_cache_where_tested):
    """An empty cache, and a media folder of its own, for every test."""
    from django.core.cache import cache
    from django.test import override_settings

    cache.clear()
    # Pictures a test stores (an import brings them too) go to its own folder, never the site's var/media.
    with override_settings(MEDIA_ROOT=next(_media_folders)):
        yield


@pytest.fixture(scope="module")
def module_db(request, django_db_setup, django_db_blocker):
    """The database open for a module's own data, made once and rolled back after its last test.

    For rows that every test of a module only reads (the plan tests' 200 posts): a module fixture that
    takes this makes them in a transaction around the module, and each test's own transaction is then a
    savepoint inside it, rolled back as usual. A test that commits cannot run inside it, so a module
    holding one is refused.
    """
    from django.db import transaction

    committing = [item.nodeid for item in request.session.items if item.path == request.path and _commits(item)]
    if committing:
        pytest.fail(f"module_db rolls back around the whole module, but these tests commit: {committing}")
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def media(settings, tmp_path):
    """Pictures stored as files in a folder of this test's own, whatever storage the environment names."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


@pytest.fixture
def post(db):
    """One published post with one tag."""
    from blog.tests.factories import PostFactory

    return PostFactory(title="Tea in the garden", slug="tea-in-the-garden", tags=["Rest"])


@pytest.fixture
def member(db):
    """A member with a confirmed address, who logs in with ``accounts.tests.factories.PASSWORD``."""
    from accounts.tests.factories import MemberFactory

    return MemberFactory(email="ann@example.org")


@pytest.fixture
def other_member(db):
    from accounts.tests.factories import MemberFactory

    return MemberFactory(email="bea@example.org")


@pytest.fixture
def member_client(member):
    from django.test import Client

    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def saved_post(member, post):
    """``post``, saved by ``member`` (a note needs a saved piece to belong to)."""
    from accounts.services import favourite_add

    favourite_add(user=member, post=post)
    return post


@pytest.fixture
def csrf_client(member):
    """A logged-in client that, like a browser, must prove every POST with a CSRF token."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    return client


@pytest.fixture
def editor(db):
    """Staff in the "Editors" group (made by blog's migration, and again after a committing test's flush
    emptied the database): writes and moderates, not a superuser."""
    from django.contrib.auth import get_user_model

    from blog.tests.desk_helpers import editors_group

    user = get_user_model().objects.create_user(
        email="editor@example.org", password="a long password here", is_staff=True
    )
    user.groups.add(editors_group())
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that every mailer of the site sends to, for this test."""
    from subscriptions.tests.smtp import SMTPServer

    with SMTPServer() as server:
        settings.MAILERS = {"default": server.mailer}
        yield server
