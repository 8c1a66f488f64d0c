"""Roadmap steps 1, 2 and 4, and the case's details, as sections edited in place.

A section is a few fields of the case or of its current opinion with its own
GuardedModelForm. It shows as a summary list with a "Change" link on its host page;
the link opens the section's form on a page of its own, or in place with htmx, and a
save comes back to the summary (post/redirect/get, or the fresh partial for htmx).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import calendar
from cases.access import Need, get_case, get_in_case
from cases.forms import case as case_forms
from cases.forms import roadmap as step_forms
from cases.htmx import page_or_partial, saved
from cases.models import Case, InsuranceCall, Opinion
from cases.views.overview import overview_context

SECTION_TEMPLATE = "cases/steps/section.html"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    thing: str  # completes "Change ..." for screen readers and tests
    form_class: type[forms.ModelForm]
    page: str  # URL name of the page that shows it
    url_name: str
    on_opinion: bool = False
    extra_template: str = ""
    formatters: dict[str, Callable[[Any], Any]] = field(default_factory=dict)

    def obj(self, case: Case) -> Case | Opinion:
        return case.current_opinion() if self.on_opinion else case

    def fields(self) -> list[str]:
        return [f for f in self.form_class._meta.fields if f in self.form_class.base_fields]


def _money(value: Decimal | None) -> str:
    return f"${value:,.2f}" if value is not None else ""


def _when(value: dt.datetime | None) -> str:
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{local:%A %-d %B %Y, %-I:%M %p}".replace("AM", "am").replace("PM", "pm")


SECTIONS: dict[str, Section] = {
    s.key: s
    for s in [
        # The case page
        Section(
            "about", "About the person", "details about the person",
            case_forms.CaseAboutForm, "case_detail", "case_edit",
        ),
        Section(
            "diagnosis", "Diagnosis", "diagnosis",
            case_forms.DiagnosisForm, "case_detail", "case_edit_diagnosis",
        ),
        Section(
            "treatment", "Proposed treatment", "proposed treatment",
            case_forms.TreatmentForm, "case_detail", "case_edit_treatment",
        ),
        Section(
            "reasons", "Reasons for another opinion", "reasons",
            case_forms.ReasonsForm, "case_detail", "case_edit_reasons",
            formatters={"reasons": lambda case: case.reason_labels(), "reasons_other": None},
        ),
        # Step 1
        Section(
            "provider", "Your primary provider", "primary provider",
            step_forms.ProviderForm, "step_inform", "inform_provider",
        ),
        Section(
            "inform", "Telling them", "whether you told them",
            step_forms.InformForm, "step_inform", "inform_choice",
        ),
        # Step 2
        Section(
            "policy", "Your insurance policy", "insurance policy",
            step_forms.PolicyForm, "step_insurance", "insurance_policy",
            formatters={"member_id": lambda case: case.member_id_masked},
        ),
        Section(
            "coverage", "Coverage and cost", "coverage and cost",
            step_forms.CoverageForm, "step_insurance", "insurance_coverage", on_opinion=True,
            formatters={"estimated_cost": lambda o: _money(o.estimated_cost)},
        ),
        Section(
            "referral", "Referral", "referral",
            step_forms.ReferralForm, "step_insurance", "insurance_referral", on_opinion=True,
        ),
        Section(
            "prior_auth", "Prior authorization", "prior authorization",
            step_forms.PriorAuthForm, "step_insurance", "insurance_prior_auth", on_opinion=True,
        ),
        # Step 4
        Section(
            "specialist", "The specialist", "specialist",
            step_forms.SpecialistForm, "step_appointment", "appointment_specialist",
            on_opinion=True,
        ),
        Section(
            "appointment", "The appointment", "appointment",
            step_forms.AppointmentForm, "step_appointment", "appointment_details",
            on_opinion=True, extra_template="cases/steps/_calendar_link.html",
            formatters={"appointment_at": lambda o: _when(o.appointment_at)},
        ),
    ]
}  # fmt: skip


def _display(obj: Case | Opinion, name: str) -> Any:
    getter = getattr(obj, f"get_{name}_display", None)
    value = getattr(obj, name)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    if getter and value:
        return getter()
    return value


@dataclass(frozen=True)
class Row:
    label: str
    text: Any
    items: list[str] = field(default_factory=list)


@dataclass
class SectionView:
    """One section as a page shows it: its rows, its URLs, whether to take focus."""

    section: Section
    case: Case
    obj: Case | Opinion
    focus: bool = False

    @property
    def rows(self) -> list[Row]:
        out = []
        form_fields = self.section.form_class.base_fields
        for name in self.section.fields():
            fmt = self.section.formatters.get(name, _display)
            if fmt is None:
                continue
            value = fmt(self.obj) if name in self.section.formatters else fmt(self.obj, name)
            if isinstance(value, list):
                out.append(Row(form_fields[name].label, "", value))
            else:
                out.append(Row(form_fields[name].label, value or ""))
        return out

    @property
    def edit_url(self) -> str:
        return reverse(self.section.url_name, kwargs={"case_id": self.case.pk})

    @property
    def host_url(self) -> str:
        page = reverse(self.section.page, kwargs={"case_id": self.case.pk})
        return f"{page}#section-{self.section.key}"


def section_views(case: Case, page: str) -> list[SectionView]:
    return [SectionView(s, case, s.obj(case)) for s in SECTIONS.values() if s.page == page]


@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, case_id: uuid.UUID, section: str) -> HttpResponse:
    """Show or save one section: a page of its own, or the form in place for htmx."""
    case = get_case(request, case_id, Need.EDIT)
    spec = SECTIONS[section]
    obj = spec.obj(case)
    if request.htmx and request.method == "GET" and "view" in request.GET:
        # "Cancel" in place: the summary again, unchanged.
        sv = SectionView(spec, case, obj, focus=True)
        return render(request, f"{SECTION_TEMPLATE}#section-view", {"sv": sv, "case": case})
    form = spec.form_class(request.POST if request.method == "POST" else None, instance=obj)
    if request.method == "POST" and form.is_valid() and form.save_guarded():
        sv = SectionView(spec, case, obj, focus=True)
        response = saved(
            request,
            message=f"{spec.title} saved.",
            redirect_to=sv.host_url,
            template=SECTION_TEMPLATE,
            partial="section-view",
            context={"sv": sv, "case": case},
        )
        if request.htmx and spec.page == "case_detail":
            # A new start-by date or diagnosis changes the warnings and the roadmap above.
            context = {**overview_context(case), "oob": True}
            response.content += render_to_string(
                "cases/case_detail.html#case-overview", context, request
            ).encode()
        return response
    if request.htmx and not form.errors:
        # The form swapped in: start typing in its first field.
        first = next(iter(form.visible_fields()))
        first.field.widget.attrs["data-focus"] = ""
    sv = SectionView(spec, case, obj)
    return page_or_partial(
        request, SECTION_TEMPLATE, "section-form", {"sv": sv, "case": case, "form": form}
    )


# The step pages ----------------------------------------------------------------------


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
