"""The admin app, pointed at the desk's site (Django's documented way to replace ``admin.site``)."""

from django.contrib.admin.apps import AdminConfig


class DeskAdminConfig(AdminConfig):
    default_site = "blog.desk.site.DeskAdminSite"
