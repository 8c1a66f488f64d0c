"""The packet is made by the task worker: the page says it is being prepared, asks again
by itself every 2 seconds (htmx), and offers the file when it is ready."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.services import documents
from tests.factories import PASSWORD, make_user
from tests.packet_cases import make_john

pytestmark = pytest.mark.django_db(transaction=True)

PREPARING = "Your packet is being prepared"


@pytest.fixture
def queue_nobody_works(settings):
    """Tasks are stored and not run, until the test plays the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def play_the_worker(case, user) -> None:
    assert documents.render_for("packet", str(case.pk), user.pk, "a4", "en-us") == "ready"


def test_the_page_offers_the_packet_when_the_worker_has_made_it(
    page, axe_check, login, queue_nobody_works
):
    wife = make_user("mary@example.org")
    john = make_john(wife)
    login("mary@example.org", PASSWORD)
    axe_check("dashboard")
    page.goto(f"/cases/{john.pk}/packet/?paper=a4")
    axe_check("packet preview")
    page.get_by_role("link", name="Download the packet (PDF, A4)").first.click()
    expect(page.get_by_role("heading", level=1, name=PREPARING)).to_be_visible()
    axe_check("packet being prepared")

    play_the_worker(john, wife)
    # No click: the page asks again by itself and the link appears.
    link = page.get_by_role("link", name="Download the packet (PDF)")
    expect(page.get_by_role("heading", level=1, name="Your packet is ready")).to_be_visible(
        timeout=10_000
    )
    axe_check("packet ready")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith("second-opinion-packet-")
    with open(download.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
