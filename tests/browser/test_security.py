"""Security measures as a browser meets them: the headers it accepts, the limits it shows."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from cases.models import Invitation, Role
from tests.factories import PASSWORD, make_case, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_chromium_accepts_the_host_cookies_and_the_permissions_policy(page, axe_check, login):
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    make_user("alice@example.org")
    login("alice@example.org", PASSWORD)
    axe_check("dashboard")
    names = {cookie["name"] for cookie in page.context.cookies()}
    assert {"__Host-sessionid", "__Host-csrftoken"} <= names
    assert django_settings.SESSION_COOKIE_NAME in names
    # Chromium reports a Permissions-Policy it cannot parse, or a feature it does not
    # know, on the console.
    assert not [p for p in problems if "Permissions-Policy" in p or "feature" in p.lower()]
    allowed = page.evaluate(
        "() => ['camera', 'microphone', 'geolocation', 'payment', 'usb']"
        ".filter(f => document.featurePolicy && document.featurePolicy.allowsFeature(f))"
    )
    assert allowed == []


def test_sending_invitations_again_too_often_shows_the_limit_in_place(
    page, axe_check, login, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation_user": (1, 3600)}
    owner = make_user("alice@example.org")
    case = make_case(owner)
    Invitation.objects.create(case=case, email="dora@example.org", role=Role.VIEWER)
    login("alice@example.org", PASSWORD)
    axe_check("dashboard")
    page.goto(f"/cases/{case.pk}/members/")
    axe_check("members page")
    send_again = page.get_by_role("button", name="Send again to dora@example.org")
    send_again.click()
    expect(page.get_by_text("Invitation sent again to dora@example.org")).to_be_visible()
    page.get_by_role("button", name="Send again to dora@example.org").click()
    heading = page.get_by_role("heading", level=1, name="You have sent a lot of invitations")
    expect(heading).to_be_focused()
    expect(page.get_by_text("Nothing has been sent this time")).to_be_visible()
    axe_check("limit reached, shown in place")
