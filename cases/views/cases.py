"""Creating, viewing, editing and deleting a case."""

from __future__ import annotations

import uuid

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cases.access import Need, get_case
from cases.forms.case import NewCaseForm
from cases.http import AuthenticatedHttpRequest
from cases.models import Case
from cases.sections import section_views
from cases.services.cases import create_case
from cases.services.erasure import erase_case
from cases.views import outcomes, packet, sharing
from cases.views.overview import overview_context

# Each concern adds what its panel on the case page needs.
PANELS = [sharing.panel_context, outcomes.panel_context, packet.panel_context]


@require_http_methods(["GET", "POST"])
def case_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NewCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = create_case(owner=request.user, **form.cleaned_data)
        messages.success(request, _("Case created for %(name)s.") % {"name": case.patient_name})
        return redirect(case)
    return render(request, "cases/case_form.html", {"form": form, "title": _("Start a new case")})


@require_safe
def case_detail(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id)
    context = {
        **overview_context(case),
        "sections": section_views(case, "case_detail"),
        "can_edit": case.membership.can_edit,
    }
    for panel in PANELS:
        context.update(panel(request, case, context["opinion"]))
    return render(request, "cases/case_detail.html", context)


@require_http_methods(["GET", "POST"])
def case_delete(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id, Need.OWN)
    return _delete(request, case)


# After the access check, so that nobody but the owner learns anything; allauth then asks
# for the password (or a code) and brings the person back here, their post replayed.
@reauthentication_required
def _delete(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    if request.method == "POST":
        erase_case(case, by=request.user)
        # No name in the message: it waits in the session until shown, and nothing of a
        # deleted case may stay readable anywhere.
        messages.success(request, _("The case has been deleted, with its activity trail."))
        return redirect("dashboard")
    return render(request, "cases/case_delete.html", {"case": case})
