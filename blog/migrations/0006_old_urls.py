"""Old URLs in a table of their own, one path to one post, so that a post can have several (with and without
the old site's base URL) and none is lost when the importer learns a better one.

Each post's existing ``legacy_url`` is copied in, a thousand rows at a time; where two posts claimed the same
path, the older post keeps it, as the redirect found it first before.
"""

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 1000


def copy_legacy_urls(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    OldUrl = apps.get_model("blog", "OldUrl")
    db = schema_editor.connection.alias
    rows = Post.objects.using(db).exclude(legacy_url="").order_by("pk").values_list("pk", "legacy_url")
    seen: set[str] = set()
    chunk = []
    for pk, path in rows.iterator(chunk_size=CHUNK):
        if path in seen:
            continue
        seen.add(path)
        chunk.append(OldUrl(path=path, post_id=pk))
        if len(chunk) == CHUNK:
            OldUrl.objects.using(db).bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    OldUrl.objects.using(db).bulk_create(chunk, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0005_image"),
    ]

    operations = [
        migrations.CreateModel(
            name="OldUrl",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("path", models.CharField(help_text="Decoded, starting with “/”.", max_length=1000, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "post",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="old_urls", to="blog.post"
                    ),
                ),
            ],
            options={
                "verbose_name": "old URL",
                "ordering": ["path"],
            },
        ),
        # Going back drops the table; the posts' own legacy_url was never touched.
        migrations.RunPython(copy_legacy_urls, migrations.RunPython.noop, elidable=True),
    ]
