"""The refusals people meet (not found, not allowed, a server error) are pages of the app,
in its layout and in the reader's language, with a way back: never a bare "Not Found"."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_stranger_gets_a_page_not_found_with_a_way_back(stranger_client, case):
    response = stranger_client.get(reverse("case_detail", args=[case.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert '<h1 data-focus tabindex="-1">Page not found</h1>' in page
    assert f'href="{reverse("dashboard")}"' in page
    assert 'lang="en"' in page
    assert case.patient_name not in page  # nothing tells that the case exists


def test_the_page_not_found_speaks_the_readers_language(stranger_client, case):
    response = stranger_client.get(
        reverse("case_detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 404
    page = response.content.decode()
    assert 'lang="es"' in page
    assert "Página no encontrada" in page


def test_a_viewer_refused_a_change_is_told_why_in_plain_words(viewer_client, case):
    response = viewer_client.post(reverse("case_edit", args=[case.pk]), {})
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot do this on this case" in page
    assert "lets you read it but not make this change" in page


def test_a_server_error_page_stands_without_the_request():
    """Django renders 500.html with no request and no context processors."""
    for language, words in (("en", "Sorry, there is a problem"), ("es", "Lo sentimos")):
        with translation.override(language):
            page = render_to_string("500.html")
        assert words in page
        assert f'lang="{language}"' in page
