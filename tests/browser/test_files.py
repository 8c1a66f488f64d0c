"""Documents on records, in a real browser: a caregiver attaches a PDF and a ZIP to two
records, too big and disguised files are refused at the field with the others intact,
a viewer downloads one and a stranger's request for its URL gets 404."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Attachment, Role
from tests.factories import PASSWORD, add_member, make_case, make_user
from tests.files_support import EXECUTABLE, pdf_bytes, zip_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def maria():
    owner = make_user("alice@example.org")
    case = make_case(owner)
    add_member(case, make_user("bob@example.org"), Role.EDITOR)
    add_member(case, make_user("vera@example.org"), Role.VIEWER)
    make_user("charlie@example.org")
    return case


def records_page(page, case):
    page.goto(f"/cases/{case.pk}/records/")


def record_item(page, case, kind):
    record = case.current_opinion().records.get(kind=kind)
    return record, page.locator(f"#record-{record.pk}")


def test_a_caregiver_attaches_with_javascript_and_bad_files_are_refused(
    page, axe_check, login, maria, tmp_path
):
    (tmp_path / "biopsy.pdf").write_bytes(pdf_bytes(2))
    (tmp_path / "disc.zip").write_bytes(zip_bytes())
    # 30 MB that starts like a PDF: refused for its size before anything else.
    (tmp_path / "huge.pdf").write_bytes(b"%PDF-1.7\n" + bytes(30 * 1024 * 1024))
    (tmp_path / "report.pdf").write_bytes(EXECUTABLE)

    login("bob@example.org", PASSWORD)

    axe_check("dashboard")
    records_page(page, maria)
    axe_check("records")
    pathology, item = record_item(page, maria, "pathology")
    item.get_by_label("Attach files").set_input_files(str(tmp_path / "biopsy.pdf"))
    item.get_by_role("button", name="Attach to", exact=False).click()
    expect(page.locator("#announcer")).to_contain_text("Attached ‘biopsy.pdf’")
    _, item = record_item(page, maria, "pathology")
    expect(item.get_by_role("link", name="biopsy.pdf")).to_be_visible()
    expect(item.get_by_text("2 pages")).to_be_visible()
    # It was missing: the app offers to mark it received.
    expect(item.get_by_role("button", name=re.compile(r"^Mark ‘.+’ received$"))).to_be_visible()
    axe_check("records with a file")

    images, item = record_item(page, maria, "images")
    item.get_by_label("Attach files").set_input_files(str(tmp_path / "disc.zip"))
    item.get_by_role("button", name="Attach to", exact=False).click()
    expect(page.locator("#announcer")).to_contain_text("Attached ‘disc.zip’")

    for name, message in (
        ("huge.pdf", "a file can be at most 25 MB"),
        ("report.pdf", "‘report.pdf’ is not a PDF"),
    ):
        _, item = record_item(page, maria, "pathology")
        item.get_by_label("Attach files").set_input_files(str(tmp_path / name))
        item.get_by_role("button", name="Attach to", exact=False).click()
        error = page.locator(f"#record-{pathology.pk}-files_error")
        expect(error).to_contain_text(message)
        expect(page.get_by_role("alert")).to_contain_text(message)
        axe_check(f"refused {name}")
    assert sorted(a.name for a in Attachment.objects.all()) == ["biopsy.pdf", "disc.zip"]
    _, item = record_item(page, maria, "pathology")
    expect(item.get_by_role("link", name="biopsy.pdf")).to_be_visible()


def test_a_viewer_downloads_and_a_stranger_gets_404(page, axe_check, login, maria, browser):
    from cases.services.files import attach
    from tests.files_support import upload

    record = maria.current_opinion().records.get(kind="pathology")
    attachment = attach(record, [upload("biopsy.pdf", pdf_bytes(2))], None)[0]
    login("vera@example.org", PASSWORD)
    axe_check("dashboard")
    records_page(page, maria)
    axe_check("records as a viewer")
    expect(page.get_by_label("Attach files")).to_have_count(0)
    with page.expect_download() as info:
        page.get_by_role("link", name="biopsy.pdf").click()
    download = info.value
    assert download.suggested_filename == f"record-document-{attachment.pk}.pdf"
    with open(download.path(), "rb") as f:
        assert f.read() == pdf_bytes(2)

    stranger = browser.new_context(base_url=page.url.split("/cases/")[0])
    other = stranger.new_page()
    other.goto("/accounts/login/")
    other.get_by_label("Email").fill("charlie@example.org")
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    other.wait_for_load_state("load")
    response = other.request.get(f"/cases/{maria.pk}/files/{attachment.pk}/")
    assert response.status == 404
    stranger.close()
