"""Roadmap steps 1, 2 and 4: their pages (step 2's call log is in views/insurance.py)
and the appointment as a calendar file."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from cases import calendar, display
from cases.access import get_case
from cases.models import Case, Opinion
from cases.sections import section_views

STEP_TITLES = {
    # "{whose}" is filled in for the case: "your" or "John's".
    "step_inform": (1, gettext_lazy("Inform {whose} primary provider")),
    "step_insurance": (2, gettext_lazy("Check insurance and referral")),
    "step_appointment": (4, gettext_lazy("Schedule the appointment")),
}


def step_page(
    request: HttpRequest,
    case: Case,
    page: str,
    template: str,
    opinion: Opinion | None = None,
    **extra: Any,
) -> HttpResponse:
    """A step's page: its title, its sections (cases/sections.py) and what else it shows."""
    number, title = STEP_TITLES[page]
    opinion = opinion or case.current_opinion()
    context = {
        "step_number": number,
        "step_title": title.format(whose=display.whose(case)),
        "case": case,
        "opinion": opinion,
        "sections": section_views(case, page, opinion),
        "can_edit": case.membership.can_edit,
        **extra,
    }
    return render(request, template, context)


@require_safe
def step_inform(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id)
    return step_page(request, case, "step_inform", "cases/steps/inform.html")


@require_safe
def step_appointment(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id)
    return step_page(request, case, "step_appointment", "cases/steps/appointment.html")


@require_safe
def appointment_ics(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The appointment as a calendar file: where and when, never the diagnosis."""
    case = get_case(request, case_id)
    opinion = case.current_opinion()
    if not opinion.appointment_at:
        raise Http404
    response = HttpResponse(
        calendar.appointment_ics(opinion), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response
