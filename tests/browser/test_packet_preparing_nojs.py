"""With JavaScript off, "Check again" gives the packet once the worker has made it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_on_a_copy
from tests.browser.test_packet_preparing import play_the_worker, queue_nobody_works
from tests.factories import PASSWORD, make_user
from tests.packet_cases import make_john

pytestmark = pytest.mark.django_db(transaction=True)

PREPARING = "Your packet is being prepared"

__all__ = ["queue_nobody_works"]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "java_script_enabled": False}


@pytest.fixture
def axe_check(page, a11y, browser, live_server):
    """axe-core needs JavaScript: it checks a copy of each page in a context that has it."""
    with axe_on_a_copy(browser, live_server.url) as check_copy:

        def check(label: str = "") -> None:
            check_copy(page, label)
            a11y.checked.add(urlsplit(page.url).path)

        yield check


def test_check_again_gives_the_packet_once_it_is_made(page, axe_check, login, queue_nobody_works):
    wife = make_user("mary@example.org")
    john = make_john(wife)
    login("mary@example.org", PASSWORD)
    axe_check("dashboard")
    page.goto(f"/cases/{john.pk}/packet/?paper=a4")
    axe_check("packet preview")
    page.get_by_role("link", name="Download the packet (PDF, A4)").first.click()
    expect(page.get_by_role("heading", level=1, name=PREPARING)).to_be_visible()
    axe_check("packet being prepared")

    # Not made yet: asking again says so again.
    page.get_by_role("link", name="Check again").click()
    expect(page.get_by_role("heading", level=1, name=PREPARING)).to_be_visible()

    play_the_worker(john, wife)
    with page.expect_download() as info:
        page.get_by_role("link", name="Check again").click()
    with open(info.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
