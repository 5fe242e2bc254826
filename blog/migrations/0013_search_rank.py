"""PostgreSQL: a small vector per post to rank by (its title, tags and excerpt), beside the whole one.

Ranking reads one vector per ranked match. The whole vector (``blog_post_search``, body included) is about
10 KB for an essay, stored out of line: two hundred of them are read through the TOAST table for every
first search of a word. ``blog_post_search_rank`` holds ``(post_id, vector)`` with only the title (weight
A), the tags (B) and the excerpt (C): a few hundred bytes, kept in the row itself. The whole vector still
decides what matches (its GIN index) and whether a body holds the words (the body's snippet).

Kept in step as ``blog_post_search`` is: the post's row trigger upserts both tables (the whole vector made
from the rank vector and the body, so the title, tags and excerpt are read once), the delete and truncate
triggers empty both, the tag triggers recompute both. Existing posts get their row here, while
writes to posts and tags wait (reads go on). Going back restores ``0012_search_table``'s functions and
drops the table. SQLite needs nothing here (FTS5 ranks with ``bm25`` over its own columns).
"""

from django.db import migrations

RANK_DOCUMENT = """
    CREATE FUNCTION blog_post_rank_document(bigint, text, text) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
      SELECT setweight(to_tsvector('english', coalesce($2, '')), 'A')
          || setweight(to_tsvector('english', coalesce((
                SELECT string_agg(t.name, ' ') FROM blog_taggedpost tp
                JOIN taggit_tag t ON t.id = tp.tag_id WHERE tp.content_object_id = $1), '')), 'B')
          || setweight(to_tsvector('english', coalesce($3, '')), 'C')
    $$
"""

# The whole vector is the rank vector followed by the body (weight D): the same value as
# blog_post_search_document(id, title, excerpt, body_text) of 0002, whose || runs left to right, so a post's
# title, excerpt and tags are turned into words once, not once for each table.
_WHOLE = "{rank} || setweight(to_tsvector('english', coalesce({body}, '')), 'D')"

# A tag change recomputes the vectors of the posts in ``{posts}`` (a subquery of post ids): the rank vectors
# first, then the whole ones from them (going back: 0012's update alone).
_RANK_UPDATE = (
    "UPDATE blog_post_search_rank r SET vector = blog_post_rank_document(p.id, p.title, p.excerpt) "
    "FROM blog_post p WHERE p.id = r.post_id AND r.post_id IN ({posts})"
)
_WHOLE_UPDATE = (
    f"UPDATE blog_post_search s SET vector = {_WHOLE.format(rank='r.vector', body='p.body_text')} "
    "FROM blog_post p JOIN blog_post_search_rank r ON r.post_id = p.id "
    "WHERE p.id = s.post_id AND s.post_id IN ({posts})"
)
_OLD_UPDATE = (
    "UPDATE blog_post_search s SET vector = blog_post_search_document(p.id, p.title, p.excerpt, p.body_text) "
    "FROM blog_post p WHERE p.id = s.post_id AND s.post_id IN ({posts})"
)
_ADDED = "SELECT content_object_id FROM changed_rows"
_MOVED = "SELECT content_object_id FROM old_rows UNION SELECT content_object_id FROM new_rows"
_RENAMED = "SELECT content_object_id FROM blog_taggedpost WHERE tag_id = NEW.id"


def _tag_functions(*updates: str) -> list[str]:
    body = ";\n          ".join(updates)
    return [
        f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          {body.format(posts=posts)};
          RETURN NULL;
        END $$
        """
        for name, posts in [
            ("blog_taggedpost_search_added", _ADDED),
            ("blog_taggedpost_search_moved", _MOVED),
            ("taggit_tag_search_renamed", _RENAMED),
        ]
    ]


POST_FUNCTIONS = [
    f"""
    CREATE OR REPLACE FUNCTION blog_post_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      heading tsvector := blog_post_rank_document(NEW.id, NEW.title, NEW.excerpt);
    BEGIN
      INSERT INTO blog_post_search_rank (post_id, vector) VALUES (NEW.id, heading)
      ON CONFLICT (post_id) DO UPDATE SET vector = EXCLUDED.vector;
      INSERT INTO blog_post_search (post_id, vector) VALUES (NEW.id, {_WHOLE.format(rank="heading", body="NEW.body_text")})
      ON CONFLICT (post_id) DO UPDATE SET vector = EXCLUDED.vector;
      RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION blog_post_search_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM blog_post_search WHERE post_id IN (SELECT id FROM deleted_rows);
      DELETE FROM blog_post_search_rank WHERE post_id IN (SELECT id FROM deleted_rows);
      RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION blog_post_search_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      TRUNCATE blog_post_search, blog_post_search_rank;
      RETURN NULL;
    END $$
    """,
]

# As 0012_search_table left them.
OLD_POST_FUNCTIONS = [
    """
    CREATE OR REPLACE FUNCTION blog_post_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO blog_post_search (post_id, vector)
      VALUES (NEW.id, blog_post_search_document(NEW.id, NEW.title, NEW.excerpt, NEW.body_text))
      ON CONFLICT (post_id) DO UPDATE SET vector = EXCLUDED.vector;
      RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION blog_post_search_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM blog_post_search WHERE post_id IN (SELECT id FROM deleted_rows);
      RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION blog_post_search_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      TRUNCATE blog_post_search;
      RETURN NULL;
    END $$
    """,
]

POSTGRES_FORWARD = [
    # Writes wait until the table is filled and the triggers fill it too: a post written or retagged
    # meanwhile would otherwise have no row here, or an old one. Reads go on.
    "LOCK TABLE blog_post, blog_taggedpost, taggit_tag IN SHARE ROW EXCLUSIVE MODE",
    RANK_DOCUMENT,
    "CREATE TABLE blog_post_search_rank (post_id bigint PRIMARY KEY, vector tsvector NOT NULL)",
    "INSERT INTO blog_post_search_rank (post_id, vector) "
    "SELECT id, blog_post_rank_document(id, title, excerpt) FROM blog_post ORDER BY id",
    *POST_FUNCTIONS,
    *_tag_functions(_RANK_UPDATE, _WHOLE_UPDATE),
]

POSTGRES_BACKWARD = [
    *OLD_POST_FUNCTIONS,
    *_tag_functions(_OLD_UPDATE),
    "DROP TABLE blog_post_search_rank",
    "DROP FUNCTION blog_post_rank_document(bigint, text, text)",
]


def _run(schema_editor, statements) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def add_rank_vectors(apps, schema_editor):
    _run(schema_editor, POSTGRES_FORWARD)


def drop_rank_vectors(apps, schema_editor):
    _run(schema_editor, POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0012_search_table"),
    ]

    operations = [migrations.RunPython(add_rank_vectors, drop_rank_vectors)]
