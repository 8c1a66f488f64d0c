"""Sign up, confirm the email address, create a case, find it on the dashboard, sign out."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_new_user_signs_up_creates_a_case_and_signs_out(page, axe_check):
    page.goto("/")
    # Every page but sign-in and sign-up needs an account.
    expect(page).to_have_url("/accounts/login/?next=/")
    axe_check()
    page.get_by_role("link", name="Sign up").first.click()
    axe_check()
    page.get_by_label("Email").fill("maria@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password (again)").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign Up").click()
    # The address must be confirmed before the account opens.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    axe_check("check your email")
    # The live server runs in this process: the email is in the locmem outbox.
    (message,) = mail.outbox
    assert message.to == ["maria@example.org"]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body).group(1)
    page.goto(link)
    axe_check("confirm the address")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your cases")).to_be_visible()
    axe_check()

    page.get_by_role("link", name="Start a new case").click()
    axe_check()
    page.get_by_role("button", name="Create case").click()
    # Nothing filled in: the error summary takes focus and links to each field.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the name of the person this case is for")
    axe_check("new case form with errors")

    page.get_by_label("Full name of the patient").fill("Maria Lopez")
    page.get_by_label("Myself").check()
    page.get_by_label("Diagnosis or condition").fill("Early-stage breast cancer")
    page.get_by_role("button", name="Create case").click()
    expect(page.get_by_role("heading", level=1, name="Maria Lopez")).to_be_visible()
    axe_check()

    page.get_by_role("link", name="Your cases").first.click()
    expect(page.get_by_role("link", name="Maria Lopez")).to_be_visible()
    axe_check()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/accounts/login/")
    axe_check()
