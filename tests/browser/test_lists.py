"""Step 3's lists in a real browser: keyboard-only htmx changes, and the same without JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Medication
from tests.browser.helpers import axe_on_a_copy
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _announcer(page):
    return page.locator("#announcer")


def test_keyboard_user_updates_a_record_adds_a_question_and_reorders_medicines(
    page, axe_check, login, owner, case
):
    login(owner.email, PASSWORD)
    axe_check("dashboard after signing in")
    page.goto(reverse("records", args=[case.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 3: Request medical records")
    axe_check()

    # Keyboard only: reach the status of "Imaging reports", pick "Received", Tab, Enter.
    imaging = page.locator("li.item", has=page.get_by_role("heading", name="Imaging reports"))
    select = imaging.get_by_label("Status")
    select.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(select).to_have_value("received")
    page.keyboard.press("Tab")
    expect(imaging.get_by_role("button", name="Update")).to_be_focused()
    page.keyboard.press("Enter")
    expect(_announcer(page)).to_have_text("Marked ‘Imaging reports’ as received")
    imaging = page.locator("li.item", has=page.get_by_role("heading", name="Imaging reports"))
    expect(imaging.locator(".tag").first).to_have_text("Received")
    expect(imaging.get_by_label("Status")).to_be_focused()
    expect(imaging).to_contain_text("Received")
    axe_check("records after an in-place status change")

    # One click adds a suggested question; focus moves to it and it leaves the suggestions.
    page.goto(reverse("questions", args=[case.pk]))
    axe_check()
    page.get_by_role("button", name="Add ‘How urgent is it?’").click()
    expect(_announcer(page)).to_have_text("Added ‘How urgent is it?’")
    expect(page.get_by_role("heading", level=3, name="How urgent is it?")).to_be_focused()
    expect(page.get_by_role("button", name="Add ‘How urgent is it?’")).to_have_count(0)
    axe_check("questions after adding a suggestion")

    # Medicines: add one through the form, then move it above the first with the keyboard.
    Medication.objects.create(case=case, name="Tamoxifen", dose="20 mg", position=0)
    page.goto(reverse("medications", args=[case.pk]))
    axe_check()
    page.get_by_label("Medicine").fill("Vitamin D")
    page.get_by_label("Dose").fill("1000 IU")
    page.get_by_role("button", name="Add medication").click()
    expect(page.get_by_role("heading", level=3, name="Vitamin D")).to_be_focused()
    axe_check("medications after adding one")
    page.get_by_role("button", name="Move up ‘Vitamin D’").focus()
    page.keyboard.press("Enter")
    expect(_announcer(page)).to_have_text("Moved ‘Vitamin D’ up")
    expect(page.locator("li.item h3")).to_have_text(["Vitamin D", "Tamoxifen"])
    # At the top there is no "Move up": focus lands on the item's "Move down".
    expect(page.get_by_role("button", name="Move down ‘Vitamin D’")).to_be_focused()
    axe_check("medications after a move")


def test_without_javascript_a_medicine_is_added_and_a_record_marked_received(
    browser, live_server, owner, case
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    nojs = context.new_page()

    def check(what: str) -> None:
        # axe-core cannot run where JavaScript is off: check a copy of the very same HTML.
        check_copy(nojs, what)

    with axe_on_a_copy(browser, live_server.url) as check_copy:
        try:
            nojs.goto("/accounts/login/")
            nojs.get_by_label("Email").fill(owner.email)
            nojs.get_by_label("Password").fill(PASSWORD)
            nojs.get_by_role("button", name="Sign in").click()

            nojs.goto(reverse("medications", args=[case.pk]))
            nojs.get_by_role("button", name="Add medication").click()
            # Nothing typed: the whole page comes back with the error summary.
            expect(nojs.locator("[data-error-summary]")).to_contain_text(
                "Enter the name of the medicine"
            )
            check("medications with an error, no JavaScript")
            nojs.get_by_label("Medicine").fill("Metformin")
            nojs.get_by_role("button", name="Add medication").click()
            expect(nojs.locator(".flash")).to_contain_text("Added ‘Metformin’")
            expect(nojs.get_by_role("heading", level=3, name="Metformin")).to_be_visible()
            check("medications after adding one, no JavaScript")

            nojs.goto(reverse("records", args=[case.pk]))
            labs = nojs.locator("li.item", has=nojs.get_by_role("heading", name="Lab results"))
            labs.get_by_label("Status").select_option("received")
            labs.get_by_role("button", name="Update").click()
            expect(nojs.locator(".flash")).to_contain_text("Marked ‘Lab results’ as received")
            labs = nojs.locator("li.item", has=nojs.get_by_role("heading", name="Lab results"))
            expect(labs.locator(".tag").first).to_have_text("Received")
            expect(labs).to_contain_text("Received")
            check("records after a status change, no JavaScript")
        finally:
            context.close()


def test_a_call_and_a_follow_up_action_are_removed_after_the_same_question_in_place(
    page, axe_check, login, owner, case
):
    opinion = case.current_opinion()
    opinion.calls.create(called_on=dt.date(2026, 11, 3), reference="REF-778")
    opinion.actions.create(description="Book the MRI")
    login(owner.email, PASSWORD)
    axe_check("dashboard after signing in")

    page.goto(reverse("step_insurance", args=[case.pk]))
    axe_check()
    page.get_by_role("button", name="Remove the call on 3 November 2026").click()
    question = page.locator("#calls .item__confirm")
    expect(question).to_have_text(
        "Are you sure you want to remove the call on 3 November 2026 from the log?"
    )
    expect(question).to_be_focused()
    axe_check("step 2 asking before removing a call")
    page.get_by_role("link", name="No, keep it").click()
    expect(page.get_by_role("button", name="Remove the call on 3 November 2026")).to_be_focused()
    page.keyboard.press("Enter")
    expect(question).to_be_focused()
    page.get_by_role("button", name="Yes, remove it").click()
    expect(_announcer(page)).to_have_text("Call removed from the log.")
    expect(page.locator("#calls")).to_contain_text("No calls noted yet.")
    expect(page.get_by_role("heading", name="Calls to your insurer")).to_be_focused()
    axe_check("step 2 after removing a call")

    page.goto(reverse("opinion_outcome", args=[case.pk, opinion.pk]))
    axe_check()
    page.get_by_role("button", name="Remove ‘Book the MRI’").click()
    question = page.locator("#follow-up-actions .item__confirm")
    expect(question).to_have_text(
        "Are you sure you want to remove ‘Book the MRI’ from the things to do?"
    )
    expect(question).to_be_focused()
    axe_check("outcome page asking before removing an action")
    page.get_by_role("button", name="Yes, remove it").click()
    expect(_announcer(page)).to_have_text("Follow-up action removed.")
    expect(page.locator("#follow-up-actions")).to_contain_text("No follow-up actions yet.")
    axe_check("outcome page after removing an action")
