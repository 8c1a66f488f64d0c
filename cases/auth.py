"""Loading the signed-in person on every request, with one plain query.

Django's backends load the person with the ORM, whose work of building the query cost
more than the rest of a request through all the middleware (bench/pages.py). These are
the same backends (Django's and allauth's), reading the same row with the same checks
(an inactive account is nobody).
"""

from __future__ import annotations

import functools
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError
from django.db import connections, router

from cases import plain


@functools.cache
def _sql(User: Any, alias: str) -> str:
    meta, quote = User._meta, connections[alias].ops.quote_name
    columns, table, key = (
        plain.select(User, alias),
        quote(meta.db_table),
        quote(str(meta.pk.column)),
    )
    return f"SELECT {columns} FROM {table} WHERE {key} = %s"  # noqa: S608 - names quoted, value bound


def _load(user_id: Any) -> Any:
    User = get_user_model()
    meta = User._meta
    try:
        pk = meta.pk.to_python(user_id)
    except ValidationError:  # a session naming no valid id names nobody
        return None
    alias = router.db_for_read(User)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(_sql(User, alias), [meta.pk.get_db_prep_value(pk, connection)])
        row = cursor.fetchone()
    return None if row is None else plain.load(User, alias, row)


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
