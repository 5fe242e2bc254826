"""The "Editors" group: staff who write and moderate without being superusers.

Migrations grant its permissions through :func:`grant`, so that each app names only its own models.
"""

GROUP = "Editors"


def grant(apps, permissions: dict) -> None:
    """Give ``GROUP`` these ``{(app_label, model): [actions]}`` permissions, creating what is missing."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _created = Group.objects.get_or_create(name=GROUP)
    for (app_label, model), actions in permissions.items():
        content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
        verbose = apps.get_model(app_label, model)._meta.verbose_name
        for action in actions:
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {verbose}"},
            )
            group.permissions.add(permission)
