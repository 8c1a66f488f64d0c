"""Records-request letters: one per place on the checklist, marked sent, refused when
wrong, reached only by the case's members, and carried in the export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cases import activity, audit
from cases.models import RecordItem, RecordRequest
from cases.models.items import RecordStatus
from cases.models.letters import MAX_LETTERS
from cases.services.letters import start_letter
from tests.factories import make_case
from tests.letters_support import (
    IMAGING,
    LAB,
    SENT,
    checklist,
    letter_url,
    letters_case_of,
    new_letter,
    pretend_today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def letters_case(case):
    return letters_case_of(case)


class TestWritingAndSending:
    def test_the_records_page_offers_one_letter_per_place(self, caregiver_client, letters_case):
        html = caregiver_client.get(reverse("records", args=[letters_case.pk])).content.decode()
        assert "Request letters" in html
        # Two places (the two spellings of the lab are one); the record with none is left out.
        assert html.count('type="hidden" name="source"') == 2
        assert f'value="{LAB}"' in html
        assert f'value="{IMAGING}"' in html

    def test_writing_a_letter_twice_opens_the_same_one(self, caregiver_client, letters_case):
        first = caregiver_client.post(letter_url("letter_create", letters_case), {"source": LAB})
        again = caregiver_client.post(
            letter_url("letter_create", letters_case), {"source": LAB.lower()}
        )
        letter = RecordRequest.objects.get()
        assert first.status_code == again.status_code == 302
        assert (
            first["Location"]
            == again["Location"]
            == letter_url("letter_detail", letters_case, letter)
        )
        assert letter.source == LAB

    def test_a_place_not_on_the_checklist_is_refused(self, caregiver_client, letters_case):
        response = caregiver_client.post(
            letter_url("letter_create", letters_case), {"source": "Somewhere else"}, follow=True
        )
        assert "no longer on the checklist" in response.content.decode()
        assert not RecordRequest.objects.exists()

    def test_letters_per_case_are_bounded(self, caregiver_client, letters_case):
        opinion = letters_case.current_opinion()
        RecordItem.objects.bulk_create(
            RecordItem(opinion=opinion, name=f"Scan {i}", source=f"Clinic {i}", position=10 + i)
            for i in range(MAX_LETTERS)
        )
        for i in range(MAX_LETTERS):
            start_letter(opinion, f"Clinic {i}")
        response = caregiver_client.post(
            letter_url("letter_create", letters_case), {"source": LAB}, follow=True
        )
        assert f"up to {MAX_LETTERS} letters" in response.content.decode()
        assert RecordRequest.objects.count() == MAX_LETTERS

    def test_marking_it_sent_starts_the_clock_and_marks_needed_records_requested(
        self, monkeypatch, caregiver_client, letters_case
    ):
        pretend_today(monkeypatch, dt.date(2026, 10, 13))
        letter = new_letter(letters_case)
        response = caregiver_client.post(
            letter_url("letter_sent", letters_case, letter),
            {"sent_on": "2026-10-01", "sent_how": "portal"},
            follow=True,
        )
        letter.refresh_from_db()
        assert (letter.sent_on, letter.sent_how) == (SENT, "portal")
        html = response.content.decode()
        assert "The answer is due by 31 October 2026" in html
        assert "18 days left" in html
        records = letters_case.current_opinion().records.order_by("position")
        assert [(r.status, r.requested_on) for r in records] == [
            (RecordStatus.REQUESTED, SENT),
            (RecordStatus.REQUESTED, SENT),
            (RecordStatus.NEEDED, None),  # another place
            (RecordStatus.NEEDED, None),
        ]
        # The change is on the activity trail, in words.
        texts = [a.text for a in activity.describe_page(list(audit.for_case(letters_case)))]
        assert any("records request letter" in t for t in texts)

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"sent_on": "", "sent_how": "mail"}, "Enter the date you sent the letter"),
            ({"sent_on": "2026-13-40", "sent_how": "mail"}, "Enter a real date"),
            ({"sent_on": "2099-01-01", "sent_how": "mail"}, "today or in the past"),
            ({"sent_on": "2026-10-01", "sent_how": ""}, "Choose how you sent the letter"),
            ({"sent_on": "2026-10-01", "sent_how": "pigeon"}, "Select a valid choice"),
        ],
    )
    def test_a_bad_answer_is_shown_at_the_field_and_nothing_changes(
        self, caregiver_client, letters_case, data, message
    ):
        letter = new_letter(letters_case)
        response = caregiver_client.post(letter_url("letter_sent", letters_case, letter), data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "error-summary" in html
        assert message in html
        assert "<title>Error:" in html
        letter.refresh_from_db()
        assert letter.sent_on is None

    def test_a_viewer_cannot_write_or_send_and_a_stranger_finds_nothing(
        self, viewer_client, stranger_client, letters_case
    ):
        letter = new_letter(letters_case)
        assert (
            viewer_client.post(
                letter_url("letter_create", letters_case), {"source": LAB}
            ).status_code
            == 403
        )
        sent = {"sent_on": "2026-10-01", "sent_how": "mail"}
        assert (
            viewer_client.post(letter_url("letter_sent", letters_case, letter), sent).status_code
            == 403
        )
        for name in ("letter_detail", "letter_download"):
            assert stranger_client.get(letter_url(name, letters_case, letter)).status_code == 404

    def test_a_letter_of_another_case_is_not_found(self, owner, owner_client, letters_case):
        other = make_case(owner)
        checklist(other)
        theirs = new_letter(other)
        url = reverse("letter_detail", kwargs={"case_id": letters_case.pk, "letter_id": theirs.pk})
        assert owner_client.get(url).status_code == 404

    def test_the_records_page_costs_the_same_queries_with_many_letters(
        self, owner_client, owner, django_assert_max_num_queries
    ):
        few, many = make_case(owner), make_case(owner)
        checklist(few)
        opinion = many.current_opinion()
        RecordItem.objects.bulk_create(
            RecordItem(opinion=opinion, name=f"Scan {i}", source=f"Clinic {i}", position=i)
            for i in range(MAX_LETTERS)
        )
        for i in range(MAX_LETTERS):
            letter = start_letter(opinion, f"Clinic {i}")
            letter.sent_on = SENT
            letter.save()
        for c in (few, many):
            with django_assert_max_num_queries(7):
                assert owner_client.get(reverse("records", args=[c.pk])).status_code == 200
            with django_assert_max_num_queries(12):
                assert owner_client.get(reverse("dashboard")).status_code == 200


class TestExport:
    def test_a_letter_travels_in_the_export_and_validates(self, owner, letters_case):
        from cases.services import portable

        letter = new_letter(letters_case)
        letter.sent_on, letter.sent_how = SENT, "fax"
        letter.save()
        document = portable.case_document(letters_case, exported_by=owner)
        portable.validator().validate(document)
        current = next(o for o in document["opinions"] if o["number"] == 2)
        assert current["letters"] == [
            {
                "source": LAB,
                "sent_on": "2026-10-01",
                "sent_how": "fax",
                "created_at": letter.created_at.astimezone(dt.UTC).isoformat(),
            }
        ]
