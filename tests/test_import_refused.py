"""Hostile and broken export ZIPs are refused in plain words, and nothing is imported."""

from __future__ import annotations

import json
import struct
import zipfile

import pytest
from django.test import override_settings

from cases.models import Case
from cases.services import import_archive, importing
from tests.data_support import zip_bytes
from tests.import_support import URL, assert_refused, good_document, json_zip, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def good_json(owner) -> dict:
    return good_document(owner)


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
            json_zip(good_json),
            "format version 2, and this server reads version 1",
        )
        assert (
            "newer version of Second Opinion"
            in upload(stranger_client, json_zip(good_json)).content.decode()
        )

    def test_a_version_that_is_not_a_number(self, stranger_client, good_json):
        good_json["format_version"] = "1"
        assert_refused(stranger_client, json_zip(good_json), "cannot be imported here")

    def test_another_format(self, stranger_client, good_json):
        good_json["format"] = "someone-elses-format"
        assert_refused(stranger_client, json_zip(good_json), "not an export from Second Opinion")

    def test_a_value_the_schema_does_not_allow_says_where(self, stranger_client, good_json):
        good_json["opinions"][0]["records"][1]["status"] = "lost"
        assert_refused(stranger_client, json_zip(good_json), "opinions › 0 › records › 1 › status")

    def test_a_field_too_long(self, stranger_client, good_json):
        good_json["case"]["member_id"] = "9" * 61
        assert_refused(stranger_client, json_zip(good_json), "case › member_id")

    def test_an_unknown_field(self, stranger_client, good_json):
        good_json["case"]["secret_admin"] = True
        assert_refused(stranger_client, json_zip(good_json), "damaged or was changed")

    def test_two_opinions_with_one_number(self, stranger_client, good_json):
        good_json["opinions"][1]["number"] = good_json["opinions"][0]["number"]
        assert_refused(stranger_client, json_zip(good_json), "damaged or was changed")

    def test_broken_json(self, stranger_client):
        assert_refused(stranger_client, zip_bytes({"case.json": "{not json"}), "damaged")

    def test_deeply_nested_json(self, stranger_client):
        assert_refused(stranger_client, zip_bytes({"case.json": "[" * 100_000}), "damaged")

    def test_a_password_protected_zip(self, stranger_client, good_json):
        data = bytearray(json_zip(good_json))
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
        assert_refused(stranger_client, json_zip(good_json), "missing from the ZIP")

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
        assert_refused(stranger_client, json_zip(good_json), "belongs to no record")

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
        assert_refused(stranger_client, json_zip(good_json), "late failure")
