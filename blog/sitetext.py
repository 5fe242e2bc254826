"""The site's own words (``SiteSettings``) as pages read them: from the cache, under the content version.

Every public page may show them (home, about, the byline), and staff edit them rarely, so a page asks the
cache, not the database; saving them moves the content version like any other write to content.
"""

from django.core.cache import cache

from blog.caching import PAGE_TIMEOUT, versioned_key
from blog.models import SiteSettings


def site_text() -> SiteSettings:
    key = versioned_key("site-text")
    text = cache.get(key)
    if text is None:
        text = SiteSettings.load()
        cache.set(key, text, PAGE_TIMEOUT)
    return text
