"""Full-text search over public posts: one interface over two backends (blog.search_backends).

SQLite uses the FTS5 table ``blog_post_fts``; PostgreSQL the narrow table ``blog_post_search`` of
``(post_id, vector)`` with its GIN index, and ``blog_post_search_rank`` of small vectors to rank by. All
are created and kept in step by triggers (migrations ``0002_search_index`` and, for PostgreSQL's tables,
``0012_search_table`` and ``0013_search_rank``; PostgreSQL's matching functions are ``0010_search_speed``
and ``0011_search_newest``), so the backends only read. A page of
results and its count are one statement.

Reader text is never query syntax: it is cut into words, control characters are dropped,
and every word goes to the database as a quoted string literal, so ``NEAR(``, ``*``, ``-``,
``OR`` and stray quotes are just text.

Drafts and scheduled posts never appear: the SQL leaves out what ``Post.objects.drafts()`` and
``scheduled()`` select (SQLite) or keeps what ``published()`` selects (PostgreSQL), and the page's
posts are then loaded by key and kept only if still public (``Post.is_public``). A word found in
most posts is ranked among its newest matches only (MAX_RANKED, fewer on PostgreSQL), so a search
costs about the same at 1,000 and at 100,000 posts.

Snippets come from the database with private-use marker characters around the matches;
:func:`highlight` escapes the whole snippet first and only then turns the markers into
``<mark>`` elements.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django import forms
from django.db import DEFAULT_DB_ALIAS
from django.utils.html import format_html
from django.utils.safestring import SafeString

from blog.models import Post
from blog.search_backends import MARK_END, MARK_START, backend

MAX_QUERY_LENGTH = 200
# Each word is one more index lookup to intersect: a handful is all a reader's search needs.
MAX_TERMS = 8


# NUL and other controls, surrogates, and private-use characters (our highlight markers).
_DROPPED_CATEGORIES = {"Cc", "Cs", "Co"}


def _drop_control(text: str, replacement: str) -> str:
    return "".join(replacement if unicodedata.category(ch) in _DROPPED_CATEGORIES else ch for ch in text)


def terms(text: str) -> list[str]:
    """The words of a reader's query in canonical form: lower-cased, each once, sorted, at most MAX_TERMS.

    No control characters, no syntax. A word counts only if it holds a letter or digit; "*" or "-" alone
    would be an empty phrase. Every word must match and neither backend's rank depends on their order
    or case, so "Tide morning" and "morning tide" are one search: ranked, counted and cached once.
    """
    text = _drop_control(text, " ")
    words = {word.lower() for word in text[:MAX_QUERY_LENGTH].split() if any(ch.isalnum() for ch in word)}
    return sorted(words)[:MAX_TERMS]


_MARKERS = re.compile(f"([{MARK_START}{MARK_END}])")


def highlight(snippet: str) -> SafeString:
    """Escape a snippet, then wrap the marked matches in ``<mark>``.

    Marker characters that the text itself happens to contain cannot unbalance the
    markup: a start inside a mark or an end outside one is dropped.
    """
    segments, current, marked = [], [], False
    # Between markers, whole runs of text at a time (re.split keeps the markers it splits on).
    for part in _MARKERS.split(snippet):
        if part in (MARK_START, MARK_END):
            if (part == MARK_START) != marked:
                segments.append(("".join(current), marked))
                current, marked = [], not marked
        elif part:
            current.append(part)
    segments.append(("".join(current), marked))
    segments = [(text, is_mark) for text, is_mark in segments if text]
    # One format_html for the whole snippet: its format string is made of our two constant pieces only, and
    # every piece of text is an argument, escaped (a format_html for each segment cost twice as much).
    template = "".join("<mark>{}</mark>" if is_mark else "{}" for _, is_mark in segments)
    return format_html(template, *(text for text, _ in segments)) if segments else SafeString("")


# What a hit card shows (blog.cards._hit_cards) and ``Post.is_public`` reads: no excerpt, no text.
HIT_FIELDS = ("title", "slug", "published_at", "status", "reading_minutes")
# With the key, in the model's order of columns, as ``Model.from_db`` reads a row of some of them.
_HIT_COLUMNS = tuple(field.attname for field in Post._meta.concrete_fields if field.attname in {"id", *HIT_FIELDS})


@dataclass(frozen=True)
class Hit:
    """One result: the post (``HIT_FIELDS`` only), its highlighted snippet and its tags."""

    post: Post
    snippet: SafeString
    tags: list = field(default_factory=list)

    @property
    def pk(self):
        return self.post.pk


class Results:
    """Ranked hits for a query, sliceable and countable so the paginator can page them.

    A page's query also counts the matches (:meth:`__getitem__` keeps the count it brings); the count is
    kept with each page of results (:func:`blog.cards.hit_page`), under the content version.
    """

    def __init__(self, query: str, *, tag=None):
        self.words = terms(query)
        self.tag_id = tag.pk if tag is not None else None
        self._backend = backend()
        self._count = None

    def count(self) -> int:
        """Matching public posts, at most as many as are ranked (see ``more_than``)."""
        return min(self.matching(), self._backend.ranked())

    @property
    def more_than(self) -> bool:
        """True when more posts match than are ranked and counted."""
        return self.matching() > self._backend.ranked()

    @property
    def cache_key(self) -> str:
        """Names this search (its words and tag) in cache keys."""
        return hashlib.sha256("\x1f".join([str(self.tag_id), *self.words]).encode()).hexdigest()

    def matching(self) -> int:
        """How many public posts match, ranked or not (counted at most once per object)."""
        if self._count is None:
            self._count = self._backend.count(self.words, self.tag_id) if self.words else 0
        return self._count

    def matching_known(self, count: int) -> None:
        """The count :meth:`matching` would find, already known (kept with a page of results)."""
        self._count = count

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("Results are read a page (a slice) at a time.")
        start, stop = item.start or 0, item.stop
        if not self.words or stop is None or stop <= start:
            return []
        rows, matching = self._backend.page(self.words, self.tag_id, start, stop - start)
        if matching is not None and self._count is None:
            self._count = matching
        # By primary key alone, then public ones kept: the ranking query has already left drafts and
        # scheduled posts out, and a post unpublished since is dropped here. (With published()'s conditions
        # in the lookup, SQLite without table statistics walks the date index over every public post
        # instead; docs/performance.md has the numbers.)
        posts = hit_posts([pk for pk, _ in rows])
        return [
            Hit(post=posts[pk][0], snippet=highlight(snippet or ""), tags=posts[pk][1])
            for pk, snippet in rows
            if pk in posts and posts[pk][0].is_public
        ]


@dataclass(frozen=True)
class HitTag:
    """A hit's tag: what its card shows and links to (taggit's ``Tag`` costs more to build, forty a page)."""

    pk: int
    name: str
    slug: str


@lru_cache(maxsize=1)
def _hit_posts_columns():
    """Every post's hit columns joined with its tags, built once per process (never evaluated itself): setting
    up the three joins cost about as much as running the query a page needs."""
    return (
        Post.objects.order_by()
        .values_list(*_HIT_COLUMNS, "tagged_items__tag_id", "tagged_items__tag__name", "tagged_items__tag__slug")
        .all()
    )


def hit_posts_queryset(post_ids):
    """The posts ``post_ids`` (``HIT_FIELDS``) joined with their tags: a row per tag, one for a post with none."""
    return _hit_posts_columns().filter(pk__in=post_ids)


def hit_posts(post_ids) -> dict[int, tuple[Post, list[HitTag]]]:
    """Each post of ``post_ids`` (``HIT_FIELDS`` only, the rest deferred) with its tags, from one query.

    Not taggit's prefetch, which builds a queryset for every post before filling it, nor a second query.
    """
    found = {}
    width, pk_at = len(_HIT_COLUMNS), _HIT_COLUMNS.index("id")
    for row in hit_posts_queryset(post_ids):
        pk = row[pk_at]
        if pk not in found:
            found[pk] = (Post.from_db(DEFAULT_DB_ALIAS, _HIT_COLUMNS, row[:width]), [])
        tag_pk, name, slug = row[width:]
        if tag_pk is not None:
            found[pk][1].append(HitTag(tag_pk, name, slug))
    return found


def search(query: str, *, tag=None) -> Results:
    """Public posts matching ``query`` (optionally only those tagged ``tag``), best first."""
    return Results(query, tag=tag)


class QueryField(forms.CharField):
    """Reader text, cleaned rather than refused: controls (NUL too) dropped, cut to MAX_QUERY_LENGTH."""

    def to_python(self, value):
        # Before CharField's own checks, so a NUL byte is removed instead of failing the form.
        value = _drop_control(str(value or ""), "")[: MAX_QUERY_LENGTH * 2]
        return super().to_python(value)[:MAX_QUERY_LENGTH].strip()


class SearchForm(forms.Form):
    """``?q=`` (never rejected: see QueryField) and ``?tag=`` (a slug); ``?page=`` is blog.pagination's."""

    q = QueryField(required=False)
    tag = forms.SlugField(required=False, allow_unicode=True, max_length=255)
