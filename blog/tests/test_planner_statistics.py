"""An import leaves the query planner with statistics for the tables it filled (see blog.database)."""

import pytest
from django.db import connection

from blog.database import refresh_planner_statistics
from blog.models import Post
from blog.tests.factories import PostFactory
from jekyll import importer

pytestmark = pytest.mark.django_db


def post_rows_known_to_planner() -> int | None:
    """How many rows of blog_post the planner's statistics count, or None if it has none."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NULL", [Post._meta.db_table])
            row = cursor.fetchone()
            if row is None:
                cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [Post._meta.db_table])
                row = cursor.fetchone()
            return int(row[0].split()[0]) if row else None
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Post._meta.db_table])
        tuples = cursor.fetchone()[0]
        return None if tuples < 0 else int(tuples)


def test_an_import_that_adds_posts_refreshes_the_statistics(tmp_path):
    for number in range(3):
        (tmp_path / f"2024-01-0{number + 1}-walk-{number}.md").write_text(
            f"---\ntitle: Walk {number}\ntags: [Rest]\n---\n\nA slow walk, number {number}.\n"
        )
    report = importer.import_paths([tmp_path], workers=0)
    assert report.counts[importer.CREATED] == 3
    assert post_rows_known_to_planner() == 3


def test_refresh_counts_what_is_there_now(tmp_path):
    (tmp_path / "2024-02-01-one.md").write_text("---\ntitle: One\n---\n\nOne.\n")
    importer.import_paths([tmp_path], workers=0)
    Post.objects.all().delete()
    refresh_planner_statistics()
    assert post_rows_known_to_planner() in (0, None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM after an import is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_an_import_outside_a_transaction_vacuums_the_tables_it_filled(tmp_path):
    """Autovacuum would otherwise make its first pass over the new rows while readers wait on it."""
    (tmp_path / "2024-03-01-rain.md").write_text("---\ntitle: Rain\ntags: [Rest]\n---\n\nRain on the roof.\n")
    importer.import_paths([tmp_path], workers=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL AND relname IN (%s, %s, %s, %s)",
            [Post._meta.db_table, "blog_taggedpost", "blog_post_search", "blog_post_search_rank"],
        )
        tables = sorted(row[0] for row in cursor.fetchall())
        assert tables == ["blog_post", "blog_post_search", "blog_post_search_rank", "blog_taggedpost"]
    assert post_rows_known_to_planner() == 1


def search_table_upkeep() -> tuple[int, int]:
    """How many times the search table has been vacuumed and analysed (by hand, not by autovacuum)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT vacuum_count, analyze_count FROM pg_stat_user_tables WHERE relname = %s", ["blog_post_search"]
        )
        return cursor.fetchone()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM after an import is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_small_import_into_a_larger_site_vacuums_without_analysing_again(tmp_path):
    """ANALYZE reads a sample of every vector whatever was added: a few posts more leave the statistics true."""
    PostFactory.create_batch(30)
    refresh_planner_statistics()
    vacuumed, analysed = search_table_upkeep()
    (tmp_path / "2024-04-01-one.md").write_text("---\ntitle: One\n---\n\nOne more.\n")

    importer.import_paths([tmp_path], workers=0)
    assert search_table_upkeep() == (vacuumed + 1, analysed)

    for number in range(2, 6):  # 4 more: over a tenth of the 35 posts there are then
        (tmp_path / f"2024-04-0{number}-more-{number}.md").write_text(f"---\ntitle: More {number}\n---\n\nMore.\n")
    importer.import_paths([tmp_path], workers=0)
    assert search_table_upkeep() == (vacuumed + 2, analysed + 1)
