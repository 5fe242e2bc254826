"""The site's URL map: blog at the root, allauth under /accounts/, admin under /admin/."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.http import require_safe

from blog.caching import public_page
from blog.sitemaps import PostSitemap, StaticSitemap, TagSitemap
from blog.views import legacy_redirect

sitemaps = {"static": StaticSitemap, "posts": PostSitemap, "tags": TagSitemap}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("subscriptions.urls")),
    path("sitemap.xml", public_page(require_safe(sitemap)), {"sitemaps": sitemaps}, name="sitemap"),
    path("", include("responses.urls")),
    path("", include("blog.urls")),
    # Last: anything else may be a page of the old Jekyll site.
    path("<path:path>", legacy_redirect, name="legacy-redirect"),
]

handler404 = "blog.views.page_not_found"
handler500 = "blog.views.server_error"

if settings.DEBUG:
    admin.site.site_url = "/"
