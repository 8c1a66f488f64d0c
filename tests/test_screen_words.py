"""Words that fit: a summary says what its form said about an empty choice."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_unanswered_yes_no_reads_not_known_yet_as_its_form_offered(owner_client, case):
    html = owner_client.get(reverse("step_insurance", kwargs={"case_id": case.pk})).content
    text = re.sub(r"\s+", " ", html.decode())
    assert re.search(r"Is the specialist in network\?</dt> ?<dd>Not known yet</dd>", text)
