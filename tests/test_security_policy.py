"""Security rules checked across every case URL the resolver knows, not view by view."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from tests.test_access_policy import URL_NAMES, _kwargs_for


@pytest.mark.django_db
@pytest.mark.parametrize("name", URL_NAMES)
def test_every_case_write_refuses_a_missing_csrf_token(csrf_client, owner, case, name):
    url = reverse(name, kwargs=_kwargs_for(name, case))
    response = csrf_client(owner).post(url, {"anything": "x"})
    assert response.status_code in (403, 405), (name, response.status_code)
    if response.status_code == 403:
        assert b"CSRF" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("name", URL_NAMES)
def test_every_case_page_is_never_stored_and_has_a_strict_csp(owner_client, case, name):
    url = reverse(name, kwargs=_kwargs_for(name, case))
    response = owner_client.get(url)
    assert "no-store" in response["Cache-Control"], name
    # Said once, by the middleware: one URL serves a page and its htmx partial.
    assert [v.strip() for v in response["Vary"].split(",")].count("HX-Request") == 1, name
    csp = response.get("Content-Security-Policy", "")
    if response.get("Content-Type", "").startswith("text/html"):
        assert "script-src 'self'" in csp, name
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


@pytest.mark.django_db
def test_no_health_data_reaches_the_logs(owner_client, stranger_client, case, caplog):
    """Errors and refusals are logged by path, and paths hold only opaque ids."""
    caplog.set_level(logging.DEBUG)
    detail = reverse("case_detail", kwargs={"case_id": case.pk})
    owner_client.get(detail)
    stranger_client.get(detail)  # 404, logged by django.request
    owner_client.post(reverse("case_create"), {"patient_name": "Maria Lopez"})  # invalid form
    owner_client.post(
        reverse("case_create"),
        {"patient_name": "Maria Lopez", "relationship": "self", "condition": "Secret condition"},
    )
    assert "Not Found" in caplog.text  # the refusal was logged...
    for private in ("Maria", "Lopez", "breast", "cancer", "Secret condition"):
        assert private not in caplog.text  # ...without the patient's details
