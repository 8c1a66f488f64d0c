"""Step 3: the medical-records checklist of the current opinion.

One template serves every state of the list (reading, adding, editing an item,
confirming a removal). Plain requests get the whole page and post/redirect/get;
htmx requests get the ``record-list`` partial, with focus and an announcement.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.access import Need, get_case, get_in_case
from cases.forms.lists import RecordAddForm, RecordEditForm, RecordStatusForm
from cases.htmx import page_or_partial, saved
from cases.models import Case, Opinion, RecordItem
from cases.models.items import RecordStatus
from cases.services.lists import next_position, set_record_status
from cases.views.listing import focus_after_cancel, mark_items
from cases.views.removed import typed_again

TEMPLATE = "cases/records/records.html"
PARTIAL = "record-list"


def _page(
    request: HttpRequest,
    case: Case,
    opinion: Opinion,
    *,
    focus: tuple[int, str] | None = None,
    editing: RecordItem | None = None,
    edit_form: RecordEditForm | None = None,
    removing: RecordItem | None = None,
    add_form: RecordAddForm | None = None,
    failed_form: Form | None = None,
) -> dict[str, Any]:
    """Everything the page and its partial need; ``focus`` is (record id, what to focus)."""
    today = dt.date.today()
    records = list(opinion.records.all())
    for record in records:
        record.follow_up_days = (
            (today - record.requested_on).days if record.needs_follow_up(today) else None
        )
    mark_items(records, focus=focus, editing=editing, removing=removing)
    return {
        "case": case,
        "opinion": opinion,
        "records": records,
        "follow_up_count": sum(1 for r in records if r.follow_up_days is not None),
        "can_edit": case.membership.can_edit,
        "add_form": add_form or RecordAddForm(),
        "edit_form": edit_form,
        "form": failed_form,
        "focus_heading": focus is not None and focus[1] == "heading",
        "statuses": RecordStatus.choices,
    }


def _list_url(case: Case, record: RecordItem | None = None) -> str:
    url = reverse("records", kwargs={"case_id": case.pk})
    return f"{url}#record-{record.pk}" if record else url


def _saved(request, case, opinion, message: str, record=None, **page) -> HttpResponse:
    return saved(
        request,
        message=message,
        redirect_to=_list_url(case, record),
        template=TEMPLATE,
        partial=PARTIAL,
        context=_page(request, case, opinion, **page),
    )


def _get_record(case: Case, opinion: Opinion, record_id: int) -> RecordItem:
    # Only the current opinion's checklist is on this page; earlier ones are history.
    return get_in_case(case, opinion.records.all(), record_id)


@require_safe
def record_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id)
    opinion = case.current_opinion()
    focus = focus_after_cancel(request)
    return page_or_partial(request, TEMPLATE, PARTIAL, _page(request, case, opinion, focus=focus))


@require_POST
def record_add(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    opinion = case.current_opinion()
    form = RecordAddForm(request.POST)
    if not form.is_valid():
        context = _page(request, case, opinion, add_form=form, failed_form=form)
        return page_or_partial(request, TEMPLATE, PARTIAL, context)
    record = form.save(commit=False)
    record.opinion = opinion
    record.position = next_position(opinion.records.all())
    record.save()
    return _saved(
        request, case, opinion, f"Added ‘{record.name}’", record, focus=(record.pk, "name")
    )


@require_POST
def record_status(request: HttpRequest, case_id: uuid.UUID, record_id: int) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    opinion = case.current_opinion()
    record = _get_record(case, opinion, record_id)
    form = RecordStatusForm(request.POST, auto_id=f"record-{record.pk}-%s")
    if form.is_valid():
        with transaction.atomic():
            record = RecordItem.objects.select_for_update().get(pk=record.pk)
            was, new = form.cleaned_data["was"], form.cleaned_data["status"]
            if was and record.status not in (was, new):
                form.add_error(
                    "status",
                    f"Someone else marked this ‘{record.get_status_display().lower()}’ while "
                    "you were looking. Check the status shown, then choose again.",
                )
            else:
                set_record_status(record, new)
    if form.errors:
        context = _page(request, case, opinion, focus=(record.pk, "status-error"), failed_form=form)
        context["status_form"] = form
        return page_or_partial(request, TEMPLATE, PARTIAL, context)
    message = f"Marked ‘{record.name}’ as {record.get_status_display().lower()}"
    return _saved(request, case, opinion, message, record, focus=(record.pk, "status"))


@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, case_id: uuid.UUID, record_id: int) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    opinion = case.current_opinion()
    try:
        record = _get_record(case, opinion, record_id)
    except Http404:
        again = typed_again(
            request, case, RecordItem, record_id, RecordAddForm, f"record-{record_id}"
        )
        context = _page(request, case, opinion, add_form=again, failed_form=again)
        return page_or_partial(request, TEMPLATE, PARTIAL, context)
    form = RecordEditForm(request.POST or None, instance=record, prefix=f"record-{record.pk}")
    form.fields["name"].widget.attrs["data-focus"] = True
    if request.method == "POST" and form.is_valid() and form.save_guarded():
        return _saved(
            request, case, opinion, f"Saved ‘{record.name}’", record, focus=(record.pk, "edit")
        )
    context = _page(
        request,
        case,
        opinion,
        focus=(record.pk, "form"),
        editing=record,
        edit_form=form,
        failed_form=form if form.errors else None,
    )
    return page_or_partial(request, TEMPLATE, PARTIAL, context)


@require_http_methods(["GET", "POST"])
def record_remove(request: HttpRequest, case_id: uuid.UUID, record_id: int) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    opinion = case.current_opinion()
    record = _get_record(case, opinion, record_id)
    if request.method == "POST":
        name = record.name
        record.delete()
        return _saved(request, case, opinion, f"Removed ‘{name}’", focus=(0, "heading"))
    context = _page(request, case, opinion, focus=(record.pk, "confirm"), removing=record)
    return page_or_partial(request, TEMPLATE, PARTIAL, context)
