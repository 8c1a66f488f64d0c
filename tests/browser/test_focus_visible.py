"""Focus that script places after a save can be seen: the heading shows the focus style."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, make_case, make_user

pytestmark = pytest.mark.django_db(transaction=True)

FOCUS_YELLOW = "rgb(255, 221, 0)"


def _outline(page: Page, selector: str) -> dict[str, str]:
    return page.eval_on_selector(
        selector,
        "el => { const s = getComputedStyle(el);"
        " return {style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor}; }",
    )


def test_a_heading_focused_after_an_htmx_save_shows_the_focus_style(page, axe_check, login):
    owner = make_user("alice@example.org")
    case = make_case(owner)
    login("alice@example.org", PASSWORD)
    axe_check("dashboard")
    page.goto(f"/cases/{case.pk}/")
    axe_check("case page")

    page.get_by_role("link", name="Change diagnosis").click()
    expect(page.get_by_label("Diagnosis or condition")).to_be_focused()
    page.get_by_label("Diagnosis or condition").fill("Stage 1 breast cancer")
    page.get_by_role("button", name="Save").click()

    heading = page.locator("#section-diagnosis-title")
    expect(heading).to_be_focused()
    outline = _outline(page, "#section-diagnosis-title")
    assert outline["style"] == "solid"
    assert outline["width"] == "3px"
    assert outline["color"] == FOCUS_YELLOW
    axe_check("diagnosis saved")


def test_the_main_region_reached_by_the_skip_link_is_not_outlined(page, axe_check, login):
    make_user("alice@example.org")
    login("alice@example.org", PASSWORD)
    axe_check("dashboard")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert _outline(page, "#main")["style"] == "none"
