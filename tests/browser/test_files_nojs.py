"""Attaching and removing a document with JavaScript off: a plain multipart form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Attachment, Role
from tests.factories import PASSWORD, add_member, make_case, make_user
from tests.files_support import pdf_bytes, zip_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.without_javascript]


def test_a_caregiver_attaches_a_pdf_and_a_zip_then_removes_one(page, axe_check, login, tmp_path):
    case = make_case(make_user("alice@example.org"))
    add_member(case, make_user("bob@example.org"), Role.EDITOR)
    (tmp_path / "labs.pdf").write_bytes(pdf_bytes(1))
    (tmp_path / "disc.zip").write_bytes(zip_bytes())

    login("bob@example.org", PASSWORD)

    axe_check("dashboard")
    page.goto(f"/cases/{case.pk}/records/")
    axe_check("records")
    for kind, name in (("labs", "labs.pdf"), ("images", "disc.zip")):
        record = case.current_opinion().records.get(kind=kind)
        item = page.locator(f"#record-{record.pk}")
        item.get_by_label("Attach files").set_input_files(str(tmp_path / name))
        item.get_by_role("button", name="Attach to", exact=False).click()
        page.wait_for_load_state("load")
        expect(page.get_by_text(f"Attached ‘{name}’")).to_be_visible()
        expect(page.locator(f"#record-{record.pk}").get_by_role("link", name=name)).to_be_visible()
    axe_check("records with files")
    assert Attachment.objects.count() == 2

    page.get_by_role("button", name="Remove ‘disc.zip’").click()
    expect(page.get_by_text("Remove ‘disc.zip’ from")).to_be_visible()
    axe_check("asking before removal")
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.get_by_text("Removed ‘disc.zip’")).to_be_visible()
    assert list(Attachment.objects.values_list("name", flat=True)) == ["labs.pdf"]
