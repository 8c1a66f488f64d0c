"""The records-request letter in a real browser, without JavaScript, by keyboard alone."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import RecordRequest
from tests.factories import PASSWORD, make_case, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.without_javascript]


def test_a_letter_is_written_and_marked_sent_with_the_keyboard(page, axe_check, login):
    owner = make_user("alice@example.org")
    case = make_case(owner)
    case.current_opinion().records.update(source="Riverside Community Hospital")
    login("alice@example.org", PASSWORD)
    axe_check("dashboard")
    page.goto(f"/cases/{case.pk}/records/")
    axe_check("records with a place to write to")

    button = page.get_by_role("button", name="Write the letter to Riverside Community Hospital")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Records request letter")
    axe_check("the letter")
    expect(page.get_by_label("The letter as text")).to_contain_text("Patient: Maria Lopez")

    # Nothing filled in: the errors say what to do, at the field.
    page.get_by_label("When did you send it?").fill("")
    page.get_by_role("button", name="Mark as sent").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_contain_text("Enter the date you sent the letter")
    axe_check("the letter with errors")

    page.get_by_label("When did you send it?").fill(timezone.localdate().isoformat())
    page.get_by_label("Through the patient portal").check()
    page.get_by_role("button", name="Mark as sent").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".letter-clock")).to_contain_text("30 days left")
    axe_check("the letter, sent")
    assert RecordRequest.objects.get().sent_how == "portal"

    page.get_by_role("link", name="Back to the medical records").click()
    expect(page.locator(".letters")).to_contain_text("30 days left")
    axe_check("records with the clock")
