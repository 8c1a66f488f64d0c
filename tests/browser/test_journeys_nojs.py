"""The article's second example case, walked through all four steps of the roadmap.

John's wife, his caregiver, does his case in a browser with JavaScript off (the test's
name says so, conftest.py). Every page and state she sees is checked with axe-core.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.journeys_support import bring_item, long_date, status_of
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


# John: his wife, his caregiver, with JavaScript off --------------------------------


def test_john_walks_all_four_steps_without_javascript(page: Page, axe_check, login):
    today = timezone.localdate()
    asked = today - dt.timedelta(days=20)
    called = today - dt.timedelta(days=3)
    appointment_day = today + dt.timedelta(days=21)
    flash = page.locator(".flash")
    summary = page.locator("[data-error-summary]")

    make_user("ruth@example.org")
    login("ruth@example.org", PASSWORD)
    axe_check("dashboard")

    def follow(name: str, check: str, **kwargs) -> None:
        page.get_by_role("link", name=name, **kwargs).click()
        page.wait_for_load_state("load")
        axe_check(check)

    def change(thing: str, title: str) -> None:
        """A section's form on a page of its own."""
        follow(f"Change {thing}", f"{thing} form")
        expect(page.get_by_role("heading", level=1)).to_have_text(title)

    def save(title: str, check: str) -> None:
        page.get_by_role("button", name="Save").click()
        expect(flash).to_contain_text(f"{title} saved.")
        axe_check(check)

    # She starts the case for her husband, forgets the diagnosis, and loses nothing.
    follow("Start a new case", "new case form")
    page.get_by_label("Full name of the patient").fill("John Miller")
    page.get_by_label("My spouse or partner").check()
    page.get_by_role("button", name="Create case").click()
    expect(summary).to_contain_text("Enter the diagnosis or condition")
    expect(page).to_have_title("Error: Start a new case – Second Opinion")
    expect(page.get_by_label("Full name of the patient")).to_have_value("John Miller")
    expect(page.get_by_label("My spouse or partner")).to_be_checked()
    axe_check("new case form with an error")
    page.get_by_label("Diagnosis or condition").fill("A neurological condition")
    page.get_by_role("button", name="Create case").click()
    expect(page.get_by_role("heading", level=1, name="John Miller")).to_be_visible()
    expect(page.locator(".caption").first).to_have_text("My spouse or partner")
    axe_check("new case page")

    # Step 1: they prefer not to tell his primary provider.
    follow("1. Inform John Miller’s primary provider", "step 1")
    change("whether you told them", "Telling them")
    page.get_by_label("I prefer not to tell them").check()
    save("Telling them", "step 1 after choosing")
    expect(page.locator("#section-inform")).to_contain_text("I prefer not to tell them")

    # Step 2: the policy, a referral requested, a call, then the referral approved.
    follow("Go to step 2: Check insurance and referral", "step 2")
    change("insurance policy", "John Miller’s insurance policy")
    page.get_by_label("Insurer", exact=True).fill("Blue Valley Health")
    page.get_by_label("Member ID").fill("BV-99001234")
    save("John Miller’s insurance policy", "step 2 after the policy")

    change("referral", "Referral")
    page.get_by_label("Requested", exact=True).check()
    page.get_by_label("Referral requested on").fill(asked.isoformat())
    save("Referral", "step 2 with the referral requested")
    expect(page.locator("#section-referral")).to_contain_text("Requested")

    # The call: she forgets its date; what she typed is still there.
    calls = page.locator("#calls")
    calls.get_by_label("Who you spoke with").fill("Marcus")
    calls.get_by_label("Reference number", exact=True).fill("CALL-5521")
    calls.get_by_label("What they said").fill("Referral approved. Two neurologists in network.")
    calls.get_by_role("button", name="Add call").click()
    expect(summary).to_contain_text("Enter the date of the call")
    expect(page).to_have_title(re.compile(r"^Error: Step 2: Check insurance and referral"))
    expect(calls.get_by_label("Who you spoke with")).to_have_value("Marcus")
    expect(calls.get_by_label("Reference number", exact=True)).to_have_value("CALL-5521")
    axe_check("step 2 with a call missing its date")
    calls.get_by_label("Date of the call").fill(called.isoformat())
    calls.get_by_role("button", name="Add call").click()
    expect(flash).to_contain_text("Call added to the log.")
    expect(calls).to_contain_text("CALL-5521")
    expect(calls).to_contain_text(long_date(called))
    axe_check("step 2 with a call")

    change("referral", "Referral")
    expect(page.get_by_label("Referral requested on")).to_have_value(asked.isoformat())
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Referral approved or denied on").fill(called.isoformat())
    page.get_by_label("Referral reference number").fill("RF-88213")
    save("Referral", "step 2 with the referral approved")
    expect(page.locator("#section-referral")).to_contain_text("RF-88213")

    change("coverage and cost", "Coverage and cost")
    page.get_by_label("Covered", exact=True).check()
    save("Coverage and cost", "step 2 after coverage")
    change("prior authorization", "Prior authorization")
    page.get_by_label("Not needed").check()
    save("Prior authorization", "step 2 after prior authorization")

    # Step 3: the MRI scans on CD, picked up; and a letter of their own on the list.
    follow("Go to step 3: Request medical records", "step 3")
    images = "The images themselves (MRI, X-ray, CT) on disc or USB"
    follow(f"Edit ‘{images}’", "record form")
    editing = page.locator("li.item", has=page.get_by_role("heading", name=f"Edit ‘{images}’"))
    editing.get_by_label("Name of the record").fill("MRI scans on CD")
    editing.get_by_label("Status").select_option("received")
    expect(editing.get_by_label("Format")).to_have_value("disc")
    editing.get_by_label("Where it comes from").fill("Valley Imaging Center")
    editing.get_by_label("Received on").fill(called.isoformat())
    editing.get_by_role("button", name="Save").click()
    expect(flash).to_contain_text("Saved ‘MRI scans on CD’")
    scans = page.locator("li.item", has=page.get_by_role("heading", name="MRI scans on CD"))
    expect(scans.locator(".tag").first).to_have_text("Received")
    expect(scans).to_contain_text("On disc")
    axe_check("records after the scans arrived")
    adding = page.locator("form.add-form")
    adding.get_by_label("Name of the record").fill("Letter from the first neurologist")
    adding.get_by_label("Where it comes from").fill("Dr. Hale's office")
    page.get_by_role("button", name="Add record").click()
    expect(flash).to_contain_text("Added ‘Letter from the first neurologist’")
    axe_check("records with a record of their own")

    # Step 4: a second neurologist.
    follow("Back to John Miller’s case", "case page")
    follow("4. Schedule the appointment", "step 4")
    change("specialist", "The specialist")
    page.get_by_label("Specialist's name").fill("Dr. Elena Voss")
    page.get_by_label("Specialty").fill("Neurology")
    page.get_by_label("Hospital or clinic").fill("Lakeside Neurology Clinic")
    save("The specialist", "step 4 with the specialist")
    change("appointment", "The appointment")
    page.get_by_label("Date and time").fill(f"{appointment_day.isoformat()}T14:15")
    page.get_by_label("In person").check()
    save("The appointment", "step 4 with the appointment")
    expect(page.locator("#section-appointment")).to_contain_text(
        f"{appointment_day:%A %-d %B %Y} at 2:15pm"
    )

    # His medicine and a question of their own.
    follow("Back to the case and all four steps", "case page")
    follow("Medications", "medications", exact=True)
    page.get_by_label("Medicine").fill("Gabapentin")
    page.get_by_label("Dose").fill("300 mg")
    page.get_by_role("button", name="Add medication").click()
    expect(flash).to_contain_text("Added ‘Gabapentin’")
    axe_check("medications after adding one")
    follow("Back to John Miller’s case", "case page")
    follow("Questions for the doctor", "questions", exact=True)
    page.get_by_label("Your question").fill("Could it be something other than what was diagnosed?")
    page.get_by_role("button", name="Add question").click()
    expect(flash).to_contain_text("Added ‘Could it be something other than what was diagnosed?’")
    axe_check("questions after adding one")

    # The case page: where each step stands and what is ready to bring.
    follow("Back to John Miller’s case", "case page at the end")
    expect(status_of(page, 1)).to_have_text("Skipped by choice")
    expect(status_of(page, 2)).to_have_text("Done")
    expect(status_of(page, 3)).to_have_text("In progress")
    expect(status_of(page, 4)).to_have_text("Done")
    expect(page.locator(".roadmap")).to_contain_text(
        "Covered. Referral: approved. Prior authorization: not needed. 1 call noted."
    )
    expect(page.locator(".roadmap")).to_contain_text(
        f"Booked for {long_date(appointment_day)} at 2:15pm at Lakeside Neurology Clinic."
    )
    expect(bring_item(page, "Imaging on disc or USB").locator(".tag")).to_have_text("Ready")
    expect(bring_item(page, "List of medications").locator(".tag")).to_have_text("Ready")
    expect(bring_item(page, "Questions for the doctor").locator(".tag")).to_have_text("Ready")
    expect(bring_item(page, "Medical records and test results")).to_contain_text(
        "0 of 4 ready. Still missing: Diagnosis or pathology report, Lab results, "
        "Imaging reports, Letter from the first neurologist."
    )
