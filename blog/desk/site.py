"""The admin as the writer's room: named for the site, writing first, technical models last.

Sections group models by ``(app_label, model)`` names, never by importing the feature apps, so blog
still depends on none of them. A model no section names falls into "Site administration", which only
superusers see in the index (permissions still decide what anyone may open).
"""

from django.conf import settings
from django.contrib import admin
from django.urls import reverse

WRITING = "writing"
SECTIONS = [
    (WRITING, "Writing", ["blog.post", "blog.image", "taggit.tag", "blog.sitesettings", "imports.importrun"]),
    ("members", "Members", ["accounts.user", "accounts.favourite", "subscriptions.*"]),
    ("moderation", "Moderation", ["responses.*"]),
]
TECHNICAL = ("technical", "Site administration")
# What the site calls them, where the model's own name says otherwise (until the model says it too).
NAMES = {"accounts.favourite": "Saved pieces"}


def _section_of(key: str) -> str:
    """The section of ``app_label.model``."""
    app_label = key.partition(".")[0]
    for slug, _name, members in SECTIONS:
        if key in members or f"{app_label}.*" in members:
            return slug
    return TECHNICAL[0]


class DeskAdminSite(admin.AdminSite):
    site_header = settings.SITE_NAME
    site_title = settings.SITE_NAME
    index_title = "The writer's desk"
    site_url = "/"

    def get_app_list(self, request, app_label=None):
        """Models in the desk's sections, in the sections' order (one app's page keeps Django's list)."""
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        found = [
            (f"{app['app_label']}.{model['object_name'].lower()}", model) for app in apps for model in app["models"]
        ]
        for key, model in found:
            model["name"] = NAMES.get(key, model["name"])
        order = list(SECTIONS)
        if request.user.is_superuser:
            order.append((*TECHNICAL, []))
        sections = []
        for slug, name, members in order:
            keys = [(key, model) for key, model in found if _section_of(key) == slug]
            # Writing keeps the order a writer works in; the other sections are alphabetical.
            if slug == WRITING:
                keys.sort(key=lambda item: members.index(item[0]))
            else:
                keys.sort(key=lambda item: item[1]["name"].casefold())
            models = [model for _key, model in keys]
            if models:
                sections.append(
                    {
                        "name": name,
                        "app_label": slug,
                        "app_url": reverse("admin:index", current_app=self.name),
                        "has_module_perms": True,
                        "models": models,
                    }
                )
        return sections

    def get_urls(self):
        from blog.desk import urls

        return [*urls.patterns(self), *super().get_urls()]
