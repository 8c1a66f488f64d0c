"""Step 2: checking insurance and referral, and the log of calls to the insurer.

The step's sections are edited through cases/views/sections.py; the call log is added
to and removed from here, in place with htmx or with the whole page without it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import limits
from cases.access import Need, get_case, get_in_case
from cases.display import date_text
from cases.forms.roadmap import CallForm
from cases.htmx import saved
from cases.http import AuthenticatedHttpRequest
from cases.limits import ListFull
from cases.models import Case, InsuranceCall, Opinion
from cases.services.lists import save_within
from cases.views.entries import Entry, Focus, focus_after_cancel, make_entries
from cases.views.roadmap import step_page

TEMPLATE = "cases/steps/insurance.html"
REMOVE_HINT = gettext_lazy(
    "The reference number may be needed if the insurer later disagrees about what they told you."
)


def _entries(
    case: Case, opinion: Opinion, *, focus: Focus, removing: InsuranceCall | None
) -> list[Entry]:
    def urls(call: InsuranceCall) -> dict[str, str]:
        if not case.membership.can_edit:
            return {}
        return {"remove": reverse("call_delete", kwargs={"case_id": case.pk, "call_id": call.pk})}

    entries = make_entries(
        opinion.calls.all(),
        label=lambda call: date_text(call.called_on),
        name=lambda call: _("the call on %(date)s") % {"date": date_text(call.called_on)},
        prefix="call",
        urls=urls,
        list_url=reverse("step_insurance", kwargs={"case_id": case.pk}),
        list_name=_("the log"),
        focus=focus,
        removing=removing,
    )
    for entry in entries:
        entry.extra["remove_hint"] = REMOVE_HINT
    return entries


def _calls(
    case: Case,
    opinion: Opinion,
    *,
    form: forms.Form | None = None,
    focus: Focus = None,
    removing: InsuranceCall | None = None,
    saved_now: bool = False,
) -> dict[str, Any]:
    calls = _entries(case, opinion, focus=focus, removing=removing)
    return {
        "calls": calls,
        "call_form": form or CallForm(prefix="call"),
        # A refused call keeps its form, so the message stays at its field.
        "calls_full": None
        if form is not None or limits.has_room("calls", len(calls))
        else limits.full_message("calls"),
        "can_edit": case.membership.can_edit,
        "focus_calls": saved_now,
    }


def _page(request: AuthenticatedHttpRequest, case: Case, **calls: Any) -> HttpResponse:
    """The step page, or for htmx just its call log."""
    opinion = case.current_opinion()
    context = _calls(case, opinion, **calls)
    if request.htmx:
        return render(request, f"{TEMPLATE}#calls", {"case": case, **context})
    return step_page(request, case, "step_insurance", TEMPLATE, opinion, **context)


def _saved(request: AuthenticatedHttpRequest, case: Case, message: str) -> HttpResponse:
    return saved(
        request,
        message=message,
        redirect_to=reverse("step_insurance", kwargs={"case_id": case.pk}) + "#calls",
        template=TEMPLATE,
        partial="calls",
        context={"case": case, **_calls(case, case.current_opinion(), saved_now=True)},
    )


@require_safe
def step_insurance(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id)
    return _page(request, case, focus=focus_after_cancel(request))


@require_POST
def call_add(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    form = CallForm(request.POST, prefix="call")
    if form.is_valid():
        opinion = case.current_opinion()
        form.instance.opinion = opinion
        try:
            save_within(form.instance, opinion.calls.all(), case_id=case.pk, limit="calls")
        except ListFull as exc:
            form.add_error("called_on", str(exc))
    if form.errors:
        return _page(request, case, form=form)
    return _saved(request, case, _("Call added to the log."))


@require_http_methods(["GET", "POST"])
def call_delete(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, call_id: int
) -> HttpResponse:
    """GET asks first, in the log (on the whole page without JavaScript); POST removes."""
    case = get_case(request, case_id, Need.EDIT)
    call = get_in_case(case, case.current_opinion().calls.all(), call_id)
    if request.method == "POST":
        call.delete()
        return _saved(request, case, _("Call removed from the log."))
    return _page(request, case, focus=(call.pk, "confirm"), removing=call)
