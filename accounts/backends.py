"""Authentication backends: Django's and allauth's, each loading the session's member with one plain query.

Every request a member makes starts by loading their row from the user id in their session. Through
the ORM (``User._default_manager.get(pk=...)``) that cost about 190 µs, most of it building and
compiling the same query again; on /saved/ that was a fifteenth of the page. Here the statement and
each column's converters (the ones the ORM would apply: aware datetimes on SQLite, booleans) are
worked out once per database, and the row costs about 25 µs. How a login is checked, permissions and
everything else stay the parents'.
"""

from functools import lru_cache

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connections, router


@lru_cache(maxsize=8)
def _user_statement(alias: str) -> tuple[str, list[str], list[tuple]]:
    """The SELECT by primary key, the attribute names in column order, and for each column that needs
    converting its (index, expression, converters)."""
    user_model = get_user_model()
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = user_model._meta.concrete_fields
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"SELECT {columns} FROM {quote(user_model._meta.db_table)} WHERE {quote(user_model._meta.pk.column)} = %s"
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(user_model._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((index, column, found))
    return sql, [field.attname for field in fields], converters


def load_user(user_id):
    """The user with primary key ``user_id``, as the ORM would build it, or None."""
    user_model = get_user_model()
    alias = router.db_for_read(user_model)
    sql, attnames, converters = _user_statement(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, expression, column_converters in converters:
        for converter in column_converters:
            values[index] = converter(values[index], expression, connection)
    return user_model.from_db(alias, attnames, values)


class _SessionUserMixin:
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_SessionUserMixin, DjangoModelBackend):
    """Django's password login (the admin's), with the quick session lookup."""


class AuthenticationBackend(_SessionUserMixin, AllauthBackend):
    """allauth's email login, with the quick session lookup."""
