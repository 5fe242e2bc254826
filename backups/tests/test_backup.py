"""``manage.py backup`` / ``restore``: posts, tags, members, saved pieces and notes survive the round trip,
made while the site keeps serving; restore checks its file and refuses a database that holds data.

The round trip runs on a SQLite file behind gunicorn whatever engine the rest of the run uses, since
the SQLite path is the one these commands implement; on PostgreSQL they point to pg_dump/pg_restore.
"""

import http.client
import sqlite3
import stat
import threading
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from backups import services as backup
from blog.tests.gunicorn_site import environment, gunicorn, manage, run_python, site_database

SEED = """
import json
from django.contrib.auth import get_user_model
from accounts import services
from blog.models import Post

members = [get_user_model().objects.create_user(email=f"reader{n}@example.org", password=f"a long passphrase {n}")
           for n in range(4)]
busy = get_user_model().objects.create_user(email="busy@example.org", password="another long passphrase")
posts = []
for n in range(12):
    post = Post.objects.create(title=f"Essay {n}: café ☕ and rest", slug=f"essay-{n}", status=Post.Status.PUBLISHED,
                               body=f"Paragraph *{n}*.\\n\\n> Quote {n}.")
    post.tags.add("Rest", f"Season {n % 3}", "心")
    posts.append(post)
gone = Post.objects.create(title="A piece that will be deleted", slug="gone", status=Post.Status.PUBLISHED, body="x")
for n, member in enumerate(members):
    for post in posts[n : n + 4]:
        favourite = services.favourite_add(user=member, post=post)
        services.note_set(favourite=favourite, note=f"{member.email} on {post.slug}:\\nbreathe ✿")
    services.note_set(favourite=services.favourite_add(user=member, post=gone), note="kept after deletion")
services.snapshot_titles(post=gone)
gone.delete()
print(json.dumps({"ok": True}))
"""

# Everything a member or a reader would miss, minus the one member who keeps writing during the backup.
STATE_FUNCTION = """
import json
from django.contrib.auth import get_user_model
from taggit.models import Tag
from accounts.models import Favourite
from blog.models import Post

def state():
    saved = Favourite.objects.exclude(user__email="busy@example.org").select_related("user", "post")
    return {
        "posts": sorted([p.slug, p.title, p.body, p.body_html, p.status, p.published_at.isoformat(),
                         sorted(t.name for t in p.tags.all())] for p in Post.objects.all()),
        "tags": sorted(Tag.objects.values_list("name", "slug")),
        "members": sorted(get_user_model().objects.exclude(email="busy@example.org").values_list("email", "password")),
        "saved": sorted([f.user.email, f.post.slug if f.post else "(deleted)", f.post_title, f.note] for f in saved),
    }
"""
STATE = STATE_FUNCTION + "print(json.dumps(state()))"


def _request(port, method, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


class Traffic:
    """Readers fetching pages and one member saving and unsaving, until told to stop."""

    def __init__(self, port, session_key):
        self.port = port
        self.session_key = session_key
        self.statuses: list[tuple[str, int]] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.read), threading.Thread(target=self.write)]

    def read(self):
        paths = ["/", "/posts/essay-3/", "/tags/rest/", "/feed.xml", "/archive/", "/healthz"]
        n = 0
        while not self.stop.is_set():
            path = paths[n % len(paths)]
            self.statuses.append((path, _request(self.port, "GET", path)))
            n += 1

    def write(self):
        headers = {"Cookie": f"sessionid={self.session_key}; csrftoken={'c' * 32}", "X-CSRFToken": "c" * 32}
        n = 0
        while not self.stop.is_set():
            action = "save" if n % 2 == 0 else "unsave"
            path = f"/posts/essay-{n % 12}/{action}/"
            self.statuses.append((path, _request(self.port, "POST", path, headers)))
            n += 1

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(60)


SEED_AND_LOG_IN_THE_BUSY_MEMBER = (
    SEED.replace('print(json.dumps({"ok": True}))', "")
    + STATE_FUNCTION
    + """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
user = get_user_model().objects.get(email="busy@example.org")
session = import_module(settings.SESSION_ENGINE).SessionStore()
session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1],
                HASH_SESSION_KEY: user.get_session_auth_hash()})
session.create()
print(json.dumps({"state": state(), "session": session.session_key}))
"""
)


@pytest.mark.server
def test_round_trip_while_the_site_serves(tmp_path):
    source_dir, target_dir = tmp_path / "live", tmp_path / "restored"
    backup_file = tmp_path / "site-backup.sqlite3"

    with site_database(source_dir, engine="sqlite"), gunicorn(source_dir) as (port, env):
        seeded = run_python(env, SEED_AND_LOG_IN_THE_BUSY_MEMBER)
        before = seeded["state"]
        with Traffic(port, seeded["session"]) as traffic:
            while len(traffic.statuses) < 20:
                traffic.stop.wait(0.05)
            made = manage(env, "backup", str(backup_file))
            served_during = len(traffic.statuses)
            while len(traffic.statuses) < served_during + 20:
                traffic.stop.wait(0.05)
        # The copy was taken from the live database, whose state the site kept changing around it.
        assert run_python(env, STATE) == before

    assert [entry for entry in traffic.statuses if entry[1] >= 400] == []
    assert served_during >= 20
    assert "Backed up to" in made.stdout and "12 posts" in made.stdout and "5 members" in made.stdout
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600

    with site_database(target_dir, engine="sqlite"):
        target_env = environment(target_dir)
        restored = manage(target_env, "restore", str(backup_file))
        assert "Restored" in restored.stdout
        assert run_python(target_env, STATE) == before
        # The restored database is the live kind again: WAL, as every connection sets it.
        with sqlite3.connect(target_dir / "db.sqlite3") as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        with gunicorn(target_dir) as (port, _):
            assert _request(port, "GET", "/posts/essay-3/") == 200
            assert _request(port, "GET", "/tags/rest/") == 200

        # Now it holds data: a second restore is refused, unless forced.
        again = manage(target_env, "restore", str(backup_file), check=False)
        assert again.returncode != 0
        assert "already holds data" in again.stderr and "--force" in again.stderr
        assert manage(target_env, "restore", str(backup_file), "--force").returncode == 0
        assert run_python(target_env, STATE) == before


@pytest.mark.server
def test_restore_checks_its_file(tmp_path):
    with site_database(tmp_path / "site", engine="sqlite"):
        env = environment(tmp_path / "site")
        text = tmp_path / "notes.txt"
        text.write_text("not a database")
        other = tmp_path / "other.sqlite3"
        with sqlite3.connect(other) as db:
            db.execute("CREATE TABLE recipes (name TEXT)")
        cases = {
            tmp_path / "missing.sqlite3": "is not a file",
            text: "is not a SQLite database",
            other: "not a backup of this site",
        }
        for path, message in cases.items():
            result = manage(env, "restore", str(path), check=False)
            assert result.returncode != 0
            assert message in result.stderr, result.stderr


def test_a_backup_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "newer.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(
            """
            CREATE TABLE django_migrations (app TEXT, name TEXT, applied TEXT);
            CREATE TABLE blog_post (id INTEGER);
            CREATE TABLE accounts_favourite (id INTEGER, note TEXT);
            CREATE TABLE accounts_user (id INTEGER);
            CREATE TABLE taggit_tag (id INTEGER);
            INSERT INTO django_migrations VALUES ('blog', '9999_from_the_future', '2030-01-01');
            """
        )
    with pytest.raises(backup.BackupError, match="newer version"):
        backup.inspect(path)


def test_backup_will_not_overwrite_a_file_unless_forced(tmp_path):
    existing = tmp_path / "backup.sqlite3"
    existing.write_text("an older backup")
    with mock.patch.object(connections["default"], "vendor", "sqlite"), pytest.raises(CommandError, match="--force"):
        call_command("backup", str(existing))
    assert existing.read_text() == "an older backup"


def test_on_postgresql_both_commands_say_exactly_what_to_run(tmp_path):
    with mock.patch.object(connections["default"], "vendor", "postgresql"):
        with pytest.raises(CommandError) as made:
            call_command("backup", str(tmp_path / "site.dump"))
        with pytest.raises(CommandError) as restored:
            call_command("restore", str(tmp_path / "site.dump"))
    for error in (made.value, restored.value):
        assert "pg_dump --format=custom --no-owner --no-privileges" in str(error)
        assert (
            'pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL"'
            in str(error)
        )
    assert f"--file={tmp_path / 'site.dump'}" in str(made.value)
    assert not (tmp_path / "site.dump").exists()


def test_the_backup_says_that_pictures_are_kept_apart(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    with mock.patch.object(connections["default"], "vendor", "postgresql"), pytest.raises(CommandError) as made:
        call_command("backup", str(tmp_path / "site.dump"))
    assert f"Pictures (media files) are not in this copy: back up the folder {tmp_path / 'media'}" in str(made.value)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "x", "OPTIONS": {"bucket_name": "pictures"}}}
    with mock.patch.object(connections["default"], "vendor", "postgresql"), pytest.raises(CommandError) as made:
        call_command("backup", str(tmp_path / "site.dump"))
    assert "back up the bucket 'pictures' as well" in str(made.value)
