"""Give each saved piece a random key, so a row whose post was deleted can still be named in a URL.

Three steps, because a column default is evaluated once: add the column empty, give every
existing row its own UUID, then make it required and unique.
"""

import uuid

from django.db import migrations, models


def fill_keys(apps, schema_editor):
    Favourite = apps.get_model("accounts", "Favourite")
    for favourite in Favourite.objects.filter(key__isnull=True).only("pk").iterator():
        Favourite.objects.filter(pk=favourite.pk).update(key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="favourite",
            name="key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="favourite",
            name="key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
