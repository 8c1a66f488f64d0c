"""Loading the signed-in person on every request, with one plain query.

Django's backends load the person with the ORM, whose work of building the query cost
more than the rest of a request through all the middleware (bench/pages.py). These are
the same backends (Django's and allauth's), reading the same row with the same checks
(an inactive account is nobody).
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError
from django.db import connections, router


def _load(user_id: Any) -> Any:
    User = get_user_model()
    meta = User._meta
    try:
        pk = meta.pk.to_python(user_id)
    except ValidationError:  # a session naming no valid id names nobody
        return None
    alias = router.db_for_read(User)
    connection = connections[alias]
    fields = meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(str(meta.pk.column))} = %s"  # noqa: S608 - names quoted, value bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [meta.pk.get_db_prep_value(pk, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    # The database's values as the ORM would give them (SQLite's dates are text).
    values = []
    for field, value in zip(fields, row, strict=True):
        column = field.get_col(meta.db_table)
        for convert in connection.ops.get_db_converters(column) + field.get_db_converters(
            connection
        ):
            value = convert(value, column, connection)
        values.append(value)
    return User.from_db(alias, [f.attname for f in fields], values)


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend, loading the signed-in person with one plain query."""

    def get_user(self, user_id: Any) -> Any:
        user = _load(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class AuthenticationBackend(AllauthBackend):
    """allauth's backend (sign-in by email), loading the person with one plain query."""

    def get_user(self, user_id: Any) -> Any:
        user = _load(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
