"""The article's caregiver example: a wife runs her husband John's case and shares it
with their daughter as a viewer, then takes the access back."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from cases.models import Case
from tests.browser.conftest import _axe
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def check(page: Page, context: str = "") -> None:
    """axe-core on a page outside the ``page`` fixture (the owner's own browser)."""
    page.wait_for_load_state("load")
    results = _axe.run(page)
    assert not results.response["violations"], f"{context or page.url}: " + (
        results.generate_report()
    )


def test_wife_shares_johns_case_with_their_daughter_then_removes_her(
    page, axe_check, browser, live_server
):
    wife = make_user("ana@example.org")
    wife.first_name, wife.last_name = "Ana", "Lopez"
    wife.save()

    # The wife, in her own browser, starts John's case.
    owner_context = browser.new_context(base_url=live_server.url, locale="en-US")
    ana = owner_context.new_page()
    ana.goto("/accounts/login/")
    check(ana)
    ana.get_by_label("Email").fill("ana@example.org")
    ana.get_by_label("Password").fill(PASSWORD)
    ana.get_by_role("button", name="Sign in").click()
    ana.get_by_role("link", name="Start a new case").click()
    ana.get_by_label("Full name of the patient").fill("John Lopez")
    ana.get_by_label("My spouse or partner").check()
    ana.get_by_label("Diagnosis or condition").fill("Prostate cancer")
    ana.get_by_role("button", name="Create case").click()
    expect(ana.get_by_role("heading", level=1, name="John Lopez")).to_be_visible()
    check(ana, "case page")
    case_url = ana.url

    # She invites their daughter as a viewer.
    ana.get_by_role("link", name="Share or manage access").click()
    expect(ana.get_by_role("heading", name="People with access")).to_be_visible()
    check(ana, "members page")
    ana.get_by_role("link", name="Invite someone").click()
    ana.get_by_role("button", name="Send invitation").click()
    expect(ana.locator("[data-error-summary]")).to_be_focused()
    check(ana, "invite form with errors")
    ana.get_by_label("Their email address").fill("sofia@example.org")
    ana.get_by_label("Viewer: can see the case").check()
    ana.get_by_role("button", name="Send invitation").click()
    expect(ana.get_by_text("Invitation sent to sofia@example.org")).to_be_visible()
    check(ana, "members page with a pending invitation")

    (message,) = [m for m in mail.outbox if m.to == ["sofia@example.org"]]
    assert "John" not in message.body and "Prostate" not in message.body
    link = re.search(r"https?://\S+(/invitations/\S+/)", message.body).group(1)

    # The daughter opens the link: no patient details before she has an account.
    page.goto(link)
    expect(
        page.get_by_role(
            "heading", name="Ana Lopez invited you to help with a case on Second Opinion"
        )
    ).to_be_visible()
    expect(page.get_by_text("John Lopez")).to_have_count(0)
    axe_check("invitation landing")
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_label("Email")).to_have_value("sofia@example.org")
    axe_check("sign up from the invitation")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password (again)").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("button", name="Accept the invitation")).to_be_visible()
    axe_check("invitation, signed in")
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page.get_by_role("heading", level=1, name="John Lopez")).to_be_visible()
    expect(page.get_by_text("You now have access to this case as viewer")).to_be_visible()
    axe_check("case page as a viewer")

    # She can read and download, but has no edit controls and a write is refused.
    expect(page.get_by_role("link", name="Edit details")).to_have_count(0)
    expect(page.get_by_role("link", name="Delete this case")).to_have_count(0)
    case = Case.objects.get(patient_name="John Lopez")
    packet = page.request.get(f"/cases/{case.pk}/packet/download/")
    assert packet.status == 200
    assert packet.headers["content-type"].startswith("application/pdf")
    csrf = next(
        c["value"] for c in page.context.cookies() if c["name"] == settings.CSRF_COOKIE_NAME
    )
    write = page.request.post(
        f"/cases/{case.pk}/edit/",
        form={"patient_name": "Someone else", "condition": "x", "relationship": "self"},
        headers={"X-CSRFToken": csrf},
    )
    assert write.status == 403
    case.refresh_from_db()
    assert case.patient_name == "John Lopez"

    # The wife removes her; the daughter's very next request is refused.
    ana.goto(case_url)
    ana.get_by_role("link", name="Share or manage access").click()
    expect(ana.get_by_role("rowheader", name="sofia@example.org")).to_be_visible()
    check(ana, "members page with the daughter")
    ana.get_by_role("link", name="Remove sofia@example.org").click()
    check(ana, "remove confirmation")
    ana.get_by_role("button", name="Yes, remove sofia@example.org").click()
    expect(ana.get_by_text("sofia@example.org no longer has access")).to_be_visible()
    check(ana, "members page after removal")

    assert page.request.get(case_url).status == 404
    assert page.request.get(f"/cases/{case.pk}/packet/download/").status == 404
    owner_context.close()
