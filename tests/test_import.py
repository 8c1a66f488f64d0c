"""Import a case from an export ZIP: an exact round trip, attached documents included.

Hostile and broken files are in tests/test_import_refused.py.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from cases import activity, audit
from cases.models import Case, Membership, Role
from cases.services import portable
from cases.services.erasure import erase_case
from tests.data_support import case_json, make_full_case, read_zip, snapshot, zip_bytes
from tests.factories import make_case
from tests.import_support import URL, exported, upload

pytestmark = pytest.mark.django_db


def _data_only(value):
    """Drop the ids and timestamps a copy gets afresh."""
    if isinstance(value, list):
        return [_data_only(v) for v in value]
    if isinstance(value, dict):
        return {
            k: _data_only(v)
            for k, v in value.items()
            if k not in ("id", "created_at", "updated_at")
        }
    return value


class TestRoundTrip:
    def test_export_then_import_on_a_fresh_database_reproduces_every_field(
        self, owner, caregiver, owner_client, stranger, stranger_client
    ):
        case = make_full_case(owner, editor=caregiver)
        before = snapshot(case)
        data = exported(owner_client, case)
        # Nothing of the original is left: as good as a fresh database.
        erase_case(case, by=owner)
        assert not Case.objects.exists()

        response = upload(stranger_client, data)
        copy = Case.objects.get()
        assert response.status_code == 302
        assert response["Location"] == copy.get_absolute_url()
        assert copy.pk != case.pk
        after = snapshot(copy)
        assert after["case"] == before["case"]
        assert after["medications"] == before["medications"]
        assert len(after["opinions"]) == len(before["opinions"]) == 2
        for got, wanted in zip(after["opinions"], before["opinions"], strict=True):
            for name in ("records", "questions", "calls", "actions"):
                assert got.pop(name) == wanted.pop(name), name
            assert got == wanted
        # Once more as the exporter writes it: the copy exports to the same document.
        again = case_json(exported(stranger_client, copy))
        original = case_json(data)
        for key in ("case", "medications", "opinions"):
            assert _data_only(again[key]) == _data_only(original[key]), key

    def test_the_copy_belongs_to_the_importer_and_grants_nobody_else_access(
        self, owner, caregiver, owner_client, stranger, stranger_client
    ):
        case = make_full_case(owner, editor=caregiver)
        upload(stranger_client, exported(owner_client, case))
        copy = Case.objects.exclude(pk=case.pk).get()
        assert list(copy.memberships.values_list("user__email", "role")) == [
            (stranger.email, Role.OWNER)
        ]
        assert copy.created_by == stranger
        assert not copy.invitations.exists()
        messages = [
            str(m) for m in stranger_client.get(copy.get_absolute_url()).context["messages"]
        ]
        assert any("invite them again" in m for m in messages)

    def test_importing_into_your_own_account_keeps_your_authority_on_file(
        self, owner, owner_client
    ):
        case = make_full_case(owner)
        data = exported(owner_client, case)
        erase_case(case, by=owner)
        upload(owner_client, data)
        mine = Membership.objects.get(user=owner)
        assert (mine.role, mine.authority_kind, str(mine.authority_expires)) == (
            Role.OWNER,
            "proxy",
            "2027-05-01",
        )

    def test_the_import_is_one_entry_in_the_new_trail_not_a_copy_of_the_old_one(
        self, owner, owner_client, stranger, stranger_client
    ):
        case = make_full_case(owner)
        upload(stranger_client, exported(owner_client, case))
        copy = Case.objects.exclude(pk=case.pk).get()
        entries = list(audit.for_case(copy))
        assert len(entries) == 1
        assert activity.describe(entries[0], {}) == (
            "charlie@example.org imported this case from an export file"
        )

    def test_an_account_export_imports_every_case_in_it(self, owner, owner_client, stranger_client):
        make_case(owner, patient_name="Ann Lee")
        make_full_case(owner)
        response = owner_client.post(reverse("account_export"))
        data = b"".join(response.streaming_content)
        response = upload(stranger_client, data)
        assert response.status_code == 302 and response["Location"] == reverse("dashboard")
        assert Case.objects.filter(memberships__user__email="charlie@example.org").count() == 2

    def test_a_case_folder_zipped_again_by_hand_imports(self, owner, owner_client, stranger_client):
        case = make_full_case(owner)
        archive = read_zip(exported(owner_client, case))
        again = zip_bytes({f"My case/{n}": archive.read(n) for n in archive.namelist()})
        assert upload(stranger_client, again).status_code == 302
        assert Case.objects.count() == 2

    def test_the_packet_language_travels_with_the_case(
        self, owner, owner_client, stranger_client, settings
    ):
        case = make_case(owner, packet_language="es")
        data = exported(owner_client, case)
        assert case_json(data)["case"]["packet_language"] == "es"
        # An English reader imports it: the packet stays in Spanish for the specialist.
        stranger_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        upload(stranger_client, data)
        assert Case.objects.exclude(pk=case.pk).get().packet_language == "es"

    def test_an_export_from_before_the_packet_language_imports_in_the_importers(
        self, owner, stranger_client, settings
    ):
        document = json.loads(
            portable.to_json(portable.case_document(make_case(owner), exported_by=owner))
        )
        del document["case"]["packet_language"]
        stranger_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
        response = upload(stranger_client, zip_bytes({"case.json": json.dumps(document)}))
        assert response.status_code == 302
        copy = Case.objects.get(memberships__user__email="charlie@example.org")
        assert copy.packet_language == "es"

    def test_the_page_is_reached_from_the_dashboard_and_asks_for_a_zip(self, owner_client):
        assert URL in owner_client.get(reverse("dashboard")).content.decode()
        page = owner_client.get(URL).content.decode()
        assert 'enctype="multipart/form-data"' in page
        assert 'accept=".zip,application/zip"' in page


class TestAttachedDocuments:
    """Exported under files/ (listed with their SHA-256), imported through the upload checks."""

    @pytest.fixture
    def case_with_files(self, owner, caregiver):
        from cases.services.files import attach
        from tests.files_support import image_bytes, pdf_bytes
        from tests.files_support import upload as file_upload

        case = make_full_case(owner, editor=caregiver)
        records = list(case.current_opinion().records.order_by("position", "id"))
        attach(records[0], [file_upload("biopsy.pdf", pdf_bytes(3))], caregiver)
        attach(records[1], [file_upload("labs.png", image_bytes(), "image/png")], owner)
        return case

    def test_files_travel_with_the_case_and_come_back_on_their_records(
        self, owner, owner_client, stranger_client, case_with_files
    ):
        from cases.models import Attachment
        from tests.files_support import image_bytes, pdf_bytes

        data = exported(owner_client, case_with_files)
        document = case_json(data)
        assert [f["name"] for f in document["files"]] == ["biopsy.pdf", "labs.png"]
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
        for entry in document["files"]:
            assert entry["path"] in names and "biopsy" not in entry["path"]
        wanted = [
            (a.record.name, a.name, a.kind, a.pages, a.size)
            for a in Attachment.objects.in_case(case_with_files).order_by("id")
        ]
        erase_case(case_with_files, by=owner)

        upload(stranger_client, data)
        copy = Case.objects.get()
        got = Attachment.objects.in_case(copy).order_by("id")
        assert [(a.record.name, a.name, a.kind, a.pages, a.size) for a in got] == wanted
        assert got[0].file.open("rb").read() == pdf_bytes(3)
        assert got[1].file.open("rb").read() == image_bytes() and got[1].thumbnail

    def test_a_file_changed_after_export_is_refused_and_nothing_imported(
        self, owner_client, stranger_client, case_with_files
    ):
        data = exported(owner_client, case_with_files)
        path = case_json(data)["files"][0]["path"]
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                content = source.read(info)
                if info.filename == path:
                    content = content.replace(b"%PDF-", b"MZ\x90\x00\x03")
                target.writestr(info, content)
        count = Case.objects.count()
        response = upload(stranger_client, out.getvalue())
        assert "has changed since export" in response.content.decode()
        assert Case.objects.count() == count
