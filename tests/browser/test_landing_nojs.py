"""Without JavaScript, Edit, Remove and a failed form land the person where they act.

The whole page comes back, so a link or form that leaves them at the top of a long page,
with the form far below, loses them: each lands at the form, the question or the error
summary, through a fragment the browser scrolls to.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.item_lists import LISTS
from cases.models import FollowUpAction, InsuranceCall, Medication, RecordItem
from tests.factories import PASSWORD, make_case, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.without_javascript]

MANY = 14  # enough items that the last one is far below the top of the page


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1024, "height": 600},
    }


def _lands_at(page: Page, dom_id: str) -> None:
    assert urlsplit(page.url).fragment == dom_id
    expect(page.locator(f"#{dom_id}")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0, "the page did not move to the item"


def test_edit_and_remove_on_a_long_list_land_at_the_item(page, axe_check, login):
    owner = make_user("alice@example.org")
    case = make_case(owner)
    meds = [
        Medication.objects.create(case=case, name=f"Medicine {i}", dose="10 mg", position=i)
        for i in range(MANY)
    ]
    last = meds[-1]
    login("alice@example.org", PASSWORD)
    axe_check("dashboard")
    page.goto(reverse(LISTS["medications"].url_name("list"), kwargs={"case_id": case.pk}))
    axe_check("medications")

    page.get_by_role("link", name="Edit ‘Medicine 13’").click()
    _lands_at(page, f"medication-{last.pk}")
    expect(page.get_by_role("heading", name="Edit ‘Medicine 13’")).to_be_in_viewport()
    axe_check("editing the last medicine")

    page.get_by_role("link", name="Cancel editing ‘Medicine 13’").click()
    _lands_at(page, f"medication-{last.pk}")
    axe_check("after cancel")

    page.get_by_role("button", name="Remove ‘Medicine 13’").click()
    _lands_at(page, f"medication-{last.pk}")
    expect(page.get_by_text("Are you sure you want to remove ‘Medicine 13’")).to_be_in_viewport()
    axe_check("asked before removing")
    page.get_by_role("link", name="No, keep it").click()
    _lands_at(page, f"medication-{last.pk}")
    axe_check("kept")


def test_a_record_edit_with_an_error_lands_at_the_error_summary(page, axe_check, login):
    owner = make_user("alice@example.org")
    case = make_case(owner)
    opinion = case.current_opinion()
    records = [RecordItem.objects.create(opinion=opinion, name=f"Scan {i}") for i in range(MANY)]
    login("alice@example.org", PASSWORD)
    axe_check("dashboard")
    page.goto(reverse(LISTS["records"].url_name("list"), kwargs={"case_id": case.pk}))
    axe_check("records")

    page.get_by_role("link", name="Edit ‘Scan 13’").click()
    _lands_at(page, f"record-{records[-1].pk}")
    axe_check("editing the last record")
    page.locator(f"#id_record-{records[-1].pk}-name").fill("")
    page.get_by_role("button", name="Save").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Enter the name of the record")
    expect(summary).to_be_in_viewport()
    axe_check("record edit with an error")


def test_failed_forms_low_on_a_page_land_at_their_error_summary(page, axe_check, login):
    owner = make_user("alice@example.org")
    case = make_case(owner)
    opinion = case.current_opinion()
    today = timezone.localdate()
    for i in range(MANY):
        InsuranceCall.objects.create(opinion=opinion, called_on=today - dt.timedelta(days=i))
        FollowUpAction.objects.create(opinion=opinion, description=f"Action {i}")
    login("alice@example.org", PASSWORD)
    axe_check("dashboard")

    page.goto(reverse("step_insurance", kwargs={"case_id": case.pk}))
    axe_check("step 2")
    page.get_by_role("button", name="Add call").click()
    expect(page.locator("#calls [data-error-summary]")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0
    axe_check("call form with an error")

    page.goto(reverse("opinion_outcome", kwargs={"case_id": case.pk, "opinion_id": opinion.pk}))
    axe_check("outcome page")
    page.get_by_role("button", name="Add action").click()
    expect(page.locator("#action-add [data-error-summary]")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0
    axe_check("follow-up action with an error")
