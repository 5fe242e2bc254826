"""Slugs: the URL names of posts and tags, made from their titles and names."""

import unicodedata

from django.db import models
from django.utils.text import slugify

SLUG_MAX_LENGTH = 255


def make_slug(text: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """A URL slug for ``text``: ASCII when only accents stand in the way, else Unicode.

    "Café au lait" gives ``cafe-au-lait``; "错误" gives ``错误``; symbols that slugify
    drops are spelled out by their Unicode names ("🌱" gives ``seedling``). Text with
    nothing nameable ("---") gives an empty string, which callers must treat as "no slug".
    """
    unicode_slug = slugify(text, allow_unicode=True)
    if not unicode_slug:
        pictographs = (ch for ch in text if unicodedata.category(ch) == "So")
        unicode_slug = slugify(" ".join(unicodedata.name(ch, "") for ch in pictographs))
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", unicode_slug) if not unicodedata.combining(ch))
    slug = slugify(folded) if folded.isascii() else unicode_slug
    return slug[:max_length].strip("-")


def ensure_tag_slug(sender, instance, **kwargs) -> None:
    """pre_save for taggit's Tag: never store an empty slug, or every page linking the tag breaks.

    taggit slugifies "🌱" or "---" to "", which no URL can carry. This only fills a
    derived field taggit left blank; it decides nothing else.
    """
    if not instance.slug:
        instance.slug = free_slug(make_slug(instance.name, 90) or "tag", sender.objects.all())


def free_slug(base: str, others: models.QuerySet) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever no row of ``others`` has yet."""
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
