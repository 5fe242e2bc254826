"""What the desk's tests share: the post form's fields and a small picture."""

import io

from PIL import Image as PillowImage


def post_form(**overrides) -> dict:
    """The fields the post form sends, for a new post unless overridden."""
    data = {
        "title": "Evening light",
        "slug": "evening-light",
        "body": "The light goes *gold* before it goes.",
        "body_format": "markdown",
        "tags": "Rest",
        "publish_at": "",
        "revised_at_0": "",
        "revised_at_1": "",
        "excerpt": "",
        "description": "",
        "legacy_url": "",
    }
    data.update(overrides)
    return data


def picture(width=800, height=600, kind="PNG") -> bytes:
    out = io.BytesIO()
    PillowImage.new("RGB", (width, height), (90, 120, 200)).save(out, format=kind)
    return out.getvalue()


def editors_group():
    """The "Editors" group as the migrations make it (made again after a test flushed the database)."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    from blog.desk.groups import GROUP, grant

    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        return group
    grant(apps, importlib.import_module("blog.migrations.0009_desk_editors_group").WRITING)
    grant(apps, importlib.import_module("responses.migrations.0002_editors_moderate").MODERATION)
    grant(apps, importlib.import_module("imports.migrations.0002_editors_import").IMPORTING)
    return Group.objects.get(name=GROUP)
