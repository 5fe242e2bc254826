"""Editors moderate: the group made by blog's migration gets the moderation permissions."""

from django.db import migrations

from blog.desk.groups import grant

MODERATION = {
    ("responses", "response"): ["change", "view"],
    ("responses", "report"): ["change", "view"],
    ("responses", "ban"): ["add", "change", "delete", "view"],
    ("responses", "wordrule"): ["add", "change", "delete", "view"],
    ("responses", "supportresource"): ["add", "change", "delete", "view"],
    ("responses", "postresponses"): ["add", "change", "view"],
    ("responses", "responder"): ["change", "view"],
    ("responses", "moderationlog"): ["view"],
}


def add_moderation(apps, schema_editor):
    grant(apps, MODERATION)


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0001_initial"),
        ("blog", "0009_desk_editors_group"),
    ]

    operations = [migrations.RunPython(add_moderation, migrations.RunPython.noop)]
