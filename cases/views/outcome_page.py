"""What the specialist said: the outcome form, and the follow-up actions below it.

The actions are a list like the others: added and marked done in place with htmx,
and removed only after the same question, in place (cases/lists/_controls.html).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import limits
from cases.access import Need, get_case, get_in_case
from cases.forms.outcomes import FollowUpActionForm, OutcomeForm
from cases.htmx import page_or_partial, saved
from cases.http import AuthenticatedHttpRequest
from cases.limits import ListFull
from cases.models import Case, FollowUpAction, Opinion
from cases.services.lists import save_within
from cases.views.entries import Entry, Focus, focus_after_cancel, make_entries

TEMPLATE = "cases/outcomes/outcome.html"
PARTIAL = "actions-section"


def _url(case: Case, opinion: Opinion) -> str:
    return reverse("opinion_outcome", kwargs={"case_id": case.pk, "opinion_id": opinion.pk})


def _actions(
    case: Case, opinion: Opinion, focus: Focus, removing: FollowUpAction | None
) -> list[Entry]:
    """The follow-up actions as a list shows them, each with its remove control."""

    def urls(action: FollowUpAction) -> dict[str, str]:
        kwargs = {"case_id": case.pk, "action_id": action.pk}
        return {"remove": reverse("outcome_action_remove", kwargs=kwargs)}

    return make_entries(
        opinion.actions.all(),
        label=lambda action: action.description,
        prefix="action",
        urls=urls,
        list_url=_url(case, opinion),
        list_name=_("the things to do"),
        focus=focus,
        removing=removing,
    )


def _context(
    case: Case,
    opinion: Opinion,
    *,
    form: OutcomeForm | None = None,
    action_form: FollowUpActionForm | None = None,
    focus: Focus = None,
    removing: FollowUpAction | None = None,
) -> dict[str, Any]:
    actions = _actions(case, opinion, focus, removing)
    return {
        "case": case,
        "opinion": opinion,
        "form": form or OutcomeForm(instance=opinion, questions=opinion.questions.all()),
        "action_form": action_form or FollowUpActionForm(),
        "actions": actions,
        # A refused action keeps its form, so the message stays at its field.
        "actions_full": None
        if action_form is not None or limits.has_room("actions", len(actions))
        else limits.full_message("actions"),
    }


def _page(
    request: AuthenticatedHttpRequest, case: Case, opinion: Opinion, **state: Any
) -> HttpResponse:
    """The whole page, or for htmx the follow-up actions alone."""
    return page_or_partial(request, TEMPLATE, PARTIAL, _context(case, opinion, **state))


def _actions_saved(
    request: AuthenticatedHttpRequest, case: Case, opinion: Opinion, message: str
) -> HttpResponse:
    return saved(
        request,
        message=message,
        redirect_to=_url(case, opinion) + "#follow-up-actions",
        template=TEMPLATE,
        partial=PARTIAL,
        context={**_context(case, opinion), "actions_saved": True},
    )


@require_http_methods(["GET", "POST"])
def outcome(request: AuthenticatedHttpRequest, case_id: uuid.UUID, opinion_id: int) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    opinion = get_in_case(case, Opinion.objects.all(), opinion_id)
    form = OutcomeForm(request.POST or None, instance=opinion, questions=opinion.questions.all())
    if request.method == "POST" and form.is_valid() and form.save_guarded():
        messages.success(
            request,
            _(
                "Saved what the %(ordinal)s opinion said. "
                "Add anything you need to do next, then compare the opinions."
            )
            % {"ordinal": opinion.ordinal.lower()},
        )
        return redirect(_url(case, opinion))
    return _page(request, case, opinion, form=form, focus=focus_after_cancel(request))


@require_POST
def action_add(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, opinion_id: int
) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    opinion = get_in_case(case, Opinion.objects.all(), opinion_id)
    action_form = FollowUpActionForm(request.POST)
    if action_form.is_valid():
        action_form.instance.opinion = opinion
        try:
            save_within(
                action_form.instance, opinion.actions.all(), case_id=case.pk, limit="actions"
            )
        except ListFull as exc:
            action_form.add_error("description", str(exc))
    if action_form.errors:
        return _page(request, case, opinion, action_form=action_form)
    return _actions_saved(request, case, opinion, _("Follow-up action added."))


@require_POST
def action_done(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, action_id: int
) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    action = get_in_case(case, FollowUpAction.objects.select_related("opinion"), action_id)
    # The button says what the person wants ("Mark as done"), so a click on a page shown
    # before someone else ticked the same action leaves it done instead of undoing theirs.
    wanted = request.POST.get("done")
    if wanted not in ("yes", "no"):
        return HttpResponseBadRequest(_("Choose “Mark as done” or “Mark as not done”."))
    action.done = wanted == "yes"
    action.save(update_fields=["done"])
    message = _("Marked as done.") if action.done else _("Marked as not done.")
    return _actions_saved(request, case, action.opinion, message)


@require_http_methods(["GET", "POST"])
def action_remove(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, action_id: int
) -> HttpResponse:
    """GET asks first, in the list (on the whole page without JavaScript); POST removes."""
    case = get_case(request, case_id, Need.EDIT)
    action = get_in_case(case, FollowUpAction.objects.select_related("opinion"), action_id)
    if request.method == "POST":
        action.delete()
        return _actions_saved(request, case, action.opinion, _("Follow-up action removed."))
    return _page(request, case, action.opinion, focus=(action.pk, "confirm"), removing=action)
