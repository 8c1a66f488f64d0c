"""The list of cases a person can see."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cases.models import Case, Opinion


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    cases = (
        Case.objects.visible_to(request.user)
        .prefetch_related(Prefetch("opinions", queryset=Opinion.objects.order_by("number")))
        .order_by("patient_name", "-created_at")
    )
    return render(request, "cases/dashboard.html", {"cases": cases})
