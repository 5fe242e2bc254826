"""Editors import: the group made by blog's migration may upload posts and see past imports."""

from django.db import migrations

from blog.desk.groups import grant

IMPORTING = {("imports", "importrun"): ["add", "view"]}


def add_importing(apps, schema_editor):
    grant(apps, IMPORTING)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("blog", "0009_desk_editors_group"),
    ]

    operations = [migrations.RunPython(add_importing, migrations.RunPython.noop)]
