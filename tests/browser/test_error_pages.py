"""A person following a link to a case they cannot see lands on the app's own page: axe
clean, the heading focused, a way back, and no sideways scrolling at 320 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, make_case, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_case_one_cannot_see_is_a_plain_page_not_found(page: Page, axe_check, login):
    case = make_case(make_user("alice@example.org"))
    make_user("sam@example.org")
    login("sam@example.org", PASSWORD)
    axe_check("dashboard")
    page.set_viewport_size({"width": 320, "height": 700})
    response = page.goto(f"/cases/{case.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe_check("page not found")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("link", name="Go to your cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cases")
    axe_check("back to the dashboard")
