"""Uploading an export ZIP to the import page, and a valid case.json to spoil.

Shared by the import tests and the bounds tests (an import past a limit).
"""

from __future__ import annotations

import json

from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case
from cases.services import portable
from tests.data_support import make_full_case, zip_bytes

URL = "/cases/import/"


def exported(client, case) -> bytes:
    response = client.post(reverse("case_export", kwargs={"case_id": case.pk}))
    return b"".join(response.streaming_content)


def upload(client, data: bytes, name: str = "second-opinion-case-2026-11-25.zip"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, "application/zip")})


def good_document(owner) -> dict:
    """A valid case.json, made without the PDFs (they are not read by an import)."""
    case = make_full_case(owner)
    return json.loads(portable.to_json(portable.case_document(case, exported_by=owner)))


def json_zip(document: dict) -> bytes:
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
