"""People own their data: export a case and open the ZIP, import it into another account,
delete an account that alone owns a shared case (handed over) and a private one."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import Case, Membership, Role
from cases.services import portable
from tests.factories import PASSWORD, add_member, make_case, make_user
from tests.packet_cases import make_maria

pytestmark = pytest.mark.django_db(transaction=True)


def _decide(case: Case) -> None:
    opinion = case.current_opinion()
    opinion.result = "adjustment"
    opinion.outcome_on = dt.date(2026, 11, 25)
    opinion.decision = "switch"
    opinion.decided_on = dt.date(2026, 11, 27)
    opinion.save()


def test_export_a_case_open_the_zip_then_import_it_into_another_account(
    page, axe_check, login, tmp_path
):
    maria = make_maria()
    _decide(maria)
    make_user("charlie@example.org")

    login("maria@example.org", PASSWORD)
    axe_check("dashboard")
    page.goto(maria.get_absolute_url())
    axe_check("case page")
    page.get_by_role("link", name="Export this case").click()
    expect(page.get_by_role("heading", level=1, name="Export this case")).to_be_visible()
    axe_check("export page")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the ZIP file").click()
    download = info.value
    assert re.fullmatch(r"second-opinion-case-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    zip_path = tmp_path / download.suggested_filename
    download.save_as(zip_path)

    # Open the ZIP as the person would: the JSON validates, the PDFs open.
    with zipfile.ZipFile(zip_path) as archive:
        document = json.loads(archive.read("case.json"))
        assert list(portable.validator().iter_errors(document)) == []
        assert document["case"]["patient_name"] == "Maria Lopez"
        for name in ("packet.pdf", "decision-summary.pdf"):
            reader = PdfReader(io.BytesIO(archive.read(name)))
            assert len(reader.pages) >= 1
            assert "Maria Lopez" in reader.pages[0].extract_text()
        assert "Import a case" in archive.read("README.txt").decode()

    page.get_by_role("button", name="Sign out").click()
    login("charlie@example.org", PASSWORD)
    axe_check("Charlie's dashboard")
    page.get_by_role("link", name="Import a case").click()
    expect(page.get_by_role("heading", level=1, name="Import a case")).to_be_visible()
    axe_check("import page")

    # A wrong file first: the problem is told at the field, with an error summary.
    not_a_zip = tmp_path / "notes.zip"
    not_a_zip.write_text("these are not the files you are looking for")
    page.get_by_label("The ZIP file").set_input_files(not_a_zip)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator("#id_file_error")).to_contain_text("must be a ZIP file")
    axe_check("import page with an error")

    page.get_by_label("The ZIP file").set_input_files(zip_path)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1, name="Maria Lopez")).to_be_visible()
    expect(page.get_by_text("The case has been imported.")).to_be_visible()
    axe_check("imported case")

    copy = Case.objects.exclude(pk=maria.pk).get()
    assert copy.condition == maria.condition
    assert copy.member_id == maria.member_id
    assert copy.medications.count() == maria.medications.count()
    assert list(copy.memberships.values_list("user__email", "role")) == [
        ("charlie@example.org", Role.OWNER)
    ]


def test_delete_an_account_handing_over_a_shared_case_and_deleting_a_private_one(
    page, axe_check, login
):
    alice = make_user("alice@example.org")
    bob = make_user("bob@example.org")
    shared = make_case(alice, patient_name="John Lopez", condition="Suspected multiple sclerosis")
    add_member(shared, bob, Role.EDITOR)
    private = make_case(alice, patient_name="Maria Lopez")

    login("alice@example.org", PASSWORD)
    axe_check("dashboard")
    page.get_by_role("link", name="Account").click()
    axe_check("account page")
    page.get_by_role("link", name="Export or delete your account").click()
    expect(page.get_by_role("heading", level=1, name="Your data")).to_be_visible()
    axe_check("your data")
    page.get_by_role("link", name="Delete my account").click()

    # Re-authentication first (allauth's flow), then the page of choices.
    expect(page.get_by_role("heading", level=1, name="Confirm it is you")).to_be_visible()
    axe_check("re-authentication")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1, name="Delete your account")).to_be_visible()
    expect(page.get_by_text("Maria Lopez: Early-stage breast cancer")).to_be_visible()
    axe_check("delete account page")

    page.get_by_role("button", name="Delete my account").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Choose who takes over the case for John Lopez, or delete it")
    expect(summary).to_contain_text("Tick the box to confirm")
    axe_check("delete account page with errors")

    page.get_by_label(re.compile(r"Hand it over to bob@example\.org")).check()
    page.get_by_label(re.compile(r"I understand that my account will be deleted")).check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account has been deleted.")).to_be_visible()
    axe_check("signed out after deletion")

    assert not Membership.objects.filter(user_id=alice.pk).exists()
    assert Membership.objects.get(case=shared, user=bob).role == Role.OWNER
    assert not Case.objects.filter(pk=private.pk).exists()
    assert Case.objects.filter(pk=shared.pk).exists()
