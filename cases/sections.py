"""Sections: a few fields of the case or of its current opinion, edited together.

A section shows as a summary list with a "Change" link on its host page (the case
page or a step page). The link opens the section's form on a page of its own, or in
place with htmx; a save comes back to the summary. ``SECTIONS`` is the one registry:
the URL patterns (cases/urls/sections.py) and the host pages are built from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse

from cases import display
from cases.concurrency import GuardedModelForm
from cases.forms import case as case_forms
from cases.forms import roadmap as step_forms
from cases.forms.fields import ForThePatient
from cases.models import Case, Opinion

Formatter = Callable[[Any], Any] | None  # None: the field is not shown in the summary


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    thing: str  # completes "Change ..." for screen readers and tests
    form_class: type[GuardedModelForm]
    page: str  # URL name of the page that shows it
    url_name: str
    path: str  # under cases/<case_id>/
    on_opinion: bool = False
    extra_template: str = ""
    formatters: dict[str, Formatter] = field(default_factory=dict)

    def obj(self, case: Case, opinion: Opinion | None = None) -> Case | Opinion:
        """What the section's fields belong to (``opinion``: the current one, if fetched)."""
        if not self.on_opinion:
            return case
        return opinion or case.current_opinion()

    def fields(self) -> list[str]:
        return [f for f in self.form_class._meta.fields if f in self.form_class.base_fields]


def money(value: Decimal | None) -> str:
    return f"${value:,.2f}" if value is not None else ""


def when(value: dt.datetime | None) -> str:
    if not value:
        return ""
    return display.date_and_time(value, weekday=True)


SECTIONS: dict[str, Section] = {
    s.key: s
    for s in [
        # The case page
        Section(
            "about", "About the person", "details about the person",
            case_forms.CaseAboutForm, "case_detail", "case_edit", "edit/",
            formatters={"relationship": display.relationship_for},
        ),
        Section(
            "diagnosis", "Diagnosis", "diagnosis",
            case_forms.DiagnosisForm, "case_detail", "case_edit_diagnosis", "details/diagnosis/",
        ),
        Section(
            "treatment", "Proposed treatment", "proposed treatment",
            case_forms.TreatmentForm, "case_detail", "case_edit_treatment", "details/treatment/",
        ),
        Section(
            "reasons", "Reasons for another opinion", "reasons",
            case_forms.ReasonsForm, "case_detail", "case_edit_reasons", "details/reasons/",
            formatters={"reasons": lambda case: case.reason_labels(), "reasons_other": None},
        ),
        # Step 1: inform your primary provider
        Section(
            "provider", "Your primary provider", "primary provider",
            step_forms.ProviderForm, "step_inform", "inform_provider",
            "steps/inform-provider/provider/",
        ),
        Section(
            "inform", "Telling them", "whether you told them",
            step_forms.InformForm, "step_inform", "inform_choice",
            "steps/inform-provider/choice/",
        ),
        # Step 2: check insurance and referral
        Section(
            "policy", "Your insurance policy", "insurance policy",
            step_forms.PolicyForm, "step_insurance", "insurance_policy",
            "steps/insurance/policy/",
            formatters={"member_id": lambda case: case.member_id_masked},
        ),
        Section(
            "coverage", "Coverage and cost", "coverage and cost",
            step_forms.CoverageForm, "step_insurance", "insurance_coverage",
            "steps/insurance/coverage/", on_opinion=True,
            formatters={"estimated_cost": lambda o: money(o.estimated_cost)},
        ),
        Section(
            "referral", "Referral", "referral",
            step_forms.ReferralForm, "step_insurance", "insurance_referral",
            "steps/insurance/referral/", on_opinion=True,
        ),
        Section(
            "prior_auth", "Prior authorization", "prior authorization",
            step_forms.PriorAuthForm, "step_insurance", "insurance_prior_auth",
            "steps/insurance/prior-authorization/", on_opinion=True,
        ),
        # Step 4: schedule the appointment
        Section(
            "specialist", "The specialist", "specialist",
            step_forms.SpecialistForm, "step_appointment", "appointment_specialist",
            "steps/appointment/specialist/", on_opinion=True,
        ),
        Section(
            "appointment", "The appointment", "appointment",
            step_forms.AppointmentForm, "step_appointment", "appointment_details",
            "steps/appointment/when/", on_opinion=True,
            extra_template="cases/steps/_calendar_link.html",
            formatters={"appointment_at": lambda o: when(o.appointment_at)},
        ),
    ]
}  # fmt: skip


def _display(obj: Case | Opinion, name: str) -> Any:
    getter = getattr(obj, f"get_{name}_display", None)
    value = getattr(obj, name)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return display.long_date(value)
    if getter:
        # An empty choice reads as its label ("Not known yet"), as the form offered it.
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
        for name in self.section.fields():
            if name in self.section.formatters:
                fmt = self.section.formatters[name]
                if fmt is None:
                    continue
                value = fmt(self.obj)
            else:
                value = _display(self.obj, name)
            if isinstance(value, list):
                out.append(Row(self._label(name), "", value))
            else:
                out.append(Row(self._label(name), value or ""))
        return out

    @property
    def title(self) -> str:
        """ "Your insurance policy", or "John Lopez’s insurance policy" in a caregiver's case."""
        title = self.section.title
        if title.startswith("Your ") and self.case.relationship != "self":
            return f"{self.case.patient_name}’s {title[5:]}"
        return title

    def _label(self, name: str) -> str:
        form_class = self.section.form_class
        if issubclass(form_class, ForThePatient):
            return form_class.label_for(name, self.case)
        return str(form_class.base_fields[name].label)

    @property
    def edit_url(self) -> str:
        return reverse(self.section.url_name, kwargs={"case_id": self.case.pk})

    @property
    def host_url(self) -> str:
        page = reverse(self.section.page, kwargs={"case_id": self.case.pk})
        return f"{page}#section-{self.section.key}"


def section_views(case: Case, page: str, opinion: Opinion | None = None) -> list[SectionView]:
    """The sections a page shows, in the registry's order."""
    sections = [s for s in SECTIONS.values() if s.page == page]
    if opinion is None and any(s.on_opinion for s in sections):
        opinion = case.current_opinion()
    return [SectionView(s, case, s.obj(case, opinion)) for s in sections]
