"""The one way a view reaches a case.

Every case-scoped view starts with ``get_case(request, case_id, Need.X)``. A person who
is not a member gets 404 (no hint that the case exists); a member whose role is too
low for what they ask gets 403. Objects under a case are then fetched with
``get_in_case`` so an id from another case is a 404 too.

Each refusal carries what the security log needs (``security_refusal``); the security
middleware writes it with the request, unless the view handles the 404 itself.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from . import plain
from .models import Case, Need
from .models.querysets import InCaseQuerySet

__all__ = ["Need", "get_case", "get_in_case"]


def _refused(exception: Exception, case_id: object, reason: str, **details: object) -> Exception:
    exception.security_refusal = {  # type: ignore[attr-defined]
        "status": 403 if isinstance(exception, PermissionDenied) else 404,
        "reason": reason,
        "case": str(case_id),
        **details,
    }
    return exception


def get_case(request: HttpRequest, case_id: uuid.UUID, need: Need = Need.VIEW) -> Case:
    """Return the case with ``case.membership`` set, or raise 404/403."""
    if not request.user.is_authenticated:
        raise _refused(Http404(), case_id, "anonymous")
    # The same row as Membership.objects.select_related("case"), without building the
    # query anew on every request (cases/plain.py).
    membership = plain.membership_with_case(case_id, request.user.pk)
    if membership is None:
        raise _refused(Http404(), case_id, "not_a_member")
    if not membership.grants(need):
        raise _refused(
            PermissionDenied(), case_id, "role", role=membership.role, need=need.name.lower()
        )
    case = membership.case
    case.membership = membership
    return case


M = TypeVar("M", bound=models.Model)


def get_in_case(case: Case, queryset: InCaseQuerySet[M], pk: int) -> M:
    """Fetch one object that must belong to ``case``; anything else is a 404."""
    try:
        return queryset.in_case(case).get(pk=pk)
    except ObjectDoesNotExist as exc:
        raise _refused(
            Http404(), case.pk, "not_in_case", object=queryset.model._meta.model_name
        ) from exc
