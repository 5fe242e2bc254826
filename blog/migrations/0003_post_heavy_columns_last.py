"""Store a post's body, HTML and plain text after its other columns (SQLite).

SQLite keeps a row's columns in order, and a long value spills into a chain of overflow pages that must
be walked to reach any column after it. With the three copies of an essay (20–40 KB) in the middle of
the row, reading a post's status and date meant reading the whole essay: twenty times the work of
reading its title, and the pages read crowded the worker's memory. Moving them last makes every
list, count and lookup that leaves the body alone read one page per post.

The model's fields move in the migration state too, so a later table rebuild keeps this order.
PostgreSQL stores long values out of line by itself, so only its state changes. The rebuild drops the
table's triggers (the search index's), so they are read before and created again after. Going back
changes only the state.
"""

from django.db import migrations

# As they are in this migration's time (models.Post.TEXT_FIELDS now); a migration keeps its own copy.
TEXT_FIELDS = ("body", "body_html", "body_text")
# Post's column order before this migration (0001_initial), for going back.
ORDER_BEFORE = ("id", "title", "slug", "body", "body_format", "body_html", "body_text", "excerpt")


class MovePostTextLast(migrations.operations.base.Operation):
    """Move Post's body, HTML and text to the end of its columns: in the state, and in SQLite's table."""

    reduces_to_sql = False
    reversible = True

    def deconstruct(self):
        return self.__class__.__name__, [], {}

    def _reorder(self, state, first: tuple, last: tuple) -> None:
        """Put the fields named in ``first`` first and those in ``last`` last, the others between in order."""
        model_state = state.models["blog", "post"]
        names = [name for name in first if name in model_state.fields]
        names += [name for name in model_state.fields if name not in first and name not in last]
        names += [name for name in last if name in model_state.fields]
        model_state.fields = {name: model_state.fields[name] for name in names}
        state.reload_model("blog", "post", delay=True)

    def state_forwards(self, app_label, state):
        self._reorder(state, first=(), last=TEXT_FIELDS)

    def state_backwards(self, app_label, state):
        self._reorder(state, first=ORDER_BEFORE, last=())

    def _rebuild(self, schema_editor, to_state) -> None:
        """Move each text column last: a copy added at the end, filled, the original dropped, the copy renamed.

        Plain SQLite statements (3.35+), so nothing leans on the schema editor's private table rebuild. The
        copies carry a constant ``DEFAULT ''`` (SQLite cannot add a NOT NULL column without one); Django
        always writes these fields, so the default is never used. Going back leaves the order as it is:
        the order only matters for speed, never for what a query returns.
        """
        if schema_editor.connection.vendor != "sqlite":
            return
        model = to_state.apps.get_model("blog", "post")
        table = schema_editor.quote_name(model._meta.db_table)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [model._meta.db_table],
            )
            triggers = cursor.fetchall()
            cursor.execute(f"PRAGMA table_info({table})")
            order = [row[1] for row in cursor.fetchall()]
        if order[-len(TEXT_FIELDS) :] == list(TEXT_FIELDS):
            return
        # SQLite refuses to drop a column that a trigger reads; the search index's triggers come back after.
        for name, _sql in triggers:
            schema_editor.execute(f"DROP TRIGGER {schema_editor.quote_name(name)}", params=None)
        for name in TEXT_FIELDS:
            column, moved = schema_editor.quote_name(name), schema_editor.quote_name(f"{name}__moved")
            schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN {moved} text NOT NULL DEFAULT ''", params=None)
            schema_editor.execute(f"UPDATE {table} SET {moved} = {column}", params=None)
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {column}", params=None)
            schema_editor.execute(f"ALTER TABLE {table} RENAME COLUMN {moved} TO {column}", params=None)
        for _name, sql in triggers:
            schema_editor.execute(sql, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._rebuild(schema_editor, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return "Move Post's body, HTML and text to the end of its columns"


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0002_search_index"),
    ]

    operations = [
        MovePostTextLast(),
    ]
