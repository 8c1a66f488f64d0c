"""The case's Activity page: who changed what, newest first."""

from __future__ import annotations

import uuid

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cases import activity, audit
from cases.access import Need, get_case

PER_PAGE = 30


@require_safe
def case_activity(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id, Need.VIEW)
    page = Paginator(audit.for_case(case), PER_PAGE).get_page(request.GET.get("page"))
    context = {"case": case, "page": page, "items": activity.describe_page(list(page))}
    return render(request, "cases/sharing/activity.html", context)
