"""Editing one section (cases/sections.py): a page of its own, or in place with htmx."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import fragments
from cases.access import Need, get_case
from cases.htmx import page_or_partial, saved
from cases.http import AuthenticatedHttpRequest
from cases.models import Case, Opinion
from cases.sections import SECTIONS, Section, SectionView
from cases.views.overview import overview_context

TEMPLATE = "cases/steps/section.html"


@require_http_methods(["GET", "POST"])
def section_edit(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, section: str
) -> HttpResponse:
    """Show or save one section: a page of its own, or the form in place for htmx."""
    case = get_case(request, case_id, Need.EDIT)
    spec = SECTIONS[section]
    obj = spec.obj(case)
    if request.htmx and request.method == "GET" and "view" in request.GET:
        # "Cancel" in place: the summary again, unchanged.
        sv = SectionView(spec, case, obj, focus=True)
        return render(request, f"{TEMPLATE}#section-view", {"sv": sv, "case": case})
    if request.method == "POST":
        form = spec.form_class(request.POST, instance=obj)
        if form.is_valid() and form.save_guarded():
            return _saved(request, spec, case, obj)
        fields = str(form)
    else:
        # Blank, the form's fields are kept HTML (the form is built only if they are
        # not); the templates look at a blank form no further than ``bound``.
        form = None
        fields = _blank_fields(request, case, spec, obj)
    context = {
        "sv": SectionView(spec, case, obj),
        "case": case,
        "bound": form is not None,
        "form": form or SimpleLazyObject(lambda: spec.form_class(instance=obj)),
        "fields": fields,
    }
    return page_or_partial(request, TEMPLATE, "section-form", context)


def _blank_fields(
    request: AuthenticatedHttpRequest, case: Case, spec: Section, obj: Case | Opinion
) -> str:
    """The blank form's fields show this revision of the case, the same on every visit,
    and hold no token (the form tag around them does): kept (cases/fragments.py)."""

    def build() -> str:
        form = spec.form_class(instance=obj)
        if request.htmx:
            _focus_first_field(form)
        return str(form)

    where = "in-place" if request.htmx else "page"
    return fragments.cached(request, case, f"section-form-{spec.key}-{where}", build)


def _saved(
    request: AuthenticatedHttpRequest, spec: Section, case: Case, obj: Case | Opinion
) -> HttpResponse:
    sv = SectionView(spec, case, obj, focus=True)
    context: dict[str, Any] = {"sv": sv, "case": case}
    if request.htmx and spec.page == "case_detail":
        # A new start-by date or diagnosis changes the warnings and the roadmap above:
        # the partial sends a fresh overview along, swapped in out of band.
        context.update(overview_context(case), with_overview=True)
    return saved(
        request,
        message=_("%(section)s saved.") % {"section": sv.title},
        redirect_to=sv.host_url,
        template=TEMPLATE,
        partial="section-saved",
        context=context,
    )


def _focus_first_field(form: forms.BaseForm) -> None:
    """The form swapped in: start typing in its first field."""
    first = next(iter(form.visible_fields()))
    first.field.widget.attrs["data-focus"] = ""
