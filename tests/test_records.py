"""Step 3: the medical-records checklist."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from cases.models import RecordItem
from cases.models.items import RecordFormat, RecordStatus
from tests.factories import make_case
from tests.lists_support import HTMX, announced, is_partial, post_with_token

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def url(name: str, case, record=None) -> str:
    kwargs = {"case_id": case.pk}
    if record is not None:
        kwargs["item_id"] = record.pk
    return reverse(name, kwargs=kwargs)


def record_named(case, name: str) -> RecordItem:
    return case.current_opinion().records.get(name=name)


def edit_data(record: RecordItem, version: str, **changes) -> dict:
    prefix = f"record-{record.pk}-"
    data = {
        "name": record.name,
        "status": record.status,
        "format": record.format,
        "source": record.source,
        "requested_on": record.requested_on or "",
        "received_on": record.received_on or "",
        "sent_on": record.sent_on or "",
        "notes": record.notes,
        "version": version,
    }
    data.update(changes)
    return {prefix + k: v for k, v in data.items()}


class TestRecordsPage:
    def test_owner_sees_the_seeded_checklist_and_the_tips(self, owner_client, case):
        response = owner_client.get(url("records", case))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Step 3: Request medical records" in html
        assert "Imaging reports" in html
        assert "HIPAA authorization" in html
        assert "confirm they arrived" in html
        # Images come on disc: marked as such.
        assert "On disc" in html
        assert html.count('name="status"') == 6

    def test_viewer_reads_without_any_controls(self, viewer_client, case):
        response = viewer_client.get(url("records", case))
        assert response.status_code == 200
        assert b"Imaging reports" in response.content
        assert b'name="status"' not in response.content
        assert b"Add record" not in response.content

    def test_usb_images_are_marked(self, owner_client, case):
        record = record_named(case, "Imaging reports")
        record.format = RecordFormat.USB
        record.save()
        assert b"On USB stick" in owner_client.get(url("records", case)).content

    def test_query_count_does_not_grow_with_the_checklist(
        self, owner_client, owner, django_assert_max_num_queries
    ):
        small = make_case(owner)
        small.current_opinion().records.exclude(
            pk=small.current_opinion().records.first().pk
        ).delete()
        big = make_case(owner)
        RecordItem.objects.bulk_create(
            RecordItem(
                opinion=big.current_opinion(),
                name=f"Scan {i}",
                status=RecordStatus.REQUESTED,
                requested_on=TODAY - dt.timedelta(days=i),
                position=10 + i,
            )
            for i in range(44)
        )
        assert small.current_opinion().records.count() == 1
        assert big.current_opinion().records.count() == 50
        for c in (small, big):
            # One fetches the opinion's records-request letters, one every record's
            # attached documents at once.
            with django_assert_max_num_queries(7):
                assert owner_client.get(url("records", c)).status_code == 200


class TestFollowUp:
    def _requested(self, case, days_ago: int) -> RecordItem:
        record = record_named(case, "Lab results")
        record.status = RecordStatus.REQUESTED
        record.requested_on = TODAY - dt.timedelta(days=days_ago)
        record.save()
        return record

    def test_ten_days_is_not_yet_a_follow_up(self, owner_client, case):
        self._requested(case, 10)
        html = owner_client.get(url("records", case)).content.decode()
        assert "Follow up:" not in html
        assert "follow-up call" not in html

    def test_eleven_days_is_flagged_and_counted(self, owner_client, case):
        self._requested(case, 11)
        html = owner_client.get(url("records", case)).content.decode()
        assert "Follow up: requested 11 days ago" in html
        assert "1 record needs a follow-up call" in html

    def test_received_records_are_not_flagged(self, owner_client, case):
        record = self._requested(case, 30)
        record.status = RecordStatus.RECEIVED
        record.save()
        assert b"Follow up:" not in owner_client.get(url("records", case)).content


class TestStatus:
    def test_caregiver_marks_requested_and_today_is_filled_in(self, caregiver_client, case):
        record = record_named(case, "Lab results")
        response = caregiver_client.post(
            url("record_status", case, record), {"status": "requested"}
        )
        assert response.status_code == 302
        assert response["Location"] == f"{url('records', case)}#record-{record.pk}"
        record.refresh_from_db()
        assert record.status == RecordStatus.REQUESTED
        assert record.requested_on == TODAY
        page = caregiver_client.get(response["Location"])
        assert "Marked ‘Lab results’ as requested" in page.content.decode()

    def test_an_existing_date_is_kept(self, owner_client, case):
        record = record_named(case, "Lab results")
        earlier = TODAY - dt.timedelta(days=3)
        record.received_on = earlier
        record.save()
        owner_client.post(url("record_status", case, record), {"status": "received"})
        record.refresh_from_db()
        assert record.status == RecordStatus.RECEIVED
        assert record.received_on == earlier

    def test_sent_fills_the_sent_date(self, owner_client, case):
        record = record_named(case, "Lab results")
        owner_client.post(url("record_status", case, record), {"status": "sent"})
        record.refresh_from_db()
        assert record.sent_on == TODAY
        assert record.received_on is None

    def test_htmx_gets_the_list_focused_on_the_item_and_an_announcement(self, owner_client, case):
        record = record_named(case, "Imaging reports")
        response = owner_client.post(
            url("record_status", case, record), {"status": "received"}, **HTMX
        )
        assert response.status_code == 200
        assert is_partial(response)
        assert announced(response) == "Marked ‘Imaging reports’ as received"
        assert f'id="record-{record.pk}-status" data-focus'.encode() in response.content

    def test_unknown_status_is_explained_and_nothing_changes(self, owner_client, case):
        record = record_named(case, "Lab results")
        response = owner_client.post(url("record_status", case, record), {"status": "lost"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "There is a problem" in html
        assert f'href="#record-{record.pk}-status"' in html
        assert "Choose a status from the list" in html
        record.refresh_from_db()
        assert record.status == RecordStatus.NEEDED

    def test_a_status_changed_by_someone_else_meanwhile_is_not_overwritten(
        self, owner_client, caregiver_client, case
    ):
        record = record_named(case, "Lab results")
        # Both saw "needed"; Bob marks it received first.
        caregiver_client.post(
            url("record_status", case, record), {"status": "received", "was": "needed"}
        )
        response = owner_client.post(
            url("record_status", case, record), {"status": "requested", "was": "needed"}, **HTMX
        )
        html = response.content.decode()
        assert "Someone else marked this ‘received’" in html
        assert 'name="was" value="received"' in html  # choosing again is now informed
        record.refresh_from_db()
        assert record.status == RecordStatus.RECEIVED
        again = owner_client.post(
            url("record_status", case, record), {"status": "requested", "was": "received"}
        )
        assert again.status_code == 302
        record.refresh_from_db()
        assert record.status == RecordStatus.REQUESTED

    def test_two_people_choosing_the_same_status_is_no_conflict(
        self, owner_client, caregiver_client, case
    ):
        record = record_named(case, "Lab results")
        for client in (caregiver_client, owner_client):
            response = client.post(
                url("record_status", case, record), {"status": "received", "was": "needed"}
            )
            assert response.status_code == 302

    def test_a_record_of_another_case_is_404(self, owner_client, owner, case):
        other = make_case(owner, patient_name="Someone else")
        foreign = other.current_opinion().records.first()
        response = owner_client.post(
            reverse("record_status", kwargs={"case_id": case.pk, "item_id": foreign.pk}),
            {"status": "sent"},
        )
        assert response.status_code == 404

    def test_the_pages_csrf_token_lets_the_status_change_through(self, csrf_client, owner, case):
        client = csrf_client(owner)
        record = record_named(case, "Lab results")
        response = post_with_token(
            client, url("records", case), url("record_status", case, record), {"status": "sent"}
        )
        assert response.status_code == 302
        record.refresh_from_db()
        assert record.status == RecordStatus.SENT


class TestAdd:
    def test_caregiver_adds_a_record_at_the_end(self, caregiver_client, case):
        response = caregiver_client.post(
            url("record_add", case), {"name": "Biopsy slides", "source": "City Lab"}
        )
        record = record_named(case, "Biopsy slides")
        assert response.status_code == 302
        assert response["Location"].endswith(f"#record-{record.pk}")
        assert record.source == "City Lab"
        assert list(case.current_opinion().records.all())[-1] == record

    def test_htmx_add_focuses_the_new_item(self, owner_client, case):
        response = owner_client.post(url("record_add", case), {"name": "Biopsy slides"}, **HTMX)
        assert is_partial(response)
        assert announced(response) == "Added ‘Biopsy slides’"
        assert re.search(
            rb'<h3 class="item__title" data-focus>Biopsy slides</h3>', response.content
        )

    def test_empty_name_is_explained_at_the_field(self, owner_client, case):
        response = owner_client.post(url("record_add", case), {"name": "", "source": "City Lab"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "There is a problem" in html
        assert "Enter the name of the record" in html
        assert 'value="City Lab"' in html  # what was typed is kept
        assert case.current_opinion().records.count() == 6

    def test_htmx_error_is_in_the_partial_with_its_summary(self, owner_client, case):
        response = owner_client.post(url("record_add", case), {"name": ""}, **HTMX)
        assert response.status_code == 200
        assert is_partial(response)
        assert b"data-error-summary" in response.content

    def test_the_pages_csrf_token_lets_the_add_through(self, csrf_client, caregiver, case):
        client = csrf_client(caregiver)
        response = post_with_token(
            client, url("records", case), url("record_add", case), {"name": "X"}
        )
        assert response.status_code == 302


class TestEdit:
    def test_edit_form_is_shown_in_the_list(self, owner_client, case):
        record = record_named(case, "Lab results")
        response = owner_client.get(url("record_edit", case, record))
        assert response.status_code == 200
        assert "Edit ‘Lab results’" in response.content.decode()
        partial = owner_client.get(url("record_edit", case, record), **HTMX)
        assert is_partial(partial)
        assert b"data-focus" in partial.content

    def test_caregiver_edits_details(self, caregiver_client, case):
        record = record_named(case, "Lab results")
        version = caregiver_client.get(url("record_edit", case, record)).context["edit_form"]
        version = version.initial["version"]
        data = edit_data(
            record, version, source="St Mary’s lab", format="electronic", requested_on=TODAY
        )
        response = caregiver_client.post(url("record_edit", case, record), data)
        assert response.status_code == 302
        record.refresh_from_db()
        assert record.source == "St Mary’s lab"
        assert record.format == "electronic"
        assert record.requested_on == TODAY

    def test_future_date_and_bad_date_are_refused_at_the_field(self, owner_client, case):
        record = record_named(case, "Lab results")
        version = owner_client.get(url("record_edit", case, record)).context["edit_form"]
        data = edit_data(
            record,
            version.initial["version"],
            received_on=TODAY + dt.timedelta(days=2),
            sent_on="31/02/2026",
            notes="Keep this note",
        )
        response = owner_client.post(url("record_edit", case, record), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Enter a date that is today or in the past" in html
        assert "Enter a real date" in html
        assert "Keep this note" in html
        record.refresh_from_db()
        assert record.notes == ""

    def test_stale_form_is_a_conflict_not_an_overwrite(self, owner_client, caregiver_client, case):
        record = record_named(case, "Lab results")
        edit = url("record_edit", case, record)
        version = owner_client.get(edit).context["edit_form"].initial["version"]
        assert (
            caregiver_client.post(edit, edit_data(record, version, notes="By Bob")).status_code
            == 302
        )
        response = owner_client.post(edit, edit_data(record, version, notes="By Alice"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Someone else changed this" in html
        assert "By Bob" in html and "By Alice" in html
        record.refresh_from_db()
        assert record.notes == "By Bob"

    def test_viewer_cannot_edit(self, viewer_client, case):
        record = record_named(case, "Lab results")
        assert viewer_client.get(url("record_edit", case, record)).status_code == 403
        assert viewer_client.post(url("record_edit", case, record), {}).status_code == 403


class TestRemove:
    def test_confirmation_then_removal_without_javascript(self, owner_client, case):
        record = record_named(case, "Medication list")
        confirm = owner_client.get(url("record_remove", case, record))
        assert confirm.status_code == 200
        assert "Are you sure you want to remove ‘Medication list’" in confirm.content.decode()
        assert RecordItem.objects.filter(pk=record.pk).exists()
        response = owner_client.post(url("record_remove", case, record))
        assert response.status_code == 302
        assert not RecordItem.objects.filter(pk=record.pk).exists()

    def test_htmx_removal_focuses_the_list_heading(self, owner_client, case):
        record = record_named(case, "Medication list")
        response = owner_client.post(url("record_remove", case, record), **HTMX)
        assert announced(response) == "Removed ‘Medication list’"
        assert b'id="record-list-heading" data-focus' in response.content
