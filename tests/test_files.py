"""Documents attached to records: checks by content, limits, access, download headers,
and stored objects going with the file, the record or the case (on both backends)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Attachment, RecordItem
from cases.models.files import attachments_storage
from cases.models.items import RecordStatus
from cases.services.erasure import erase_case
from tests.files_support import EXECUTABLE, image_bytes, pdf_bytes, upload, zip_bytes
from tests.lists_support import HTMX, announced, is_partial
from tests.pages import control_names

pytestmark = pytest.mark.django_db


def first_record(case) -> RecordItem:
    return case.current_opinion().records.order_by("position", "id").first()


def add_url(case, record) -> str:
    return reverse("record_file_add", kwargs={"case_id": case.pk, "item_id": record.pk})


def file_url(name, case, attachment) -> str:
    return reverse(name, kwargs={"case_id": case.pk, "file_id": attachment.pk})


def attach(client, case, record, *files, **extra):
    return client.post(add_url(case, record), {"files": list(files)}, **extra)


def stored(name: str) -> bool:
    return attachments_storage().exists(name)


class TestAttaching:
    def test_a_caregiver_attaches_a_pdf_with_its_pages_and_who_added_it(
        self, caregiver_client, caregiver, case
    ):
        record = first_record(case)
        response = attach(caregiver_client, case, record, upload("biopsy.pdf", pdf_bytes(3)))
        assert response.status_code == 302
        attachment = Attachment.objects.get()
        assert (attachment.name, attachment.kind, attachment.pages) == ("biopsy.pdf", "pdf", 3)
        assert attachment.added_by == caregiver
        # The stored name is random: nothing of the person's file name in it.
        assert "biopsy" not in attachment.file.name
        page = caregiver_client.get(reverse("records", kwargs={"case_id": case.pk}))
        html = page.content.decode()
        assert "biopsy.pdf" in html and "3 pages" in html and "PDF document" in html

    def test_several_files_at_once_and_an_image_gets_a_thumbnail(self, owner_client, case):
        record = first_record(case)
        attach(
            owner_client,
            case,
            record,
            upload("labs.png", image_bytes("PNG"), "image/png"),
            upload("dicom.zip", zip_bytes(), "application/zip"),
        )
        png, archive = Attachment.objects.order_by("id")
        assert png.kind == "png" and png.thumbnail and png.pages is None
        assert archive.kind == "zip" and not archive.thumbnail
        thumb = owner_client.get(file_url("file_thumbnail", case, png))
        assert thumb["Content-Type"] == "image/png"
        assert b"".join(thumb.streaming_content).startswith(b"\x89PNG")

    def test_with_htmx_the_record_comes_back_and_completion_is_announced(self, owner_client, case):
        record = first_record(case)
        response = attach(owner_client, case, record, upload("a.pdf", pdf_bytes()), **HTMX)
        assert is_partial(response)
        assert "Attached ‘a.pdf’" in announced(response)

    def test_attaching_to_a_missing_record_offers_to_mark_it_received(self, owner_client, case):
        record = first_record(case)
        assert record.status == RecordStatus.NEEDED
        response = attach(owner_client, case, record, upload("a.pdf", pdf_bytes()), **HTMX)
        assert "mark it received" in announced(response)
        names = control_names(response.content.decode())
        assert (f"Mark ‘{record.name}’ received", "Mark it received") in names
        status_url = reverse("record_status", kwargs={"case_id": case.pk, "item_id": record.pk})
        owner_client.post(status_url, {"status": "received", "was": "needed"})
        record.refresh_from_db()
        assert record.status == RecordStatus.RECEIVED
        page = owner_client.get(reverse("records", kwargs={"case_id": case.pk}))
        assert f"Mark ‘{record.name}’ received" not in dict(control_names(page.content.decode()))

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("report.pdf", EXECUTABLE),  # a renamed program
            ("notes.txt", b"just some text"),
            ("scan.png", b"\x89PNG\r\n\x1a\n" + b"broken"),  # says PNG, is not one
        ],
    )
    def test_anything_else_is_refused_at_the_field_and_earlier_files_stay(
        self, owner_client, case, name, content
    ):
        record = first_record(case)
        attach(owner_client, case, record, upload("first.pdf", pdf_bytes()))
        kept = Attachment.objects.get()
        response = attach(owner_client, case, record, upload(name, content))
        assert response.status_code == 200
        html = response.content.decode()
        assert "There is a problem" in html
        assert f"‘{name}’ is not a PDF" in html
        assert f'id="record-{record.pk}-files_error"' in html
        assert list(Attachment.objects.all()) == [kept]
        assert stored(kept.file.name)

    def test_one_bad_file_among_several_attaches_none(self, owner_client, case):
        record = first_record(case)
        attach(
            owner_client, case, record, upload("ok.pdf", pdf_bytes()), upload("x.pdf", EXECUTABLE)
        )
        assert not Attachment.objects.exists()

    def test_a_file_over_the_limit_is_refused(self, owner_client, case, settings):
        settings.ATTACHMENT_MAX_BYTES = 1024
        record = first_record(case)
        response = attach(owner_client, case, record, upload("big.pdf", pdf_bytes() + b" " * 2048))
        assert "a file can be at most" in response.content.decode()
        assert not Attachment.objects.exists()

    def test_a_case_over_its_limit_is_refused(self, owner_client, case, settings):
        one = len(pdf_bytes())
        settings.CASE_ATTACHMENTS_MAX_BYTES = one + 10
        record = first_record(case)
        attach(owner_client, case, record, upload("a.pdf", pdf_bytes()))
        response = attach(owner_client, case, record, upload("b.pdf", pdf_bytes()))
        assert "A case can hold" in response.content.decode()
        assert Attachment.objects.count() == 1

    def test_a_shown_name_is_sanitised(self, owner_client, case):
        record = first_record(case)
        attach(owner_client, case, record, upload("..\\..\\evil\u202egpj.pdf", pdf_bytes()))
        assert Attachment.objects.get().name == "evilgpj.pdf"

    def test_a_viewer_may_not_attach(self, viewer_client, case):
        response = attach(viewer_client, case, first_record(case), upload("a.pdf", pdf_bytes()))
        assert response.status_code == 403
        assert not Attachment.objects.exists()


class TestDownloading:
    @pytest.fixture
    def attachment(self, owner_client, case):
        attach(owner_client, case, first_record(case), upload("Maria biopsy.pdf", pdf_bytes(2)))
        return Attachment.objects.get()

    def test_a_viewer_downloads_it_as_an_attachment_that_is_never_rendered(
        self, viewer_client, viewer, case, attachment
    ):
        response = viewer_client.get(file_url("file_download", case, attachment))
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            f'attachment; filename="record-document-{attachment.pk}.pdf"'
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox")
        assert response["Content-Type"] == "application/octet-stream"
        assert b"".join(response.streaming_content) == attachment.file.open("rb").read()
        assert "no-store" in response["Cache-Control"]

    def test_each_download_goes_on_the_activity_trail(self, viewer_client, case, attachment):
        from auditlog.models import LogEntry

        viewer_client.get(file_url("file_download", case, attachment))
        entry = LogEntry.objects.filter(additional_data__event="file_download").get()
        assert entry.object_repr == "Maria biopsy.pdf"
        page = viewer_client.get(reverse("case_activity", kwargs={"case_id": case.pk}))
        assert "downloaded the attached document ‘Maria biopsy.pdf’" in page.content.decode()

    def test_a_file_of_another_case_is_404_through_this_case(self, owner_client, owner, attachment):
        from tests.factories import make_case

        other = make_case(owner)
        response = owner_client.get(file_url("file_download", other, attachment))
        assert response.status_code == 404

    def test_the_private_folder_is_outside_static(self, settings):
        from pathlib import Path

        from django.conf import settings as live

        root = Path(live.PRIVATE_MEDIA_ROOT).resolve()
        for static_dir in [live.STATIC_ROOT, *live.STATICFILES_DIRS]:
            assert not root.is_relative_to(Path(static_dir).resolve())


class TestRemovingTakesTheStoredObjects:
    """On the private folder and on S3 (moto's server)."""

    @pytest.fixture
    def attached(self, storage_backend, owner_client, case, django_capture_on_commit_callbacks):
        record = first_record(case)
        with django_capture_on_commit_callbacks(execute=True):
            attach(
                owner_client,
                case,
                record,
                upload("a.pdf", pdf_bytes()),
                upload("b.png", image_bytes(), "image/png"),
            )
        names = [n for a in Attachment.objects.all() for n in a.stored_names()]
        assert len(names) == 3 and all(stored(n) for n in names)
        return record, names

    def test_downloading_reads_the_stored_bytes(self, attached, viewer_client, case):
        attachment = Attachment.objects.get(kind="pdf")
        response = viewer_client.get(file_url("file_download", case, attachment))
        assert b"".join(response.streaming_content) == pdf_bytes()

    def test_removing_a_file_asks_first_then_deletes_its_objects(
        self, attached, owner_client, case, django_capture_on_commit_callbacks
    ):
        _, names = attached
        png = Attachment.objects.get(kind="png")
        asked = owner_client.get(file_url("file_remove", case, png))
        assert "Remove ‘b.png’" in asked.content.decode()
        assert Attachment.objects.filter(pk=png.pk).exists()
        with django_capture_on_commit_callbacks(execute=True):
            owner_client.post(file_url("file_remove", case, png))
        assert not Attachment.objects.filter(pk=png.pk).exists()
        assert not stored(png.file.name) and not stored(png.thumbnail.name)
        assert stored(Attachment.objects.get().file.name)

    def test_removing_the_record_deletes_its_objects(
        self, attached, owner_client, case, django_capture_on_commit_callbacks
    ):
        record, names = attached
        remove = reverse("record_remove", kwargs={"case_id": case.pk, "item_id": record.pk})
        with django_capture_on_commit_callbacks(execute=True):
            owner_client.post(remove)
        assert not any(stored(n) for n in names)

    def test_erasing_the_case_deletes_its_objects(
        self, attached, owner, case, django_capture_on_commit_callbacks
    ):
        _, names = attached
        with django_capture_on_commit_callbacks(execute=True):
            erase_case(case, by=owner)
        assert not any(stored(n) for n in names)
