"""Creating, viewing, editing and deleting a case."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cases import fragments
from cases.access import Need, get_case
from cases.forms.case import NewCaseForm
from cases.http import AuthenticatedHttpRequest
from cases.models import Case
from cases.sections import section_views
from cases.services.cases import create_case
from cases.services.erasure import erase_case
from cases.views import outcomes, packet, sharing
from cases.views.overview import overview_context


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
    # The roadmap's queries run only if a part below is not kept (cases/fragments.py).
    overview = functools.cache(lambda: overview_context(case))
    paper = packet.paper(request)
    context = {
        "case": case,
        "can_edit": case.membership.can_edit,
        "top_html": fragments.cached(
            request, case, f"case-top-{paper}", lambda: _top(request, case, overview())
        ),
        "sections_html": fragments.cached(
            request, case, "case-sections", lambda: _sections(request, case, overview())
        ),
        **packet.panel_context(request, case),
    }
    return render(request, "cases/case_detail.html", context)


def _top(request: AuthenticatedHttpRequest, case: Case, overview: dict[str, Any]) -> str:
    """The overview, who can see the case, and where the opinion stands."""
    context = {
        **overview,
        **sharing.panel_context(request, case),
        **outcomes.panel_context(request, case, overview["opinion"]),
    }
    return render_to_string("cases/case_detail.html#case-top", context, request)


def _sections(request: HttpRequest, case: Case, overview: dict[str, Any]) -> str:
    context = {**overview, "sections": section_views(case, "case_detail", overview["opinion"])}
    return render_to_string("cases/case_detail.html#case-sections", context, request)


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
