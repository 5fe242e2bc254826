"""The site's URL map: blog at the root, allauth under /accounts/, admin under /admin/, the health check."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from blog.sitemaps import sitemap_xml
from blog.views import legacy_redirect
from config.health import healthz
from jekyll.views import urls as export_urls

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    *export_urls(),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("subscriptions.urls")),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    path("", include("responses.urls")),
    path("", include("blog.urls")),
    # Last: anything else may be a page of the old Jekyll site.
    path("<path:path>", legacy_redirect, name="legacy-redirect"),
]

handler404 = "blog.views.page_not_found"
handler500 = "blog.views.server_error"

if settings.DEBUG:
    admin.site.site_url = "/"
