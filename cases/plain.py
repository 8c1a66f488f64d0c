"""Plain SQL for the queries every request makes, with the ORM's own conversions.

The ORM builds each query anew on every call: for a lookup by key with a join, that
costs more than running it (bench/pages.py). The queries here are written once per
process from the models' own fields, bound to each request's values, and their rows
turned into model instances exactly as the ORM turns them (``Model.from_db`` after the
database's and the fields' converters: SQLite's dates are text, UUIDs hex).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connections, models, router

from cases.models import Case, Membership

M = TypeVar("M", bound=models.Model)


def load(model: type[M], alias: str, row: Sequence[Any]) -> M:
    """An instance of ``model`` from a row of its concrete fields' columns, in order."""
    connection = connections[alias]
    names, steps = _conversions(model, connection)
    values = []
    for value, (column, converters) in zip(row, steps, strict=True):
        for convert in converters:
            value = convert(value, column, connection)
        values.append(value)
    return model.from_db(alias, names, values)


@functools.lru_cache(maxsize=64)
def _conversions(model: type[models.Model], connection: Any) -> tuple[list[str], list[Any]]:
    """Per model and connection (one per thread): the attribute names, and each column
    with the database's and the field's converters, as the ORM's compiler finds them."""
    fields = model._meta.concrete_fields
    steps = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        steps.append((column, converters))
    return [f.attname for f in fields], steps


@functools.cache
def select(model: type[models.Model], alias: str, table_alias: str = "") -> str:
    """The column list of ``model``'s concrete fields."""
    quote = connections[alias].ops.quote_name
    prefix = f"{table_alias}." if table_alias else ""
    return ", ".join(prefix + quote(str(f.column)) for f in model._meta.concrete_fields)


@functools.cache
def _memberships_with_cases(alias: str) -> tuple[str, dict[str, str]]:
    """``FROM`` a membership ``m`` joined to its case ``c``, and the quoted columns the
    two queries below filter and sort on."""
    quote = connections[alias].ops.quote_name
    m, c = Membership._meta, Case._meta
    columns = {f"m.{f.name}": f"m.{quote(str(f.column))}" for f in m.concrete_fields} | {
        f"c.{f.name}": f"c.{quote(str(f.column))}" for f in c.concrete_fields
    }
    join = (
        f" FROM {quote(m.db_table)} m"
        f" INNER JOIN {quote(c.db_table)} c ON {columns['c.id']} = {columns['m.case']}"
    )
    return join, columns


@functools.cache
def _membership_sql(alias: str) -> str:
    join, col = _memberships_with_cases(alias)
    return (
        f"SELECT {select(Membership, alias, 'm')}, {select(Case, alias, 'c')}{join}"  # noqa: S608 - names quoted, values bound
        f" WHERE {col['m.case']} = %s AND {col['m.user']} = %s"
    )


def membership_with_case(case_id: uuid.UUID, user_id: int) -> Membership | None:
    """A person's membership of a case, with the case: one row (one per person and case)."""
    alias = router.db_for_read(Membership)
    connection = connections[alias]
    params = [Case._meta.pk.get_db_prep_value(case_id, connection), user_id]
    with connection.cursor() as cursor:
        cursor.execute(_membership_sql(alias), params)
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(Membership._meta.concrete_fields)
    membership = load(Membership, alias, row[:width])
    membership.case = load(Case, alias, row[width:])
    return membership


@functools.cache
def _cases_sql(alias: str) -> str:
    join, col = _memberships_with_cases(alias)
    return (
        f"SELECT {select(Case, alias, 'c')}, {col['m.role']}{join}"  # noqa: S608 - names quoted, values bound
        f" WHERE {col['m.user']} = %s"
        f" ORDER BY {col['c.patient_name']}, {col['c.patient_dob']}, {col['c.created_at']} DESC"
    )


def cases_with_role(user_id: int) -> list[tuple[Case, str]]:
    """Every case a person is a member of, with their role, by patient then newest first
    (``Case.objects.visible_to(user)`` with the membership's role)."""
    alias = router.db_for_read(Case)
    with connections[alias].cursor() as cursor:
        cursor.execute(_cases_sql(alias), [user_id])
        rows = cursor.fetchall()
    return [(load(Case, alias, row[:-1]), row[-1]) for row in rows]
