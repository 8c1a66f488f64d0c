"""The step pages lead forward in order, and no step's "back" skips one."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

STEP_URLS = {1: "step_inform", 2: "step_insurance", 3: "records", 4: "step_appointment"}


def _nav_links(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="step-nav".*?</nav>', html, re.S)
    assert nav, "the page has no step navigation"
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav.group(0))


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_each_step_offers_the_next_step_and_the_one_before(owner_client, case, number):
    url = reverse(STEP_URLS[number], kwargs={"case_id": case.pk})
    links = dict(_nav_links(owner_client.get(url).content.decode()))
    if number < 4:
        forward = reverse(STEP_URLS[number + 1], kwargs={"case_id": case.pk})
        assert links[forward].startswith(f"Go to step {number + 1}:")
    if number > 1:
        back = reverse(STEP_URLS[number - 1], kwargs={"case_id": case.pk})
        assert links[back].startswith(f"Back to step {number - 1}:")
    for name in STEP_URLS.values():
        other = reverse(name, kwargs={"case_id": case.pk})
        text = links.get(other, "")
        step = re.match(r"(?:Go|Back) to step (\d)", text)
        assert not step or abs(int(step.group(1)) - number) == 1, f"{text} skips a step"
    assert case.get_absolute_url() in links
