"""The parts of /saved/ that are the same for every member, drawn once per content version and shared.

A row's post part (its excerpt and tags) depends only on the post, and the tag filter only on which tags
it lists and which is current: both are kept in the cache under the content version (which every write
to posts or tags moves), so a member's request draws only what is their own: the title, the date saved,
the note and the row's buttons. Nothing a member wrote goes into the cache, and no CSRF token does.
"""

from hashlib import md5

from django.core.cache import cache
from django.template.loader import render_to_string

from blog.caching import PAGE_TIMEOUT, versioned_key


def attach_post_parts(favourites) -> None:
    """Give each public row its ``post_part`` (excerpt and tags, HTML from saving.html): one cache read."""
    public = [favourite for favourite in favourites if favourite.is_public]
    under = versioned_key("saved-post-part")  # reads the content version once, not once a row
    keys = {favourite.pk: f"{under}:{favourite.post_id}" for favourite in public}
    found = cache.get_many(list(keys.values()))
    fresh = {}
    for favourite in public:
        key = keys[favourite.pk]
        html = found.get(key)
        if html is None:
            context = {"post": favourite.post, "tags": favourite.public_tags}
            html = fresh[key] = render_to_string("accounts/saving.html#saved-post-part", context)
        favourite.post_part = html
    if fresh:
        cache.set_many(fresh, PAGE_TIMEOUT)


def tag_filter(tags, current_pk: int | None) -> str:
    """The "show saved pieces by tag" links (HTML from saved.html's partial), kept for any member with these tags."""
    if not tags:
        return ""
    listed = ",".join(str(each.pk) for each in tags)
    key = versioned_key("saved-filter", md5(listed.encode(), usedforsecurity=False).hexdigest(), current_pk)
    html = cache.get(key)
    if html is None:
        html = render_to_string("accounts/saved.html#tag-filter", {"tags": tags, "tag_pk": current_pk})
        cache.set(key, html, PAGE_TIMEOUT)
    return html
