"""Each member's choice of email reminders, and the one-click unsubscribe link."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cases.access import Need, get_case
from cases.forms.reminders import ReminderChoiceForm
from cases.services.reminders import first_name, membership_from_token


@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Any member chooses for themselves, whatever their role."""
    case = get_case(request, case_id, Need.VIEW)
    membership = case.membership
    form = ReminderChoiceForm(
        request.POST if request.method == "POST" else None,
        initial={"reminders": "yes" if membership.wants_reminders else "no"},
    )
    if request.method == "POST" and form.is_valid():
        on = form.cleaned_data["reminders"]
        membership.choose_reminders(on)
        messages.success(
            request,
            _("You will get email reminders about this case.")
            if on
            else _("You will not get email reminders about this case."),
        )
        return redirect(case)
    context = {"case": case, "form": form, "membership": membership}
    return render(request, "cases/reminders/settings.html", context)


# A link from an email: it works signed out, and mail providers POST to it for
# one-click unsubscribe (RFC 8058) without a CSRF token. The signed token is the
# authority, and all it can do is change this one person's choice for this one case.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    membership = membership_from_token(token)
    if membership is None:
        return render(
            request,
            "cases/sharing/invitation_problem.html",
            {
                "title": _("This link does not work"),
                "body": _(
                    "The link may be incomplete, or you no longer have access to the "
                    "case. Sign in to change your email reminders from the case."
                ),
            },
            status=404,
        )
    context = {
        "token": token,
        "first_name": first_name(membership.case.patient_name),
        "case": membership.case,
    }
    if request.method == "POST":
        on = request.POST.get("action") == "resubscribe"
        membership.choose_reminders(on)
        context["on"] = on
        return render(request, "cases/reminders/unsubscribed.html", context)
    return render(request, "cases/reminders/unsubscribe.html", context)
