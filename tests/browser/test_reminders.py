"""Choosing email reminders on a case, and stopping them from an email's link, by keyboard."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Membership
from cases.services.reminders import unsubscribe_token
from tests.browser.helpers import tab_to
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_turns_reminders_off_from_the_case_page(page, axe_check, login, owner, case):
    login(owner.email, PASSWORD)
    axe_check("dashboard")
    page.goto(case.get_absolute_url())
    axe_check()
    tab_to(page, page.get_by_role("link", name="Email reminders: on"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Email reminders")).to_be_visible()
    axe_check()
    yes = page.get_by_label("Yes, email me when something is due")
    expect(yes).to_be_checked()
    tab_to(page, yes)
    page.keyboard.press("ArrowDown")  # radios move with the arrow keys
    expect(page.get_by_label("No, I will check the case myself")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("You will not get email reminders about this case.")).to_be_visible()
    expect(page.get_by_role("link", name="Email reminders: off")).to_be_visible()
    axe_check("case page after turning reminders off")
    assert Membership.objects.get(case=case, user=owner).reminders is False


def test_the_link_in_an_email_stops_reminders_signed_out_and_can_be_undone(
    page, axe_check, owner, case
):
    token = unsubscribe_token(case.pk, owner.pk)
    page.goto(reverse("reminders_unsubscribe", kwargs={"token": token}))
    expect(
        page.get_by_role("heading", name="Stop email reminders about Maria's case?")
    ).to_be_visible()
    axe_check()
    tab_to(page, page.get_by_role("button", name="Stop reminders"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Email reminders stopped")).to_be_visible()
    axe_check("reminders stopped")
    assert Membership.objects.get(case=case, user=owner).reminders is False
    tab_to(page, page.get_by_role("button", name="Undo: turn reminders on again"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Email reminders are on again")).to_be_visible()
    axe_check("reminders on again")
    assert Membership.objects.get(case=case, user=owner).reminders is True
