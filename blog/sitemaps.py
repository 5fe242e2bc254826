"""The sitemap: home, archive, tags, every public post and every tag in use."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from blog.caching import PAGE_TIMEOUT, versioned_key
from blog.models import Post
from blog.page_cache import public_page
from blog.posts import tags_in_use

# A page of the sitemap as ?p= names it: digits only, no leading zero (one spelling per page).
_PAGE = re.compile(r"[1-9][0-9]{0,5}")
# What the stored sitemap keeps of Django's response besides its bytes.
_KEPT_HEADERS = ("Content-Type", "Last-Modified", "X-Robots-Tag")


class SiteUrlSitemap(Sitemap):
    """Absolute URLs come from SITE_URL, not from whatever Host a request carried."""

    def get_urls(self, page=1, site=None, protocol=None):
        parts = urlsplit(settings.SITE_URL)

        class _Site:
            domain = parts.netloc + parts.path

        return super().get_urls(page=page, site=_Site, protocol=parts.scheme or "https")


class StaticSitemap(SiteUrlSitemap):
    changefreq = "daily"

    def items(self):
        return ["blog:home", "blog:archive", "blog:tag-list"]

    def location(self, item):
        return reverse(item)


class PostSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Post.objects.published().only("slug", "updated_at", "published_at").order_by("-published_at", "-pk")

    def lastmod(self, post):
        return max(post.updated_at, post.published_at)


class TagSitemap(SiteUrlSitemap):
    changefreq = "weekly"

    def items(self):
        return sorted(tags_in_use(), key=lambda tag: tag.slug)

    def location(self, tag):
        return reverse("blog:tag-detail", kwargs={"slug": tag.slug})


SITEMAPS = {"static": StaticSitemap, "posts": PostSitemap, "tags": TagSitemap}


@require_safe
@public_page(params=("p",))
def sitemap_xml(request):
    """The sitemap (``?p=`` pages past 5,000 posts), built once per content version and shared by everyone.

    The page cache serves it to anonymous readers; this copy serves members and any request the page
    cache passes by (one carrying a cookie, say), which would otherwise rebuild thousands of URLs each time.
    """
    page = request.GET.get("p", "1")
    if not _PAGE.fullmatch(page):
        raise Http404("No such sitemap page.")
    key = versioned_key("sitemap", page)
    stored = cache.get(key)
    if stored is None:
        built = sitemap(request, sitemaps=SITEMAPS)
        built.render()
        stored = (built.content, [(name, built[name]) for name in _KEPT_HEADERS if built.has_header(name)])
        cache.set(key, stored, PAGE_TIMEOUT)
    content, headers = stored
    return HttpResponse(content, headers=dict(headers))
