"""Template filters for fragment caching: ``{% cache 86400 post-card post|card_version %}``."""

from django import template

from blog import caching

register = template.Library()


@register.filter
def card_version(post) -> str:
    """The key part for a post card's fragment (see :func:`blog.caching.card_version`)."""
    return caching.card_version(post)
