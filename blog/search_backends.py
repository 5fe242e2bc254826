"""The two search backends behind :mod:`blog.search`: SQLite's FTS5 and PostgreSQL's text search.

Each turns a list of words (already cut by ``blog.search.terms``) into a ranked page of ``(post id,
snippet)`` and a count, in SQL with parameters only. SQLite reads the FTS5 table ``blog_post_fts``;
PostgreSQL the narrow table ``blog_post_search``, the ranking vectors of ``blog_post_search_rank`` and
the matching functions of migrations ``0010``–``0013``. Snippets carry private-use marker characters
around the matches, which ``blog.search.highlight`` turns into ``<mark>`` after escaping.
"""

from datetime import UTC, datetime
from functools import lru_cache

from django.db import connection, connections
from django.utils import timezone

from blog.models import Post
from blog.posts import published_condition

MARK_START = "\ue000"
MARK_END = "\ue001"
SNIPPET_WORDS = 30

# A word found in most posts matches tens of thousands at 100,000 posts; scoring every match costs more
# than the page is worth. The newest MAX_RANKED matches (by when they were added) are ranked, and
# the count says "more than" beyond that (fewer on PostgreSQL: PostgresBackend.RANKED).
MAX_RANKED = 1000


# Any fixed moment: the scheduled posts' SQL is compiled once with it, and each search puts in its own "now".
_COMPILED_AT = datetime(2000, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=4)
def _hidden_ids_compiled(alias: str) -> tuple[str, tuple, int]:
    """``_hidden_ids_sql``'s SQL and parameters as compiled at ``_COMPILED_AT``, and where that moment is in them.

    Compiling the two QuerySets took about as long as finding a rare word's matches; only the moment changes.
    """
    drafts = Post.objects.drafts().order_by().values("pk")
    scheduled = Post.objects.scheduled(now=_COMPILED_AT).order_by().values("pk")
    drafts_sql, drafts_params = drafts.query.sql_with_params()
    scheduled_sql, scheduled_params = scheduled.query.sql_with_params()
    sql = f"+blog_post_fts.rowid NOT IN ({drafts_sql}) AND +blog_post_fts.rowid NOT IN ({scheduled_sql})"
    params = (*drafts_params, *scheduled_params)
    return sql, params, params.index(_moment(_COMPILED_AT, alias))


def _moment(moment: datetime, alias: str):
    """``moment`` as the database is given it in a condition on ``published_at``."""
    return Post._meta.get_field("published_at").get_db_prep_value(moment, connections[alias])


def _hidden_ids_sql() -> tuple[str, list]:
    """Posts the public may not see, as subqueries: the model's ``drafts()`` and ``scheduled()``, as of now.

    A few ids instead of the many that ``published()`` selects: SQLite builds the list for every
    search, and at 100,000 posts the published one took 40 ms. That the three QuerySet methods
    cover every post exactly once is pinned by ``test_search.TestPublicationRule``.
    """
    sql, params, at = _hidden_ids_compiled(connection.alias)
    params = list(params)
    params[at] = _moment(timezone.now(), connection.alias)
    return sql, params


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
    word. Ranking reads one vector per candidate, so only the newest ``RANKED`` public matches are
    ranked, each by its small vector (``blog_post_search_rank``, migration ``0013_search_rank``: title,
    tags and excerpt, kept in the row, not out of line): a post found by its title ranks first, one
    found by its body alone ranks by age behind those found elsewhere. Snippets are headlines of the
    page's rows only: of the excerpt, or of the first ``HEADLINE_CHARS`` of the body where the excerpt
    lacks the words.
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
            # A post without a rank row (none should lack one) ranks as a body's match, not first as a NULL.
            "SELECT c.id, coalesce(ts_rank((SELECT r.vector FROM blog_post_search_rank r WHERE r.post_id = c.id), "
            "q.query), 0) AS score "
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
