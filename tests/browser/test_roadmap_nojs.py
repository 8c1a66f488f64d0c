"""Step 2 without JavaScript: plain forms, post/redirect/get, errors on the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_case, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.without_javascript]


def test_insurance_step_works_without_javascript(page, axe_check, login):
    owner = make_user("alice@example.org")
    case = make_case(owner)
    login("alice@example.org", PASSWORD)
    axe_check("dashboard")
    page.goto(f"/cases/{case.pk}/")
    axe_check("case page")
    page.get_by_role("link", name="2. Check insurance and referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Step 2: Check insurance and referral"
    )
    axe_check("step 2")

    page.get_by_role("link", name="Change insurance policy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your insurance policy")
    axe_check("policy form page")
    page.get_by_label("Insurer", exact=True).fill("Acme Health")
    page.get_by_label("Member ID").fill("XJ123456789")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your insurance policy saved.")).to_be_visible()
    expect(page.locator("#section-policy")).to_contain_text("•••••••6789")
    axe_check("step 2 after saving the policy")

    page.get_by_role("link", name="Change coverage and cost").click()
    page.get_by_label("Covered", exact=True).check()
    page.get_by_label("Estimated out-of-pocket cost").fill("lots")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Enter an amount in dollars, for example 250 or 1,250.50"
    )
    expect(page.get_by_label("Estimated out-of-pocket cost")).to_have_value("lots")
    axe_check("coverage form with an error")
    page.get_by_label("Estimated out-of-pocket cost").fill("$80")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#section-coverage")).to_contain_text("$80.00")
    axe_check("step 2 after saving coverage")

    page.get_by_label("Date of the call").fill("2026-11-03")
    page.get_by_label("Who you spoke with").fill("Dana")
    page.get_by_label("Reference number").fill("REF-778")
    page.get_by_role("button", name="Add call").click()
    expect(page.get_by_text("Call added to the log.")).to_be_visible()
    expect(page.locator("#calls")).to_contain_text("REF-778")
    axe_check("step 2 with a call")
    page.get_by_role("button", name="Remove the call on 3 November 2026").click()
    # Without JavaScript the step page comes back asking, in place of the call's controls.
    expect(page.locator("#calls .item__confirm")).to_have_text(
        "Are you sure you want to remove the call on 3 November 2026 from the log?"
    )
    axe_check("confirm removing the call")
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.get_by_text("Call removed from the log.")).to_be_visible()
    expect(page.locator("#calls")).to_contain_text("No calls noted yet.")
    axe_check("step 2 after removing the call")

    # Steps 1 and 4 read well without JavaScript too; the calendar file is a plain link.
    opinion = case.current_opinion()
    opinion.appointment_at = timezone.make_aware(dt.datetime(2030, 3, 4, 10, 30))
    opinion.save()
    page.goto(f"/cases/{case.pk}/steps/inform-provider/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Step 1: Inform your primary provider"
    )
    axe_check("step 1")
    page.goto(f"/cases/{case.pk}/steps/appointment/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 4: Schedule the appointment")
    expect(page.get_by_role("link", name="Add to calendar")).to_have_attribute(
        "href", f"/cases/{case.pk}/steps/appointment/calendar.ics"
    )
    axe_check("step 4 with an appointment")
