"""Without JavaScript: confirm it is you before deleting a case, and the signed-out page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.browser.session_support import away_for
from tests.factories import PASSWORD, make_case, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.without_javascript]

IDLE = 30 * 60


def test_delete_after_confirming_then_signed_out_after_the_idle_limit(page, axe_check, login):
    owner = make_user("alice@example.org")
    keep = make_case(owner, patient_name="John Lopez")
    gone = make_case(owner, patient_name="Rosa Diaz")
    login("alice@example.org", PASSWORD)
    page.goto(gone.get_absolute_url())
    axe_check("case page")

    # The warning dialog is in the page but never shown without JavaScript.
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    page.get_by_role("link", name="Delete this case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    axe_check("confirm it is you")
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    axe_check("confirm it is you, wrong password")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to delete this case?"
    )
    axe_check("delete question")
    page.get_by_role("button", name="Yes, delete this case").click()
    expect(page.get_by_text("The case has been deleted, with its activity trail.")).to_be_visible()
    axe_check("dashboard after deleting")
    assert not Case.objects.filter(pk=gone.pk).exists()

    # Away for over 30 minutes: the next click lands on sign-in, saying why.
    away_for(page, IDLE + 60)
    page.get_by_role("link", name="John Lopez").click()
    assert urlsplit(page.url).path == "/accounts/login/"
    assert parse_qs(urlsplit(page.url).query) == {
        "next": [keep.get_absolute_url()],
        "signed_out": ["1"],
    }
    expect(page.get_by_text("You were signed out to protect your information.")).to_be_visible()
    axe_check("signed out after the idle limit")
    page.get_by_label("Email").fill("alice@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="John Lopez")).to_be_visible()
    axe_check("back on the case after signing in")
