"""What every page of a case shares, checked across every case URL the resolver knows."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.test_access_policy import URL_NAMES, _kwargs_for

CRUMBS = re.compile(r'<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>(.*?)</ol></nav>')


@pytest.mark.django_db
def test_every_case_page_leads_back_through_the_case(owner_client, case):
    pages = []
    for name in URL_NAMES:
        response = owner_client.get(reverse(name, kwargs=_kwargs_for(name, case)))
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue  # a redirect, a PDF, a calendar file
        (crumbs,) = CRUMBS.findall(response.content.decode())
        assert crumbs.startswith('<li><a href="/">Your cases</a></li>'), name
        assert crumbs.count('aria-current="page"') == 1, name
        if name != "case_detail":
            assert f'<a href="{case.get_absolute_url()}">{case.patient_name}</a>' in crumbs, name
        pages.append(name)
    assert len(pages) >= 25, pages
