"""Bad input never breaks a page: every case URL answers junk with a message, not a 500.

For each URL the access policy test knows, the owner posts every field of the page's
forms filled with values no form should accept (too long, not a date, not a number,
not a choice), then an empty form, then the same junk through htmx.
"""

from __future__ import annotations

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from tests.test_access_policy import URL_NAMES, _kwargs_for

# Leaving or deleting would end the owner's access before the other payloads run.
ENDS_ACCESS = {"case_delete", "case_leave"}
JUNK = {
    forms.DateField: "31/02/2026",
    forms.DateTimeField: "tomorrow-ish",
    forms.DecimalField: "12,34,5.6.7",
    forms.IntegerField: "many",
    forms.EmailField: "not an email",
    forms.ChoiceField: "no-such-choice",
    forms.MultipleChoiceField: "no-such-choice",
    forms.BooleanField: "maybe",
}


def _junk_for(field: forms.Field) -> str:
    for kind, value in JUNK.items():
        if isinstance(field, kind):
            return value
    return "x" * 5000


def _forms_in(context) -> list[forms.BaseForm]:
    found = []
    for ctx in context or []:
        for value in ctx.flatten().values() if hasattr(ctx, "flatten") else []:
            if isinstance(value, forms.BaseForm) and value not in found:
                found.append(value)
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in URL_NAMES if n not in ENDS_ACCESS])
def test_junk_input_gets_an_answer_not_a_server_error(owner_client: Client, case, name):
    url = reverse(name, kwargs=_kwargs_for(name, case))
    page = owner_client.get(url)
    assert page.status_code < 500, name
    junk: dict[str, str] = {}
    for form in _forms_in(page.context):
        for bound in form:
            junk[bound.html_name] = _junk_for(bound.field)
    for payload, headers in ((junk, {}), ({}, {}), (junk, {"HTTP_HX_REQUEST": "true"})):
        response = owner_client.post(url, payload, **headers)
        assert response.status_code < 500, (name, payload.keys())
