"""After a test that commits, the SQLite test database is put back as migrations left it (databases.py)."""

import sqlite3
from contextlib import closing

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection

from accounts import saved_pieces
from blog.models import Post
from blog.tests.factories import PostFactory
from blog.tests.plans import plan
from config.tests import databases
from jekyll import importer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's test database is migrated, not copied"),
]


def statistics_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'")
        return [name for (name,) in cursor.fetchall()]


def test_an_import_committed_leaves_no_statistics_nor_plans_behind(tmp_path):
    query = saved_pieces.saved_rows_queryset(user=get_user_model()(pk=1), tag=1)[20:40]
    with closing(sqlite3.connect(connection.settings_dict["NAME"], uri=True)) as database:
        migrated = databases.keep(database)
        fresh_plan = plan(query)
        for number in range(3):
            (tmp_path / f"2024-01-0{number + 1}-walk.md").write_text(f"---\ntitle: Walk {number}\n---\n\nA walk.\n")
        importer.import_paths([tmp_path], workers=0)
        Group.objects.all().delete()
        assert statistics_tables()  # the import's ANALYZE, committed

        databases.put_back(migrated, database)

    assert statistics_tables() == []
    assert plan(query) == fresh_plan
    assert not Post.objects.exists()
    assert Group.objects.filter(name="Editors").exists()


def test_the_flush_before_a_put_back_leaves_every_table_alone():
    """What the put-back replaces anyway, the flush need not empty nor its handlers make again."""
    PostFactory()
    permissions = Permission.objects.count()
    databases.router.leave_tables_alone = True
    try:
        call_command("flush", verbosity=0, interactive=False)
    finally:
        databases.router.leave_tables_alone = False

    assert Post.objects.count() == 1
    assert Permission.objects.count() == permissions
    assert Group.objects.filter(name="Editors").exists()
