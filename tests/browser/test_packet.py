"""A viewer finds the packet from the case page, previews it and downloads the PDF."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Role
from tests.factories import PASSWORD, add_member, make_user
from tests.packet_cases import make_john

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_viewer_previews_the_packet_and_downloads_the_pdf(page, axe_check, login):
    john = make_john()
    son = make_user("sam@example.org")
    add_member(john, son, Role.VIEWER)

    login("sam@example.org", PASSWORD)
    axe_check("dashboard")
    page.get_by_role("link", name="John Carter").click()
    expect(page.get_by_role("heading", level=1, name="John Carter")).to_be_visible()
    axe_check("case page")
    page.get_by_role("link", name="Preview the packet").click()
    expect(page.get_by_role("heading", level=1, name="Appointment packet")).to_be_visible()
    expect(page.get_by_role("heading", name="Summary for the specialist")).to_be_visible()
    expect(page.get_by_text("MRI scans of the brain and spine (CD)").first).to_be_visible()
    # Chromium is set to en-US: US Letter is picked for them.
    expect(page.get_by_label("US Letter")).to_be_checked()
    axe_check("packet preview")

    # The paper size is a plain GET form: choosing A4 reloads the preview with it.
    page.get_by_label("A4").check()
    page.get_by_role("button", name="Use this paper size").click()
    expect(page.get_by_label("A4")).to_be_checked()
    axe_check("packet preview on A4")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the packet (PDF, A4)").first.click()
    download = info.value
    assert download.suggested_filename.startswith("second-opinion-packet-")
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
