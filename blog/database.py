"""Upkeep the ORM leaves to us: the query planner's statistics after a bulk load.

Without statistics (SQLite keeps none until ``ANALYZE`` runs) the planner guesses how selective each
index is, and some guesses are bad at scale: with 100,000 posts, a lookup of ten posts by primary key
that also named the publication conditions walked the whole date index (16 ms instead of 2). An import
or a bulk load can change the tables' shape many times over, so it ends here. PostgreSQL's autovacuum
would vacuum and analyse the tables by itself within a minute or so, while readers wait on it; doing it at
once is what PostgreSQL's docs advise after a bulk load, and cheap after a small import, since VACUUM skips
the pages it already knows are clean (what it costs is in docs/performance.md).

ANALYZE is another matter: it reads a sample of up to 30,000 rows whatever was added, and on the search
table that means every sampled post's whole vector. So PostgreSQL analyses again only when the posts added
are a large share of the posts (:data:`ANALYZE_SHARE`); fewer leave the statistics as true as they were, and
autovacuum, which counts every change, analyses once enough small ones add up.
"""

from django.db import connection

from blog.models import Post, TaggedPost

# Enough rows of each index for a good estimate; ANALYZE of every row of a large site would take seconds.
SQLITE_ANALYSIS_LIMIT = 1000
# PostgreSQL's own threshold for analysing a table again (its default autovacuum_analyze_scale_factor).
ANALYZE_SHARE = 0.1


def refresh_planner_statistics(*, added: int | None = None) -> None:
    """Update the planner's statistics for the tables the public pages read (all tables on SQLite); on
    PostgreSQL, vacuum them too when not inside a transaction.

    ``added``: the posts just added, when known. On PostgreSQL the statistics are then refreshed only if
    they are at least :data:`ANALYZE_SHARE` of the posts there are now; the tables are vacuumed either way.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            # The search vectors and the ranking ones (migrations 0012, 0013): tables, not models.
            names = (Post._meta.db_table, TaggedPost._meta.db_table, "blog_post_search", "blog_post_search_rank")
            tables = ", ".join(connection.ops.quote_name(name) for name in names)
            analyse = added is None or added >= ANALYZE_SHARE * Post.objects.count()
            # VACUUM cannot run inside a transaction: an import inside one (a test's, a caller's atomic block)
            # gets the statistics alone, and autovacuum does the rest.
            if connection.in_atomic_block:
                if analyse:
                    cursor.execute("ANALYZE " + tables)
            else:
                cursor.execute(("VACUUM (ANALYZE) " if analyse else "VACUUM ") + tables)
