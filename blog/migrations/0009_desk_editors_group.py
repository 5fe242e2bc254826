"""The "Editors" group: writing permissions (posts, pictures, tags, site text, revisions).

Moderation permissions are added to the group by the responses app's own migration (blog never names a
feature app). Permissions are created here if the post_migrate step has not made them yet (a new site).
"""

from django.db import migrations

from blog.desk.groups import GROUP, grant

WRITING = {
    ("blog", "post"): ["add", "change", "delete", "view"],
    ("blog", "image"): ["add", "change", "delete", "view"],
    ("blog", "sitesettings"): ["add", "change", "view"],
    ("blog", "revision"): ["add", "view"],
    ("taggit", "tag"): ["add", "change", "delete", "view"],
}


def create_group(apps, schema_editor):
    grant(apps, WRITING)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0001_initial"),
        ("blog", "0008_desk_revisions"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
