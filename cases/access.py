"""The one way a view reaches a case.

Every case-scoped view starts with ``get_case(request, case_id, Need.X)``. A person who
is not a member gets 404 (no hint that the case exists); a member whose role is too
low for what they ask gets 403. Objects under a case are then fetched with
``get_in_case`` so an id from another case is a 404 too.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from .models import Case, Membership, Need
from .models.querysets import InCaseQuerySet

__all__ = ["Need", "get_case", "get_in_case"]


def get_case(request: HttpRequest, case_id: uuid.UUID, need: Need = Need.VIEW) -> Case:
    """Return the case with ``case.membership`` set, or raise 404/403."""
    if not request.user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("case").filter(case_id=case_id, user=request.user).first()
    )
    if membership is None:
        raise Http404
    if not membership.grants(need):
        raise PermissionDenied
    case = membership.case
    case.membership = membership
    return case


M = TypeVar("M", bound=models.Model)


def get_in_case(case: Case, queryset: InCaseQuerySet[M], pk: int) -> M:
    """Fetch one object that must belong to ``case``; anything else is a 404."""
    try:
        return queryset.in_case(case).get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
