"""Reads of a member's saved pieces, written in SQL: which posts of a page they have saved (on every
member's list page), and the two queries of /saved/ (a page of the pieces with its total, and the tags
of all of them for the filter).

These run on every request for every member and cannot be cached. Through the ORM, building and
compiling the /saved/ querysets cost about 1.1 ms a page, eight times what the database takes to answer
them (0.17 ms); as SQL they cost the answer. Both are portable (SQLite and PostgreSQL run the
same text), take only bound parameters, and their plans are checked by blog/tests/test_query_plans.py.
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from accounts.models import Favourite
from blog.models import Post, TaggedPost

# Past this many posts in one list, asking "which of these" costs more than reading the member's few saved ids.
_IN_LIST_LIMIT = 500


@dataclass(frozen=True, slots=True)
class SavedRow:
    """One saved piece as /saved/ shows it: a light stand-in for a Favourite joined to its post."""

    key: uuid.UUID
    note: str
    saved_at: datetime.datetime
    post_id: int | None
    slug: str | None
    title: str
    status: str  # as Favourite.status: published, unpublished or deleted


class TagRow(NamedTuple):
    pk: int
    name: str
    slug: str


def _names() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "favourite": quote(Favourite._meta.db_table),
        "post": quote(Post._meta.db_table),
        "tagged": quote(TaggedPost._meta.db_table),
        "tag": quote(Tag._meta.db_table),
    }


def rows_query(*, user_id: int, tag_id: int | None, limit: int, offset: int) -> tuple[str, list]:
    """A page of the member's saved pieces, newest saved first, each row ending with the total."""
    # No table aliases: EXPLAIN then names the tables themselves, which the plan tests look for.
    sql = (
        "SELECT {favourite}.key, {favourite}.note, {favourite}.saved_at, {favourite}.post_id, "
        "{favourite}.post_title, {post}.slug, {post}.title, {post}.status, {post}.published_at, COUNT(*) OVER () "
        "FROM {favourite} LEFT OUTER JOIN {post} ON {post}.id = {favourite}.post_id WHERE {favourite}.user_id = %s"
    )
    params: list = [user_id]
    if tag_id is not None:
        sql += " AND {favourite}.post_id IN (SELECT content_object_id FROM {tagged} WHERE tag_id = %s)"
        params.append(tag_id)
    sql += " ORDER BY {favourite}.saved_at DESC, {favourite}.id DESC LIMIT %s OFFSET %s"
    return sql.format(**_names()), [*params, limit, offset]


def tags_query(*, user_id: int) -> tuple[str, list]:
    """Every tag of the member's saved pieces, by name, once each."""
    sql = (
        "SELECT DISTINCT {tag}.id, {tag}.name, {tag}.slug FROM {tag} JOIN {tagged} ON {tagged}.tag_id = {tag}.id "
        "JOIN {favourite} ON {favourite}.post_id = {tagged}.content_object_id WHERE {favourite}.user_id = %s "
        "ORDER BY {tag}.name"
    )
    return sql.format(**_names()), [user_id]


def _fetch(query: tuple[str, list]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return cursor.fetchall()


def _converter(model, field_name: str):
    """What the ORM does to a value of ``model.field_name`` read from the database (a UUID from text,
    an aware datetime from SQLite's naive text), as one function."""
    field = model._meta.get_field(field_name)
    expression = field.get_col(model._meta.db_table)
    converters = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)

    def convert(value):
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


def saved_rows(*, user, tag=None, limit: int, offset: int) -> tuple[list[SavedRow], int]:
    """One page of the member's saved pieces (optionally one tag's) and how many there are in all."""
    rows = _fetch(rows_query(user_id=user.pk, tag_id=tag.pk if tag else None, limit=limit, offset=offset))
    key_value, saved_at_value = _converter(Favourite, "key"), _converter(Favourite, "saved_at")
    published_at_value = _converter(Post, "published_at")
    now = timezone.now()
    page = []
    for key, note, saved_at, post_id, post_title, slug, title, status, published_at, _total in rows:
        key, saved_at = key_value(key), saved_at_value(saved_at)
        if post_id is None:
            page.append(SavedRow(key, note, saved_at, None, None, post_title, "deleted"))
        else:
            public = Post.public_values(status, published_at_value(published_at), now)
            page.append(SavedRow(key, note, saved_at, post_id, slug, title, "published" if public else "unpublished"))
    return page, (rows[0][-1] if rows else 0)


def saved_tags(*, user) -> list[TagRow]:
    """The tags of the member's saved pieces, by name (a member may have hundreds)."""
    return [TagRow(*row) for row in _fetch(tags_query(user_id=user.pk))]


def saved_post_ids(*, user, post_ids) -> set[int]:
    """Which of ``post_ids`` the member has saved: one query whatever the list's length."""
    if not user.is_authenticated or not post_ids:
        return set()
    wanted = set(post_ids)
    with connection.cursor() as cursor:
        cursor.execute(*saved_ids_query(user_id=user.pk, post_ids=wanted))
        return wanted.intersection(post_id for (post_id,) in cursor.fetchall())


def saved_ids_query(*, user_id: int, post_ids) -> tuple[str, list]:
    """The SQL behind :func:`saved_post_ids`: it runs on every member's list page, and through the ORM
    building it took longer than the database answering it."""
    table = connection.ops.quote_name(Favourite._meta.db_table)
    sql = f"SELECT post_id FROM {table} WHERE user_id = %s AND post_id IS NOT NULL"
    params = [user_id]
    if len(post_ids) <= _IN_LIST_LIMIT:
        sql += f" AND post_id IN ({', '.join(['%s'] * len(post_ids))})"
        params += sorted(post_ids)
    return sql, params
