"""Search on PostgreSQL asks the GIN index, whatever the planner would guess.

A post's ``search_vector`` (about 10 KB for an essay) is stored out of line, and the planner does not
price reading it back: for a word found in a third of the posts it reads every post's vector (a
sequential scan, or the primary key backwards with the match as a filter) instead of asking the GIN
index, which names the matching posts without reading a single vector. ``blog_post_matching`` returns
the ids the index names, planned with those two scans priced out: ``SET`` on a function holds for its
own statement only, so nothing else a request runs is planned differently. ``ROWS 100`` tells the
planner a search finds a few posts, not a thousand: it then checks each match by key and stops at the
count's limit, instead of first hashing every public post. SQLite needs nothing here.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION blog_post_matching(tsquery) RETURNS SETOF bigint
    LANGUAGE sql STABLE ROWS 100
    SET enable_seqscan = off SET enable_indexscan = off
    AS $$ SELECT id FROM blog_post WHERE search_vector @@ $1 $$
    """,
]
POSTGRES_BACKWARD = ["DROP FUNCTION IF EXISTS blog_post_matching(tsquery)"]


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
        ("blog", "0009_desk_editors_group"),
    ]

    operations = [migrations.RunPython(create_function, drop_function)]
