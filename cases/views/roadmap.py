"""Roadmap steps 1, 2 and 4: their pages (sections from cases/sections.py), the call log
of step 2 and the appointment as a calendar file."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import calendar
from cases.access import Need, get_case, get_in_case
from cases.forms import roadmap as step_forms
from cases.htmx import saved
from cases.models import Case, InsuranceCall, Opinion
from cases.sections import section_views

STEP_TITLES = {
    "step_inform": (1, "Inform your primary provider"),
    "step_insurance": (2, "Check insurance and referral"),
    "step_appointment": (4, "Schedule the appointment"),
}


def _step_page(
    request: HttpRequest, case: Case, template: str, page: str, **extra: Any
) -> HttpResponse:
    number, title = STEP_TITLES[page]
    context = {
        "step_number": number,
        "step_title": title,
        "case": case,
        "opinion": case.current_opinion(),
        "sections": section_views(case, page),
        "can_edit": case.membership.can_edit,
        **extra,
    }
    return render(request, template, context)


@require_safe
def step_inform(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id)
    return _step_page(request, case, "cases/steps/inform.html", "step_inform")


def _calls_context(case: Case, opinion: Opinion, form: forms.Form, focus: bool = False) -> dict:
    return {
        "calls": list(opinion.calls.all()),
        "call_form": form,
        "can_edit": case.membership.can_edit,
        "focus_calls": focus,
    }


@require_safe
def step_insurance(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id)
    opinion = case.current_opinion()
    extra = _calls_context(case, opinion, step_forms.CallForm(prefix="call"))
    return _step_page(request, case, "cases/steps/insurance.html", "step_insurance", **extra)


@require_POST
def call_add(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    opinion = case.current_opinion()
    form = step_forms.CallForm(request.POST, prefix="call")
    if form.is_valid():
        form.instance.opinion = opinion
        form.save()
        return saved(
            request,
            message="Call added to the log.",
            redirect_to=reverse("step_insurance", kwargs={"case_id": case.pk}) + "#calls",
            template="cases/steps/insurance.html",
            partial="calls",
            context={
                "case": case,
                **_calls_context(case, opinion, step_forms.CallForm(prefix="call"), True),
            },
        )
    extra = _calls_context(case, opinion, form)
    if request.htmx:
        return render(request, "cases/steps/insurance.html#calls", {"case": case, **extra})
    return _step_page(request, case, "cases/steps/insurance.html", "step_insurance", **extra)


@require_http_methods(["GET", "POST"])
def call_delete(request: HttpRequest, case_id: uuid.UUID, call_id: int) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    call = get_in_case(case, InsuranceCall.objects.all(), call_id)
    opinion = call.opinion
    if request.method == "GET":
        # Without JavaScript there is no confirm dialog: ask on a page of its own.
        return render(
            request,
            "cases/steps/call_delete.html",
            {"case": case, "call": call, "opinion": opinion},
        )
    call.delete()
    return saved(
        request,
        message="Call removed from the log.",
        redirect_to=reverse("step_insurance", kwargs={"case_id": case.pk}) + "#calls",
        template="cases/steps/insurance.html",
        partial="calls",
        context={
            "case": case,
            **_calls_context(case, opinion, step_forms.CallForm(prefix="call"), True),
        },
    )


@require_safe
def step_appointment(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id)
    return _step_page(request, case, "cases/steps/appointment.html", "step_appointment")


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
