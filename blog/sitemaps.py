"""The sitemap: home, archive, tags, every public post and every tag in use."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from blog.models import Post, tags_in_use


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
