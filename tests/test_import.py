"""Import a case from an export ZIP: an exact round trip, and hostile files refused."""

from __future__ import annotations

import io
import json
import struct
import zipfile

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from cases import activity, audit
from cases.models import Case, Membership, Role
from cases.services import import_archive, importing, portable
from cases.services.erasure import erase_case
from tests.data_support import case_json, make_full_case, read_zip, snapshot, zip_bytes
from tests.factories import make_case

pytestmark = pytest.mark.django_db

URL = "/cases/import/"


def exported(client, case) -> bytes:
    response = client.post(reverse("case_export", kwargs={"case_id": case.pk}))
    return b"".join(response.streaming_content)


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


def upload(client, data: bytes, name: str = "second-opinion-case-2026-11-25.zip"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, "application/zip")})


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


# Hostile and broken files --------------------------------------------------------------------


@pytest.fixture
def good_json(owner) -> dict:
    """A valid case.json, made without the PDFs (they are not read by an import)."""
    case = make_full_case(owner)
    return json.loads(portable.to_json(portable.case_document(case, exported_by=owner)))


def _json_zip(document: dict) -> bytes:
    return zip_bytes({"case.json": json.dumps(document)})


def assert_refused(client, data: bytes, message: str, name: str = "case.zip") -> None:
    cases, entries = Case.objects.count(), LogEntry.objects.count()
    response = upload(client, data, name)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_file_error"' in page, page
    assert "There is a problem" in page
    assert message in response.context["form"].errors["file"][0]
    assert (Case.objects.count(), LogEntry.objects.count()) == (cases, entries)


def _set_size(data: bytes, name: bytes, size: int) -> bytes:
    """Make the ZIP's headers lie about how big ``name`` is once unpacked."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    while local != -1:
        name_len = struct.unpack_from("<H", out, local + 26)[0]
        if bytes(out[local + 30 : local + 30 + name_len]) == name:
            struct.pack_into("<I", out, local + 22, size)
        local = out.find(b"PK\x03\x04", local + 4)
    central = out.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", out, central + 28)[0]
        if bytes(out[central + 46 : central + 46 + name_len]) == name:
            struct.pack_into("<I", out, central + 24, size)
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


class TestRefused:
    @pytest.mark.parametrize(
        "name", ["../evil.txt", "/etc/cron.d/evil", "cases/../../evil", "C:\\evil.txt", "a/./b"]
    )
    def test_a_path_that_escapes_its_folder(self, stranger_client, good_json, name):
        data = zip_bytes({"case.json": json.dumps(good_json), name: "boo"})
        assert_refused(stranger_client, data, "points outside its folder")

    def test_a_symbolic_link(self, stranger_client, good_json):
        link = zipfile.ZipInfo("files/link")
        link.external_attr = 0o120777 << 16
        data = zip_bytes({"case.json": json.dumps(good_json)}, link=link)
        assert_refused(stranger_client, data, "link to another place")

    def test_a_zip_bomb_declared_too_big(self, stranger_client, monkeypatch):
        monkeypatch.setattr(import_archive, "MAX_JSON_BYTES", 10_000)
        data = zip_bytes({"case.json": b" " * 50_000})
        assert_refused(stranger_client, data, "far too big once unpacked")

    def test_a_zip_bomb_whose_headers_lie_about_its_size(self, stranger_client, monkeypatch):
        monkeypatch.setattr(import_archive, "MAX_JSON_BYTES", 10_000)
        data = _set_size(zip_bytes({"case.json": b" " * 500_000}), b"case.json", 100)
        cases = Case.objects.count()
        response = upload(stranger_client, data)
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
        assert Case.objects.count() == cases

    def test_headers_claiming_terabytes(self, stranger_client, good_json):
        data = zip_bytes({"case.json": json.dumps(good_json), "packet.pdf": b"%PDF"})
        assert_refused(stranger_client, _set_size(data, b"packet.pdf", 0xFFFFFFFF), "far too big")

    def test_too_many_entries(self, stranger_client, good_json, monkeypatch):
        monkeypatch.setattr(import_archive, "MAX_ENTRIES", 5)
        entries = {f"files/f{i}": "x" for i in range(6)}
        data = zip_bytes({"case.json": json.dumps(good_json), **entries})
        assert_refused(stranger_client, data, "more than 5 files")

    @override_settings(CASE_IMPORT_MAX_MB=1)
    def test_an_oversized_upload(self, stranger_client):
        assert_refused(stranger_client, b"PK" + b"\0" * (1024 * 1024 + 10), "bigger than 1 MB")

    def test_a_file_that_is_not_a_zip(self, stranger_client):
        assert_refused(stranger_client, b"%PDF-1.7 not a zip", "must be a ZIP file", "x.pdf")

    def test_a_zip_without_a_case(self, stranger_client):
        assert_refused(stranger_client, zip_bytes({"holiday.jpg": b"\xff\xd8"}), "not an export")

    def test_a_newer_format_version(self, stranger_client, good_json):
        good_json["format_version"] = 2
        assert_refused(
            stranger_client,
            _json_zip(good_json),
            "format version 2, and this server reads version 1",
        )
        assert (
            "newer version of Second Opinion"
            in upload(stranger_client, _json_zip(good_json)).content.decode()
        )

    def test_a_version_that_is_not_a_number(self, stranger_client, good_json):
        good_json["format_version"] = "1"
        assert_refused(stranger_client, _json_zip(good_json), "cannot be imported here")

    def test_another_format(self, stranger_client, good_json):
        good_json["format"] = "someone-elses-format"
        assert_refused(stranger_client, _json_zip(good_json), "not an export from Second Opinion")

    def test_a_value_the_schema_does_not_allow_says_where(self, stranger_client, good_json):
        good_json["opinions"][0]["records"][1]["status"] = "lost"
        assert_refused(stranger_client, _json_zip(good_json), "opinions › 0 › records › 1 › status")

    def test_a_field_too_long(self, stranger_client, good_json):
        good_json["case"]["member_id"] = "9" * 61
        assert_refused(stranger_client, _json_zip(good_json), "case › member_id")

    def test_an_unknown_field(self, stranger_client, good_json):
        good_json["case"]["secret_admin"] = True
        assert_refused(stranger_client, _json_zip(good_json), "damaged or was changed")

    def test_two_opinions_with_one_number(self, stranger_client, good_json):
        good_json["opinions"][1]["number"] = good_json["opinions"][0]["number"]
        assert_refused(stranger_client, _json_zip(good_json), "damaged or was changed")

    def test_broken_json(self, stranger_client):
        assert_refused(stranger_client, zip_bytes({"case.json": "{not json"}), "damaged")

    def test_deeply_nested_json(self, stranger_client):
        assert_refused(stranger_client, zip_bytes({"case.json": "[" * 100_000}), "damaged")

    def test_a_password_protected_zip(self, stranger_client, good_json):
        data = bytearray(_json_zip(good_json))
        # Set the "encrypted" flag in the local and the central header.
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = data.find(signature)
            struct.pack_into("<H", data, at + offset, 0x1)
        assert_refused(stranger_client, bytes(data), "protected with a password")

    def test_an_attached_file_listed_but_missing_from_the_zip(self, stranger_client, good_json):
        good_json["files"] = [
            {
                "path": "files/a1",
                "name": "scan.pdf",
                "media_type": "application/pdf",
                "size": 1,
                "sha256": "0" * 64,
                "record": {"opinion": 2, "index": 0},
            }
        ]
        assert_refused(stranger_client, _json_zip(good_json), "missing from the ZIP")

    def test_an_attached_file_pointing_at_no_record(self, stranger_client, good_json):
        good_json["files"] = [
            {
                "path": "files/a1",
                "name": "scan.pdf",
                "media_type": "application/pdf",
                "size": 1,
                "sha256": "0" * 64,
                "record": {"opinion": 2, "index": 999},
            }
        ]
        assert_refused(stranger_client, _json_zip(good_json), "belongs to no record")

    def test_no_file_chosen(self, stranger_client):
        response = stranger_client.post(URL, {})
        assert response.context["form"].errors["file"] == ["Choose the ZIP file to import"]

    def test_a_failure_while_writing_changes_nothing(self, stranger_client, good_json, monkeypatch):
        """Everything is written in one transaction: a late failure leaves no half case."""
        real = importing.audit.record_case_import

        def fail(case, user):
            real(case, user)
            raise importing.ImportRefused("late failure")

        monkeypatch.setattr(importing.audit, "record_case_import", fail)
        assert_refused(stranger_client, _json_zip(good_json), "late failure")


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
