"""PostgreSQL: the newest matches of a search, sorted and cut inside the matching function.

``blog_post_matching`` (``0010_search_speed``) returns every match, and a function that is not inlined
hands all of them to the query that calls it: for a word found in most posts, tens of thousands of ids
kept (spilling to disk past ``work_mem``) only to be sorted and cut to the newest thousand.
``blog_post_matching_newest(query, n)`` is the same bitmap scan of the GIN index under the same
settings, with the sort and the limit inside, so only ``n`` ids come back. SQLite needs nothing here.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION blog_post_matching_newest(tsquery, integer) RETURNS SETOF bigint
    LANGUAGE sql STABLE ROWS 1000
    SET enable_seqscan = off SET enable_indexscan = off
    AS $$ SELECT id FROM blog_post WHERE search_vector @@ $1 ORDER BY id DESC LIMIT $2 $$
    """,
]
POSTGRES_BACKWARD = ["DROP FUNCTION IF EXISTS blog_post_matching_newest(tsquery, integer)"]


def _run(schema_editor, statements) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def create_function(apps, schema_editor):
    _run(schema_editor, POSTGRES_FORWARD)


def drop_function(apps, schema_editor):
    _run(schema_editor, POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0010_search_speed"),
    ]

    operations = [migrations.RunPython(create_function, drop_function)]
