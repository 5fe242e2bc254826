"""Pages of post cards (home, a tag, search results, the archive), built once per content version and
shared by every reader.

A list page costs a member what it costs the first reader after a change: one cache read returns the
page's cards ready to show (each card's HTML, and the id, slug and title its Save button needs), and
the count for the pagination. Only the Save buttons are the member's own, drawn around the cards on
every request from one query for the saved state.

On a miss (the first request after any write), a home or tag page takes each card from its own fragment
keyed by the post's version and tags, so a new post re-renders one card, not the page. A search hit is a
card whose text is the query's snippet: the rest of it (title, date, tags) is drawn once per process for
each post as it is (see ``_hit_parts``), and the snippet is put in by templates/includes/post_card.html.
Archive lines (a date and a title) are simply rendered again.
"""

import secrets
import time
from dataclasses import dataclass
from hashlib import md5
from itertools import groupby

from django.conf import settings
from django.core.cache import cache, caches
from django.core.paginator import Page
from django.http import Http404
from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString

from blog.caching import HITS_CACHE, PAGE_TIMEOUT, cached_count, card_version, versioned_key
from blog.drawn import Drawn
from blog.pagination import page_number, page_of, paginate


@dataclass(frozen=True)
class Card:
    """One post as a card: what the Save button needs, and the card's HTML (all but the button).

    ``snippet``: a search hit's highlighted text, shown after ``html`` (None on other cards).
    """

    pk: int
    slug: str
    title: str
    html: SafeString
    tags_html: SafeString = SafeString("")
    snippet: SafeString | None = None


def card_page(request, posts, per_page: int, *key_parts) -> Page:
    """The ``?page=`` page of ``posts()`` (a ``for_list()`` queryset) as a Django ``Page`` of :class:`Card`.

    ``posts`` is a function, called only on a miss: a member's warm page builds no queryset.
    ``key_parts`` name the list (e.g. ``"tag", tag.pk``) and, with the content version and the page
    number, key the cache. A page number past the end is a 404 (and is not stored).
    """

    def build():
        queryset = posts()
        page = paginate(request, queryset, per_page, count=cached_count(queryset, *key_parts))
        return page.paginator.count, _cards(page.object_list)

    return _cached_page(request, per_page, build, *key_parts)


def hit_page(request, results, per_page: int) -> Page:
    """A page of search results (``blog.search.Results``) as cards whose text is the highlighted snippet.

    Kept under the content version like any list, keyed by the query's words and tag: a search many
    members make is ranked once per version, not once per member. One cache entry a page holds the
    cards and the counts (no entry of the count's own): with the file cache each write lists every file
    of its folder, and a word searched for the first time is such a write (hence :func:`hits_cache`). The
    page's own query brings the count, so a later page needs no other. A page past the end is a 404 (and
    is not stored). Readers asking for the same page at once wait for one of them to build it. Each worker
    also keeps the pages it has used, under the same key (``_pages_of_hits``).
    """
    number = page_number(request)
    key = versioned_key("hits", results.cache_key, per_page, number)

    def build():
        hits = results[(number - 1) * per_page : number * per_page]
        if number > 1 and not hits:
            raise Http404("No such page.")
        return (results.count(), _hit_cards(hits), results.matching())

    def shared():
        kept = hits_cache()
        stored = kept.get(key)
        return stored if stored is not None else _built_once(kept, key, build)

    # Nothing found is cheap to find again: made-up words fill no cache.
    count, cards, matching = _in_worker(_pages_of_hits, key, shared, keep_empty=False)
    results.matching_known(matching)
    return page_of(results, cards, number, per_page, count)


# Pages of hits kept in the worker too, under the same key: it holds the content version, which every request
# reads from the shared cache, so a write in any process is a new key here (the old page is never shown again,
# and ages out). Cards only, shared by every reader: nothing of a member's, no CSRF token. A word searched again
# (the next page, another member, the same reader going back) then costs no file read. A few MB at most
# (settings.WORKER_HIT_PAGES pages).
_pages_of_hits = Drawn(lambda: settings.WORKER_HIT_PAGES)
# The same for pages of cards (home, a tag, the archive): fewer, and read by every member request of them.
_pages_of_cards = Drawn(lambda: settings.WORKER_CARD_PAGES)


def _in_worker(store: Drawn, key: str, shared, *, keep_empty: bool):
    """The page this worker keeps under ``key``, else ``shared()``'s (from the shared cache or built), kept
    here too unless it found nothing and ``keep_empty`` is false."""
    stored = store.find(key)
    if stored is None:
        stored = shared()
        if stored[0] or keep_empty:
            store.keep(key, stored)
    return stored


# A word's first search after a change is often asked for by several readers at once (a popular word right
# after a new post, two tabs): one request ranks and draws the page while the others wait for it, rather
# than each doing the same work on the same cores. The mark is the cache's add(): atomic on Redis; the
# file cache may let two through at the same instant, which costs only what it did before the mark.
BUILDING_SECONDS = 10  # a mark left by a request that died is ignored after this
WAIT_POLLS = 200  # the others look for the page every WAIT_STEP seconds, for a second at most, then build it
WAIT_STEP = 0.005


def _pause():
    time.sleep(WAIT_STEP)


def _built_once(kept, key: str, build):
    """``build()``, kept under ``key`` unless nothing was found; built by one request where several ask at once."""
    marks, mark = building_cache(), f"{key}:building"
    if not marks.add(mark, True, BUILDING_SECONDS):
        for _poll in range(WAIT_POLLS):
            _pause()
            stored = kept.get(key)
            if stored is not None:
                return stored
            if marks.get(mark) is None:
                break  # the other found nothing worth keeping (made-up words are not kept), or failed
        mark = None
    try:
        stored = build()
        if stored[0]:  # nothing found is cheap to find again: made-up words fill no cache
            kept.set(key, stored, PAGE_TIMEOUT)
    finally:
        if mark:
            marks.delete(mark)
    return stored


# A page of hits' list as drawn for every reader, split where each card's Save button goes (the button is the
# request's own: its member's saved state, the CSRF token, the page to come back to). Kept per process for each
# page of cards and script prefix, like the page itself: a member's kept page then draws ten buttons, not ten
# cards. The stand-in is new in each process, so no title or snippet can be taken for one.
_SAVE_STAND_IN = f"save-button-{secrets.token_hex(16)}"
_drawn_hit_lists = Drawn(lambda: settings.WORKER_HIT_PAGES)


def hit_list(cards) -> list[tuple[SafeString, Card | None]]:
    """``cards`` as templates/includes/hit_list.html draws them: each piece of HTML, then the card whose Save
    button follows it (None after the last). Debug mode draws it every time."""
    cards = list(cards)

    def draw() -> list[SafeString]:
        html = render_to_string("includes/hit_list.html", {"hits": cards, "save_stand_in": _SAVE_STAND_IN})
        # The template's own output, cut at the stand-ins: each piece is as safe as the whole.
        return [SafeString(piece) for piece in html.split(_SAVE_STAND_IN)]

    pieces = draw() if settings.DEBUG else _drawn_hit_lists.get((get_script_prefix(), *cards), draw)
    return list(zip(pieces, [*cards, None], strict=True))


def hits_cache():
    """Where pages of hits are kept: ``HITS_CACHE`` if the site has one (config/settings.py), else the default."""
    return caches[HITS_CACHE] if HITS_CACHE in settings.CACHES else cache


def building_cache():
    """Where the marks of pages being built go: the cache named "search-building" if the site has one (a file
    cache's folder of its own, so that a mark's write lists a few files, not every page's), else the pages'."""
    return caches["search-building"] if "search-building" in settings.CACHES else hits_cache()


def archive_page(request, posts, per_page: int) -> Page:
    """A page of the archive: ``posts()`` (newest first) as cards grouped ``[(year, [(month, [Card])])]``.

    Paged like every list, so the page costs the same at a hundred posts or a hundred thousand;
    ``posts`` is called only on a miss.
    """

    def build():
        queryset = posts()
        page = paginate(request, queryset, per_page, count=cached_count(queryset, "archive"))
        return page.paginator.count, _archive_groups(page.object_list)

    return _cached_page(request, per_page, build, "archive")


def _archive_item(post) -> SafeString:
    return render_to_string("includes/archive_item.html", {"post": post})


def _archive_groups(posts) -> list:
    groups = []
    for year, year_posts in groupby(posts, key=lambda post: post.published_at.year):
        months = []
        for _month, month_posts in groupby(year_posts, key=lambda post: post.published_at.month):
            month_posts = list(month_posts)
            cards = [Card(post.pk, post.slug, post.title, _archive_item(post)) for post in month_posts]
            months.append((date_filter(month_posts[0].published_at, "F"), cards))
        groups.append((year, months))
    return groups


def _cached_page(request, per_page: int, build, *key_parts, keep_empty: bool = True) -> Page:
    """``build()`` (the count and a page of cards) kept under the content version (if empty, only if ``keep_empty``),
    in the shared cache and in this worker (``_pages_of_cards``)."""
    number = page_number(request)
    key = versioned_key("cards", *key_parts, per_page, number)

    def shared():
        stored = cache.get(key)
        if stored is None:
            stored = build()
            if stored[0] or keep_empty:
                cache.set(key, stored, PAGE_TIMEOUT)
        return stored

    count, cards = _in_worker(_pages_of_cards, key, shared, keep_empty=keep_empty)
    # The page's rows and count are known: the paginator needs no list of its own.
    return page_of((), cards, number, per_page, count)


def _card_parts(post, tags=None, *, hit: bool = False) -> tuple[SafeString, SafeString]:
    """A card's HTML (with its excerpt, unless it is a search hit) and its tag list's (templates: safe).

    ``tags``: the post's tags when they were not prefetched (search hits).
    """
    body = render_to_string("includes/post_card_body.html", {"post": post, "hit": hit})
    return body, render_to_string("includes/tag_list.html", {"tags": post.tags.all() if tags is None else tags})


# A hit card's parts but its snippet, keyed by everything they show (and the script prefix, which their links
# carry): a post edited or retagged is drawn again. A post is found by many words and paged through, so
# many hits of a word's first search are drawn already. A handful of MB at most (settings.WORKER_HIT_CARDS).
_drawn_hits = Drawn(lambda: settings.WORKER_HIT_CARDS)


def _hit_parts(post, tags) -> tuple[SafeString, SafeString]:
    """``_card_parts`` of a hit, drawn once per process while it is unchanged (debug mode: every time)."""
    if settings.DEBUG:
        return _card_parts(post, tags, hit=True)
    case = (
        get_script_prefix(),
        post.pk,
        post.slug,
        post.title,
        post.published_at,
        post.reading_minutes,
        *sorted((tag.pk, tag.name, tag.slug) for tag in tags),  # the query gives them in no set order
    )
    return _drawn_hits.get(case, lambda: _card_parts(post, tags, hit=True))


def _hit_cards(hits) -> list[Card]:
    cards = []
    for hit in hits:
        html, tags_html = _hit_parts(hit.post, hit.tags)
        cards.append(Card(hit.post.pk, hit.post.slug, hit.post.title, html, tags_html, hit.snippet))
    return cards


def _cards(posts) -> list[Card]:
    posts = list(posts)
    # The version holds tag names, which may contain anything: hash it into a key any backend accepts.
    keys = {
        post.pk: f"post-card:{md5(card_version(post).encode(), usedforsecurity=False).hexdigest()}" for post in posts
    }
    found = cache.get_many(list(keys.values()))
    cards, fresh = [], {}
    for post in posts:
        parts = found.get(keys[post.pk])
        if parts is None:
            parts = fresh[keys[post.pk]] = _card_parts(post)
        html, tags_html = parts
        cards.append(Card(post.pk, post.slug, post.title, html, tags_html))
    if fresh:
        cache.set_many(fresh, PAGE_TIMEOUT)
    return cards
