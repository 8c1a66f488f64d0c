"""Accounts in a real browser: sign-in errors, password reset and change, two-factor sign-in."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "alice@example.org"


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_wrong_password_then_reset_by_email_then_change_password(page, axe_check, login):
    make_user(EMAIL)
    login(EMAIL, "not-my-password")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The email address or password is not right")
    expect(page.locator("#id_password-group .error-message")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: Sign in"))
    axe_check("sign in with a wrong password")

    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    axe_check()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Send the reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    axe_check()

    # The live server runs in this process: the email is in the locmem outbox.
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    page.goto(link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    axe_check()
    page.get_by_label("New Password", exact=True).fill("a-brand-new-passphrase")
    page.get_by_label("New Password (again)").fill("a-brand-new-passphrase")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password has been changed")
    axe_check()
    page.get_by_role("link", name="Sign in").click()

    login(EMAIL, "a-brand-new-passphrase")
    expect(page.get_by_role("heading", name="Your cases")).to_be_visible()
    axe_check()
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    axe_check()
    page.get_by_role("link", name="Change your password").click()
    axe_check()
    page.get_by_label("Current password").fill("a-brand-new-passphrase")
    page.get_by_label("New password", exact=True).fill("another-new-passphrase")
    page.get_by_label("New password (again)").fill("another-new-passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    axe_check("account page after changing the password")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/accounts/login/")
    login(EMAIL, "another-new-passphrase")
    expect(page.get_by_role("heading", name="Your cases")).to_be_visible()


def test_turn_on_two_factor_sign_in_then_sign_in_with_a_code(page, axe_check, login):
    make_user(EMAIL)
    login(EMAIL, PASSWORD)
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_text("Off", exact=True)).to_be_visible()
    axe_check("account page, two-factor sign-in off")
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    axe_check()
    page.get_by_role("link", name="Turn on two-factor sign-in").click()

    # allauth asks for the password again before changing how you sign in.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    axe_check()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Turn on two-factor sign-in")
    qr = page.get_by_role("img", name="QR code to scan with your authenticator app")
    expect(qr).to_be_visible()
    # The QR code is a data: image the CSP allows: it must actually have loaded.
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    axe_check()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe_check("activation with a wrong code")
    page.get_by_label("Code from your authenticator app").fill(totp_now(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    axe_check()
    page.get_by_role("link", name="Back to two-factor sign-in").click()
    expect(page.get_by_role("link", name="Turn off two-factor sign-in")).to_be_visible()
    axe_check("two-factor sign-in when on")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/accounts/login/")
    login(EMAIL, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    axe_check()
    page.get_by_label("Code from your authenticator app").fill("123456")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe_check("sign-in code that is wrong")
    page.get_by_label("Code from your authenticator app").fill(totp_now(secret))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Your cases")).to_be_visible()
    axe_check()
