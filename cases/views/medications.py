"""The medication list of a case, in the order the person wants the doctor to read it.

Same shape as the records page: one template for every state of the list, the whole
page for plain requests (post/redirect/get), the ``medication-list`` partial for htmx.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.access import Need, get_case, get_in_case
from cases.forms.lists import MedicationEditForm, MedicationForm
from cases.htmx import page_or_partial, saved
from cases.models import Case, Medication
from cases.services.lists import move, next_position
from cases.views.listing import focus_after_cancel, mark_items
from cases.views.removed import typed_again

TEMPLATE = "cases/medications/medications.html"
PARTIAL = "medication-list"


def _page(
    request: HttpRequest,
    case: Case,
    *,
    focus: tuple[int, str] | None = None,
    editing: Medication | None = None,
    edit_form: MedicationEditForm | None = None,
    removing: Medication | None = None,
    add_form: MedicationForm | None = None,
    failed_form: Form | None = None,
) -> dict[str, Any]:
    """Everything the page and its partial need; ``focus`` is (medication id, what to focus)."""
    medications = list(case.medications.all())
    mark_items(medications, focus=focus, editing=editing, removing=removing)
    return {
        "case": case,
        "medications": medications,
        "can_edit": case.membership.can_edit,
        "add_form": add_form or MedicationForm(),
        "edit_form": edit_form,
        "form": failed_form,
        "focus_heading": focus is not None and focus[1] == "heading",
    }


def _list_url(case: Case, med: Medication | None = None) -> str:
    url = reverse("medications", kwargs={"case_id": case.pk})
    return f"{url}#medication-{med.pk}" if med else url


def _saved(request, case, message: str, med=None, **page) -> HttpResponse:
    return saved(
        request,
        message=message,
        redirect_to=_list_url(case, med),
        template=TEMPLATE,
        partial=PARTIAL,
        context=_page(request, case, **page),
    )


@require_safe
def medication_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id)
    focus = focus_after_cancel(request)
    return page_or_partial(request, TEMPLATE, PARTIAL, _page(request, case, focus=focus))


@require_POST
def medication_add(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    form = MedicationForm(request.POST)
    if not form.is_valid():
        context = _page(request, case, add_form=form, failed_form=form)
        return page_or_partial(request, TEMPLATE, PARTIAL, context)
    med = form.save(commit=False)
    med.case = case
    med.position = next_position(case.medications.all())
    med.save()
    return _saved(request, case, f"Added ‘{med.name}’", med, focus=(med.pk, "name"))


@require_http_methods(["GET", "POST"])
def medication_edit(request: HttpRequest, case_id: uuid.UUID, medication_id: int) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    try:
        med = get_in_case(case, Medication.objects.all(), medication_id)
    except Http404:
        again = typed_again(
            request, case, Medication, medication_id, MedicationForm, f"medication-{medication_id}"
        )
        context = _page(request, case, add_form=again, failed_form=again)
        return page_or_partial(request, TEMPLATE, PARTIAL, context)
    form = MedicationEditForm(request.POST or None, instance=med, prefix=f"medication-{med.pk}")
    form.fields["name"].widget.attrs["data-focus"] = True
    if request.method == "POST" and form.is_valid() and form.save_guarded():
        return _saved(request, case, f"Saved ‘{med.name}’", med, focus=(med.pk, "edit"))
    context = _page(
        request,
        case,
        editing=med,
        edit_form=form,
        failed_form=form if form.errors else None,
    )
    return page_or_partial(request, TEMPLATE, PARTIAL, context)


@require_POST
def medication_move(request: HttpRequest, case_id: uuid.UUID, medication_id: int) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    med = get_in_case(case, Medication.objects.all(), medication_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest("Choose “Move up” or “Move down”.")
    siblings = case.medications.all()
    if move(med, siblings, direction):
        message = f"Moved ‘{med.name}’ {direction}"
    else:
        message = f"‘{med.name}’ is already at the {'top' if direction == 'up' else 'bottom'}"
    return _saved(request, case, message, med, focus=(med.pk, f"move-{direction}"))


@require_http_methods(["GET", "POST"])
def medication_remove(request: HttpRequest, case_id: uuid.UUID, medication_id: int) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    med = get_in_case(case, Medication.objects.all(), medication_id)
    if request.method == "POST":
        name = med.name
        med.delete()
        return _saved(request, case, f"Removed ‘{name}’", focus=(0, "heading"))
    context = _page(request, case, removing=med)
    return page_or_partial(request, TEMPLATE, PARTIAL, context)
