"""A section's "Change" page opened on its own (a new tab) goes back to its host page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.sections import SECTIONS
from tests.factories import PASSWORD, make_case, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_save_and_cancel_on_a_change_page_of_its_own_return_to_the_case(page, axe_check, login):
    owner = make_user("alice@example.org")
    case = make_case(owner)
    login("alice@example.org", PASSWORD)
    axe_check("dashboard")
    edit_url = reverse(SECTIONS["diagnosis"].url_name, kwargs={"case_id": case.pk})
    case_url = reverse("case_detail", kwargs={"case_id": case.pk})

    page.goto(edit_url)  # as if "Change diagnosis" were opened in a new tab
    axe_check("diagnosis page")
    page.get_by_role("link", name="Cancel changes to diagnosis").click()
    expect(page).to_have_url(f"{page.url.split('/cases/')[0]}{case_url}#section-diagnosis")
    axe_check("case page after cancel")

    page.goto(edit_url)
    axe_check("diagnosis page again")
    page.get_by_label("Diagnosis or condition").fill("Stage 1 breast cancer")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{page.url.split('/cases/')[0]}{case_url}#section-diagnosis")
    expect(page.get_by_role("heading", level=1)).to_have_text(case.patient_name)
    expect(page.locator("#section-diagnosis")).to_contain_text("Stage 1 breast cancer")
    assert page.locator("#section-diagnosis-title").count() == 1
    axe_check("case page after saving")
