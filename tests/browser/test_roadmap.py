"""Editing a section of the case in place with htmx, using the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import tab_to
from tests.factories import PASSWORD, make_case, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_caregiver_edits_the_diagnosis_in_place_with_the_keyboard(page, axe_check, login):
    owner = make_user("alice@example.org")
    make_case(owner)
    login("alice@example.org", PASSWORD)
    axe_check("dashboard")
    page.get_by_role("link", name="Maria Lopez").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Maria Lopez")).to_be_visible()
    expect(page.get_by_role("heading", name="Getting the second opinion")).to_be_visible()
    axe_check("case page")

    # Open the form in place: focus moves into its first field.
    tab_to(page, page.get_by_role("link", name="Change diagnosis"))
    page.keyboard.press("Enter")
    condition = page.get_by_label("Diagnosis or condition")
    expect(condition).to_be_focused()
    expect(page).to_have_url(page.url)  # no navigation: still the case page
    axe_check("diagnosis form in place")

    # A mistake: the error summary takes focus and nothing typed is lost.
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    tab_to(page, page.get_by_label("Date of the diagnosis"))
    page.keyboard.type("01012099")
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    summary = page.locator("#section-diagnosis [data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the diagnosis or condition")
    expect(summary).to_contain_text("The date of the diagnosis must be today or in the past")
    axe_check("diagnosis form with errors")

    # Fixed: the summary comes back, its heading takes focus and the change is announced.
    tab_to(page, page.get_by_label("Diagnosis or condition"))
    page.keyboard.type("Stage 1 breast cancer")
    tab_to(page, page.get_by_label("Date of the diagnosis"))
    page.keyboard.type("10032025")  # en-US: month, day, year
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    heading = page.locator("#section-diagnosis-title")
    expect(heading).to_be_focused()
    expect(page.locator("#section-diagnosis")).to_contain_text("Stage 1 breast cancer")
    expect(page.locator("#section-diagnosis")).to_contain_text("3 October 2025")
    expect(page.locator("#announcer")).to_have_text("Diagnosis saved.")
    axe_check("diagnosis saved")

    # Cancel in place returns to the summary without saving.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Change diagnosis")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Diagnosis or condition")).to_be_focused()
    tab_to(page, page.get_by_role("link", name="Cancel changes to diagnosis"))
    page.keyboard.press("Enter")
    expect(heading).to_be_focused()
    axe_check("diagnosis after cancel")
