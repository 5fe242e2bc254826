"""Full-text search over public posts: one interface, two backends.

SQLite uses the FTS5 table ``blog_post_fts``; PostgreSQL the narrow table ``blog_post_search`` of
``(post_id, vector)`` with its GIN index. Both are created and kept in step by triggers (migrations
``0002_search_index`` and, for PostgreSQL's table, ``0012_search_table``; PostgreSQL's matching
functions are ``0010_search_speed`` and ``0011_search_newest``), so this module only reads. A page of
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

from django import forms
from django.db import DEFAULT_DB_ALIAS, connection
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from taggit.models import Tag

from blog.models import Post
from blog.posts import published_condition

MAX_QUERY_LENGTH = 200
# Each word is one more index lookup to intersect: a handful is all a reader's search needs.
MAX_TERMS = 8
MARK_START = "\ue000"
MARK_END = "\ue001"
SNIPPET_WORDS = 30


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
    return format_html_join(
        "", "{}", ((format_html("<mark>{}</mark>", text) if is_mark else text,) for text, is_mark in segments if text)
    )


# A word found in most posts matches tens of thousands at 100,000 posts; scoring every match costs more
# than the page is worth. The newest MAX_RANKED matches (by when they were added) are ranked, and
# the count says "more than" beyond that (fewer on PostgreSQL: PostgresBackend.RANKED).
MAX_RANKED = 1000


def _hidden_ids_sql() -> tuple[str, list]:
    """Posts the public may not see, as subqueries: the model's ``drafts()`` and ``scheduled()``.

    A few ids instead of the many that ``published()`` selects: SQLite builds the list for every
    search, and at 100,000 posts the published one took 40 ms. That the three QuerySet methods
    cover every post exactly once is pinned by ``test_search.TestPublicationRule``.
    """
    drafts, drafts_params = Post.objects.drafts().order_by().values("pk").query.sql_with_params()
    scheduled, scheduled_params = Post.objects.scheduled().order_by().values("pk").query.sql_with_params()
    sql = f"+blog_post_fts.rowid NOT IN ({drafts}) AND +blog_post_fts.rowid NOT IN ({scheduled})"
    return sql, [*drafts_params, *scheduled_params]


class SqliteBackend:
    """FTS5 with bm25 ranking (title weighs most, then tags, excerpt, body)."""

    RANK = "bm25(blog_post_fts, 10.0, 3.0, 1.0, 5.0)"

    def ranked(self) -> int:
        """How many of the newest matches are ranked (and counted)."""
        return MAX_RANKED

    @staticmethod
    def match_expression(words: list[str]) -> str:
        # Each word becomes an FTS5 string literal ("" doubles a quote); juxtaposed strings mean AND.
        return " ".join('"' + word.replace('"', '""') + '"' for word in words)

    def _matches(self, words, tag_id) -> tuple[str, list]:
        """Public matches, as a WHERE clause on blog_post_fts.

        The unary + keeps SQLite from pushing "rowid IN (…)" into FTS5 as one lookup per listed id
        (a hundred times slower): match first, then filter the matches.
        """
        hidden, params = _hidden_ids_sql()
        where = f"blog_post_fts MATCH %s AND {hidden}"
        params = [self.match_expression(words), *params]
        if tag_id is not None:
            where += " AND +blog_post_fts.rowid IN (SELECT content_object_id FROM blog_taggedpost WHERE tag_id = %s)"
            params.append(tag_id)
        return where, params

    def page(self, words, tag_id, offset: int, limit: int) -> tuple[list[tuple[int, str]], int | None]:
        """One page of ``(id, snippet)`` rows, best first, and how many public posts match (up to ``ranked()`` + 1)."""
        where, params = self._matches(words, tag_id)
        # Inside out: the newest ranked() + 1 public matches with their bm25 score (FTS5 reads rowids
        # newest first and stops, scoring only what it returns), counted; the newest ranked() of them
        # sorted, one page kept; snippets (which re-read each body) for that page only. One pass over the
        # index for the count and the page: a separate count walked the matches and the hidden ids again.
        # Column 1 is the excerpt, 2 body_text: the body's snippet is made only if the excerpt's has no match.
        ranked = self.ranked()
        excerpt = "snippet(blog_post_fts, 1, %s, %s, '…', %s)"
        sql = (
            f"WITH candidates AS MATERIALIZED (SELECT rowid AS id, {self.RANK} AS score FROM blog_post_fts "
            f"WHERE {where} ORDER BY rowid DESC LIMIT {ranked + 1:d}), "
            "ranked AS MATERIALIZED (SELECT id, score FROM "
            f"(SELECT id, score FROM candidates ORDER BY id DESC LIMIT {ranked:d}) "
            "ORDER BY score, id DESC LIMIT %s OFFSET %s) "
            f"SELECT rowid, {excerpt}, CASE WHEN instr({excerpt}, %s) = 0 "
            "THEN snippet(blog_post_fts, 2, %s, %s, '…', %s) END, (SELECT count(*) FROM candidates) "
            "FROM blog_post_fts JOIN ranked ON ranked.id = blog_post_fts.rowid WHERE blog_post_fts MATCH %s "
            "ORDER BY ranked.score, ranked.id DESC"
        )
        marks = [MARK_START, MARK_END, SNIPPET_WORDS]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit, offset, *marks, *marks, MARK_START, *marks, params[0]])
            rows = cursor.fetchall()
        # No row past the first page says nothing of the count (None: count() when asked).
        matching = rows[0][3] if rows else (0 if offset == 0 else None)
        snippets = [(pk, _snippet(excerpt, body)) for pk, excerpt, body, _ in rows]
        return snippets, matching

    def count(self, words, tag_id) -> int:
        """How many public posts match, counting no further than ``ranked()`` + 1 (when no page said)."""
        where, params = self._matches(words, tag_id)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM blog_post_fts WHERE {where} LIMIT %s)"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, self.ranked() + 1])
            return cursor.fetchone()[0]


# Posts of one tag, as a condition on a post id column (the parameter: the tag's id).
TAGGED = "IN (SELECT content_object_id FROM blog_taggedpost WHERE tag_id = %s)"
# A reader's words (PostgresBackend.web_query) as a tsquery.
TSQUERY = "websearch_to_tsquery('english', %s)"


class PostgresBackend:
    """A stored tsvector with a GIN index, ``websearch_to_tsquery`` and ``ts_rank``.

    The vectors live in ``blog_post_search`` (post id and vector only): the GIN index names the matching
    rows but not their ids, so each match is visited in that table, and small rows make those visits
    cheap. A post's vector (about 10 KB for an essay) is stored out of line: each one read costs a trip
    through the TOAST table. Matching therefore goes through ``blog_post_matching()`` (migration
    ``0010_search_speed``), which takes the ids from the GIN index without reading any vector; the
    planner, which does not price those reads, would otherwise read every post's vector for a common
    word. Ranking must read one vector per candidate, so only the newest ``RANKED`` public matches are
    ranked, and snippets are headlines of the page's rows only: of the excerpt, or of the first
    ``HEADLINE_CHARS`` of the body where the excerpt lacks the words.
    """

    RANKED = 200
    HEADLINE_CHARS = 3000
    HEADLINE_OPTIONS = f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=35, MinWords=15, MaxFragments=2'

    @staticmethod
    def web_query(words: list[str]) -> str:
        # Quoted, every word is a plain phrase to websearch_to_tsquery: "or" and "-" lose their powers.
        return " ".join('"' + word.replace('"', " ") + '"' for word in words)

    def ranked(self) -> int:
        """How many of the newest matches are ranked (and counted): each ranked one reads its vector."""
        return min(self.RANKED, MAX_RANKED)

    def _matches(self, words, tag_id) -> tuple[str, list]:
        """Public matches, as FROM and WHERE clauses on blog_post (unaliased: the publication rule names it)."""
        public, public_params = published_condition()
        sql = (
            "blog_post_matching(websearch_to_tsquery('english', %s)) AS matching(id) "
            f"JOIN blog_post ON blog_post.id = matching.id WHERE {public}"
        )
        params = [self.web_query(words), *public_params]
        if tag_id is not None:
            sql += f" AND blog_post.id {TAGGED}"
            params.append(tag_id)
        return sql, params

    def count(self, words, tag_id) -> int:
        """How many public posts match, counting no further than ``ranked()`` + 1 (no vector is read)."""
        matches, params = self._matches(words, tag_id)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {matches} LIMIT %s) AS capped"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, self.ranked() + 1])
            return cursor.fetchone()[0]

    def page(self, words, tag_id, offset: int, limit: int) -> tuple[list[tuple[int, str]], int | None]:
        """One page of ``(id, snippet)`` rows, best first, and how many public posts match (up to
        ``ranked()`` + 1), or None when the page's query cannot tell (then :meth:`count` can)."""
        # Twice as many of the newest matches (of the tag, if one is given) as are ranked, for the few
        # among them that are not public: a word found in most posts then costs a sort of its ids, not a
        # lookup of every match in blog_post.
        ranked = self.ranked()
        window = 2 * ranked
        query = self.web_query(words)
        public, public_params = published_condition()
        if tag_id is None:
            # Sorted and cut inside the function (migration 0011_search_newest): only the window comes back.
            # It asks the newest thousands of posts first (0012_search_table), so a common word's older
            # matches are never visited.
            newest = f"SELECT id FROM blog_post_matching_newest({TSQUERY}, %s) AS found(id)"
            newest_params = [query, window]
        else:
            newest = f"SELECT id FROM blog_post_matching({TSQUERY}) AS found(id) WHERE found.id {TAGGED} "
            newest += "ORDER BY id DESC LIMIT %s"
            newest_params = [query, tag_id, window]
        # Inside out: the newest ranked() + 1 public matches, counted; the newest ranked() of them ranked,
        # one page kept; its snippets. Posts and vectors are looked up by key, in subqueries (as joins the
        # planner walked every public post, or hashed the whole search table, for a few hundred ids).
        # ts_headline parses its text again: the short excerpt first, a prefix of the body only where the excerpt
        # lacks the words and the vector's body part ({d}: 0002_search_index) holds one of them.
        headline = "ts_headline('english', {text}, q.query, %s)"
        sql = (
            f"WITH q AS MATERIALIZED (SELECT {TSQUERY} AS query), "
            f"newest AS MATERIALIZED ({newest}), "
            "candidates AS MATERIALIZED (SELECT id FROM (SELECT id FROM newest ORDER BY id DESC OFFSET 0) AS n "
            f"WHERE (SELECT {public} FROM blog_post WHERE blog_post.id = n.id) LIMIT %s), "
            "ranked AS MATERIALIZED ("
            "SELECT c.id, ts_rank((SELECT s.vector FROM blog_post_search s WHERE s.post_id = c.id), q.query) AS score "
            "FROM (SELECT id FROM candidates ORDER BY id DESC LIMIT %s) AS c CROSS JOIN q "
            "ORDER BY score DESC, c.id DESC LIMIT %s OFFSET %s) "
            "SELECT p.id, e.headline, CASE WHEN strpos(e.headline, %s) = 0 AND (p.excerpt = '' OR (SELECT "
            f"ts_filter(s.vector, '{{d}}') @@ {TSQUERY} FROM blog_post_search s WHERE s.post_id = p.id)) "
            f"THEN {headline.format(text='left(p.body_text, %s)')} END, "
            "(SELECT count(*) FROM candidates), (SELECT count(*) FROM newest) "
            "FROM ranked r JOIN blog_post p ON p.id = r.id CROSS JOIN q "
            f"CROSS JOIN LATERAL (SELECT {headline.format(text='p.excerpt')} AS headline OFFSET 0) AS e "
            "ORDER BY r.score DESC, r.id DESC"
        )
        params = [query, *newest_params, *public_params, ranked + 1, ranked, limit, offset]
        any_word = " or ".join(self.web_query([word]) for word in words)
        params += [MARK_START, any_word, self.HEADLINE_CHARS, self.HEADLINE_OPTIONS, self.HEADLINE_OPTIONS]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        matching = None
        if rows:
            counted, seen = rows[0][3], rows[0][4]
            # Exact when every match was in the window or the window held more public ones than are ranked.
            if seen < window or counted > ranked:
                matching = counted
        snippets = [(pk, _snippet(excerpt, body)) for pk, excerpt, body, *_ in rows]
        return snippets, matching


def _snippet(excerpt: str, body: str | None) -> str:
    """The excerpt's snippet when it holds a match (``body`` is then None), else the body's when it does."""
    return excerpt if body is None or (MARK_START not in body and excerpt) else body


def backend():
    """The backend for the default database."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}.")


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


def hit_posts_queryset(post_ids):
    """The posts ``post_ids`` (``HIT_FIELDS``) joined with their tags: a row per tag, one for a post with none."""
    return (
        Post.objects.filter(pk__in=post_ids)
        .order_by()
        .values_list(*_HIT_COLUMNS, "tagged_items__tag_id", "tagged_items__tag__name", "tagged_items__tag__slug")
    )


def hit_posts(post_ids) -> dict[int, tuple[Post, list[Tag]]]:
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
            found[pk][1].append(Tag(pk=tag_pk, name=name, slug=slug))
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
