"""The warning before the idle sign-out, with JavaScript: seen, heard, kept by keyboard."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.session_support import away_for
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

IDLE = 30 * 60


def test_warning_before_the_idle_sign_out_then_signed_out_page(page, axe_check, login):
    make_user("alice@example.org")
    # The page's clock is ours to move; the server's clock is moved by ageing the session.
    page.clock.install()
    login("alice@example.org", PASSWORD)
    expect(page.get_by_role("heading", name="Your cases")).to_be_visible()
    axe_check("dashboard")
    start = page.get_by_role("link", name="Start a new case")
    start.focus()
    dialog = page.get_by_role("alertdialog", name="Are you still there?")
    expect(dialog).to_be_hidden()

    # 28 minutes and a half away: the page asks the server, which says 90 s are left.
    away_for(page, IDLE - 90)
    page.clock.fast_forward("28:01")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(
        "You will be signed out in 2 minutes to protect your information."
    )
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    assert dialog.get_attribute("aria-describedby") == "session-warning-body"
    axe_check("the idle warning")

    # Keyboard only: Enter on the focused button keeps the session; focus goes back.
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(start).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("You are still signed in.")
    state = page.request.get("/accounts/session/status/").json()
    assert state["remaining"] > IDLE - 10

    # Escape also means "I am here".
    away_for(page, IDLE - 90)
    page.clock.fast_forward("28:01")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.request.get("/accounts/session/status/").json()["remaining"] > IDLE - 10

    # Away past the limit: the page goes to sign-in, which says why.
    away_for(page, IDLE + 60)
    page.clock.fast_forward("28:01")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?"))
    assert parse_qs(urlsplit(page.url).query) == {"next": ["/"], "signed_out": ["1"]}
    notice = page.get_by_role("status").filter(has_text="You were signed out")
    expect(notice).to_contain_text("You were signed out to protect your information.")
    expect(notice).to_contain_text("30 minutes without activity")
    axe_check("signed out after the idle limit")

    # Signing in again returns to the page.
    page.get_by_label("Email").fill("alice@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your cases")).to_be_visible()
    axe_check("dashboard again")


def test_where_you_are_signed_in_and_signing_out_everywhere_else(
    page, axe_check, login, browser, live_server
):
    make_user("alice@example.org")
    # Alice also signed in on another browser, and forgot it there.
    other = browser.new_context(base_url=live_server.url, locale="en-US")
    elsewhere = other.new_page()
    elsewhere.goto("/accounts/login/")
    elsewhere.get_by_label("Email").fill("alice@example.org")
    elsewhere.get_by_label("Password").fill(PASSWORD)
    elsewhere.get_by_role("button", name="Sign in").click()
    expect(elsewhere.get_by_role("heading", name="Your cases")).to_be_visible()

    login("alice@example.org", PASSWORD)
    axe_check("dashboard")
    page.get_by_role("link", name="Account").click()
    axe_check("account page")
    page.get_by_role("link", name="See where you are signed in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where you are signed in")
    rows = page.locator(".device-list > li")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("This device")
    axe_check("where you are signed in")
    page.get_by_role("button", name="Sign out everywhere else").click()
    expect(page.get_by_text("You are now signed out everywhere else.")).to_be_visible()
    expect(rows).to_have_count(1)
    axe_check("after signing out everywhere else")

    elsewhere.get_by_role("link", name="Account").click()
    notice = elsewhere.get_by_text("You were signed out to protect your information.")
    expect(notice).to_be_visible()
    other.close()
