"""Store a post's body, HTML and plain text after its other columns (SQLite).

SQLite keeps a row's columns in order, and a long value spills into a chain of overflow pages that must
be walked to reach any column after it. With the three copies of an essay (20–40 KB) in the middle of
the row, reading a post's status and date meant reading the whole essay: twenty times the work of
reading its title, and the pages read crowded the worker's memory. Moving them last makes every
list, count and lookup that leaves the body alone read one page per post.

The model's fields move in the migration state too, so a later table rebuild keeps this order.
PostgreSQL stores long values out of line by itself, so only its state changes. The rebuild drops the
table's triggers (the search index's), so they are read before and created again after.
"""

from django.db import migrations

HEAVY = ("body", "body_html", "body_text")


class MoveFieldsLast(migrations.operations.base.Operation):
    """Move fields of a model to the end of its column order."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, model_name, fields):
        self.model_name = model_name
        self.fields = fields

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name, "fields": self.fields}

    def _reorder(self, state, app_label, fields_last) -> None:
        model_state = state.models[app_label, self.model_name]
        moved = {name: model_state.fields[name] for name in fields_last}
        model_state.fields = {
            **{name: field for name, field in model_state.fields.items() if name not in moved},
            **moved,
        }
        state.reload_model(app_label, self.model_name, delay=True)

    def state_forwards(self, app_label, state):
        self._reorder(state, app_label, self.fields)

    def _rebuild(self, app_label, schema_editor, to_state) -> None:
        if schema_editor.connection.vendor != "sqlite":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
            triggers = [row[0] for row in cursor.fetchall()]
        schema_editor._remake_table(model)
        for sql in triggers:
            schema_editor.execute(sql, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._rebuild(app_label, schema_editor, to_state)

    def state_backwards(self, app_label, state):
        # Back to the order of the initial migration: each moved field right after the one it followed.
        model_state = state.models[app_label, self.model_name]
        order = ["id", "title", "slug", "body", "body_format", "body_html", "body_text", "excerpt"]
        names = list(model_state.fields)
        rest = [name for name in names if name not in order]
        model_state.fields = {name: model_state.fields[name] for name in [*order, *rest] if name in names}
        state.reload_model(app_label, self.model_name, delay=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._rebuild(app_label, schema_editor, to_state)

    def describe(self):
        return f"Move {', '.join(self.fields)} of {self.model_name} to the end of its columns"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name}_heavy_columns_last"


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0002_search_index"),
    ]

    operations = [
        MoveFieldsLast("post", HEAVY),
    ]
