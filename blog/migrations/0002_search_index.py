"""The full-text index, kept in step by the database itself.

Triggers (not Django signals) maintain it, so every write path (admin, importer,
``bulk_create``, a raw SQL UPDATE) changes the index in the same transaction as
the post. SQLite gets an FTS5 table; PostgreSQL a stored ``tsvector`` column on
``blog_post`` with a GIN index. Neither is part of the Django model: ``blog.search``
is the only code that reads them.
"""

from django.db import migrations

# Tag names of one post, space separated ("" when it has none). {post} is the post id expression.
SQLITE_TAG_NAMES = (
    "coalesce((SELECT group_concat(t.name, ' ') FROM blog_taggedpost tp "
    "JOIN taggit_tag t ON t.id = tp.tag_id WHERE tp.content_object_id = {post}), '')"
)

SQLITE_FORWARD = [
    # porter: "breathing" finds "breathe"; remove_diacritics: "cafe" finds "café".
    "CREATE VIRTUAL TABLE blog_post_fts USING fts5("
    "title, excerpt, body_text, tags, tokenize = 'porter unicode61 remove_diacritics 2')",
    "INSERT INTO blog_post_fts(rowid, title, excerpt, body_text, tags) "
    f"SELECT p.id, p.title, p.excerpt, p.body_text, {SQLITE_TAG_NAMES.format(post='p.id')} FROM blog_post p",
    "CREATE TRIGGER blog_post_fts_insert AFTER INSERT ON blog_post BEGIN "
    "INSERT INTO blog_post_fts(rowid, title, excerpt, body_text, tags) "
    f"VALUES (new.id, new.title, new.excerpt, new.body_text, {SQLITE_TAG_NAMES.format(post='new.id')}); END",
    "CREATE TRIGGER blog_post_fts_update AFTER UPDATE OF title, excerpt, body_text ON blog_post "
    "WHEN old.title IS NOT new.title OR old.excerpt IS NOT new.excerpt OR old.body_text IS NOT new.body_text "
    "BEGIN UPDATE blog_post_fts SET title = new.title, excerpt = new.excerpt, body_text = new.body_text "
    "WHERE rowid = new.id; END",
    "CREATE TRIGGER blog_post_fts_delete AFTER DELETE ON blog_post BEGIN "
    "DELETE FROM blog_post_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER blog_taggedpost_fts_insert AFTER INSERT ON blog_taggedpost BEGIN "
    f"UPDATE blog_post_fts SET tags = {SQLITE_TAG_NAMES.format(post='new.content_object_id')} "
    "WHERE rowid = new.content_object_id; END",
    "CREATE TRIGGER blog_taggedpost_fts_delete AFTER DELETE ON blog_taggedpost BEGIN "
    f"UPDATE blog_post_fts SET tags = {SQLITE_TAG_NAMES.format(post='old.content_object_id')} "
    "WHERE rowid = old.content_object_id; END",
    "CREATE TRIGGER blog_taggedpost_fts_update AFTER UPDATE ON blog_taggedpost BEGIN "
    f"UPDATE blog_post_fts SET tags = {SQLITE_TAG_NAMES.format(post='old.content_object_id')} "
    "WHERE rowid = old.content_object_id; "
    f"UPDATE blog_post_fts SET tags = {SQLITE_TAG_NAMES.format(post='new.content_object_id')} "
    "WHERE rowid = new.content_object_id; END",
    "CREATE TRIGGER taggit_tag_fts_rename AFTER UPDATE OF name ON taggit_tag WHEN old.name IS NOT new.name BEGIN "
    f"UPDATE blog_post_fts SET tags = {SQLITE_TAG_NAMES.format(post='blog_post_fts.rowid')} "
    "WHERE rowid IN (SELECT content_object_id FROM blog_taggedpost WHERE tag_id = new.id); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS taggit_tag_fts_rename",
    "DROP TRIGGER IF EXISTS blog_taggedpost_fts_update",
    "DROP TRIGGER IF EXISTS blog_taggedpost_fts_delete",
    "DROP TRIGGER IF EXISTS blog_taggedpost_fts_insert",
    "DROP TRIGGER IF EXISTS blog_post_fts_delete",
    "DROP TRIGGER IF EXISTS blog_post_fts_update",
    "DROP TRIGGER IF EXISTS blog_post_fts_insert",
    "DROP TABLE IF EXISTS blog_post_fts",
]

POSTGRES_FORWARD = [
    "ALTER TABLE blog_post ADD COLUMN search_vector tsvector",
    # Title weighs most, then tag names, the excerpt, and the body.
    """
    CREATE FUNCTION blog_post_search_document(bigint, text, text, text) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
      SELECT setweight(to_tsvector('english', coalesce($2, '')), 'A')
          || setweight(to_tsvector('english', coalesce((
                SELECT string_agg(t.name, ' ') FROM blog_taggedpost tp
                JOIN taggit_tag t ON t.id = tp.tag_id WHERE tp.content_object_id = $1), '')), 'B')
          || setweight(to_tsvector('english', coalesce($3, '')), 'C')
          || setweight(to_tsvector('english', coalesce($4, '')), 'D')
    $$
    """,
    """
    CREATE FUNCTION blog_post_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector := blog_post_search_document(NEW.id, NEW.title, NEW.excerpt, NEW.body_text);
      RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER blog_post_search_row BEFORE INSERT OR UPDATE OF title, excerpt, body_text ON blog_post "
    "FOR EACH ROW EXECUTE FUNCTION blog_post_search_row()",
    # Statement-level with transition tables: setting five tags recomputes the post's vector once, not five times.
    """
    CREATE FUNCTION blog_taggedpost_search_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE blog_post SET search_vector = blog_post_search_document(id, title, excerpt, body_text)
      WHERE id IN (SELECT content_object_id FROM changed_rows);
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER blog_taggedpost_search_insert AFTER INSERT ON blog_taggedpost "
    "REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION blog_taggedpost_search_added()",
    "CREATE TRIGGER blog_taggedpost_search_delete AFTER DELETE ON blog_taggedpost "
    "REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION blog_taggedpost_search_added()",
    """
    CREATE FUNCTION blog_taggedpost_search_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE blog_post SET search_vector = blog_post_search_document(id, title, excerpt, body_text)
      WHERE id IN (SELECT content_object_id FROM old_rows UNION SELECT content_object_id FROM new_rows);
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER blog_taggedpost_search_update AFTER UPDATE ON blog_taggedpost "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION blog_taggedpost_search_moved()",
    """
    CREATE FUNCTION taggit_tag_search_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE blog_post SET search_vector = blog_post_search_document(id, title, excerpt, body_text)
      WHERE id IN (SELECT content_object_id FROM blog_taggedpost WHERE tag_id = NEW.id);
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER taggit_tag_search_rename AFTER UPDATE OF name ON taggit_tag "
    "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION taggit_tag_search_renamed()",
    "UPDATE blog_post SET search_vector = blog_post_search_document(id, title, excerpt, body_text)",
    "CREATE INDEX blog_post_search_vector_idx ON blog_post USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS taggit_tag_search_rename ON taggit_tag",
    "DROP TRIGGER IF EXISTS blog_taggedpost_search_update ON blog_taggedpost",
    "DROP TRIGGER IF EXISTS blog_taggedpost_search_delete ON blog_taggedpost",
    "DROP TRIGGER IF EXISTS blog_taggedpost_search_insert ON blog_taggedpost",
    "DROP TRIGGER IF EXISTS blog_post_search_row ON blog_post",
    "DROP FUNCTION IF EXISTS taggit_tag_search_renamed()",
    "DROP FUNCTION IF EXISTS blog_taggedpost_search_moved()",
    "DROP FUNCTION IF EXISTS blog_taggedpost_search_added()",
    "DROP FUNCTION IF EXISTS blog_post_search_row()",
    "DROP FUNCTION IF EXISTS blog_post_search_document(bigint, text, text, text)",
    "ALTER TABLE blog_post DROP COLUMN IF EXISTS search_vector",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
}


def _run(schema_editor, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(f"Full-text search supports SQLite and PostgreSQL, not {vendor}.")
    for statement in STATEMENTS[vendor][0 if forward else 1]:
        schema_editor.execute(statement)


def create_index(apps, schema_editor):
    _run(schema_editor, forward=True)


def drop_index(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
