"""When someone removes an item while another person is editing it.

The second person's save finds nothing to save. Rather than a bare 404 that throws away
what they typed, the list comes back with their text in the "add" form and a message
saying what happened, so they can add it again if it is still needed.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.http import Http404, HttpRequest, QueryDict
from django.utils.translation import gettext_lazy

from cases.audit import was_removed
from cases.models import Case

MESSAGE = gettext_lazy(
    "Someone else removed this while you were editing it. What you typed is in the form "
    "below: add it again if it is still needed."
)


def typed_again(
    request: HttpRequest,
    case: Case,
    model: type[models.Model],
    pk: int,
    add_form_class: type[forms.Form | forms.ModelForm],
    prefix: str,
) -> forms.BaseForm:
    """The add form holding what was typed into the vanished item's edit form.

    Raises Http404 unless this was a save of an item removed from this very case.
    """
    if request.method != "POST" or not was_removed(case, model, pk):
        raise Http404
    data = QueryDict(mutable=True)
    for name in add_form_class.base_fields:
        data[name] = request.POST.get(f"{prefix}-{name}", "")
    form = add_form_class(data)
    form.is_valid()
    form.add_error(None, MESSAGE)
    return form
