"""Atom feeds with full content: the whole site at ``/feed.xml`` (jekyll-feed's path) and one per tag."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_safe

from blog.models import Post
from blog.page_cache import public_page
from blog.posts import site_url
from blog.views import public_tag_or_404

FEED_LENGTH = 20


class FullContentAtomFeed(Atom1Feed):
    """Atom with ``<content type="html">`` carrying the whole post, as jekyll-feed did."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestPostsFeed(Feed):
    feed_type = FullContentAtomFeed
    description_template = None
    # A public page reading no query parameter: the page cache keys it by its path (blog.page_cache.public_page).
    cache_params = ()

    def __call__(self, request, *args, **kwargs):
        return public_page(require_safe(super().__call__))(request, *args, **kwargs)

    def title(self):
        return settings.SITE_NAME

    def subtitle(self):
        return settings.SITE_DESCRIPTION

    def link(self):
        return site_url(reverse("blog:home"))

    def feed_url(self):
        return site_url(reverse("blog:feed"))

    def items(self):
        return Post.objects.published().prefetch_related("tags")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom's <summary> is declared type="html"; the excerpt is plain text, so escape it or a
        # feed reader would run whatever markup an excerpt happened to contain.
        return escape(item.excerpt)

    def item_link(self, item):
        return site_url(item.get_absolute_url())

    def item_guid(self, item):
        return site_url(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.modified_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]

    def item_extra_kwargs(self, item):
        return {"content": item.body_html}


class TagFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return public_tag_or_404(slug)

    def title(self, obj):
        return f"{settings.SITE_NAME}: {obj.name}"

    def subtitle(self, obj):
        return f"Pieces tagged {obj.name}."

    def link(self, obj):
        return site_url(reverse("blog:tag-detail", kwargs={"slug": obj.slug}))

    def feed_url(self, obj):
        return site_url(reverse("blog:tag-feed", kwargs={"slug": obj.slug}))

    def items(self, obj):
        return Post.objects.published().filter(tags=obj).prefetch_related("tags")[:FEED_LENGTH]
