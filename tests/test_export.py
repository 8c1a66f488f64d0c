"""Export a case, or a whole account, as one ZIP: PDFs, case.json, its schema, a README."""

from __future__ import annotations

import io
import json
import re

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.db import connection, models
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jsonschema import Draft202012Validator
from pypdf import PdfReader

from cases import activity, audit
from cases.models import Medication, Membership, Role
from cases.services import portable
from cases.services.export import export_account
from tests.data_support import case_json, make_full_case, read_zip
from tests.factories import add_member, make_case

pytestmark = pytest.mark.django_db


def export(client, case) -> bytes:
    response = client.post(reverse("case_export", kwargs={"case_id": case.pk}))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


class TestCaseExport:
    def test_the_zip_holds_both_pdfs_the_data_its_schema_and_a_readme(self, owner, owner_client):
        case = make_full_case(owner)
        data = export(owner_client, case)
        archive = read_zip(data)
        assert sorted(archive.namelist()) == [
            "README.txt",
            "case-export.v1.schema.json",
            "case.json",
            "decision-summary.pdf",
            "packet.pdf",
        ]
        assert (
            "Appointment packet"
            in PdfReader(io.BytesIO(archive.read("packet.pdf"))).metadata["/Title"]
        )
        assert case.patient_name in pdf_text(archive.read("packet.pdf"))
        assert "DECISION SUMMARY" in pdf_text(archive.read("decision-summary.pdf")).upper()
        readme = archive.read("README.txt").decode()
        assert "Import a case" in readme and "files/" in readme
        assert "&#x27;" not in readme and "&amp;" not in readme  # plain text, not HTML
        assert json.loads(archive.read("case-export.v1.schema.json")) == portable.schema()

    def test_the_json_validates_against_the_schema_file(self, owner, owner_client):
        case = make_full_case(owner)
        audit.record_packet_download(case, owner)
        document = case_json(export(owner_client, case))
        Draft202012Validator.check_schema(portable.schema())
        errors = list(portable.validator().iter_errors(document))
        assert errors == []
        assert document["format"] == "second-opinion-case"
        assert document["format_version"] == 1
        assert document["files"] == []

    def test_there_is_no_decision_summary_before_a_decision(self, owner, owner_client):
        names = read_zip(export(owner_client, make_case(owner))).namelist()
        assert "packet.pdf" in names
        assert "decision-summary.pdf" not in names

    def test_the_json_holds_every_opinion_item_member_authority_and_the_trail(
        self, owner, caregiver, viewer, owner_client
    ):
        case = make_full_case(owner, editor=caregiver, viewer=viewer)
        audit.record_packet_download(case, viewer)
        document = case_json(export(owner_client, case))
        assert document["case"]["member_id"] == case.member_id
        assert [o["number"] for o in document["opinions"]] == [2, 3]
        for opinion in document["opinions"]:
            for name in ("records", "questions", "calls", "actions"):
                assert len(opinion[name]) == 2, name
        assert len(document["medications"]) == 2
        members = {m["email"]: m for m in document["members"]}
        assert members[owner.email]["role"] == Role.OWNER
        assert members[owner.email]["authority_kind"] == "proxy"
        assert members[owner.email]["authority_expires"] == "2027-05-01"
        assert members[viewer.email]["role"] == Role.VIEWER
        assert "nonce" not in document["invitations"][0]
        assert document["activity"][-1]["text"] == "vera@example.org downloaded the packet"
        assert document["activity"][-1]["action"] == "access"
        assert document["exported_by"]["email"] == owner.email

    def test_every_model_of_a_case_is_exported_with_every_field(self):
        """A model or a field added later fails here until the export (and schema) carry it."""
        parts = {p.model: p for p in vars(portable).values() if isinstance(p, portable.Part)}
        # Bookkeeping of the background work, not data of a case: which reminders went
        # out (deleted with the case), the mail outbox (emptied as it is sent) and the
        # schedule's claimed days. Attached documents travel as files under files/,
        # listed in the "files" array (their pages and thumbnail are worked out again on
        # import): tested in test_import.
        # The language a person chose is their account's, not the case's.
        from cases.models import (
            AccountLanguage,
            Attachment,
            OutgoingEmail,
            ScheduledRun,
            SentReminder,
        )

        bookkeeping = {OutgoingEmail, ScheduledRun, SentReminder, Attachment, AccountLanguage}
        assert set(apps.get_app_config("cases").get_models()) - bookkeeping == set(parts)
        for model, part in parts.items():
            exported = {f.name for f in part.fields}
            data_fields = {
                f.name for f in model._meta.concrete_fields if not f.is_relation
            } - part.skip
            if model is not portable.CASE.model:
                data_fields.discard("id")
            assert exported == data_fields, model

    def test_the_schema_matches_the_models_lengths_and_choices(self):
        for part, node in portable.schema_nodes(portable.schema()).items():
            properties = node["properties"]
            for field in part.fields:
                declared = properties[field.name]
                # An optional field came later: files exported before it still validate.
                required = field.name not in part.optional
                assert (field.name in node["required"]) == required, (part.model, field.name)
                if getattr(field, "max_length", None) and not isinstance(field, models.UUIDField):
                    assert declared["maxLength"] == field.max_length, (part.model, field.name)
                if field.choices:
                    codes = {c for c, _ in field.flatchoices} | ({""} if field.blank else set())
                    allowed = {v for v in declared["enum"] if v is not None}
                    assert allowed == codes, (part.model, field.name)
                if field.null:
                    assert "null" in declared["type"], (part.model, field.name)

    def test_file_name_has_a_date_and_no_health_data(self, owner, owner_client):
        case = make_case(owner)
        response = owner_client.post(reverse("case_export", kwargs={"case_id": case.pk}))
        disposition = response["Content-Disposition"]
        assert re.search(r'filename="second-opinion-case-\d{4}-\d{2}-\d{2}\.zip"', disposition)
        assert response["Content-Type"] == "application/zip"
        assert "no-store" in response["Cache-Control"]

    def test_an_editor_may_export_and_a_viewer_may_not(self, case, caregiver_client, viewer_client):
        assert (
            caregiver_client.get(reverse("case_export", kwargs={"case_id": case.pk})).status_code
            == 200
        )
        assert export(caregiver_client, case).startswith(b"PK")
        url = reverse("case_export", kwargs={"case_id": case.pk})
        assert viewer_client.get(url).status_code == 403
        assert viewer_client.post(url).status_code == 403

    def test_the_export_is_written_to_the_activity_trail(self, case, caregiver, caregiver_client):
        export(caregiver_client, case)
        entry = audit.for_case(case).first()
        assert entry.actor == caregiver
        assert entry.additional_data["event"] == "case_export"
        assert activity.describe(entry, {}) == (
            "bob@example.org exported the case (a ZIP with everything in it)"
        )

    def test_the_page_says_what_the_file_holds_and_offers_a_plain_form(self, case, owner_client):
        page = owner_client.get(
            reverse("case_export", kwargs={"case_id": case.pk})
        ).content.decode()
        assert "health information" in page
        assert 'method="post"' in page
        case_page = owner_client.get(case.get_absolute_url()).content.decode()
        assert reverse("case_export", kwargs={"case_id": case.pk}) in case_page

    def test_the_case_page_offers_no_export_to_a_viewer(self, case, viewer_client):
        page = viewer_client.get(case.get_absolute_url()).content.decode()
        assert reverse("case_export", kwargs={"case_id": case.pk}) not in page

    def test_gathering_the_data_costs_the_same_queries_with_many_items(self, owner):
        few, many = make_case(owner), make_case(owner)
        Medication.objects.bulk_create(Medication(case=many, name=f"M{i}") for i in range(40))
        for i in range(10):
            add_member(many, make_user_n(i), Role.VIEWER)
        for case in (few, many):
            audit.record_packet_download(case, owner)
        counts = []
        for case in (few, many):
            with CaptureQueriesContext(connection) as queries:
                portable.case_document(case, exported_by=owner)
            counts.append(len(queries))
        # One query per list under the opinions (records, questions, calls, actions,
        # letters) and one for the records' attached documents.
        assert counts[0] == counts[1] <= 12


def make_user_n(i: int):
    from tests.factories import make_user

    return make_user(f"helper{i}@example.org")


class TestAccountExport:
    def test_the_zip_holds_the_account_and_every_case_the_person_can_see(
        self, owner, caregiver, caregiver_client
    ):
        mine = make_case(caregiver, patient_name="Paul Smith")
        theirs = make_full_case(owner, editor=caregiver)
        response = caregiver_client.post(reverse("account_export"))
        assert response.status_code == 200
        assert re.search(
            r'filename="second-opinion-account-\d{4}-\d{2}-\d{2}\.zip"',
            response["Content-Disposition"],
        )
        data = b"".join(response.streaming_content)
        archive = read_zip(data)
        account = json.loads(archive.read("account.json"))
        assert account["account"]["email"] == caregiver.email
        assert account["account"]["two_factor"] == []
        assert account["account"]["language"] is None  # never switched: the browser decides
        folders = {c["case_id"]: c["folder"] for c in account["cases"]}
        assert set(folders) == {str(mine.pk), str(theirs.pk)}
        for case in (mine, theirs):
            document = case_json(data, folders[str(case.pk)])
            assert list(portable.validator().iter_errors(document)) == []
            assert document["case"]["id"] == str(case.pk)
            assert folders[str(case.pk)] + "packet.pdf" in archive.namelist()
        assert folders[str(theirs.pk)] + "decision-summary.pdf" in archive.namelist()
        readme = archive.read("README.txt").decode()
        assert "Paul Smith" in readme
        # Folder names carry no health data.
        assert all(re.fullmatch(r"cases/case-\d\d/", f) for f in folders.values())
        for case in (mine, theirs):
            assert audit.for_case(case).first().additional_data["event"] == "case_export"

    @override_settings(ACCOUNT_EXPORT_PDF_SECONDS=0)
    def test_past_its_time_budget_the_export_leaves_pdfs_out_and_says_so(self, owner):
        case = make_case(owner, patient_name="Ann Lee")
        result = export_account(owner)
        archive = read_zip(result.file.read())
        assert result.without_pdfs == [Membership.objects.get(user=owner).case]
        assert not [n for n in archive.namelist() if n.endswith(".pdf")]
        assert "Ann Lee" in archive.read("README.txt").decode().split("PDFs of these cases")[1]
        assert (
            "PDFs of this case were left out" in archive.read("cases/case-01/README.txt").decode()
        )
        document = json.loads(archive.read("cases/case-01/case.json"))
        assert document["case"]["id"] == str(case.pk)

    def test_the_your_data_page_offers_export_and_deletion(self, owner_client):
        page = owner_client.get(reverse("your_data")).content.decode()
        assert reverse("account_export") in page
        assert reverse("account_delete") in page
        assert "730 days" in page
        assert reverse("your_data") in owner_client.get(reverse("account_email")).content.decode()

    def test_account_export_needs_a_post(self, owner_client):
        assert owner_client.get(reverse("account_export")).status_code == 405


def test_activity_entries_of_a_case_export_name_the_event(owner):
    case = make_case(owner)
    audit.record_case_export(case, owner)
    assert LogEntry.objects.filter(additional_data__event="case_export").count() == 1
