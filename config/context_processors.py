"""Values every template needs: the site's name, description and absolute base URL, and the links
of the header and footer.

The header and footer are on every page, members' pages included, which are built on every request:
their links are reversed once per process (per script prefix) instead of a dozen times a page.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject

from blog.sitetext import site_text

_NAV_ROUTES = {
    "home": "blog:home",
    "tags": "blog:tag-list",
    "archive": "blog:archive",
    "search": "blog:search",
    "feed": "blog:feed",
    "about": "blog:about",
    "privacy": "blog:privacy",
    "subscribe": "subscriptions:subscribe",
    "saved": "accounts:saved",
    "account": "accounts:account",
    "login": "account_login",
    "signup": "account_signup",
    "logout": "account_logout",
}


@lru_cache(maxsize=8)
def _nav(script_prefix: str) -> dict[str, str]:
    return {name: reverse(route) for name, route in _NAV_ROUTES.items()}


def site(request):
    match = getattr(request, "resolver_match", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
        "SITE_URL": settings.SITE_URL,
        "NAV": _nav(get_script_prefix()),
        # Looked up (in the cache) only by a template that shows the site's own words.
        "SITE_TEXT": SimpleLazyObject(site_text),
        # Which nav link is the current page (aria-current).
        "VIEW_NAME": match.view_name if match is not None else "",
    }
