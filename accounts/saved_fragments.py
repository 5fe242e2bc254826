"""/saved/ as drawn HTML kept in the cache, so that a member coming back to it draws almost nothing.

- A member's page of rows, with its tag filter and total, is kept under their id, their generation (which
  each of their writes moves: save, remove, restore, a note written or deleted), the content version (posts
  and tags), the script prefix and the page's tag and number, for ten minutes at most. It is theirs alone
  and holds no CSRF token: its Remove buttons send the page's one form (``form=`` and ``formaction``),
  whose token saved.html draws for each response outside the kept part.
- Within it, a row's post part (excerpt and tags) depends only on the post, and the tag filter only on
  which tags it lists and which is current: both are shared by every member under the content version,
  which saves drawing them again when a member's page is drawn afresh.
"""

from dataclasses import dataclass
from hashlib import md5
from urllib.parse import urlencode

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse

from accounts import saved_pieces, services
from accounts.forms import NoteForm
from accounts.models import NOTE_MAX_LENGTH
from blog.caching import PAGE_TIMEOUT, versioned_key


@dataclass(frozen=True, slots=True)
class DrawnPage:
    """A page of /saved/ as its member sees it: how many pieces in all, the tag filter and the rows (HTML)."""

    total: int
    tag_filter: str
    rows: str


def saved_page(*, user, tag, number: int, per_page: int) -> DrawnPage | None:
    """Page ``number`` of the member's saved pieces (``tag``'s only, if given), drawn; None past the end.

    One cache read when kept; else two queries at most, and the page is kept for the next request.
    """
    key = page_key(user=user, tag=tag, number=number)
    drawn = cache.get(key)
    if drawn is None:
        drawn = _draw(user=user, tag=tag, number=number, per_page=per_page)
        # A tag none of their pieces carries is not kept: a member asking for every tag of the site
        # fills the cache with nothing.
        if drawn is not None and (drawn.total or tag is None):
            cache.set(key, drawn, saved_pieces.SAVED_IDS_TIMEOUT)
    return drawn


def page_key(*, user, tag, number: int) -> str:
    """Where the member's page is kept now: under their id and generation, so never another member's."""
    # The generation is read before anything kept under it (see saved_pieces.saved_ids_changed).
    parts = (user.pk, saved_pieces.generation(user.pk), get_script_prefix(), tag.pk if tag else "", number)
    return versioned_key("saved-page", *parts)


def _draw(*, user, tag, number: int, per_page: int) -> DrawnPage | None:
    tags = saved_pieces.saved_tags(user=user)
    offset = (number - 1) * per_page
    rows, total = saved_pieces.saved_rows(user=user, tags=tags, tag=tag, limit=per_page, offset=offset)
    if not rows and number > 1:
        return None
    # Staff renamed a piece while public: the member's snapshot of its title follows (the rename moved the
    # content version, so this page is drawn afresh after it).
    services.refresh_public_titles(user=user, favourites=rows)
    back = page_url(tag, number)
    for favourite in rows:
        favourite.note_page = saved_pieces.note_page_url(favourite, back=back)
    attach_post_parts(rows)
    # No request: nothing of the response (its CSRF token, its messages) can be drawn into what is kept.
    context = {"favourites": rows, "note_field": NoteForm.base_fields["note"], "note_max_length": NOTE_MAX_LENGTH}
    html = render_to_string("accounts/saving.html#saved-rows", context) if rows else ""
    return DrawnPage(total, tag_filter(tags, tag.pk if tag else None), html)


def page_url(tag=None, number: int = 1) -> str:
    """The address of page ``number`` of /saved/ (``tag``'s only, if given): where a row's note page returns."""
    query = {"tag": tag.slug} if tag else {}
    if number > 1:
        query["page"] = number
    url = reverse("accounts:saved")
    return f"{url}?{urlencode(query)}" if query else url


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
