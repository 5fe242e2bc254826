"""PostgreSQL: the search vectors move out of ``blog_post`` into a narrow table of their own.

The GIN index names the matching rows, but not their ids: a search still visits each matching row of
the table for its id, and for a word found in most posts that is nearly every page of ``blog_post``
(wide rows: titles, excerpts, the start of each text). ``blog_post_search`` holds only
``(post_id, vector)``; the vectors themselves are stored out of line as before, so its rows are small,
many to a page, and the same visits read a fraction of the pages.

Even so, a word found in most posts has tens of thousands of matches to visit and sort for the newest
few hundred. ``recency`` names each post's thousand (``r<post_id / 1000>``) as a one-word vector, indexed
with the text in one GIN index: the index then intersects the word with the newest thousands by itself
(skipping through the word's long list), and ``blog_post_matching_newest`` asks the newest 2, 8 and 32
thousands in turn before all posts. Whenever such a range holds enough matches, they are the newest ones.

The database keeps it in step, as it kept the column: a post's row trigger (now after the write, an
upsert), a delete trigger, a truncate trigger (no foreign key: Django's test flush truncates
``blog_post`` without CASCADE), and the tag triggers of ``0002_search_index``, which now update the
table. The matching functions of ``0010_search_speed`` and ``0011_search_newest`` read the table under
the same settings. The vectors already computed are copied, not computed again. Going back restores the
column, its index and every function as they were. SQLite needs nothing here.
"""

from django.db import migrations

# A tag change recomputes the vectors of the posts in ``{posts}`` (a subquery of post ids).
_TAG_UPDATE = (
    "UPDATE blog_post_search s SET vector = blog_post_search_document(p.id, p.title, p.excerpt, p.body_text) "
    "FROM blog_post p WHERE p.id = s.post_id AND s.post_id IN ({posts})"
)
_OLD_TAG_UPDATE = (
    "UPDATE blog_post SET search_vector = blog_post_search_document(id, title, excerpt, body_text) "
    "WHERE id IN ({posts})"
)
_ADDED = "SELECT content_object_id FROM changed_rows"
_MOVED = "SELECT content_object_id FROM old_rows UNION SELECT content_object_id FROM new_rows"
_RENAMED = "SELECT content_object_id FROM blog_taggedpost WHERE tag_id = NEW.id"


def _tag_functions(update: str) -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          {update.format(posts=posts)};
          RETURN NULL;
        END $$
        """
        for name, posts in [
            ("blog_taggedpost_search_added", _ADDED),
            ("blog_taggedpost_search_moved", _MOVED),
            ("taggit_tag_search_renamed", _RENAMED),
        ]
    ]


# The matching functions' settings (0010_search_speed): the planner may only ask the GIN index.
SETTINGS = "SET enable_seqscan = off SET enable_indexscan = off"
# Posts a recency word names (see the docstring).
THOUSAND = 1000


def _matching_functions(table: str, id_column: str, vector_column: str) -> list[str]:
    """``blog_post_matching`` and (the old layout's) ``blog_post_matching_newest``, as SQL functions."""
    settings = SETTINGS
    return [
        f"""
        CREATE OR REPLACE FUNCTION blog_post_matching(tsquery) RETURNS SETOF bigint
        LANGUAGE sql STABLE ROWS 100 {settings}
        AS $$ SELECT {id_column} FROM {table} WHERE {vector_column} @@ $1 $$
        """,
        f"""
        CREATE OR REPLACE FUNCTION blog_post_matching_newest(tsquery, integer) RETURNS SETOF bigint
        LANGUAGE sql STABLE ROWS 1000 {settings}
        AS $$ SELECT {id_column} FROM {table} WHERE {vector_column} @@ $1 ORDER BY {id_column} DESC LIMIT $2 $$
        """,
    ]


# The newest thousands first; all posts when they hold fewer than $2 matches.
NEWEST_FIRST = f"""
    CREATE OR REPLACE FUNCTION blog_post_matching_newest(tsquery, integer) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE ROWS 1000 {SETTINGS}
    AS $$
    DECLARE
      newest bigint;
      span integer;
      found bigint[];
    BEGIN
      -- The newest id from the primary key (the settings above would make it a scan of every row).
      PERFORM set_config('enable_indexscan', 'on', true);
      newest := (SELECT max(post_id) FROM blog_post_search) / {THOUSAND:d};
      PERFORM set_config('enable_indexscan', 'off', true);
      IF newest IS NOT NULL THEN
        FOREACH span IN ARRAY ARRAY[2, 8, 32] LOOP
          EXIT WHEN span > newest + 1;
          found := ARRAY(
            SELECT post_id FROM blog_post_search
            WHERE vector @@ $1 AND recency @@ array_to_string(
              ARRAY(SELECT quote_literal('r' || n) FROM generate_series(newest - span + 1, newest) AS n), ' | '
            )::tsquery
            ORDER BY post_id DESC LIMIT $2
          );
          IF cardinality(found) >= $2 THEN
            RETURN QUERY SELECT unnest(found);
            RETURN;
          END IF;
        END LOOP;
      END IF;
      RETURN QUERY SELECT post_id FROM blog_post_search WHERE vector @@ $1 ORDER BY post_id DESC LIMIT $2;
    END $$
    """


POSTGRES_FORWARD = [
    # Writes to posts (and, through their triggers, to tags) wait until the move commits: an edit made while
    # the vectors are copied would otherwise reach only the old column. Reads go on.
    "LOCK TABLE blog_post IN SHARE ROW EXCLUSIVE MODE",
    "CREATE TABLE blog_post_search (post_id bigint PRIMARY KEY, vector tsvector NOT NULL, "
    f"recency tsvector GENERATED ALWAYS AS (array_to_tsvector(ARRAY['r' || (post_id / {THOUSAND:d})::text])) STORED)",
    # In id order, so the newest posts' rows sit together at the end of the table.
    "INSERT INTO blog_post_search (post_id, vector) "
    "SELECT id, coalesce(search_vector, blog_post_search_document(id, title, excerpt, body_text)) "
    "FROM blog_post ORDER BY id",
    "CREATE INDEX blog_post_search_vector_gin ON blog_post_search USING GIN (vector, recency)",
    # The row trigger runs after the write now (it writes another table): dropped before its function
    # changes, so no statement ever sees a before-trigger that returns NULL.
    "DROP TRIGGER blog_post_search_row ON blog_post",
    """
    CREATE OR REPLACE FUNCTION blog_post_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO blog_post_search (post_id, vector)
      VALUES (NEW.id, blog_post_search_document(NEW.id, NEW.title, NEW.excerpt, NEW.body_text))
      ON CONFLICT (post_id) DO UPDATE SET vector = EXCLUDED.vector;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER blog_post_search_row AFTER INSERT OR UPDATE OF title, excerpt, body_text ON blog_post "
    "FOR EACH ROW EXECUTE FUNCTION blog_post_search_row()",
    """
    CREATE FUNCTION blog_post_search_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM blog_post_search WHERE post_id IN (SELECT id FROM deleted_rows);
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER blog_post_search_delete AFTER DELETE ON blog_post "
    "REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION blog_post_search_deleted()",
    """
    CREATE FUNCTION blog_post_search_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      TRUNCATE blog_post_search;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER blog_post_search_truncate AFTER TRUNCATE ON blog_post "
    "FOR EACH STATEMENT EXECUTE FUNCTION blog_post_search_truncated()",
    *_tag_functions(_TAG_UPDATE),
    _matching_functions("blog_post_search", "post_id", "vector")[0],
    NEWEST_FIRST,
    "DROP INDEX blog_post_search_vector_idx",
    "ALTER TABLE blog_post DROP COLUMN search_vector",
]

POSTGRES_BACKWARD = [
    "ALTER TABLE blog_post ADD COLUMN search_vector tsvector",
    "UPDATE blog_post p SET search_vector = s.vector FROM blog_post_search s WHERE s.post_id = p.id",
    "CREATE INDEX blog_post_search_vector_idx ON blog_post USING GIN (search_vector)",
    "DROP TRIGGER blog_post_search_truncate ON blog_post",
    "DROP TRIGGER blog_post_search_delete ON blog_post",
    "DROP TRIGGER blog_post_search_row ON blog_post",
    "DROP FUNCTION blog_post_search_truncated()",
    "DROP FUNCTION blog_post_search_deleted()",
    """
    CREATE OR REPLACE FUNCTION blog_post_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector := blog_post_search_document(NEW.id, NEW.title, NEW.excerpt, NEW.body_text);
      RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER blog_post_search_row BEFORE INSERT OR UPDATE OF title, excerpt, body_text ON blog_post "
    "FOR EACH ROW EXECUTE FUNCTION blog_post_search_row()",
    *_tag_functions(_OLD_TAG_UPDATE),
    *_matching_functions("blog_post", "id", "search_vector"),
    "DROP TABLE blog_post_search",
]


def _run(schema_editor, statements) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def move_vectors(apps, schema_editor):
    _run(schema_editor, POSTGRES_FORWARD)


def move_vectors_back(apps, schema_editor):
    _run(schema_editor, POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0011_search_newest"),
    ]

    operations = [migrations.RunPython(move_vectors, move_vectors_back)]
